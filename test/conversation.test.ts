// The customer conversation end to end, over HTTP with real parts: S/4HANA simulator → sync → dispatch through
// the persistent queue → a real SMTP server on loopback → the link in the mail → confirm / dispute → survey,
// and AR working the dispute through its statuses.
import cds from '@sap/cds'
import type { ParsedMail } from 'mailparser'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'
import { eventually } from './support'
import { runSync } from '../srv/sync'
import { followUpsDone } from '../srv/crm/workflows'
import { s4Settings } from '../srv/s4/destination'
import { issueLink, revokeLinks } from '../srv/links'
import { resetFailures } from '../srv/links/rate-limit'

const C = 'invoicecrm.crm'
const RESPOND = '/rest/respond'

const tokenIn = (mail: ParsedMail) => /\/respond\/#t=([A-Za-z0-9._-]+)/.exec(mail.text ?? '')?.[1]
const recipient = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0].address!

describe('customer conversation, end to end', () => {
  const { POST, expect, axios } = cds.test(__dirname + '/..')
  const clerk = { auth: { username: 'clerk', password: 'clerk' } }
  const settings = s4Settings()
  const original = { url: settings.url, crm: JSON.parse(JSON.stringify(cds.env.requires.crm)), mail: { ...cds.env.requires.mail } }
  let sim: Simulator
  let smtp: TestSmtpServer
  let bouncing: string
  let silent: string
  let invoiceMails: ParsedMail[]
  const used = new Set<ParsedMail>()
  /** Each test talks about an invoice no other test touched. */
  const freshMail = (where: (m: ParsedMail) => boolean = () => true) => {
    const mail = invoiceMails.find(m => !used.has(m) && where(m))!
    used.add(mail)
    return mail
  }

  /** A customer's answer through the public service; resolves to status and body, whatever the status. */
  const respond = (action: string, body: Record<string, unknown>) =>
    POST(`${RESPOND}/${action}`, body).then(
      r => ({ status: r.status, data: r.data }),
      (e: { response: { status: number; data: unknown } }) => ({ status: e.response.status, data: e.response.data })
    )

  before(async () => {
    axios.defaults.validateStatus = status => status < 300
    sim = createSimulator({ volume: 'small', seed: 11 })
    // One customer without an e-mail address in S/4HANA, one whose mailbox does not exist.
    const [noMail, bounce] = [...new Set(sim.store.table('A_BillingDocument').rows.map(d => d.PayerParty as string))]
    const emailsOf = (partner: string) => {
      const addresses = new Set(sim.store.table('A_BusinessPartnerAddress').rows.filter(a => a.BusinessPartner === partner).map(a => a.AddressID))
      return sim.store.table('A_AddressEmailAddress').rows.filter(e => addresses.has(e.AddressID))
    }
    for (const email of emailsOf(noMail)) sim.changes.remove('A_AddressEmailAddress', email)
    silent = noMail
    bouncing = emailsOf(bounce).find(e => e.IsDefaultEmailAddress)!.EmailAddress as string
    smtp = await startSmtpServer({ rejectRecipients: new RegExp(`^${bouncing.replace(/[.+]/g, '\\$&')}$`, 'i') })
    settings.url = await sim.listen(0)
    cds.env.requires.mail = { ...cds.env.requires.mail, smtp: { host: '127.0.0.1', port: smtp.port, secure: false } }
    Object.assign(cds.env.requires.crm.dispatch, { since: '2000-01-01', retryDelayMs: 100 })
    // Surveys right after the invoice mail, so that this test sees them (test/dispatch.test.ts checks the distance).
    Object.assign(cds.env.requires.crm.surveys, { minHoursAfterInvoiceMail: 0 })
    // The very first mail meets a busy server and must be retried.
    smtp.failNext(1)
    await runSync('all')
  })

  after(async () => {
    Object.assign(settings, { url: original.url })
    cds.env.requires.crm = original.crm
    cds.env.requires.mail = original.mail
    await smtp?.close()
    await sim?.close()
  })

  beforeEach(() => resetFailures())

  it('sends every new invoice to its billing contact, retries a failed send, lists customers without an address', async () => {
    type Row = { invoice_ID: string; customer_ID: string; dispatchStatus: string; dispatchAttempts: number }
    const conversations = async () => (await SELECT.from(`${C}.InvoiceConversations`)) as Row[]
    const all = await eventually('every invoice mail handled', async () => {
      const rows = await conversations()
      return rows.length > 0 && rows.every(c => !['pending', 'failed'].includes(c.dispatchStatus)) ? rows : undefined
    }, 20_000)
    // Invoice mails carry the PDF; the others are survey invitations for invoices paid meanwhile.
    invoiceMails = smtp.messages.filter(m => tokenIn(m) && m.attachments.length)
    expect(invoiceMails.length).to.equal(all.filter(c => c.dispatchStatus === 'sent').length)
    const mirrored = await SELECT.from('invoicecrm.mirror.BillingDocuments').where({ isCancelled: false, cancelledDocument: '' })
    expect(all.length, 'every valid invoice was taken up once').to.equal(mirrored.length)
    const withoutAddress = all.filter(c => c.customer_ID === silent)
    expect(withoutAddress.length).to.be.greaterThan(0)
    expect(withoutAddress.every(c => c.dispatchStatus === 'noEmail')).to.equal(true)

    // The first mail met a busy server (451): recorded as failed, then sent (or bounced) by the retry.
    const failed = await SELECT.from(`${C}.TimelineEntries`).columns('invoice_ID').where({ kind: 'mailFailed' })
    expect(failed).to.have.length(1)
    const retried = all.find(c => c.invoice_ID === failed[0].invoice_ID)!
    expect(retried.dispatchAttempts).to.equal(2)
    const kinds = (await SELECT.from(`${C}.TimelineEntries`).columns('kind').where({ invoice_ID: retried.invoice_ID }).orderBy('at')).map((t: { kind: string }) => t.kind)
    expect(kinds.slice(0, 2)).to.deep.equal(['mailFailed', retried.dispatchStatus === 'sent' ? 'mailSent' : 'mailBounced'])

    const { data } = await axios.get(`/odata/v4/receivables/Conversations?$filter=dispatchStatus eq 'noEmail'`, clerk)
    expect(data.value.length).to.equal(withoutAddress.length)
  })

  it('records a mailbox that does not exist as bounced, without retrying', async () => {
    const bounced = (await SELECT.from(`${C}.InvoiceConversations`).where({ dispatchStatus: 'bounced' })) as { invoice_ID: string; bouncedAt: string; dispatchError: string }[]
    expect(bounced.length).to.be.greaterThan(0)
    expect(bounced.every(b => b.bouncedAt && /550/.test(b.dispatchError))).to.equal(true)
    for (const { invoice_ID } of bounced) {
      const kinds = (await SELECT.from(`${C}.TimelineEntries`).columns('kind').where({ invoice_ID, kind: { like: 'mail%' } })).map((t: { kind: string }) => t.kind)
      expect(kinds.filter((k: string) => k === 'mailBounced'), invoice_ID).to.have.length(1)
      expect(kinds).not.to.include('mailSent')
    }
    expect(smtp.messages.some(m => recipient(m).toLowerCase() === bouncing.toLowerCase())).to.equal(false)
  })

  it('mails the invoice in the customer language with the PDF from S/4HANA and a link that opens it', async () => {
    const mail = freshMail()
    const pdf = mail.attachments.find(a => a.contentType === 'application/pdf')
    expect(pdf?.content.subarray(0, 5).toString()).to.equal('%PDF-')
    const view = await respond('view', { token: tokenIn(mail) })
    expect(view.status).to.equal(200)
    expect(view.data.purpose).to.equal('invoiceResponse')
    expect(mail.subject).to.contain(view.data.invoice.number)
    expect(view.data.invoice.items.length).to.be.greaterThan(0)
    const conversation = await SELECT.one.from(`${C}.InvoiceConversations`).where({ invoice_ID: view.data.invoice.number })
    expect(conversation.openedAt).to.be.a('string')
    // Below it, the customer's account page: the invoice among its open or paid ones.
    const accountToken = [...(mail.text ?? '').matchAll(/\/respond\/#t=([A-Za-z0-9._-]+)/g)].map(m => m[1]).find(t => t !== tokenIn(mail))
    const account = await respond('view', { token: accountToken })
    expect([account.status, account.data.purpose]).to.deep.equal([200, 'account'])
    const listed = [...account.data.account.openInvoices.items, ...account.data.account.paidInvoices.items].map((i: { number: string }) => i.number)
    expect(listed).to.include(view.data.invoice.number)
  })

  it('takes a confirmation once, with who, when and from where, and then asks for feedback', async () => {
    // A contact is asked at most once a month: take one who was not asked yet. The sync's follow-ups invite the
    // contacts of paid invoices; an invitation counts from when it is made, not from when its mail arrives.
    await followUpsDone()
    const invited = (await SELECT.from(`${C}.SurveyInvitations`).columns('contactEmail')) as { contactEmail: string }[]
    const surveyed = new Set(invited.map(i => i.contactEmail.toLowerCase()))
    const mail = freshMail(m => !surveyed.has(recipient(m).toLowerCase()))
    const token = tokenIn(mail)
    const { data: view } = await respond('view', { token })
    const first = await respond('confirm', { token })
    expect(first).to.deep.include({ status: 200 })
    expect(first.data.status).to.equal('confirmed')
    const again = await respond('confirm', { token })
    expect(again.data).to.deep.include({ status: 'alreadyConfirmed', at: first.data.at })
    const conversation = await SELECT.one.from(`${C}.InvoiceConversations`).where({ invoice_ID: view.invoice.number })
    expect(conversation).to.include({ confirmedBy: recipient(mail), confirmationChannel: 'web', confirmedAt: first.data.at })
    expect(conversation.confirmedFrom).to.match(/127\.0\.0\.1|::1/)

    // This invoice's invitation (its number in the subject): a survey of another, paid invoice of the same contact may
    // arrive meanwhile, from the sync's follow-ups.
    const survey = await eventually('the survey invitation', async () =>
      smtp.messages.find(m => m !== mail && recipient(m) === recipient(mail) && !invoiceMails.includes(m) && m.subject?.includes(view.invoice.number))
    )
    const surveyToken = tokenIn(survey)!
    expect((await respond('view', { token: surveyToken })).data.purpose).to.equal('survey')
    const answer = await respond('answerSurvey', { token: surveyToken, csat: 2, nps: 3, comment: 'Took three calls to sort out.' })
    expect(answer.data.status).to.equal('answered')
    expect((await respond('answerSurvey', { token: surveyToken, csat: 5 })).data.status).to.equal('alreadyAnswered')
    const tasks = await SELECT.from(`${C}.FollowUpTasks`).where({ invoice_ID: view.invoice.number })
    expect(tasks).to.have.length(1)
    expect(tasks[0].reason).to.contain('2 of 5')
  })

  it('takes a dispute of chosen lines once, and lets AR work it through the allowed statuses only', async () => {
    const mail = freshMail()
    const token = tokenIn(mail)
    const { data: view } = await respond('view', { token })
    const [line1, line2] = view.invoice.items as { item: string; netAmount: string }[]
    const disputed = await respond('dispute', {
      token,
      reason: 'wrongPrice',
      comment: 'Price list of March applies.',
      lines: [{ item: line1.item, amount: Number(line1.netAmount) / 2 }, { item: line2?.item ?? line1.item, quantity: 1 }].slice(0, line2 ? 2 : 1),
    })
    expect(disputed.data.status).to.equal('disputed')
    expect((await respond('dispute', { token, reason: 'other' })).data.status).to.equal('alreadyDisputed')
    const dispute = await SELECT.one.from(`${C}.Disputes`).where({ invoice_ID: view.invoice.number })
    expect(dispute).to.include({ status: 'Open', reason: 'wrongPrice', source: 'web', raisedBy: recipient(mail), wholeInvoice: false })
    expect(Date.parse(dispute.slaDueAt) - Date.parse(dispute.createdAt)).to.equal(10 * 86_400_000)
    // A disputed invoice is not confirmed meanwhile.
    expect((await respond('confirm', { token })).status).to.equal(409)

    const action = (name: string, body: object = {}) =>
      axios.post(`/odata/v4/receivables/Disputes(${dispute.ID})/ReceivablesService.${name}`, body, clerk).then(
        r => r.status,
        (e: { response: { status: number } }) => e.response.status
      )
    expect(await action('close')).to.equal(409)
    expect(await action('resolveDispute', { outcome: 'rejected', resolution: 'x' })).to.equal(409)
    expect(await action('startProcessing')).to.equal(200)
    expect(await action('resolveDispute', { outcome: 'rejected' })).to.equal(400)
    expect(await action('resolveDispute', { outcome: 'rejected', resolution: 'The March price list was superseded on 1 April.' })).to.equal(200)
    const resolution = await eventually('the resolution mail', async () => smtp.messages.find(m => recipient(m) === recipient(mail) && /superseded/.test(m.text ?? '')))
    expect(resolution.subject).to.contain(view.invoice.number)
    expect(await action('close')).to.equal(200)
    expect(await action('startProcessing')).to.equal(409)
    expect((await SELECT.one.from(`${C}.Disputes`).where({ ID: dispute.ID })).status).to.equal('Closed')
    const timeline = (await SELECT.from(`${C}.TimelineEntries`).columns('kind').where({ dispute_ID: dispute.ID })).map((t: { kind: string }) => t.kind)
    expect(timeline.filter((k: string) => k === 'disputeStatus')).to.have.length(4)
  })

  it('refuses forged, wrong-purpose, expired and revoked links with a clear error and no change', async () => {
    const mail = freshMail()
    const token = tokenIn(mail)!
    const { data: view } = await respond('view', { token })
    const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
    const { token: survey } = await issueLink({ purpose: 'survey', invitation: cds.utils.uuid(), contactEmail: 'ap@example.com' })
    const { token: expired } = await issueLink({ purpose: 'invoiceResponse', invoice: view.invoice.number, contactEmail: 'ap@example.com', validDays: -1 })
    const { token: revoked, linkId } = await issueLink({ purpose: 'invoiceResponse', invoice: view.invoice.number, contactEmail: 'ap@example.com' })
    await revokeLinks({ linkId })
    for (const [attack, status] of [[forged, 403], [survey, 403], [expired, 410], [revoked, 410]] as const) {
      const answer = await respond('confirm', { token: attack })
      expect(answer.status, String(attack)).to.equal(status)
      expect(JSON.stringify(answer.data)).to.match(/link/i).and.not.to.contain(view.invoice.number)
    }
    expect((await respond('confirm', { token: '' })).status).to.equal(400)
    const conversation = await SELECT.one.from(`${C}.InvoiceConversations`).where({ invoice_ID: view.invoice.number })
    expect(conversation.confirmedAt).to.equal(null)
  })

  it('lets a clerk record a confirmation received by phone, and no one else', async () => {
    const mail = freshMail()
    const { data: view } = await respond('view', { token: tokenIn(mail) })
    const url = `/odata/v4/receivables/Invoices('${view.invoice.number}')/ReceivablesService.recordConfirmation`
    const asAdmin = await axios.post(url, { source: 'phone' }, { auth: { username: 'admin', password: 'admin' } }).then(r => r.status, (e: { response: { status: number } }) => e.response.status)
    expect(asAdmin).to.equal(403)
    const { data } = await axios.post(url, { source: 'phone', note: 'Called on Monday' }, clerk)
    expect(data).to.include({ confirmedBy: 'clerk', confirmationChannel: 'phone', confirmationNote: 'Called on Monday' })
    const { data: timeline } = await axios.get(`/odata/v4/receivables/Invoices('${view.invoice.number}')/timeline?$orderby=at`, clerk)
    expect(timeline.value.map((t: { kind: string }) => t.kind)).to.include.members(['mailSent', 'linkOpened', 'confirmed'])
  })

  it('lets a clerk record a dispute received by e-mail and comment on it internally', async () => {
    const { data: view } = await respond('view', { token: tokenIn(freshMail()) })
    const base = `/odata/v4/receivables/Invoices('${view.invoice.number}')/ReceivablesService`
    const invalid = await axios.post(`${base}.recordDispute`, { source: 'email', reason: 'becauseISaySo' }, clerk).then(r => r.status, (e: { response: { status: number } }) => e.response.status)
    expect(invalid).to.equal(400)
    const { data: dispute } = await axios.post(`${base}.recordDispute`, { source: 'email', reason: 'notReceived', comment: 'Pallet 3 missing', amount: 10 }, clerk)
    expect(dispute).to.include({ source: 'email', raisedBy: 'clerk', reason: 'notReceived', status: 'Open' })
    expect(Number(dispute.disputedAmount)).to.equal(10)
    await axios.post(`/odata/v4/receivables/Disputes(${dispute.ID})/ReceivablesService.addComment`, { text: 'Checked with the carrier', internal: true }, clerk)
    const { data: comments } = await axios.get(`/odata/v4/receivables/Disputes(${dispute.ID})/comments?$orderby=createdAt`, clerk)
    expect(comments.value.map((c: { text: string; internal: boolean }) => [c.text, c.internal])).to.deep.equal([
      ['Pallet 3 missing', false],
      ['Checked with the carrier', true],
    ])
  })
})
