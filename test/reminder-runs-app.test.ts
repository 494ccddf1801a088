// The reminder runs in Chromium, in the Reminder Policies app of an AR manager: a run's reminders with the proposals
// first and, of them, the exceptions (a customer with a payment reported and not received) before larger amounts;
// two proposals approved and one removed from the table, then the approved ones sent. The run and its proposals come
// from the real reminder run over the simulated mirror, on a clock set to a working morning; the customers involved
// are reminded by UTC (AR's time zone override) so that the morning is inside their business hours.
import cds from '@sap/cds'
import { cutInResponsiveTables, objectPage, startFiori, tableRows } from './browser/fiori'
import { useClock } from '../srv/collections/clock'
import { eventually } from './support'

const API = '/odata/v4/collections'
const K = 'invoicecrm.collections'

/** 10:00 UTC of today, or of the next Monday if today is a Saturday or Sunday. */
function workingMorning(): Date {
  const day = new Date(new Date().toISOString().slice(0, 10) + 'T10:00:00Z')
  const weekday = day.getUTCDay()
  const ahead = weekday === 6 ? 2 : weekday === 0 ? 1 : 0
  return new Date(day.getTime() + ahead * 86_400_000)
}

type Proposal = { invoice_ID: string; step_ID: string; customer_ID: string; amount: string; status: string }

describe('Reminder runs in Chromium', function () {
  this.timeout(600_000)
  const fiori = startFiori()
  const { expect, POST } = fiori.test
  const manager = { auth: { username: 'manager', password: 'manager' } }

  before(() => useClock(() => workingMorning()))
  after(() => useClock())

  it("shows a run's proposals with the exceptions first, approves two and removes one, and sends the approved", async () => {
    const { data: outcome } = await POST(`${API}/runReminders`, {}, manager)
    expect(outcome.proposals, 'final notices proposed over the simulated mirror').to.be.at.least(4)
    const proposals = (await SELECT.from(`${K}.Reminders`).columns('invoice_ID', 'step_ID', 'customer_ID', 'amount', 'status').where({ run_ID: outcome.run, status: 'proposed' }).orderBy('amount')) as Proposal[]
    // The smallest proposal's customer reported a payment that never came: an exception, on top despite its amount.
    const exception = proposals[0]
    await INSERT.into(`${K}.PaymentReports`).entries({
      ID: cds.utils.uuid(), invoice_ID: exception.invoice_ID, customer_ID: exception.customer_ID, paidOn: '2026-01-05', reportedOn: '2026-01-06',
      amount: exception.amount, status: 'notReceived', settledAt: new Date().toISOString(),
    })
    await POST(`${API}/refreshWorklist`, {}, manager)
    const customers = [...new Set(proposals.map(p => p.customer_ID))]
    for (const customer of customers) await UPSERT.into(`${K}.CustomerCollections`).entries({ customer_ID: customer, timeZone: 'UTC' })
    const { data: listed } = await fiori.test.GET(`${API}/ReminderRuns(${outcome.run})/reminders?$filter=status eq 'proposed'&$orderby=isException desc,amount desc&$select=invoice_ID,customer_ID,isException`, manager)
    const order = listed.value as { invoice_ID: string; customer_ID: string; isException: boolean }[]
    expect(order.map(r => r.isException), 'the exception customer\u2019s proposals only are exceptions').to.deep.equal(order.map(r => r.customer_ID === exception.customer_ID))
    expect(order[0], 'an exception first').to.include({ customer_ID: exception.customer_ID, isException: true })
    const [approveA, approveB, remove] = order.filter(r => !r.isException).map(r => r.invoice_ID)
    expect(remove, 'three proposals besides the exception').to.be.a('string')

    const fp = await fiori.launchpad('manager')
    await fp.openTile('Reminder Policies')
    const { page } = fp
    await fp.press(page.locator('button:visible', { hasText: /^Reminder Runs$/ }), 'the Reminder Runs button')
    const runs = tableRows(page)
    await fp.waitFor(runs.filter({ hasText: 'manager' }), 'the run in the list')
    await fp.press(runs.filter({ hasText: 'manager' }).first().locator('td.sapMListTblCell').first(), 'the run')
    await fp.waitFor(objectPage(page).filter({ hasText: 'Reminders' }), "the run's page")

    const reminders = page.locator('[id*="table::reminders::LineItem"]:visible').first()
    const row = (invoice: string) => tableRows(reminders).filter({ hasText: invoice }).first()
    await fp.waitFor(row(order[0].invoice_ID), 'the first exception among the reminders')
    await fp.settled("the run's reminders")
    // The exception first, then the other proposals by amount, each with its status and the exception's signal.
    const first = (await tableRows(reminders).first().innerText()).replace(/\s+/g, ' ')
    expect(first).to.contain(order[0].invoice_ID).and.contain('Proposed').and.contain('Yes')
    expect(await cutInResponsiveTables(page), 'titles and values cut off at 1440 px').to.deep.equal([])
    await fp.shot('fiori-reminder-run-proposals')

    for (const invoice of [approveA, approveB]) await fp.press(row(invoice).locator('.sapMCb:visible'), `the selection of the reminder of invoice ${invoice}`)
    await fp.press(page.locator('button[id$="reminders::LineItem::DataFieldForAction::CollectionsService.approve"]:visible'), 'the Approve button', 'CollectionsService.approve')
    const statusOf = async (invoice: string) => ((await SELECT.one.from(`${K}.Reminders`).columns('status', 'approvedBy').where({ run_ID: outcome.run, invoice_ID: invoice })) as { status: string; approvedBy: string })
    await eventually('both approved', async () => (await statusOf(approveA)).status === 'due' && (await statusOf(approveB)).status === 'due', 120_000)
    await fp.waitFor(row(approveA).filter({ hasText: 'Due' }), 'the first approved reminder shown as due')

    // The approved stay selected: unselected first, else the app would ask whether to go on without them.
    for (const invoice of [approveA, approveB]) await fp.press(row(invoice).locator('.sapMCb:visible'), `the selection of the reminder of invoice ${invoice}, to undo it`)
    await fp.waitFor(tableRows(reminders).filter({ hasText: approveB }).and(page.locator(':not(.sapMLIBSelected)')), 'the approved reminders unselected')
    expect(await reminders.locator('.sapMListTblRow.sapMLIBSelected').count()).to.equal(0)
    await fp.press(row(remove).locator('.sapMCb:visible'), `the selection of the reminder of invoice ${remove}`)
    await fp.press(page.locator('button[id$="reminders::LineItem::DataFieldForAction::CollectionsService.remove"]:visible'), 'the Remove button', 'CollectionsService.remove')
    await fp.waitFor(row(remove).filter({ hasText: 'Removed' }), 'the removed reminder shown as removed')
    expect(await statusOf(approveA)).to.deep.equal({ status: 'due', approvedBy: 'manager' })
    expect(await statusOf(remove)).to.deep.equal({ status: 'removed', approvedBy: 'manager' })

    await fp.press(page.locator('button:visible', { hasText: /^Send Due Reminders$/ }), 'the Send Due Reminders button', 'CollectionsService.sendDue')
    // Shown queued (or sent already, by the queue) on the page, among the decided ones after the proposals: further
    // down the list, which shows more as often as asked.
    await fp.settled('the page after sending')
    const more = reminders.locator('.sapMGrowingListTrigger:visible')
    while (!(await row(approveA).count()) && (await more.count())) {
      await fp.press(more, 'More below the reminders')
      await fp.settled('the next reminders')
    }
    await fp.waitFor(row(approveA).filter({ hasText: /Queued|Sent/ }), 'the first approved reminder shown as queued or sent')
    await fp.waitFor(row(remove).filter({ hasText: 'Removed by AR' }), 'the removed reminder still removed')
    const after = async () => Object.fromEntries(((await SELECT.from(`${K}.Reminders`).columns('invoice_ID', 'status').where({ run_ID: outcome.run, invoice_ID: { in: [approveA, approveB, remove] } })) as { invoice_ID: string; status: string }[]).map(r => [r.invoice_ID, r.status]))
    // Queued in a mail (or already sent by the queue), the removed one not.
    const gone = (status: string) => status === 'queued' || status === 'sent' || status === 'bounced'
    const states = await after()
    expect([gone(states[approveA]), gone(states[approveB]), states[remove]]).to.deep.equal([true, true, 'removed'])
    await fp.shot('fiori-reminder-run-sent')
    await fp.check()
  })
})
