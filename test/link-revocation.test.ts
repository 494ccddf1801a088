// What a secure link may still do once it is out: propose a contact correction a few times, not without limit; it
// stops working when the invoice is resent, when AR accepts a contact correction, or when AR revokes it.
import cds from '@sap/cds'
import { issueLink } from '../srv/links'

const API = '/odata/v4/receivables'
const C = 'invoicecrm.crm'
const as = (user: string) => ({ auth: { username: user, password: user } })

const invoice = (ID: string) => ({ ID, type: 'F2', payer_ID: 'L1', soldTo_ID: 'L1', grossAmount: 100, netAmount: 100, currency: 'EUR', companyCode: '1710', isCancelled: false, createdOn: '2026-11-01' })

describe('secure links that are out', () => {
  const { POST, expect, axios } = cds.test(__dirname + '/..')
  const linkTo = async (invoiceId: string) => (await issueLink({ purpose: 'invoiceResponse', invoice: invoiceId, contactEmail: 'ap@links.example' })).token
  /** The customer opening the page with the link: its status (410 once revoked). */
  const open = async (token: string) => (await POST('/rest/respond/view', { token })).status
  const revocations = (invoiceId: string) => SELECT.from(`${C}.TimelineEntries`).where({ invoice_ID: invoiceId, kind: 'linksRevoked' }) as unknown as Promise<{ actor: string; params: string }[]>

  before(async () => {
    axios.defaults.validateStatus = () => true
    // The mails the actions queue are not sent here.
    const notifications = await cds.connect.to('customer-mail')
    notifications.prepend(() => notifications.on('*', () => {}))
    await INSERT.into('invoicecrm.mirror.Customers').entries({ ID: 'L1', name: 'Links AG', billingEmail: 'ap@links.example', language: 'EN' })
    await INSERT.into('invoicecrm.mirror.BillingDocuments').entries(['90000901', '90000902', '90000903', '90000904'].map(invoice))
    await INSERT.into(`${C}.InvoiceConversations`).entries(
      ['90000901', '90000902', '90000903', '90000904'].map(id => ({ invoice_ID: id, customer_ID: 'L1', dispatchStatus: 'sent', sentTo: 'ap@links.example', sentAt: new Date().toISOString() }))
    )
  })

  afterEach(() => void delete (cds.env.requires as unknown as { links: { maxContactProposals?: number } }).links.maxContactProposals)

  it('takes a few contact proposals through one invoice\'s links, then refuses with a clear message', async () => {
    const token = await linkTo('90000901')
    const propose = (n: number) => POST('/rest/respond/proposeContact', { token, name: `Contact ${n}`, email: `contact${n}@links.example` })
    for (const n of [1, 2, 3]) expect((await propose(n)).data).to.include({ status: 'proposed' })
    const refused = await propose(4)
    expect(refused.status).to.equal(409)
    expect(refused.data.error.message).to.match(/proposed 3 contacts already/)
    // Another link to the same invoice for the same contact does not start over.
    expect((await POST('/rest/respond/proposeContact', { token: await linkTo('90000901'), name: 'Contact 5', email: 'contact5@links.example' })).status).to.equal(409)
    expect(await SELECT.from(`${C}.ContactProposals`).where({ invoice_ID: '90000901' })).to.have.length(3)
    // The limit is cds.requires.links.maxContactProposals.
    ;(cds.env.requires as unknown as { links: { maxContactProposals?: number } }).links.maxContactProposals = 4
    expect((await propose(4)).data).to.include({ status: 'proposed' })
  })

  it('revokes the earlier links of an invoice when AR accepts a contact correction from one of them', async () => {
    const token = await linkTo('90000902')
    const other = await linkTo('90000902')
    const elsewhere = await linkTo('90000901')
    await POST('/rest/respond/proposeContact', { token, name: 'Right Person', email: 'right@links.example' })
    const [proposal] = (await SELECT.from(`${C}.ContactProposals`).columns('ID').where({ invoice_ID: '90000902' })) as { ID: string }[]
    expect((await POST(`${API}/ContactProposals(${proposal.ID})/ReceivablesService.accept`, {}, as('clerk'))).status).to.equal(200)
    expect(await open(token)).to.equal(410)
    expect(await open(other)).to.equal(410)
    expect(await open(elsewhere)).to.equal(200)
    expect((await revocations('90000902')).map(r => r.actor)).to.deep.equal(['clerk'])
  })

  it('revokes the earlier links of an invoice when AR resends it', async () => {
    const token = await linkTo('90000903')
    expect(await open(token)).to.equal(200)
    expect((await POST(`${API}/Invoices('90000903')/ReceivablesService.resendInvoice`, {}, as('clerk'))).status).to.equal(200)
    expect(await open(token)).to.equal(410)
    expect((await revocations('90000903')).map(r => r.actor)).to.deep.equal(['clerk'])
  })

  it("lets AR revoke an invoice's links, on the timeline; not the integration admin", async () => {
    const token = await linkTo('90000904')
    const revoke = (user: string) => POST(`${API}/Invoices('90000904')/ReceivablesService.revokeLinks`, {}, as(user))
    expect((await revoke('admin')).status).to.equal(403)
    expect(await open(token)).to.equal(200)
    expect((await revoke('manager')).status).to.equal(200)
    expect(await open(token)).to.equal(410)
    const [entry] = await revocations('90000904')
    expect(entry).to.include({ actor: 'manager' })
    expect(JSON.parse(entry.params)).to.deep.equal({ count: 1, why: 'revokedByAR' })
    const again = await revoke('clerk')
    expect(again.status).to.equal(409)
    expect(again.data.error.message).to.match(/no link that still works/)
  })
})
