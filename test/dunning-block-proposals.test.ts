// A final notice whose step escalates to a dunning block, end to end with the real parts (the S/4HANA simulator over
// HTTP, the persistent queue, an SMTP server on loopback): the reminder run sends it, the mail going out proposes a
// dunning block for the customer's company code and gives the collector a task; an AR manager (not a clerk) approves
// it, and the write-back blocks dunning in S/4HANA as a dispute's escalation does; closing an escalated dispute of
// the same customer meanwhile leaves the block alone, and lifting the approved block lifts it in S/4HANA. A proposal
// is decided once: a rejection needs a reason (its parameter is mandatory), and a second decision is refused.
import cds from '@sap/cds'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { eventually } from './support'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'
import { runSync } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'
import { useClock } from '../srv/collections/clock'
import { collectionsSettings } from '../srv/collections/settings'
import { runReminders } from '../srv/collections/reminder-run'

const M = 'invoicecrm.mirror'
const K = 'invoicecrm.collections'
const W = 'invoicecrm.writeback'
const API = '/odata/v4/collections'
const RECEIVABLES = '/odata/v4/receivables'
/** A Wednesday noon: a working day in business hours around the clock. */
const NOON = new Date('2027-03-03T12:00:00Z')
const DUE = '2027-02-19'
const FAR = '9999-12-31'

describe('a dunning block proposed by a final notice', function () {
  this.timeout(120_000)
  const { GET, POST, expect } = cds.test(__dirname + '/..')
  const as = (user: string) => ({ auth: { username: user, password: user } })
  const settings = s4Settings()
  const original = { url: settings.url, mail: { ...cds.env.requires.mail }, businessHours: collectionsSettings().businessHours }
  let sim: Simulator
  let smtp: TestSmtpServer
  let customer: string
  let invoice: string
  let companyCode: string

  const failure = (request: Promise<unknown>) =>
    request.then(
      () => ({ status: 200, message: '' }),
      (e: { response: { status: number; data?: { error?: { message?: string } } } }) => ({ status: e.response.status, message: e.response.data?.error?.message ?? '' })
    )
  const blockInS4 = () => sim.store.table('A_CustomerDunning').rows.filter(r => r.Customer === customer && r.CompanyCode === companyCode).map(r => r.DunningBlock)
  const operations = (event: string) => SELECT.from(`${W}.WriteBackOperations`).columns('status', 'result', 'target').where({ customer_ID: customer, event }) as unknown as Promise<{ status: string; result: string; target: string }[]>
  const settled = () => eventually('the write-back to settle', async () => !(await SELECT.one.from(`${W}.WriteBackOperations`).where({ status: 'Pending' })), 30_000)
  const proposals = () => SELECT.from(`${K}.DunningBlockProposals`).columns('ID', 'status', 'companyCode', 'invoice_ID', 'decidedBy', 'note', 'liftedBy').where({ customer_ID: customer })
  const act = (id: string, action: string, body: object, user = 'manager') => POST(`${API}/DunningBlockProposals(${id})/CollectionsService.${action}`, body, as(user))

  before(async () => {
    sim = createSimulator({ volume: { customers: 12, salesOrders: 30, billingDocuments: 40 } as never, seed: 31 })
    settings.url = await sim.listen(0)
    smtp = await startSmtpServer()
    cds.env.requires.mail = { ...cds.env.requires.mail, smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true } }
    collectionsSettings().businessHours = { start: 0, end: 24 }
    useClock(() => NOON)
    await runSync('all')
    // A customer with a billing address and an unblocked dunning record in S/4, and one of its invoices.
    const dunning = sim.store.table('A_CustomerDunning').rows.filter(r => !r.DunningBlock)
    const candidates = (await SELECT.from(`${M}.BillingDocuments`).columns('ID', 'payer_ID', 'companyCode').where({ isCancelled: false }).orderBy('ID')) as { ID: string; payer_ID: string; companyCode: string }[]
    const withAddress = new Set(((await SELECT.from(`${M}.Customers`).columns('ID').where({ billingEmail: { '!=': null }, isBlocked: false })) as { ID: string }[]).map(c => c.ID))
    const chosen = candidates.find(c => withAddress.has(c.payer_ID) && dunning.some(d => d.Customer === c.payer_ID && d.CompanyCode === c.companyCode))
    expect(chosen, 'a customer to remind').to.not.equal(undefined)
    ;({ ID: invoice, payer_ID: customer, companyCode } = chosen!)
    // Only this invoice is open, 12 days overdue; the customer follows a policy of one final step.
    await UPDATE('invoicecrm.mirror.BillingDocuments').set({ isCleared: true, openAmount: 0, openDueDate: FAR })
    await UPDATE('invoicecrm.mirror.BillingDocuments', invoice).set({ isCleared: false, openAmount: { ref: ['grossAmount'] }, netDueDate: DUE, openDueDate: DUE })
    const policy = cds.utils.uuid()
    await INSERT.into(`${K}.ReminderPolicies`).entries({ ID: policy, name: 'Straight to collections' })
    await INSERT.into(`${K}.ReminderSteps`).entries({ ID: cds.utils.uuid(), policy_ID: policy, offsetDays: 10, level: 1, tone: 'final', escalation: 'dunningBlock' })
    await UPSERT.into(`${K}.CustomerCollections`).entries({ customer_ID: customer, policy_ID: policy })
  })

  after(async () => {
    useClock()
    Object.assign(settings, { url: original.url })
    cds.env.requires.mail = original.mail
    collectionsSettings().businessHours = original.businessHours
    await smtp?.close()
    await sim?.close()
  })

  it('proposes the block when the final notice goes out, and gives the collector a task', async () => {
    const run = await runReminders({ trigger: 'manual' })
    expect(run.mailsQueued).to.equal(1)
    await eventually('the final notice to be sent', async () => (await SELECT.one.from(`${K}.ReminderMails`).columns('status').where({ customer_ID: customer }))?.status === 'sent', 30_000)
    expect(await proposals()).to.deep.equal([{ ID: (await proposals())[0].ID, status: 'proposed', companyCode, invoice_ID: invoice, decidedBy: null, note: null, liftedBy: null }])
    expect(await SELECT.from('invoicecrm.crm.FollowUpTasks').columns('invoice_ID').where({ customer_ID: customer })).to.deep.equal([{ invoice_ID: invoice }])
    expect(await SELECT.from('invoicecrm.crm.TimelineEntries').columns('message').where({ customer_ID: customer, kind: 'dunningBlock' })).to.deep.equal([{ message: 'TIMELINE_DUNNING_BLOCK_PROPOSED' }])
    const { data } = await GET(`${API}/Worklist?$filter=dunningBlockProposed eq true&$select=customer_ID`, as('manager'))
    expect(data.value).to.deep.equal([{ customer_ID: customer }])
    expect(blockInS4()).to.deep.equal([''])
  })

  it('blocks dunning in S/4HANA once an AR manager approves, and only once', async () => {
    const [proposal] = await proposals()
    expect((await failure(act(proposal.ID, 'approveBlock', {}, 'clerk'))).status, 'a clerk').to.equal(403)
    await act(proposal.ID, 'approveBlock', { note: 'Handed to our collection agency' })
    const again = await failure(act(proposal.ID, 'approveBlock', {}))
    expect(again).to.deep.equal({ status: 409, message: `The dunning block of customer ${customer} is no longer proposed: someone decided on it meanwhile.` })
    await settled()
    expect(await proposals()).to.deep.include({ ID: proposal.ID, status: 'approved', companyCode, invoice_ID: invoice, decidedBy: 'manager', note: 'Handed to our collection agency', liftedBy: null })
    const [blocked] = await operations('escalated')
    expect(blocked).to.include({ target: 'dunningBlock', status: 'Delivered' })
    expect(blockInS4()).to.deep.equal(['D'])
    const mirrored = (await SELECT.from(`${M}.CustomerDunning`).columns('dunningBlock').where({ customer_ID: customer, companyCode })) as { dunningBlock: string }[]
    expect(mirrored.map(d => d.dunningBlock)).to.deep.equal(['D'])
  })

  it('keeps the block when an escalated dispute of the customer closes, and lifts it with the approved block', async () => {
    const dispute = (await POST(`${RECEIVABLES}/Invoices('${invoice}')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'wrongPrice' }, as('clerk'))).data.ID as string
    const step = (action: string, body: object = {}, user = 'clerk') => POST(`${RECEIVABLES}/Disputes(ID=${dispute},IsActiveEntity=true)/ReceivablesService.${action}`, body, as(user))
    await step('escalate', { reason: 'Legal action announced' }, 'manager')
    await step('startProcessing')
    await step('resolveDispute', { outcome: 'rejected', resolution: 'Price as agreed' })
    await step('close')
    await settled()
    expect(await operations('escalationLifted'), 'the approved block still holds it').to.deep.equal([])
    expect(blockInS4()).to.deep.equal(['D'])

    const [proposal] = await proposals()
    expect((await failure(act(proposal.ID, 'liftBlock', {}, 'clerk'))).status, 'a clerk').to.equal(403)
    await act(proposal.ID, 'liftBlock', { note: 'Paid through the agency' })
    await settled()
    const [lifted] = await operations('escalationLifted')
    expect(lifted).to.include({ target: 'dunningBlock', status: 'Delivered' })
    expect(blockInS4()).to.deep.equal([''])
    expect(await proposals()).to.deep.include({ ID: proposal.ID, status: 'lifted', companyCode, invoice_ID: invoice, decidedBy: 'manager', note: 'Handed to our collection agency', liftedBy: 'manager' })
    expect((await failure(act(proposal.ID, 'liftBlock', {}))).status, 'lifted already').to.equal(409)
    const timeline = (await SELECT.from('invoicecrm.crm.TimelineEntries').columns('message').where({ customer_ID: customer, kind: 'dunningBlock' }).orderBy('at')) as { message: string }[]
    expect(timeline.map(t => t.message)).to.deep.equal(['TIMELINE_DUNNING_BLOCK_PROPOSED', 'TIMELINE_DUNNING_BLOCK_APPROVED', 'TIMELINE_DUNNING_BLOCK_LIFTED'])
  })

  it('takes a rejection with its reason only, and then nothing else', async () => {
    const ID = cds.utils.uuid()
    const written = (await operations('escalated')).length
    await INSERT.into(`${K}.DunningBlockProposals`).entries({ ID, customer_ID: customer, companyCode: 'XXXX', invoice_ID: invoice, status: 'proposed' })
    const unexplained = await failure(act(ID, 'rejectBlock', { note: ' ' }))
    expect(unexplained).to.deep.equal({ status: 400, message: 'Provide the missing value.' })
    await act(ID, 'rejectBlock', { note: 'The customer pays by instalments' })
    expect(await SELECT.one.from(`${K}.DunningBlockProposals`).columns('status', 'note').where({ ID })).to.deep.equal({ status: 'rejected', note: 'The customer pays by instalments' })
    for (const action of ['approveBlock', 'liftBlock']) expect((await failure(act(ID, action, {}))).status, action).to.equal(409)
    expect(await operations('escalated'), 'nothing written for it').to.have.length(written)
  })
})
