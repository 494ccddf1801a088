// A run's proposals as an AR manager reviews them over OData (the Reminder Policies app's run page): reached from the
// run, the proposals first and of them the exceptions (customers with a broken promise, an open dispute or a payment
// reported and not received); approved and removed through the run's path; sent from the run; and for AR managers only.
// Then the figures of how well reminders work: per step, the invoices paid within 7 days of the reminder; the
// promises kept, per how they were made.
import cds from '@sap/cds'
import { useClock } from '../srv/collections/clock'
import { ensureDefaultPolicy } from '../srv/collections/default-policy'

const M = 'invoicecrm.mirror'
const K = 'invoicecrm.collections'
const API = '/odata/v4/collections'
const as = (user: string) => ({ auth: { username: user, password: user } })

/** A Wednesday morning, in business hours in Germany. */
const NOW = new Date('2026-11-18T10:00:00Z')
const day = (offset: number) => new Date(NOW.getTime() + offset * 86_400_000).toISOString().slice(0, 10)

type Listed = { invoice_ID: string; step_ID: string; customer_ID: string; status: string; isException: boolean; amount: string }

describe('reviewing a reminder run\u2019s proposals', () => {
  const { GET, POST, expect } = cds.test(__dirname + '/..')
  const failure = (request: Promise<unknown>) => request.then(() => 200, (e: { response: { status: number } }) => e.response.status)
  let run: string

  before(async () => {
    useClock(() => NOW)
    await ensureDefaultPolicy()
    // Three customers 40 days past due (the standard policy's final notice, which AR approves), one 3 days (level 1).
    const customers = ['P1', 'P2', 'P3', 'P4']
    await INSERT.into(`${M}.Customers`).entries(customers.map(ID => ({ ID, name: `Customer ${ID}`, country: 'DE', language: 'DE', billingEmail: `ap@${ID.toLowerCase()}.example`, isBlocked: false, removedInS4: false })))
    const invoices = [
      ['95000001', 'P1', 900, -40],
      ['95000002', 'P2', 5_000, -40],
      ['95000003', 'P3', 2_000, -40],
      ['95000004', 'P4', 700, -3],
    ] as const
    await INSERT.into(`${M}.BillingDocuments`).entries(
      invoices.map(([ID, payer, amount, due]) => ({
        ID, type: 'F2', payer_ID: payer, soldTo_ID: payer, companyCode: '1710', paymentTerms: '0001', currency: 'EUR', documentDate: day(due - 30), createdOn: day(due - 30),
        grossAmount: amount, netAmount: amount, openAmount: amount, netDueDate: day(due), openDueDate: day(due), isCleared: false, isCancelled: false, removedInS4: false,
      }))
    )
    // P1 reported a payment that never came: the smallest proposal, and the exception.
    await INSERT.into(`${K}.PaymentReports`).entries({ ID: cds.utils.uuid(), invoice_ID: '95000001', customer_ID: 'P1', paidOn: day(-30), reportedOn: day(-29), amount: 900, status: 'notReceived', settledAt: NOW.toISOString() })
    const { data } = await POST(`${API}/runReminders`, {}, as('manager'))
    // P4's first reminder is queued by the run itself (in business hours); the final notices wait for AR.
    expect(data).to.include({ proposals: 3, remindersDue: 1, mailsQueued: 1 })
    run = data.run
  })

  after(() => useClock())

  it('lists the run\u2019s reminders from the run: the proposals first, the exceptions before larger amounts', async () => {
    const { data } = await GET(`${API}/ReminderRuns(${run})/reminders?$orderby=awaitsDecision desc,isException desc,amount desc&$select=invoice_ID,customer_ID,status,isException,amount,paymentsNotReceived`, as('clerk'))
    expect((data.value as Listed[]).map(r => [r.invoice_ID, r.status, r.isException])).to.deep.equal([
      ['95000001', 'proposed', true],
      ['95000002', 'proposed', false],
      ['95000003', 'proposed', false],
      ['95000004', 'queued', false],
    ])
    expect(data.value[0].paymentsNotReceived).to.equal(1)
  })

  it('approves and removes proposals reached from the run, and refuses to decide one twice', async () => {
    const { data } = await GET(`${API}/ReminderRuns(${run})/reminders?$filter=status eq 'proposed'&$select=invoice_ID,step_ID`, as('manager'))
    const path = (invoice: string) => {
      const { step_ID } = (data.value as Listed[]).find(r => r.invoice_ID === invoice)!
      return `${API}/ReminderRuns(${run})/reminders(invoice_ID='${invoice}',step_ID=${step_ID})`
    }
    expect(await failure(POST(`${path('95000002')}/CollectionsService.approve`, {}, as('clerk'))), 'a clerk').to.equal(403)
    await POST(`${path('95000002')}/CollectionsService.approve`, {}, as('manager'))
    await POST(`${path('95000003')}/CollectionsService.remove`, {}, as('manager'))
    expect(await failure(POST(`${path('95000003')}/CollectionsService.approve`, {}, as('manager'))), 'removed already').to.equal(409)
    const statuses = await SELECT.from(`${K}.Reminders`).columns('invoice_ID', 'status', 'approvedBy').where({ run_ID: run }).orderBy('invoice_ID')
    expect(statuses).to.deep.equal([
      { invoice_ID: '95000001', status: 'proposed', approvedBy: null },
      { invoice_ID: '95000002', status: 'due', approvedBy: 'manager' },
      { invoice_ID: '95000003', status: 'removed', approvedBy: 'manager' },
      { invoice_ID: '95000004', status: 'queued', approvedBy: null },
    ])
  })

  it('sends from the run what is due, for AR managers only', async () => {
    expect(await failure(POST(`${API}/ReminderRuns(${run})/CollectionsService.sendDue`, {}, as('clerk'))), 'a clerk').to.equal(403)
    const { data } = await POST(`${API}/ReminderRuns(${run})/CollectionsService.sendDue`, {}, as('manager'))
    // P2's final notice, approved since the run.
    expect(data.value).to.equal(1)
    const statuses = await SELECT.from(`${K}.Reminders`).columns('invoice_ID', 'status').where({ run_ID: run }).orderBy('invoice_ID')
    expect((statuses as { status: string }[]).map(r => r.status)).to.deep.equal(['proposed', 'queued', 'removed', 'queued'])
  })

  it('shows per step how many reminded invoices were paid within 7 days, and how many promises were kept', async () => {
    const steps = (await SELECT.from(`${K}.ReminderSteps`).columns('ID', 'level').where({ level: { in: [1, 2] } })) as { ID: string; level: number }[]
    const step = (level: number) => steps.find(s => s.level === level)!.ID
    // Level 1: paid 5 days after the mail, paid 9 days after, not paid; level 2: paid the same day. One still queued.
    const sent = [
      ['96000001', 1, -20, -15],
      ['96000002', 1, -20, -11],
      ['96000003', 1, -20, null],
      ['96000004', 2, -10, -10],
      ['96000005', 2, -2, -1],
    ] as const
    await INSERT.into(`${M}.BillingDocuments`).entries(
      sent.map(([ID, , , paid]) => ({
        ID, type: 'F2', payer_ID: 'P4', soldTo_ID: 'P4', companyCode: '1710', currency: 'EUR', documentDate: day(-60), createdOn: day(-60), grossAmount: 100, netAmount: 100,
        openAmount: paid === null ? 100 : 0, netDueDate: day(-30), openDueDate: day(-30), isCleared: paid !== null, clearingDate: paid === null ? null : day(paid), isCancelled: false, removedInS4: false,
      }))
    )
    await INSERT.into(`${K}.Reminders`).entries(
      sent.map(([invoice, level, on], i) => ({
        invoice_ID: invoice, step_ID: step(level), customer_ID: 'P4', level, amount: 100, currency: 'EUR',
        ...(i === 4 ? { status: 'queued' } : { status: 'sent', sentAt: `${day(on)}T10:00:00Z`, sentOn: day(on) }),
      }))
    )
    const { data: reminders } = await GET(`${API}/ReminderEffectiveness?$filter=level ge 1 and level le 2&$orderby=level&$select=level,remindersSent,paidWithin7Days,paidWithin7DaysPercent`, as('clerk'))
    expect(reminders.value.map((r: { level: number; remindersSent: number; paidWithin7Days: number; paidWithin7DaysPercent: string | number }) => [r.level, r.remindersSent, r.paidWithin7Days, Number(r.paidWithin7DaysPercent)])).to.deep.equal([
      [1, 3, 1, 33.3],
      [2, 1, 1, 100],
    ])

    const promise = (invoice: string, status: string, source: string) => ({ ID: cds.utils.uuid(), invoice_ID: invoice, customer_ID: 'P4', promisedDate: day(-5), status, source })
    await INSERT.into(`${K}.PaymentPromises`).entries([
      promise('96000001', 'kept', 'web'), promise('96000002', 'broken', 'web'), promise('96000003', 'open', 'web'),
      promise('96000004', 'kept', 'phone'), promise('96000005', 'open', 'email'),
    ])
    const promiseFigures = async (language: string) =>
      ((await GET(`${API}/PromiseEffectiveness?$orderby=source&$expand=sourceText($select=name)`, { ...as('clerk'), headers: { 'accept-language': language } })).data.value as {
        sourceText: { name: string }; promises: number; kept: number; broken: number; stillOpen: number; keptPercent: string | null
      }[]).map(r => [r.sourceText.name, r.promises, r.kept, r.broken, r.stillOpen, r.keptPercent === null ? null : Number(r.keptPercent)])
    const byChannel = [[1, 0, 0, 1, null], [1, 1, 0, 0, 100], [3, 1, 1, 1, 50]]
    const channels = ((await SELECT.from('invoicecrm.codes.Channels').columns('code', 'name')) as { code: string; name: string }[])
    const named = (code: string) => channels.find(c => c.code === code)!.name
    expect(await promiseFigures('en')).to.deep.equal(['email', 'phone', 'web'].map((code, i) => [named(code), ...byChannel[i]]))
    const german = await promiseFigures('de')
    expect(german.map(r => r[0]), 'the channels in the reader\u2019s language').not.to.deep.equal(['email', 'phone', 'web'].map(named))
    expect(german.map(r => r.slice(1))).to.deep.equal(byChannel)
  })
})
