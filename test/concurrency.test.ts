// What happens at the same moment, on a database with more than one connection (npm run test:pg) as on SQLite:
// a customer's dispute and a clerk's recordDispute of the same invoice, a confirmation and a dispute, two survey
// triggers for one contact, and 200 customers answering at once. Over HTTP against the real app, with the mirror
// filled from the S/4HANA simulator; the customers' requests come from loopback addresses of their own (127.88.x.y),
// as the per-client limit of srv/server.ts would otherwise answer them.
import http from 'node:http'
import cds from '@sap/cds'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { runSync } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'
import { followUpsDone } from '../srv/crm/workflows'
import { issueLink } from '../srv/links'
import { inviteToSurvey } from '../srv/crm/surveys'
import { eventually } from './support'

const M = 'invoicecrm.mirror'
const C = 'invoicecrm.crm'
const W = 'invoicecrm.writeback'
const ANSWERS = 200
const RACES = 8

interface Answer { status: number; retryAfter?: string; body: string; ms: number }

let address = 0
/** A POST from a loopback address of its own: to the server, another client. */
function post(port: number, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const n = ++address
  const localAddress = `127.88.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`
  const payload = JSON.stringify(body)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path, localAddress, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      res => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', chunk => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: text, ms: performance.now() - started }))
      }
    )
    req.on('error', reject)
    req.end(payload)
  })
}

describe('at the same moment (races and load)', function () {
  this.timeout(300_000)
  const test = cds.test(__dirname + '/..')
  const { expect } = test
  const settings = s4Settings()
  const original = { url: settings.url, dispatch: { ...cds.env.requires.crm.dispatch } }
  const clerk = { auth: { username: 'clerk', password: 'clerk' }, validateStatus: () => true }
  let sim: Simulator
  let port: number
  /** Invoices with a billing contact, each used by one test only. */
  let invoices: { ID: string; email: string; customer: string }[]

  const take = (n: number) => invoices.splice(0, n)
  /** A 2xx (or one of the statuses named), or on a saturated machine 503 with Retry-After; never anything else. */
  const expectAnsweredOrBusy = (answer: { status: number; headers?: Record<string, unknown>; retryAfter?: string; data?: unknown; body?: string }, also: number[] = []) => {
    if (answer.status === 503) expect(Number(answer.retryAfter ?? answer.headers?.['retry-after']), 'Retry-After').to.be.greaterThan(0)
    else if (!also.includes(answer.status)) expect(answer.status, answer.body ?? JSON.stringify(answer.data)).to.be.within(200, 299)
  }
  const tokenFor = async (invoice: { ID: string; email: string }) => (await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: invoice.email })).token
  const recordDispute = (invoice: string) =>
    test.POST(`/odata/v4/receivables/Invoices('${invoice}')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'wrongPrice' }, clerk)
  const openDisputes = async (invoice: string) => (await SELECT.from(`${C}.Disputes`).columns('ID').where({ invoice_ID: invoice, status: { '!=': 'Closed' } })) as { ID: string }[]
  const timeline = async (invoice: string, kind: string) => (await SELECT.from(`${C}.TimelineEntries`).columns('message').where({ invoice_ID: invoice, kind })) as { message: string }[]
  const conversation = async (invoice: string) => (await SELECT.one.from(`${C}.InvoiceConversations`).where({ invoice_ID: invoice })) as { confirmedAt: string | null } | undefined

  before(async () => {
    // No invoice mails: the customers answer through links issued here.
    Object.assign(cds.env.requires.crm.dispatch, { since: null, sinceDays: null })
    sim = createSimulator({ volume: { customers: 40, salesOrders: 160, billingDocuments: 320 }, seed: 21 })
    settings.url = await sim.listen(0)
    const summaries = await runSync('all')
    if (summaries.some(s => s.status !== 'succeeded')) throw new Error(`the sync failed: ${JSON.stringify(summaries)}`)
    await followUpsDone()
    port = Number(new URL(test.axios.defaults.baseURL!).port)
    const emails = new Map(((await SELECT.from(`${M}.Customers`).columns('ID', 'billingEmail')) as { ID: string; billingEmail: string | null }[]).map(c => [c.ID, c.billingEmail]))
    const documents = (await SELECT.from(`${M}.BillingDocuments`).columns('ID', 'payer_ID', 'isCancelled', 'cancelledDocument').orderBy('ID')) as {
      ID: string
      payer_ID: string
      isCancelled: boolean | null
      cancelledDocument: string | null
    }[]
    invoices = documents
      .filter(d => !d.isCancelled && !d.cancelledDocument && emails.get(d.payer_ID))
      .map(d => ({ ID: d.ID, email: emails.get(d.payer_ID)!, customer: d.payer_ID }))
    const needed = ANSWERS + 3 * RACES
    if (invoices.length < needed) throw new Error(`the simulator gave ${invoices.length} invoices with a billing contact (of ${documents.length}, ${emails.size} customers), ${needed} needed`)
  })

  after(async () => {
    Object.assign(cds.env.requires.crm.dispatch, original.dispatch)
    settings.url = original.url
    await sim?.close()
  })

  it('gives an invoice one open dispute when the customer and a clerk raise one at once, written back once', async () => {
    const raced = take(RACES)
    const tokens = await Promise.all(raced.map(tokenFor))
    const answers = await Promise.all(
      raced.flatMap((invoice, i) => [post(port, '/rest/respond/dispute', { token: tokens[i], reason: 'wrongQuantity' }), recordDispute(invoice.ID)])
    )
    for (const answer of answers) expectAnsweredOrBusy(answer)
    for (const [i, invoice] of raced.entries()) {
      // Both told to come back later (a saturated machine): nothing to compare.
      if (answers.slice(2 * i, 2 * i + 2).every(a => a.status === 503)) continue
      const open = await openDisputes(invoice.ID)
      expect(open, `open disputes of invoice ${invoice.ID}`).to.have.length(1)
      expect(await timeline(invoice.ID, 'disputed')).to.have.length(1)
      const operations = (await SELECT.from(`${W}.WriteBackOperations`).columns('dispute_ID', 'target').where({ invoice_ID: invoice.ID, event: 'disputed' })) as {
        dispute_ID: string
        target: string
      }[]
      expect(operations.length, 'write-back operations of the dispute').to.be.greaterThan(0)
      expect(new Set(operations.map(o => o.dispute_ID)), 'disputes written back').to.deep.equal(new Set([open[0].ID]))
      expect(operations.map(o => o.target), 'one operation per target').to.have.length(new Set(operations.map(o => o.target)).size)
    }
  })

  it('takes a step of the dispute flow once when two clerks take it at the same moment: one answer, one mail, one write-back', async () => {
    const raced = take(RACES)
    // The resolution mails are recorded here when the queue delivers them, not sent.
    const mailed: string[] = []
    const customerMail = await cds.connect.to('customer-mail')
    customerMail.prepend(() => customerMail.on('disputeResolved', req => void mailed.push((req.data as { dispute: string }).dispute)))
    const disputes: string[] = []
    for (const invoice of raced) {
      const { data } = await recordDispute(invoice.ID)
      await test.POST(`/odata/v4/receivables/Disputes(ID=${data.ID},IsActiveEntity=true)/ReceivablesService.startProcessing`, {}, clerk)
      disputes.push(data.ID)
    }
    const resolve = (dispute: string) =>
      test.POST(`/odata/v4/receivables/Disputes(ID=${dispute},IsActiveEntity=true)/ReceivablesService.resolveDispute`, { outcome: 'accepted', resolution: 'Credit memo follows' }, clerk)
    const answers = await Promise.all(disputes.flatMap(dispute => [resolve(dispute), resolve(dispute)]))
    for (const answer of answers) expectAnsweredOrBusy(answer, [409])
    for (const [i, invoice] of raced.entries()) {
      const pair = answers.slice(2 * i, 2 * i + 2).map(a => a.status)
      if (pair.includes(503)) continue
      expect(pair.sort(), `the answers to resolving dispute ${disputes[i]} twice`).to.deep.equal([200, 409])
      expect(await timeline(invoice.ID, 'disputeStatus'), 'status entries of the timeline').to.have.length(2)
      const operations = (await SELECT.from(`${W}.WriteBackOperations`).columns('target').where({ dispute_ID: disputes[i], event: 'disputeResolved' })) as { target: string }[]
      expect(operations.length, 'write-back operations of the resolution').to.be.greaterThan(0)
      expect(operations.map(o => o.target), 'one operation per target').to.have.length(new Set(operations.map(o => o.target)).size)
    }
    const resolved = disputes.filter((_, i) => answers.slice(2 * i, 2 * i + 2).some(a => a.status === 200))
    // Queued in the transaction of the step: once the queue is empty, every mail there was to send is delivered.
    const queued = async () => (await SELECT.from('cds.outbox.Messages').columns('ID').where({ target: 'customer-mail' })).length
    await eventually('the resolution mails', async () => mailed.length >= resolved.length && (await queued()) === 0)
    expect(mailed.sort(), 'one resolution mail per resolved dispute').to.deep.equal(resolved.sort())
  })

  it('never leaves an invoice confirmed and in dispute: a dispute withdraws an earlier confirmation, a later one is refused', async () => {
    const raced = take(RACES)
    const tokens = await Promise.all(raced.map(tokenFor))
    const answers = await Promise.all(
      raced.map(async (invoice, i) => {
        const [confirmation, dispute] = await Promise.all([post(port, '/rest/respond/confirm', { token: tokens[i] }), recordDispute(invoice.ID)])
        return { invoice: invoice.ID, confirmation, dispute }
      })
    )
    for (const { invoice, confirmation, dispute } of answers) {
      expectAnsweredOrBusy(dispute)
      expectAnsweredOrBusy(confirmation, [409])
      if (dispute.status === 503) continue
      expect(await openDisputes(invoice)).to.have.length(1)
      expect((await conversation(invoice))?.confirmedAt ?? null, `invoice ${invoice} is in dispute, so not confirmed`).to.equal(null)
      const disputed = await timeline(invoice, 'disputed')
      if (confirmation.status === 409) {
        expect(JSON.parse(confirmation.body).error.message).to.equal(`Invoice ${invoice} is in dispute; it can be confirmed once the dispute is resolved`)
        expect(await timeline(invoice, 'confirmed')).to.have.length(0)
      } else if (confirmation.status === 200) {
        // Confirmed first: the dispute withdrew it, and the timeline says so.
        expect(await timeline(invoice, 'confirmed')).to.have.length(1)
        expect(disputed[0].message).to.equal('TIMELINE_DISPUTED_WITHDRAWS')
      }
    }
    // A confirmation while the dispute is open: refused, in the customer's language.
    const [{ ID }] = raced
    const again = await post(port, '/rest/respond/confirm', { token: tokens[0] }, { 'accept-language': 'de' })
    expect(again.status).to.equal(409)
    expect(JSON.parse(again.body).error.message).to.equal(`Die Rechnung ${ID} wird reklamiert; sie kann bestätigt werden, sobald die Reklamation erledigt ist`)
  })

  it('invites a contact once when two triggers come at the same moment', async () => {
    const contacts = Array.from({ length: RACES }, (_, i) => `race-${i}@example.com`)
    const [invoice] = invoices
    const invite = (contactEmail: string, trigger: 'confirmation' | 'cleared') =>
      cds.tx({ user: new cds.User.Privileged() }, () => inviteToSurvey({ invoice: invoice.ID, customer: invoice.customer, contactEmail, trigger }))
    const invited = await Promise.all(contacts.flatMap(contact => [invite(contact, 'confirmation'), invite(contact, 'cleared')]))
    expect(invited.filter(Boolean)).to.have.length(RACES)
    for (const contactEmail of contacts) expect(await SELECT.from(`${C}.SurveyInvitations`).where({ contactEmail }), contactEmail).to.have.length(1)
  })

  it(`answers ${ANSWERS} customers at once: each answer recorded exactly once, or 503 with Retry-After and nothing recorded`, async () => {
    const answering = take(ANSWERS)
    // One after the other: the links are the fixture, not the load.
    const tokens: string[] = []
    for (const invoice of answering) tokens.push(await tokenFor(invoice))
    const answers = await Promise.all(
      answering.map((_, i) => post(port, `/rest/respond/${i % 2 ? 'dispute' : 'confirm'}`, i % 2 ? { token: tokens[i], reason: 'notReceived' } : { token: tokens[i] }))
    )
    const histogram: Record<number, number> = {}
    for (const a of answers) histogram[a.status] = (histogram[a.status] ?? 0) + 1
    // The figures for the README and npm run bench:respond; straight to stdout, as cds.test silences console.log.
    const ms = answers.map(a => a.ms).sort((a, b) => a - b)
    const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))])
    process.stdout.write(`      ${ANSWERS} concurrent answers on ${cds.env.requires.db.kind}: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms, statuses ${JSON.stringify(histogram)}\n`)
    for (const [i, answer] of answers.entries()) {
      const invoice = answering[i].ID
      const kind = i % 2 ? 'disputed' : 'confirmed'
      if (answer.status === 503) {
        expect(Number(answer.retryAfter), `Retry-After of ${JSON.stringify(histogram)}`).to.be.greaterThan(0)
        expect(await timeline(invoice, kind)).to.have.length(0)
        continue
      }
      expect(answer.status, `${answer.body}; all answers: ${JSON.stringify(histogram)}`).to.equal(200)
      expect(JSON.parse(answer.body).status).to.equal(kind)
      expect(await timeline(invoice, kind), `${kind} invoice ${invoice}`).to.have.length(1)
      if (kind === 'disputed') expect(await openDisputes(invoice)).to.have.length(1)
      else expect((await conversation(invoice))?.confirmedAt).to.be.a('string')
    }
    expect(histogram[200] ?? 0, `answers: ${JSON.stringify(histogram)}`).to.be.greaterThan(0)
  })
})
