// Invoice dispatch as a fresh database meets it, over HTTP with real parts (S/4HANA simulator → sync → persistent
// queue → SMTP on loopback): billing documents mirrored before their customers wait for them; a customer who gets
// an address later gets the invoice; the mail says what FI says (paid, overdue, due); no survey on the heels of the
// invoice mail; a failed send is one log line without the address.
import cds from '@sap/cds'
import type { ParsedMail } from 'mailparser'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'
import { eventually } from './support'
import { runSync } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'
import { followUpsDone } from '../srv/crm/workflows'
import { invoiceMail } from '../srv/mail'
import { confirmInvoice } from '../srv/crm/conversations'

const C = 'invoicecrm.crm'
const M = 'invoicecrm.mirror'
const HOUR = 3_600_000

type Conversation = { invoice_ID: string; customer_ID: string; dispatchStatus: string | null; dispatchAttempts: number; sentAt: string | null; sentTo: string | null; confirmationChannel: string | null }
type Row = Record<string, unknown>

const recipient = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0].address!.toLowerCase()
const isInvoiceMail = (mail: ParsedMail) => mail.attachments.some(a => a.contentType === 'application/pdf')
const invoiceOf = (mail: ParsedMail) => /(\d{8,10})/.exec(mail.subject ?? '')?.[1]

describe('invoice dispatch on a fresh database', () => {
  const { expect } = cds.test(__dirname + '/..')
  const settings = s4Settings()
  const original = { url: settings.url, crm: JSON.parse(JSON.stringify(cds.env.requires.crm)), mail: { ...cds.env.requires.mail } }
  let sim: Simulator
  let smtp: TestSmtpServer
  /** A customer without an e-mail address in S/4HANA at first, and the address rows it gets later. */
  let late: string
  let lateEmails: Row[]
  let bouncing: string
  const conversations = async () => (await SELECT.from(`${C}.InvoiceConversations`)) as Conversation[]
  const settled = (rows: Conversation[]) => rows.every(c => c.dispatchStatus !== null && !['pending', 'failed'].includes(c.dispatchStatus))
  const sync = async (entity: string) => {
    await runSync(entity)
    await followUpsDone()
  }

  // Every warning of the mail logger, as the log would write it.
  const warnings: string[] = []
  const log = cds.log('mail') as unknown as Record<string, (...args: unknown[]) => void>
  const originalWarn = log.warn

  before(async () => {
    log.warn = (...args) => (warnings.push(JSON.stringify(args)), originalWarn.apply(log, args))
    sim = createSimulator({ volume: 'small', seed: 29 })
    const payers = [...new Set(sim.store.table('A_BillingDocument').rows.map(d => d.PayerParty as string))]
    const emailsOf = (partner: string) => {
      const addresses = new Set(sim.store.table('A_BusinessPartnerAddress').rows.filter(a => a.BusinessPartner === partner).map(a => a.AddressID))
      return sim.store.table('A_AddressEmailAddress').rows.filter(e => addresses.has(e.AddressID))
    }
    late = payers[0]
    lateEmails = emailsOf(late).map(e => ({ ...e }))
    expect(lateEmails.length).to.be.greaterThan(0)
    for (const email of emailsOf(late)) sim.changes.remove('A_AddressEmailAddress', email)
    bouncing = (emailsOf(payers[1]).find(e => e.IsDefaultEmailAddress)!.EmailAddress as string).toLowerCase()
    smtp = await startSmtpServer({ rejectRecipients: new RegExp(`^${bouncing.replace(/[.+]/g, '\\$&')}$`, 'i') })
    settings.url = await sim.listen(0)
    cds.env.requires.mail = { ...cds.env.requires.mail, smtp: { host: '127.0.0.1', port: smtp.port, secure: false } }
    Object.assign(cds.env.requires.crm.dispatch, { since: '2000-01-01', retryDelayMs: 100 })
    Object.assign(cds.env.requires.crm.surveys, { minHoursAfterInvoiceMail: 24 })
    // The first mail meets a busy server.
    smtp.failNext(1)
  })

  after(async () => {
    log.warn = originalWarn
    Object.assign(settings, { url: original.url })
    cds.env.requires.crm = original.crm
    cds.env.requires.mail = original.mail
    await smtp?.close()
    await sim?.close()
  })

  it('lets billing documents mirrored before their customers wait for them, then takes each up once', async () => {
    // FI first, so that every mail below is written knowing what FI says; then the documents, as a first tick may.
    await sync('ReceivableItems')
    await sync('BillingDocuments')
    const documents = (await SELECT.from(`${M}.BillingDocuments`).columns('ID', 'payer_ID').where({ isCancelled: false, cancelledDocument: '' })) as { ID: string; payer_ID: string }[]
    expect(documents.length).to.be.greaterThan(10)
    expect(await conversations(), 'nothing judged without its customer').to.deep.equal([])
    expect(await SELECT.from(`${C}.TimelineEntries`).where({ kind: 'noEmail' })).to.deep.equal([])
    // A customer confirms an invoice on the phone before its mail went out: the answer waits for no mail, and the
    // mail still goes out (with a delivery state of its own), once.
    const answered = documents.find(d => d.payer_ID !== late)!.ID
    await cds.tx(() => confirmInvoice(answered, { by: 'clerk', channel: 'phone' }))
    expect((await conversations()).map(c => [c.invoice_ID, c.dispatchStatus, c.confirmationChannel])).to.deep.equal([[answered, null, 'phone']])

    await sync('Customers')
    const all = await eventually('every invoice mail handled', async () => {
      const rows = await conversations()
      return rows.length && settled(rows) ? rows : undefined
    }, 20_000)
    expect(all.map(c => c.invoice_ID).sort()).to.deep.equal(documents.map(d => d.ID).sort())
    const noEmail = all.filter(c => c.dispatchStatus === 'noEmail')
    expect(noEmail.length).to.be.greaterThan(0)
    expect(noEmail.every(c => c.customer_ID === late), 'only the customer without an address').to.equal(true)
    expect(all.filter(c => c.dispatchStatus === 'sent').length).to.be.greaterThan(documents.length / 2)
    const mailedAfterAnswer = all.find(c => c.invoice_ID === answered)!
    expect(['sent', 'bounced']).to.include(mailedAfterAnswer.dispatchStatus)
    expect(mailedAfterAnswer.confirmationChannel).to.equal('phone')
    const mailsOfAnswered = smtp.messages.filter(m => isInvoiceMail(m) && invoiceOf(m) === answered)
    expect(mailsOfAnswered.length).to.be.at.most(1)
  })

  it('says what FI says: an invoice already paid is not due, an overdue one says how long', async () => {
    const mails = smtp.messages.filter(isInvoiceMail)
    const states = new Map(
      ((await SELECT.from('ReceivablesService.Invoices').columns('ID', 'isCleared', 'daysOverdue')) as { ID: string; isCleared: boolean | null; daysOverdue: number | null }[]).map(i => [i.ID, i])
    )
    const said = { paid: 0, overdue: 0, due: 0 }
    for (const mail of mails) {
      const state = states.get(invoiceOf(mail)!)!
      const text = mail.text ?? ''
      if (!/Thank you for your order/.test(text)) continue // German and Chinese wording: see the next test
      if (state.isCleared) {
        expect(text, mail.subject).to.contain('already been paid').and.not.match(/due for payment|overdue/)
        said.paid++
      } else if (state.daysOverdue) {
        // Written moments ago: a day boundary may lie between the mail and this check.
        const days = Number(/is (\d+) days? overdue/.exec(text)?.[1])
        expect(days, mail.subject).to.be.within(state.daysOverdue - 1, state.daysOverdue)
        expect(text).not.to.contain('already been paid')
        said.overdue++
      } else {
        expect(text, mail.subject).to.match(/is due for payment by/).and.not.match(/overdue|already been paid/)
        said.due++
      }
    }
    expect(said.paid, 'paid invoices mailed').to.be.greaterThan(0)
    expect(said.overdue, 'overdue invoices mailed').to.be.greaterThan(0)
    expect(said.due, 'invoices not yet due mailed').to.be.greaterThan(0)
  })

  it('words paid, overdue and due in English, German and Chinese', () => {
    const invoice = { number: '90000001', date: '2026-11-02', dueDate: '2026-11-16', currency: 'EUR', netAmount: 100, taxAmount: 19, grossAmount: 119, items: [] }
    const text = (language: string, state: object) => invoiceMail({ language, customerName: 'Kunde', invoice: { ...invoice, ...state }, link: 'http://localhost/respond/#t=x' }).text
    const expected: Record<string, [RegExp, RegExp, RegExp, RegExp]> = {
      // paid, overdue by 9 days (open 50), overdue by 1 day, due
      EN: [/already been paid\. Thank you/, /The amount of €50\.00 was due for payment on .* and is 9 days overdue/, /is 1 day overdue/, /The total of €119\.00 is due for payment by/],
      DE: [/bereits bezahlt\. Vielen Dank/, /Der Betrag von 50,00\s€ war am .* fällig und ist seit 9 Tagen überfällig/, /seit 1 Tag überfällig/, /Der Gesamtbetrag von 119,00\s€ ist zahlbar bis zum/],
      ZH: [/此发票已经付清。非常感谢/, /金额 €50\.00 已于 .* 到期，现已逾期 9 天/, /现已逾期 1 天/, /发票总额为 €119\.00，请于 .* 前付款/],
    }
    for (const [language, [paid, overdue, oneDay, due]] of Object.entries(expected)) {
      const cleared = text(language, { isCleared: true, daysOverdue: 0, openAmount: 0 })
      expect(cleared, language).to.match(paid)
      for (const claim of [due, overdue]) expect(cleared, language).not.to.match(claim)
      expect(text(language, { isCleared: false, daysOverdue: 9, openAmount: 50 }), language).to.match(overdue).and.not.match(due)
      expect(text(language, { isCleared: false, daysOverdue: 1, openAmount: 50 }), language).to.match(oneDay)
      expect(text(language, { isCleared: false, daysOverdue: 0, openAmount: 119 }), language).to.match(due).and.not.match(paid)
    }
  })

  it('mails the invoices of a customer who gets an address later, on the timeline', async () => {
    const waiting = (await conversations()).filter(c => c.customer_ID === late)
    expect(waiting.length).to.be.greaterThan(0)
    expect(waiting.every(c => c.dispatchStatus === 'noEmail')).to.equal(true)
    for (const email of lateEmails) sim.store.table('A_AddressEmailAddress').insert(email)
    sim.touch('A_BusinessPartner', [late])
    await sync('Customers')
    const address = (lateEmails.find(e => e.IsDefaultEmailAddress) ?? lateEmails[0]).EmailAddress as string
    const sent = await eventually('the late customer\'s invoices sent', async () => {
      const rows = (await conversations()).filter(c => c.customer_ID === late)
      return rows.every(c => c.dispatchStatus === 'sent') ? rows : undefined
    }, 20_000)
    expect(sent.map(c => c.sentTo?.toLowerCase())).to.deep.equal(sent.map(() => address.toLowerCase()))
    const mails = smtp.messages.filter(m => isInvoiceMail(m) && recipient(m) === address.toLowerCase())
    expect(mails.map(invoiceOf).sort()).to.deep.equal(waiting.map(c => c.invoice_ID).sort())
    for (const { invoice_ID } of waiting) {
      const kinds = (await SELECT.from(`${C}.TimelineEntries`).columns('kind').where({ invoice_ID }).orderBy('at')).map((t: { kind: string }) => t.kind)
      expect(kinds, invoice_ID).to.deep.equal(['noEmail', 'addressFound', 'mailSent'])
    }
    // Once is enough: the next customer sync queues nothing again.
    await sync('Customers')
    expect(await SELECT.from(`${C}.TimelineEntries`).where({ kind: 'addressFound' })).to.have.length(waiting.length)
  })

  it(`asks about a paid invoice no sooner than minHoursAfterInvoiceMail after its mail, even when it was paid before`, async () => {
    const sent = (await conversations()).filter(c => c.dispatchStatus === 'sent')
    // One more invoice paid right after its mail, to a contact not asked about another one (once a month is enough);
    // the others FI had cleared before.
    const cleared = new Set(((await SELECT.from('ReceivablesService.Invoices').columns('ID').where({ isCleared: true })) as { ID: string }[]).map(i => i.ID))
    const askedAnyway = new Set(sent.filter(c => cleared.has(c.invoice_ID)).map(c => c.sentTo))
    const open = sent.filter(c => !cleared.has(c.invoice_ID) && !askedAnyway.has(c.sentTo)).map(c => ({ ID: c.invoice_ID }))
    sim.clear(open[0].ID)
    await sync('ReceivableItems')
    const invitations = (await SELECT.from(`${C}.SurveyInvitations`)) as { ID: string; invoice_ID: string; contactEmail: string; sentAt: string }[]
    expect(invitations.length).to.be.greaterThan(1)
    expect(invitations.map(i => i.invoice_ID)).to.include(open[0].ID)
    const messages = (await SELECT.from('cds.outbox.Messages').columns('task', 'timestamp')) as { task: string | null; timestamp: string }[]
    for (const invitation of invitations) {
      const mailedAt = Date.parse(sent.find(c => c.invoice_ID === invitation.invoice_ID)!.sentAt!)
      expect(Date.parse(invitation.sentAt) - mailedAt, invitation.invoice_ID).to.be.at.least(24 * HOUR)
      // Waiting in the persistent queue for its time, not sent.
      const queued = messages.find(m => m.task === `surveyInvitation ${invitation.ID}`)
      expect(queued, invitation.invoice_ID).not.to.equal(undefined)
      expect(Date.parse(queued!.timestamp)).to.be.at.least(mailedAt + 24 * HOUR)
    }
    expect(smtp.messages.filter(m => !isInvoiceMail(m))).to.deep.equal([])
  })

  it('logs a failed send as one warning with the invoice, the SMTP code and the attempt, never the address', async () => {
    const failures = warnings.filter(w => w.includes('Mail not sent'))
    const logged = failures.map(w => JSON.parse(w)[1] as { reference: string; smtpCode: number; attempt: number; permanent: boolean })
    // The busy server's 451 on the first mail, retried later (and sent, or bounced when it went to the refused mailbox).
    const retried = (await SELECT.from(`${C}.TimelineEntries`).columns('invoice_ID').where({ kind: 'mailFailed' })) as { invoice_ID: string }[]
    expect(retried).to.have.length(1)
    const busy = logged.filter(l => l.smtpCode === 451)
    expect(busy).to.have.length(1)
    expect(busy[0]).to.deep.include({ reference: retried[0].invoice_ID, attempt: 1, permanent: false })
    // Each refused mailbox once, on the attempt that met it.
    const bounced = (await conversations()).filter(c => c.dispatchStatus === 'bounced')
    expect(bounced.length).to.be.greaterThan(0)
    for (const { invoice_ID, dispatchAttempts } of bounced)
      expect(logged.filter(l => l.reference === invoice_ID && l.smtpCode === 550).map(l => [l.attempt, l.permanent]), invoice_ID).to.deep.equal([[dispatchAttempts, true]])
    expect(failures).to.have.length(1 + bounced.length)
    const addresses = ((await SELECT.from(`${M}.Customers`).columns('billingEmail')) as { billingEmail: string | null }[]).flatMap(c => (c.billingEmail ? [c.billingEmail.toLowerCase()] : []))
    expect(addresses).to.include(bouncing)
    for (const line of failures) for (const address of addresses) expect(line.toLowerCase()).not.to.contain(address)
  })
})
