// The reminder loop through 120 days on an injected clock (srv/collections/clock.ts), with the real parts: the
// database, the persistent queue and an SMTP server on loopback. A generated customer base meets every rule of
// issue 14: the notice before the due date, each level, pauses for disputes (whole and partial), promises (kept and
// broken), reported payments, clearing, partial payment, consolidation into one mail per customer, business hours in
// the customer's time zone, S/4 dunning and central blocks, a customer without an address, AR's approval of the
// final notice, and a second run at the same moment. Per invoice it asserts exactly which step was decided on which
// day for which amount, and that each went out in the first business hour of the customer that followed.
import cds from '@sap/cds'
import type { ParsedMail } from 'mailparser'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'
import { eventually } from './support'
import { PURPOSES, verifyLink } from '../srv/links'
import { useClock } from '../srv/collections/clock'
import { scheduledReminderRun } from '../srv/collections/reminder-schedule'
import { runReminders } from '../srv/collections/reminder-run'
import { ensureDefaultPolicy } from '../srv/collections/default-policy'
import { promiseToPay, reportPayment } from '../srv/collections/commitments'
import { inBusinessHours, timeZoneOf } from '../srv/collections/business-hours'

const DAY = 86_400_000
const HOUR = 3_600_000
/** Day 0 of the simulation, a Monday. */
const START = Date.parse('2027-03-01T00:00:00Z')
const DAYS = 120
const dayOf = (n: number) => new Date(START + n * DAY).toISOString().slice(0, 10)
const dayNumber = (iso: string) => Math.floor((Date.parse(iso) - START) / DAY)
const FAR = '9999-12-31'

interface CustomerSeed {
  ID: string
  country: string
  language: string
  email: string | null
  isBlocked?: boolean
  dunningBlock?: boolean
}

const CUSTOMERS: CustomerSeed[] = [
  { ID: 'R000000001', country: 'DE', language: 'DE', email: 'ap@berlin.example' },
  { ID: 'R000000002', country: 'CN', language: 'ZH', email: 'finance@shanghai.example' },
  { ID: 'R000000003', country: 'US', language: 'EN', email: 'payables@newyork.example' },
  { ID: 'R000000004', country: 'GB', language: 'EN', email: 'accounts@london.example' },
  { ID: 'R000000005', country: 'DE', language: 'DE', email: 'ap@blocked-dunning.example', dunningBlock: true },
  { ID: 'R000000006', country: 'FR', language: 'EN', email: 'ap@blocked-central.example', isBlocked: true },
  { ID: 'R000000007', country: 'DE', language: 'DE', email: null },
]

/** Invoices by customer, due on a day of the simulation, with what happens to them and what must follow. */
interface InvoiceSeed {
  ID: string
  customer: string
  dueDay: number
  amount: number
  /** [level, decided on day, amount] of every reminder the invoice must get, in order. */
  expected: [number, number, number][]
}

const INVOICES: InvoiceSeed[] = [
  // Plain: the notice 5 days before, each level, the final notice proposed on day 45 and approved the next morning.
  { ID: '9400000011', customer: 'R000000001', dueDay: 10, amount: 100, expected: [[0, 5, 100], [1, 11, 100], [2, 20, 100], [3, 30, 100], [4, 45, 100]] },
  // Same customer and due date: in the same mails, until FI clears it on day 25.
  { ID: '9400000012', customer: 'R000000001', dueDay: 10, amount: 250, expected: [[0, 5, 250], [1, 11, 250], [2, 20, 250]] },
  // Disputed as a whole from day 23 to day 50: paused; then the furthest step reached (level 3), not the missed level 2.
  { ID: '9400000021', customer: 'R000000002', dueDay: 20, amount: 500, expected: [[0, 15, 500], [1, 21, 500], [3, 50, 500], [4, 55, 500]] },
  // 40 of 100 disputed from day 12 on, never settled: every reminder asks for the undisputed 60.
  { ID: '9400000022', customer: 'R000000002', dueDay: 20, amount: 100, expected: [[0, 15, 60], [1, 21, 60], [2, 30, 60], [3, 40, 60], [4, 55, 60]] },
  // Promised on day 32 for day 40, cleared on day 41: the promise is kept, nothing after level 1.
  { ID: '9400000031', customer: 'R000000003', dueDay: 30, amount: 80, expected: [[0, 25, 80], [1, 31, 80]] },
  // Promised on day 32 for day 34, still open after the grace of 3 days: broken on day 38, level 2 at once.
  { ID: '9400000032', customer: 'R000000003', dueDay: 30, amount: 90, expected: [[0, 25, 90], [1, 31, 90], [2, 38, 90], [3, 50, 90], [4, 65, 90]] },
  // Payment reported on day 43, not received after 10 days: resumes on day 54 with the step reached then.
  { ID: '9400000041', customer: 'R000000004', dueDay: 40, amount: 70, expected: [[0, 35, 70], [1, 41, 70], [2, 54, 70], [3, 60, 70], [4, 75, 70]] },
  // 70 of 100 paid on day 45: the later reminders ask for the 30 still open.
  { ID: '9400000042', customer: 'R000000004', dueDay: 40, amount: 100, expected: [[0, 35, 100], [1, 41, 100], [2, 50, 30], [3, 60, 30], [4, 75, 30]] },
  // A dunning block in S/4, a central block, no address: never reminded.
  { ID: '9400000051', customer: 'R000000005', dueDay: 10, amount: 100, expected: [] },
  { ID: '9400000061', customer: 'R000000006', dueDay: 10, amount: 100, expected: [] },
  { ID: '9400000071', customer: 'R000000007', dueDay: 10, amount: 100, expected: [] },
]

type Reminder = { invoice_ID: string; level: number; amount: string | number; status: string; decidedAt: string; approvedAt: string | null; mail_ID: string | null }
type Mail = { ID: string; customer_ID: string; queuedAt: string; status: string }

describe('reminders through 120 days', function () {
  // 120 days of hourly ticks, a run with its worklist rebuild every morning: about a minute on PostgreSQL.
  this.timeout(300_000)
  const { expect, POST } = cds.test(__dirname + '/..')
  let smtp: TestSmtpServer
  const original = { mail: { ...cds.env.requires.mail } }
  let clock = START

  /** Events of the simulation, by day, applied at midnight UTC before the day's first tick. */
  const events = new Map<number, (() => PromiseLike<unknown>)[]>()
  const on = (day: number, event: () => PromiseLike<unknown>) => events.set(day, [...(events.get(day) ?? []), event])
  const invoice = (ID: string) => INVOICES.find(i => i.ID === ID)!
  const customer = (ID: string) => CUSTOMERS.find(c => c.ID === ID)!
  const clear = (ID: string, day: number) =>
    UPDATE('invoicecrm.mirror.BillingDocuments', ID).set({ isCleared: true, openAmount: 0, openDueDate: FAR, clearingDate: dayOf(day) })
  const speaker = (ID: string) => ({ by: customer(invoice(ID).customer).email!, channel: 'web' as const, from: '192.0.2.1' })

  before(async () => {
    smtp = await startSmtpServer()
    cds.env.requires.mail = { ...cds.env.requires.mail, smtp: { host: '127.0.0.1', port: smtp.port, secure: false } }
    useClock(() => new Date(clock))
    await ensureDefaultPolicy()
    await INSERT.into('invoicecrm.mirror.Customers').entries(
      CUSTOMERS.map(c => ({ ID: c.ID, name: `Customer ${c.ID.slice(-1)}`, country: c.country, language: c.language, billingEmail: c.email, isBlocked: Boolean(c.isBlocked), removedInS4: false }))
    )
    await INSERT.into('invoicecrm.mirror.CustomerDunning').entries(
      CUSTOMERS.filter(c => c.dunningBlock).map(c => ({ customer_ID: c.ID, companyCode: '1710', dunningArea: '01', dunningBlock: 'D' }))
    )
    await INSERT.into('invoicecrm.mirror.BillingDocuments').entries(
      INVOICES.map(i => ({
        ID: i.ID,
        type: 'F2',
        payer_ID: i.customer,
        soldTo_ID: i.customer,
        companyCode: '1710',
        paymentTerms: '0001',
        currency: 'EUR',
        documentDate: dayOf(i.dueDay - 30),
        createdOn: dayOf(i.dueDay - 30),
        grossAmount: i.amount,
        netAmount: i.amount,
        openAmount: i.amount,
        netDueDate: dayOf(i.dueDay),
        openDueDate: dayOf(i.dueDay),
        isCleared: false,
        isCancelled: false,
        removedInS4: false,
      }))
    )
    on(25, () => clear('9400000012', 25))
    on(23, () => INSERT.into('invoicecrm.crm.Disputes').entries({ ID: cds.utils.uuid(), invoice_ID: '9400000021', customer_ID: 'R000000002', reason: 'wrongPrice', wholeInvoice: true, status: 'Open', currency: 'EUR' }))
    on(50, () => UPDATE('invoicecrm.crm.Disputes').set({ status: 'Closed' }).where({ invoice_ID: '9400000021' }))
    on(12, () => INSERT.into('invoicecrm.crm.Disputes').entries({ ID: cds.utils.uuid(), invoice_ID: '9400000022', customer_ID: 'R000000002', reason: 'wrongQuantity', wholeInvoice: false, disputedAmount: 40, status: 'InProcess', currency: 'EUR' }))
    on(32, () => promiseToPay('9400000031', { promisedDate: dayOf(40) }, speaker('9400000031')))
    on(41, () => clear('9400000031', 41))
    on(32, () => promiseToPay('9400000032', { promisedDate: dayOf(34) }, speaker('9400000032')))
    on(43, () => reportPayment('9400000041', { paidOn: dayOf(42), amount: 70, reference: 'TRF-42' }, speaker('9400000041')))
    on(45, () => UPDATE('invoicecrm.mirror.BillingDocuments', '9400000042').set({ openAmount: 30 }))
  })

  after(async () => {
    useClock()
    cds.env.requires.mail = original.mail
    await smtp?.close()
  })

  const queuedMails = async () => ((await SELECT.from('invoicecrm.collections.ReminderMails').where({ status: 'queued' })) as Mail[]).length

  it('decides, holds back and sends each step once, on the day and in the business hours it should', async () => {
    for (let day = 0; day < DAYS; day++) {
      clock = START + day * DAY
      for (const event of events.get(day) ?? []) await cds.tx(async () => await event())
      // AR approves every proposal waiting since yesterday, first thing in the morning.
      const proposals = (await SELECT.from('invoicecrm.collections.Reminders').columns('invoice_ID', 'step_ID').where({ status: 'proposed' })) as { invoice_ID: string; step_ID: string }[]
      for (const p of proposals)
        await POST(`/odata/v4/collections/Reminders(invoice_ID='${p.invoice_ID}',step_ID=${p.step_ID})/CollectionsService.approve`, {}, { auth: { username: 'manager', password: 'manager' } })
      for (let hour = 0; hour < 24; hour++) {
        clock = START + day * DAY + hour * HOUR
        // On day 30 two instances run at the same moment: the second one changes nothing.
        if (day === 30 && hour === 0) await Promise.all([runReminders({ trigger: 'schedule' }), runReminders({ trigger: 'manual' })])
        else await scheduledReminderRun()
        if (await queuedMails()) await eventually('the queued reminder mails sent', async () => (await queuedMails()) === 0, 10_000)
      }
    }

    const reminders = (await SELECT.from('invoicecrm.collections.Reminders').orderBy('invoice_ID', 'level')) as Reminder[]
    for (const seed of INVOICES) {
      const got = reminders.filter(r => r.invoice_ID === seed.ID).map(r => [r.level, dayNumber(r.decidedAt), Number(r.amount)])
      expect(got, `reminders of ${seed.ID}`).to.deep.equal(seed.expected)
    }
    expect(reminders.every(r => r.status === 'sent'), 'every decided reminder was sent').to.equal(true)
  })

  it('sends one mail per customer and pass, in the first business hour of the customer after the reminder was ready', async () => {
    const reminders = (await SELECT.from('invoicecrm.collections.Reminders')) as Reminder[]
    const mails = (await SELECT.from('invoicecrm.collections.ReminderMails').orderBy('queuedAt')) as Mail[]
    expect(mails.every(m => m.status === 'sent')).to.equal(true)
    expect(smtp.messages).to.have.length(mails.length)
    const hours = cds.env.requires.collections.businessHours
    for (const mail of mails) {
      const seed = customer(mail.customer_ID)
      const zone = timeZoneOf(seed.country)
      const at = new Date(mail.queuedAt)
      expect(inBusinessHours(at, zone, hours), `${mail.customer_ID} at ${mail.queuedAt} (${zone})`).to.equal(true)
      const carried = reminders.filter(r => r.mail_ID === mail.ID)
      expect(carried.length).to.be.greaterThan(0)
      // Ready: decided by the run, or approved by AR; the tick an hour earlier was either before that or outside hours.
      const ready = Math.max(...carried.map(r => Date.parse(r.approvedAt ?? r.decidedAt)))
      const before = new Date(at.getTime() - HOUR)
      expect(before.getTime() < ready || !inBusinessHours(before, zone, hours), `${mail.customer_ID}'s mail of ${mail.queuedAt} was ready earlier`).to.equal(true)
    }
    // No customer got two mails in one pass.
    const passes = mails.map(m => `${m.customer_ID} ${m.queuedAt}`)
    expect(new Set(passes).size).to.equal(passes.length)
  })

  it('lists every invoice of a mail with its own link, in the customer language and tone', async () => {
    const byRecipient = (address: string) => smtp.messages.filter(m => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0].address === address)
    const berlin = byRecipient('ap@berlin.example')
    // Levels 0, 1, 2 carry both invoices of the customer, level 3 and the final notice only the one still open.
    expect(berlin.map(m => ['9400000011', '9400000012'].filter(n => m.text!.includes(n)).length)).to.deep.equal([2, 2, 2, 1, 1])
    expect(berlin[0].subject).to.match(/^Bald fällig: 2 Rechnungen$/)
    expect(berlin.at(-1)!.subject).to.equal('Letzte Mahnung: Rechnung 9400000011')
    // A link per invoice, and one to the customer's account page.
    for (const mail of berlin) {
      const purposes = await Promise.all(links(mail).map(async url => (await cds.tx(() => verifyLink(url.split('#t=')[1], PURPOSES))).purpose))
      expect(purposes.sort()).to.deep.equal([...(mail.text!.includes('9400000012') ? ['invoiceResponse', 'invoiceResponse'] : ['invoiceResponse']), 'account'].sort())
    }
    const shanghai = byRecipient('finance@shanghai.example')
    expect(shanghai[1].subject).to.equal('付款提醒：2 张发票')
    // The undisputed part of the partly disputed invoice.
    expect(shanghai[1].text).to.match(/9400000022 \| [^|]+ \| €60\.00 \|/)
    // Nothing to the blocked customers, nor to the one without an address.
    expect(byRecipient('ap@blocked-dunning.example')).to.deep.equal([])
    expect(byRecipient('ap@blocked-central.example')).to.deep.equal([])
  })

  it('records why each invoice was held back, settles promises and reported payments, and leaves tasks for AR', async () => {
    const decisionsOf = async (invoice: string, day: number) =>
      ((await SELECT.from('invoicecrm.collections.ReminderDecisions').columns('decision').where({ invoice_ID: invoice, run_ID: { in: SELECT('ID').from('invoicecrm.collections.ReminderRuns').where({ asOf: dayOf(day) }) } })) as { decision: string }[]).map(d => d.decision)
    expect(await decisionsOf('9400000021', 31)).to.deep.equal(['dispute'])
    expect(await decisionsOf('9400000031', 36)).to.deep.equal(['promise'])
    expect(await decisionsOf('9400000041', 48)).to.deep.equal(['paymentReported'])
    expect(await decisionsOf('9400000051', 20)).to.deep.equal(['dunningBlock'])
    expect(await decisionsOf('9400000061', 20)).to.deep.equal(['centralBlock'])
    expect(await decisionsOf('9400000071', 20)).to.deep.equal(['noContact'])
    // Day 30 had two runs at the same moment: each judged the invoice once, and only one of them took its step.
    expect((await decisionsOf('9400000011', 30)).sort()).to.deep.equal(['due', 'notDue'])
    const promises = (await SELECT.from('invoicecrm.collections.PaymentPromises').columns('invoice_ID', 'status').orderBy('invoice_ID')) as { invoice_ID: string; status: string }[]
    expect(promises.map(p => [p.invoice_ID, p.status])).to.deep.equal([['9400000031', 'kept'], ['9400000032', 'broken']])
    const reports = (await SELECT.from('invoicecrm.collections.PaymentReports').columns('invoice_ID', 'status')) as { invoice_ID: string; status: string }[]
    expect(reports.map(r => [r.invoice_ID, r.status])).to.deep.equal([['9400000041', 'notReceived']])
    const tasks = ((await SELECT.from('invoicecrm.crm.FollowUpTasks').columns('invoice_ID', 'reason').orderBy('invoice_ID')) as { invoice_ID: string; reason: string }[]).map(t => [t.invoice_ID, t.reason.split(':')[0]])
    expect(tasks).to.deep.include.members([
      ['9400000032', 'Promise to pay invoice 9400000032 by 2027-04-04 broken'],
      ['9400000041', 'Payment of invoice 9400000041 reported for 2027-04-12, not received'],
    ])
    // The final notice is the last step: a collector calls after it.
    const lastSent = tasks.filter(t => t[1].startsWith('Last reminder')).map(t => t[0])
    expect(lastSent.sort()).to.deep.equal(['9400000011', '9400000021', '9400000022', '9400000032', '9400000041', '9400000042'])
    // Every reminder sent is on the invoice's timeline.
    const sentOnTimeline = (await SELECT.from('invoicecrm.crm.TimelineEntries').columns('invoice_ID').where({ kind: 'reminderSent' })) as { invoice_ID: string }[]
    expect(sentOnTimeline).to.have.length(INVOICES.reduce((n, i) => n + i.expected.length, 0))
  })

  it('closes a run its stopped instance left running, and the run after it takes no step twice', async () => {
    const runs = 'invoicecrm.collections.ReminderRuns'
    const left = { ID: cds.utils.uuid(), asOf: dayOf(DAYS - 1), startedAt: new Date(clock - 2 * HOUR).toISOString(), trigger: 'schedule', status: 'running' }
    const recent = { ...left, ID: cds.utils.uuid(), startedAt: new Date(clock - 10 * 60_000).toISOString() }
    await INSERT.into(runs).entries(left, recent)
    const reminders = async () => ((await SELECT.one.from('invoicecrm.collections.Reminders').columns('count(1) as n')) as { n: number }).n
    const before = await reminders()
    const run = await runReminders({ trigger: 'manual' })
    expect(run.remindersDue + run.proposals).to.equal(0)
    expect(await reminders()).to.equal(before)
    expect(await SELECT.one.from(runs).columns('status', 'message').where({ ID: left.ID })).to.deep.equal({ status: 'failed', message: 'Interrupted: the instance running it stopped' })
    // One that may still be running on another instance is left alone.
    expect(await SELECT.one.from(runs).columns('status').where({ ID: recent.ID })).to.deep.equal({ status: 'running' })
  })
})

/** The response page links of a mail's text. */
const links = (mail: ParsedMail) => [...new Set(mail.text!.match(/https?:\/\/\S+\/respond\/#t=\S+/g) ?? [])]
