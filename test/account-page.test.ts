// The customer's own account page through a link of purpose account (RespondService view, and the invoice actions and
// statementPdf with the invoice or statement named: srv/account): two customers seeded straight into the mirror and
// the CRM, each with invoices in every state (open, overdue, sent, confirmed, disputed, promised, payment reported,
// paid 3 and 14 months ago), statements, disputes and sales orders. Customer A's link shows exactly A's rows in each
// section and nothing of B; acting on A's invoices through it runs the invoice link's flows with the link's contact as
// who; B's numbers through A's link are refused as unknown (404) and change nothing; expired, revoked and other links
// are refused as elsewhere; every refusal in the page's language. Plain INSERTs: runs on SQLite and PostgreSQL.
import cds from '@sap/cds'
import http from 'node:http'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { issueLink, revokeLinks } from '../srv/links'
import { resetFailures } from '../srv/links/rate-limit'
import { s4Settings } from '../srv/s4/destination'
import { promiseWindow } from '../srv/collections/commitments'
import { addDays } from '../srv/collections/reminder-rules'
import { monthsBefore } from '../srv/account/account'
import { sendStatementMail } from '../srv/statements/statement-mail'
import { seedStatement } from './statement-seed'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'
import { A, A_OPEN, A_ORDERS, B, CONTACT, daysFromToday, seedAccounts, today, type SeededStatements } from './account-seed'

const C = 'invoicecrm.crm'
const COLLECTIONS = 'invoicecrm.collections'
const S = 'invoicecrm.statements'

/** A one-pixel PNG: a remittance advice. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='

interface Answer {
  status: number
  data: Record<string, unknown> & { error?: { message?: string; code?: string } }
}

type Invoice = Record<string, unknown> & { number: string }
interface AccountView {
  purpose: string
  language: string
  customerName: string
  account: {
    customer: string
    since: string
    totals: { currency: string; openAmount: string; openInvoices: number; overdueAmount: string; overdueInvoices: number }[]
    openInvoices: { items: Invoice[]; more: number }
    paidInvoices: { items: Invoice[]; more: number }
    statements: { items: Record<string, unknown>[]; more: number }
    disputes: { items: Record<string, unknown>[]; more: number }
    orders: { items: Record<string, unknown>[]; more: number }
  }
  reasons: { code: string; name: string }[]
}

let address = 0
/** A POST from a loopback address of its own: the per-client limit of srv/server.ts (60 a minute) stays out of it. */
function post(port: number, action: string, body: unknown, language?: string): Promise<Answer> {
  const n = ++address
  const localAddress = `127.86.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`
  const payload = JSON.stringify(body)
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...(language && { 'accept-language': language }) }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/rest/respond/${action}`, localAddress, agent: false, headers }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, data: text ? (JSON.parse(text) as Answer['data']) : {} }))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

describe("the customer's account page", function () {
  this.timeout(120_000)
  const test = cds.test(__dirname + '/..')
  const { expect } = test
  const settings = s4Settings()
  const original = { ...settings, retry: { ...settings.retry } }
  let sim: Simulator
  let port: number
  let statements: SeededStatements
  let accountA: string
  let smtp: TestSmtpServer
  const mailSettings = { ...cds.env.requires.mail }

  const call = (action: string, body: object, language?: string) => post(port, action, body, language)
  const message = (a: Answer) => a.data?.error?.message ?? ''
  const accountLink = async (customer: string, validDays?: number) =>
    (await issueLink({ purpose: 'account', customer, contactEmail: CONTACT, ...(validDays !== undefined && { validDays }) })).token
  const viewOf = async (token: string) => {
    const answer = await call('view', { token })
    expect(answer.status, message(answer)).to.equal(200)
    return answer.data as unknown as AccountView
  }
  const numbers = (items: { number?: unknown; invoice?: unknown }[]) => items.map(i => (i.number ?? i.invoice) as string).sort()

  /** Everything a change to B's data would show in: its conversations, disputes, commitments, timeline and statements. */
  const footprintOf = async (customer: string, invoices: string[]) => {
    const [conversations, disputes, promises, reports, timeline, proposals, statementRows] = await Promise.all([
      SELECT.from(`${C}.InvoiceConversations`).where({ invoice_ID: { in: invoices } }).orderBy('invoice_ID'),
      SELECT.from(`${C}.Disputes`).where({ invoice_ID: { in: invoices } }).orderBy('ID'),
      SELECT.from(`${COLLECTIONS}.PaymentPromises`).where({ invoice_ID: { in: invoices } }).orderBy('ID'),
      SELECT.from(`${COLLECTIONS}.PaymentReports`).where({ invoice_ID: { in: invoices } }).orderBy('ID'),
      SELECT.from(`${C}.TimelineEntries`).where({ customer_ID: customer }).orderBy('ID'),
      SELECT.from(`${C}.ContactProposals`).where({ invoice_ID: { in: invoices } }).orderBy('ID'),
      SELECT.from(`${S}.Statements`).columns('ID', 'status', 'answeredAt').where({ customer_ID: customer }).orderBy('ID'),
    ])
    return JSON.stringify({ conversations, disputes, promises, reports, timeline, proposals, statementRows })
  }

  before(async () => {
    sim = createSimulator({ volume: 'small', seed: 5 })
    Object.assign(settings, { url: await sim.listen(0), retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 } })
    port = Number(new URL(test.axios.defaults.baseURL!).port)
    // Not about mails: what the answers queue (the survey invitation after a confirmation) is recorded, not sent.
    const mails = await cds.connect.to('customer-mail')
    mails.prepend(() => mails.on('*', () => undefined))
    smtp = await startSmtpServer()
    cds.env.requires.mail = { ...cds.env.requires.mail, smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true } }
    await resetFailures()
    statements = await seedAccounts()
    accountA = await accountLink(A.ID)
  })
  after(async () => {
    Object.assign(settings, original)
    cds.env.requires.mail = mailSettings
    await sim?.close()
    await smtp?.close()
  })

  it("shows customer A exactly its own account: open invoices with their states, paid ones of 12 months, statements, disputes, orders; nothing of B's", async () => {
    const view = await viewOf(accountA)
    expect(view).to.include({ purpose: 'account', language: 'DE', customerName: A.name })
    const { account } = view
    expect(account.customer).to.equal(A.ID)

    // Open: the most urgent first; not the cancelled one; each with what was said about it.
    expect(numbers(account.openInvoices.items)).to.deep.equal([...A_OPEN].sort())
    expect(account.openInvoices.items[0].number, 'the most overdue first').to.equal(A.overdue)
    expect(account.openInvoices.more).to.equal(0)
    const open = Object.fromEntries(account.openInvoices.items.map(i => [i.number, i]))
    const flags = (i: Invoice) => ({ sent: i.sent, confirmed: i.confirmed, disputed: i.disputed, promised: Boolean(i.promisedDate), reported: Boolean(i.paymentReportedOn), overdue: i.overdue })
    expect(flags(open[A.open])).to.deep.equal({ sent: true, confirmed: false, disputed: false, promised: false, reported: false, overdue: false })
    expect(flags(open[A.overdue])).to.deep.equal({ sent: true, confirmed: false, disputed: false, promised: false, reported: false, overdue: true })
    expect(open[A.overdue].daysOverdue).to.equal(15)
    expect(flags(open[A.confirmed])).to.include({ confirmed: true, disputed: false })
    expect(open[A.disputed]).to.include({ disputed: true, disputeStatus: 'Open' })
    expect(open[A.promised]).to.include({ promisedDate: daysFromToday(5), overdue: true })
    expect(open[A.reported]).to.include({ paymentReportedOn: daysFromToday(-1) })
    expect(open[A.open]).to.include({ kind: 'invoice', date: daysFromToday(-40), dueDate: daysFromToday(20), currency: 'EUR', companyCode: '1710', purchaseOrder: `PO-${A.open}` })
    expect(Number(open[A.open].openAmount)).to.equal(100)
    // What is open and overdue, of every open invoice.
    expect(account.totals).to.have.length(1)
    expect(account.totals[0]).to.include({ currency: 'EUR', openInvoices: 11, overdueInvoices: 2 })
    expect(Number(account.totals[0].openAmount)).to.equal(100 + 200 + 300 + 400 + 500 + 600 + 110 + 120 + 130 + 140 + 150)
    expect(Number(account.totals[0].overdueAmount)).to.equal(200 + 500)

    // Paid: cleared within 12 months only.
    expect(account.since).to.equal(monthsBefore(today, 12))
    expect(numbers(account.paidInvoices.items)).to.deep.equal([A.paid3])
    expect(account.paidInvoices.items[0]).to.include({ clearingDate: monthsBefore(today, 3) })

    // Statements sent to it (answered or not), never a draft.
    expect(account.statements.items.map(s => s.ID).sort()).to.deep.equal([statements.aSent, statements.aConfirmed].sort())
    expect(account.statements.items.map(s => [s.periodStart, s.status])).to.deep.equal([['2026-10-01', 'sent'], ['2026-09-01', 'confirmed']])
    expect(Number(account.statements.items[0].closingBalance)).to.equal(1800)

    // Disputes with their status, reason, outcome and resolution; nothing internal.
    expect(numbers(account.disputes.items)).to.deep.equal([A.disputed, A.paid3].sort())
    const resolved = account.disputes.items.find(d => d.invoice === A.paid3)!
    expect(resolved).to.include({ status: 'Resolved', reason: 'wrongQuantity', outcome: 'accepted', resolution: 'Gutschrift über 70,00 EUR erstellt.' })
    expect(resolved).not.to.have.any.keys('internalNote', 'raisedBy', 'processor', 'ID')

    // Orders of 12 months with where each stands.
    expect(account.orders.items.map(o => [o.number, o.processing, o.delivery, o.billing])).to.deep.equal([[A_ORDERS.recent, 'partial', 'complete', 'notStarted']])
    // The reasons in the customer's language (German).
    expect(view.reasons.find(r => r.code === 'wrongQuantity')?.name).to.equal('Falsche Menge')

    // Nothing of B: no number, name, order, statement or text of it, and every number in the answer is A's.
    const text = JSON.stringify(view)
    for (const foreign of [B.ID, B.name, B.open, B.paid, B.disputed, B.order, statements.bSent, 'PO-B-2026', 'B only', 'ap@kunde-b.example', A.paid14, A_ORDERS.old, A.cancelled, statements.aDraft])
      expect(text, foreign).not.to.include(foreign)
    const mine = new Set([...Object.values(A), ...Object.values(A_ORDERS), statements.aSent, statements.aConfirmed])
    const ids = [...text.matchAll(/"(\d{8,10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/g)].map(m => m[1])
    expect(ids.length).to.be.greaterThan(10)
    expect(ids.filter(id => !mine.has(id)), 'numbers and IDs in the answer that are not A\'s').to.deep.equal([])

    // And B's link shows B's.
    const other = await viewOf(await accountLink(B.ID))
    expect(numbers(other.account.openInvoices.items)).to.deep.equal([B.open, B.disputed])
    expect(JSON.stringify(other)).not.to.include(A.name)
  })

  it("opens one of A's invoices from the account as through its own link", async () => {
    const { status, data } = await call('view', { token: accountA, invoice: A.promised })
    expect(status, message({ status, data })).to.equal(200)
    expect(data).to.include({ purpose: 'account', customerName: A.name })
    const invoice = data.invoice as Record<string, unknown>
    expect(invoice).to.include({ number: A.promised, currency: 'EUR' })
    expect((data.promise as Record<string, unknown>).promisedDate).to.equal(daysFromToday(5))
    expect(data.promiseWindow).to.deep.equal(promiseWindow())
    // As the invoice's own link's view, the same invoice.
    const own = await call('view', { token: (await issueLink({ purpose: 'invoiceResponse', invoice: A.promised, contactEmail: CONTACT })).token })
    const { purpose: _a, ...viaAccount } = data
    const { purpose: _b, ...viaLink } = own.data
    expect(viaAccount).to.deep.equal(viaLink)
  })

  it("acts on A's invoices through A's account link: confirm, dispute, promise, report a payment and attach its advice, as through each invoice's link, by the link's contact", async () => {
    const confirmed = await call('confirm', { token: accountA, invoice: A.toConfirm })
    expect(confirmed.status, message(confirmed)).to.equal(200)
    expect(confirmed.data).to.include({ status: 'confirmed' })
    const viaLink = await call('confirm', { token: (await issueLink({ purpose: 'invoiceResponse', invoice: A.byInvoiceLink, contactEmail: CONTACT })).token })
    expect(viaLink.status).to.equal(200)
    const conversations = (await SELECT.from(`${C}.InvoiceConversations`).columns('invoice_ID', 'confirmedBy', 'confirmationChannel', 'confirmedFrom').where({ invoice_ID: { in: [A.toConfirm, A.byInvoiceLink] } }).orderBy('invoice_ID')) as Record<string, unknown>[]
    // Who (the link's contact), through which channel, from the client's address: each request came from an address of its own.
    for (const conversation of conversations) {
      expect(conversation).to.include({ confirmedBy: CONTACT, confirmationChannel: 'web' })
      expect(conversation.confirmedFrom).to.match(/^127\.86\.\d+\.\d+$/)
    }
    // The same timeline as through the invoice's link.
    const kinds = async (invoice: string) => ((await SELECT.from(`${C}.TimelineEntries`).columns('kind', 'actor', 'message').where({ invoice_ID: invoice, kind: 'confirmed' })) as object[])
    expect(await kinds(A.toConfirm)).to.deep.equal(await kinds(A.byInvoiceLink))
    expect(await kinds(A.toConfirm)).to.deep.equal([{ kind: 'confirmed', actor: CONTACT, message: 'TIMELINE_CONFIRMED' }])

    const disputed = await call('dispute', { token: accountA, invoice: A.toDispute, reason: 'wrongPrice', comment: 'Preis laut Vertrag 100,00.', lines: [{ item: '000010', amount: 20 }] })
    expect(disputed.status, message(disputed)).to.equal(200)
    expect(disputed.data).to.include({ status: 'disputed' })
    const dispute = (await SELECT.one.from(`${C}.Disputes`).where({ invoice_ID: A.toDispute })) as Record<string, unknown>
    expect(dispute).to.include({ customer_ID: A.ID, reason: 'wrongPrice', status: 'Open', source: 'web', raisedBy: CONTACT, wholeInvoice: false, customerComment: 'Preis laut Vertrag 100,00.' })
    expect(Number(dispute.disputedAmount)).to.equal(20)

    const day = addDays(promiseWindow().earliest, 7)
    const promised = await call('promiseToPay', { token: accountA, invoice: A.toPromise, promisedDate: day, amount: 65 })
    expect(promised.status, message(promised)).to.equal(200)
    const promise = (await SELECT.one.from(`${COLLECTIONS}.PaymentPromises`).where({ invoice_ID: A.toPromise })) as Record<string, unknown>
    expect(promise).to.include({ customer_ID: A.ID, promisedDate: day, status: 'open', source: 'web', promisedBy: CONTACT })
    expect(Number(promise.amount)).to.equal(65)

    const reported = await call('reportPayment', { token: accountA, invoice: A.toReport, paidOn: today, amount: 140, reference: 'RF18 8101' })
    expect(reported.status, message(reported)).to.equal(200)
    const advice = await call('attachRemittanceAdvice', { token: accountA, invoice: A.toReport, fileName: 'avis.png', content: PNG })
    expect(advice.status, message(advice)).to.equal(200)
    const report = (await SELECT.one.from(`${COLLECTIONS}.PaymentReports`).where({ invoice_ID: A.toReport })) as Record<string, unknown>
    expect(report).to.include({ customer_ID: A.ID, paidOn: today, reference: 'RF18 8101', status: 'reported', source: 'web', reportedBy: CONTACT })

    // The account shows the new states.
    const open = Object.fromEntries((await viewOf(accountA)).account.openInvoices.items.map(i => [i.number, i]))
    expect(open[A.toConfirm]).to.include({ confirmed: true })
    expect(open[A.toDispute]).to.include({ disputed: true, disputeStatus: 'Open' })
    expect(open[A.toPromise]).to.include({ promisedDate: day })
    expect(open[A.toReport]).to.include({ paymentReportedOn: today })

    // A second promise is refused as through the invoice's link, naming the invoice's open promise (409).
    const again = await call('promiseToPay', { token: accountA, invoice: A.toPromise, promisedDate: day }, 'de')
    expect(again.status).to.equal(409)
    // Confirming the disputed invoice is refused with the invoice's number, which is A's own (not an echo to scrub).
    const inDispute = await call('confirm', { token: accountA, invoice: A.toDispute }, 'en')
    expect(inDispute.status).to.equal(409)
    expect(message(inDispute)).to.include(A.toDispute)
  })

  it("gives A's invoice PDFs (S/4HANA's GetPDF) and statement PDFs through A's account link", async () => {
    for (const invoice of [A.open, A.paid3]) {
      const { status, data } = await call('invoiceDocument', { token: accountA, invoice })
      expect(status, message({ status, data })).to.equal(200)
      expect(data).to.include({ fileName: `${invoice}.pdf`, mediaType: 'application/pdf' })
      expect(Buffer.from(data.content as string, 'base64').subarray(0, 5).toString()).to.equal('%PDF-')
    }
    const { status, data } = await call('statementPdf', { token: accountA, statement: statements.aSent })
    expect(status, message({ status, data })).to.equal(200)
    expect(data).to.include({ mediaType: 'application/pdf', fileName: `statement-${A.ID}-1710-EUR-2026-10.pdf` })
    expect(Buffer.from(data.content as string, 'base64').subarray(0, 5).toString()).to.equal('%PDF-')
  })

  it("refuses B's invoices and statements through A's link as unknown ones (404), and changes nothing of B's", async () => {
    const before = await footprintOf(B.ID, [B.open, B.paid, B.disputed])
    const day = addDays(promiseWindow().earliest, 3)
    const requests: [string, object][] = [
      ['view', {}],
      ['invoiceDocument', {}],
      ['confirm', {}],
      ['dispute', { reason: 'other' }],
      ['proposeContact', { name: 'Eve', email: 'eve@kunde-a.example' }],
      ['promiseToPay', { promisedDate: day }],
      ['reportPayment', { paidOn: today, amount: 1 }],
      ['attachRemittanceAdvice', { fileName: 'a.png', content: PNG }],
    ]
    for (const [action, fields] of requests)
      for (const invoice of [B.open, B.paid, B.disputed]) {
        const foreign = await call(action, { token: accountA, invoice, ...fields })
        const unknown = await call(action, { token: accountA, invoice: '99999999', ...fields })
        expect(foreign.status, `${action} ${invoice}`).to.equal(404)
        expect(foreign.data, `${action} ${invoice}: the same answer as for an invoice that does not exist`).to.deep.equal(unknown.data)
        expect(JSON.stringify(foreign.data)).not.to.include(invoice)
      }
    for (const statement of [statements.bSent, statements.aDraft, cds.utils.uuid()]) {
      const refused = await call('statementPdf', { token: accountA, statement })
      expect(refused.status, statement).to.equal(404)
      expect(refused.data).not.to.have.property('content')
    }
    // A's invoice through B's link: the same.
    const theirs = await call('confirm', { token: await accountLink(B.ID), invoice: A.open })
    expect(theirs.status).to.equal(404)
    expect(await footprintOf(B.ID, [B.open, B.paid, B.disputed])).to.equal(before)
    expect((await SELECT.one.from(`${C}.InvoiceConversations`).columns('confirmedAt').where({ invoice_ID: A.open })) as object).to.deep.equal({ confirmedAt: null })
  })

  it('asks an account link which invoice or statement (400); refuses the answers to a statement through it (403)', async () => {
    for (const action of ['confirm', 'invoiceDocument', 'statementPdf']) {
      const { status, data } = await call(action, { token: accountA })
      expect(status, action).to.equal(400)
      expect(data.error).to.include({ code: 'ACCOUNT_DOCUMENT_REQUIRED' })
    }
    for (const [action, fields] of [['statement', {}], ['confirmStatement', {}], ['disagreeWithStatement', { comment: 'x' }], ['answerSurvey', { csat: 5 }]] as const) {
      const { status, data } = await call(action, { token: accountA, ...fields })
      expect(status, action).to.equal(403)
      expect(data.error).to.include({ code: 'wrong-purpose' })
    }
    expect((await SELECT.one.from(`${S}.Statements`).columns('status').where({ ID: statements.aSent })) as object).to.deep.equal({ status: 'sent' })
  })

  it('refuses an expired (410) and a revoked (410) account link as other links', async () => {
    const expired = await accountLink(A.ID, -1)
    for (const [action, fields] of [['view', {}], ['confirm', { invoice: A.open }]] as const) {
      const { status, data } = await call(action, { token: expired, ...fields })
      expect(status, action).to.equal(410)
      expect(data.error).to.include({ code: 'expired' })
    }
    const revoked = await accountLink(A.ID)
    expect((await call('view', { token: revoked })).status).to.equal(200)
    expect(await revokeLinks({ customer: A.ID })).to.be.at.least(1)
    for (const [action, fields] of [['view', {}], ['promiseToPay', { invoice: A.open, promisedDate: today }], ['statementPdf', { statement: statements.aSent }]] as const) {
      const { status, data } = await call(action, { token: revoked, ...fields })
      expect(status, action).to.equal(410)
      expect(data.error).to.include({ code: 'revoked' })
    }
    expect(Boolean(await SELECT.one.from(`${COLLECTIONS}.PaymentPromises`).columns('ID').where({ invoice_ID: A.open }))).to.equal(false)
    accountA = await accountLink(A.ID)
  })

  it('refuses an invoice link, a statement link or a survey link used as an account link', async () => {
    const invoiceLink = (await issueLink({ purpose: 'invoiceResponse', invoice: A.open, contactEmail: CONTACT })).token
    // Its own invoice, named or not: the invoice page, never the account.
    expect((await call('view', { token: invoiceLink })).data).to.include({ purpose: 'invoiceResponse' }).and.not.to.have.property('account')
    expect((await call('view', { token: invoiceLink, invoice: A.open })).status).to.equal(200)
    // Another invoice of the same customer through it: unknown, and nothing happens.
    for (const [action, fields] of [['view', {}], ['confirm', {}], ['invoiceDocument', {}]] as const) {
      const { status } = await call(action, { token: invoiceLink, invoice: A.overdue, ...fields })
      expect(status, action).to.equal(404)
    }
    expect((await call('statementPdf', { token: invoiceLink, statement: statements.aSent })).status).to.equal(403)

    const statementLink = (await issueLink({ purpose: 'statement', statement: statements.aSent, contactEmail: CONTACT })).token
    expect((await call('confirm', { token: statementLink, invoice: A.open })).status).to.equal(403)
    expect((await call('view', { token: statementLink, invoice: A.open })).status).to.equal(404)
    expect((await call('statementPdf', { token: statementLink, statement: statements.aConfirmed })).status).to.equal(404)
    expect((await call('statementPdf', { token: statementLink, statement: statements.aSent })).status).to.equal(200)
    expect((await call('view', { token: statementLink })).data).to.include({ purpose: 'statement' }).and.not.to.have.property('account')

    const invitation = cds.utils.uuid()
    await INSERT.into(`${C}.SurveyInvitations`).entries({ ID: invitation, customer_ID: A.ID, contactEmail: CONTACT, invoice_ID: A.confirmed, trigger: 'confirmation', sentAt: new Date().toISOString() })
    const surveyLink = (await issueLink({ purpose: 'survey', invitation, contactEmail: CONTACT })).token
    expect((await call('confirm', { token: surveyLink, invoice: A.open })).status).to.equal(403)
    expect((await call('view', { token: surveyLink, invoice: A.open })).status).to.equal(404)
    expect((await SELECT.one.from(`${C}.InvoiceConversations`).columns('confirmedAt').where({ invoice_ID: A.open })) as object).to.deep.equal({ confirmedAt: null })
  })

  it("is reached from the statement mail: a link to the customer's account page beside the statement's own", async () => {
    const statement = await seedStatement({ ID: A.ID, name: A.name, language: 'DE', invoices: [A.open, A.overdue, A.paid3] }, '2026-07')
    await sendStatementMail(statement.ID)
    const [mail] = await smtp.waitFor(1, 30_000)
    const text = mail.text ?? ''
    expect(text).to.include('Alle Ihre Rechnungen, Kontoauszüge und Aufträge bei uns finden Sie auf Ihrer Kontoseite')
    const tokens = [...text.matchAll(/\/respond\/#t=([A-Za-z0-9._-]+)/g)].map(m => m[1])
    expect(tokens, 'the statement link, then the account link').to.have.length(2)
    expect(text.indexOf('Ihr Kundenkonto:')).to.be.greaterThan(text.indexOf(tokens[0]))
    expect(String(mail.html)).to.match(/<a href="[^"]*\/respond\/#t=[^"]+" style="color:#0a6ed1;font-weight:bold;">Ihr Kundenkonto<\/a>/)
    expect((await call('view', { token: tokens[0] })).data).to.include({ purpose: 'statement' })
    const account = await viewOf(tokens[1])
    expect(account).to.include({ purpose: 'account', customerName: A.name })
    expect(account.account.customer).to.equal(A.ID)
    // Issued for the statement's recipient, never stored: only its hash is kept, as for every link.
    const row = (await SELECT.one.from(`${C}.SecureLinks`).where({ purpose: 'account', customer_ID: A.ID, contactEmail: `ap@${A.ID.toLowerCase()}.example` })) as Record<string, unknown>
    expect(row.tokenHash).to.match(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(row)).not.to.include(tokens[1])
  })

  it('says why in the language of the page (German, Chinese)', async () => {
    const texts = {
      de: {
        unknown: 'Diese Rechnung gibt es hier nicht. Bitte wählen Sie die Rechnung auf der Seite, die Sie aus unserer E-Mail geöffnet haben.',
        which: 'Dieser Link gilt für Ihr ganzes Kundenkonto: Bitte wählen Sie die Rechnung oder den Kontoauszug auf Ihrer Kontoseite.',
        purpose: 'Dieser Link ist für eine andere Anfrage bestimmt.',
      },
      // As the page asks (its locale), which CAP finds in messages_zh_CN.
      'zh-CN': {
        unknown: '此处没有该发票。请在您从我们的电子邮件打开的页面上选择发票。',
        which: '此链接适用于您的整个账户：请在您的账户页面上选择发票或对账单。',
        purpose: '此链接用于其他请求',
      },
    }
    for (const [language, text] of Object.entries(texts)) {
      expect(message(await call('confirm', { token: accountA, invoice: B.open }, language)), language).to.equal(text.unknown)
      expect(message(await call('confirm', { token: accountA }, language)), language).to.equal(text.which)
      expect(message(await call('confirmStatement', { token: accountA }, language)), language).to.include(text.purpose)
    }
  })
})
