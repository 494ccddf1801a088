// Collector Worklist in Chromium, opened from the launchpad by a clerk: their own customers first (the default view),
// the most urgent on top with the reasons of its place, and on a customer's page a call recorded with its outcome and
// note through the Record Contact dialog, then shown among the customer's contacts and stored with who made it, and a
// call with a promise to pay, then among the customer's promises too; and
// the figures of how well reminders and promises work, from the worklist's header.
import cds from '@sap/cds'
import { objectPage, startFiori, tableRows } from './browser/fiori'

const API = '/odata/v4/collections'
const K = 'invoicecrm.collections'

describe('Collector Worklist in Chromium', function () {
  this.timeout(600_000)
  const fiori = startFiori()
  const { expect, POST, GET } = fiori.test
  const manager = { auth: { username: 'manager', password: 'manager' } }
  const clerk = { auth: { username: 'clerk', password: 'clerk' } }

  it("lists the clerk's customers by priority with their reasons, and records a call on a customer's page", async () => {
    await GET(`${API}/Worklist`, clerk)
    await POST(`${API}/refreshWorklist`, {}, manager)
    const { data } = await GET(`${API}/Worklist?$select=customer_ID,customerName,score,reasons&$orderby=score desc&$top=3`, clerk)
    expect(data.value, 'customers with overdue invoices in the simulated mirror').to.have.length(3)
    const [first, second, third] = data.value as { customer_ID: string; customerName: string; score: number; reasons: string }[]
    // The clerk's: the second and third of the whole list.
    for (const customer of [second, third]) await POST(`${API}/Worklist('${customer.customer_ID}')/CollectionsService.assign`, { collector: 'clerk' }, manager)

    const fp = await fiori.launchpad('clerk')
    await fp.openTile('Collector Worklist')
    const { page } = fp
    const rows = tableRows(page)
    await fp.waitFor(rows.filter({ hasText: second.customerName }), "the clerk's most urgent customer")
    await fp.settled('the worklist')
    // Only the clerk's own, the higher score first, each with its reasons.
    expect(await rows.count()).to.equal(2)
    const shown = (await rows.allInnerTexts()).map(t => t.replace(/\s+/g, ' '))
    expect(shown[0]).to.contain(second.customerName).and.contain(second.reasons.split(' · ')[0])
    expect(shown[1]).to.contain(third.customerName)
    expect(shown.join(' ')).not.to.contain(first.customerName)
    await fp.shot('fiori-worklist-mine')

    await fp.press(rows.filter({ hasText: second.customerName }).first().locator('td.sapMListTblCell').nth(2), `customer ${second.customerName}`)
    await fp.waitFor(objectPage(page).filter({ hasText: second.customerName }), "the customer's page")
    const recordContact = page.locator('button[id$="ObjectPage--fe::DataFieldForAction::CollectionsService.recordContact"]:visible')
    const ok = page.locator('.sapMDialog:visible button[id$="APD_::CollectionsService.recordContact::Action::Ok"]')
    const parameter = (name: string) => page.locator(`.sapMDialog:visible [id$="APD_::${name}-inner-inner"], .sapMDialog:visible [id$="APD_::${name}-inner"] textarea`)
    await fp.press(recordContact, 'the Record Contact button')
    await fp.waitFor(ok, 'the Record Contact dialog')
    await fp.settled('the Record Contact dialog')
    await fp.fill([
      { field: parameter('channel'), value: 'Phone', what: 'the channel', commit: 'Enter', list: true },
      { field: parameter('outcome'), value: 'Not Reached', what: 'the outcome', commit: 'Enter', list: true },
      { field: parameter('note'), value: 'Voicemail, call again on Monday', what: 'the note' },
    ])
    await fp.press(ok, 'OK in the Record Contact dialog', 'CollectionsService.recordContact')
    const contacts = page.locator('[id*="table::contacts::LineItem"]:visible')
    await fp.waitFor(tableRows(contacts.first()).filter({ hasText: 'Voicemail, call again on Monday' }), 'the call among the contacts')
    expect((await tableRows(contacts.first()).first().innerText()).replace(/\s+/g, ' ')).to.contain('Phone').and.contain('Not Reached')
    await fp.shot('fiori-worklist-contact')
    expect(await SELECT.one.from(`${K}.CollectionContacts`).columns('channel', 'outcome', 'note', 'createdBy').where({ customer_ID: second.customer_ID })).to.deep.equal({
      channel: 'phone',
      outcome: 'notReached',
      note: 'Voicemail, call again on Monday',
      createdBy: 'clerk',
    })

    // A second call: the customer promises to pay one of its open invoices on a date ten days from now, in part.
    const [open] = (await SELECT.from('invoicecrm.mirror.BillingDocuments')
      .columns('ID', 'openAmount')
      .where({ payer_ID: second.customer_ID, isCleared: false, openAmount: { '>': 10 } })
      .orderBy('ID')
      .limit(1)) as { ID: string; openAmount: number }[]
    expect(open?.ID, "an open invoice of the clerk's customer").to.be.a('string')
    const promisedDate = new Date(Date.now() + 10 * 86_400_000)
    const iso = promisedDate.toISOString().slice(0, 10)
    const promisedShown = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(promisedDate)
    await fp.press(recordContact, 'the Record Contact button')
    await fp.waitFor(ok, 'the Record Contact dialog')
    await fp.fill([
      { field: parameter('channel'), value: 'Phone', what: 'the channel', commit: 'Enter', list: true },
      { field: parameter('outcome'), value: 'Promise to Pay', what: 'the outcome', commit: 'Enter', list: true },
      { field: parameter('invoice'), value: open.ID, what: 'the invoice' },
      { field: parameter('promisedDate'), value: promisedShown, what: 'the promised date', commit: 'Enter' },
      { field: parameter('amount'), value: '10.000', what: 'the promised amount' },
      { field: parameter('note'), value: 'Pays the first part with the next run', what: 'the note' },
    ])
    await fp.press(ok, 'OK in the Record Contact dialog', 'CollectionsService.recordContact')
    await fp.waitFor(tableRows(contacts.first()).filter({ hasText: 'Pays the first part with the next run' }), 'the promise call among the contacts')
    expect((await tableRows(contacts.first()).filter({ hasText: 'Pays the first part' }).first().innerText()).replace(/\s+/g, ' '))
      .to.contain('Promise to Pay')
      .and.contain(open.ID)
    const promises = page.locator('[id*="table::promises::LineItem"]:visible')
    await fp.waitFor(tableRows(promises.first()).filter({ hasText: promisedShown }), "the promise among the customer's promises")
    await fp.shot('fiori-worklist-promise')
    expect(
      await SELECT.one.from(`${K}.PaymentPromises`).columns('promisedDate', 'amount', 'status', 'source', 'promisedBy').where({ invoice_ID: open.ID })
    ).to.deep.include({ promisedDate: iso, status: 'open', source: 'phone', promisedBy: 'clerk' })
    expect(Number((await SELECT.one.from(`${K}.PaymentPromises`).columns('amount').where({ invoice_ID: open.ID }))?.amount)).to.equal(10)
    await fp.check()
  })

  it('shows per reminder step the share of invoices paid within 7 days, and the promises kept', async () => {
    // A reminder sent 3 days before its invoice was cleared, and a promise kept, on invoices of the simulated mirror.
    const [paid, promised] = (await SELECT.from('invoicecrm.mirror.BillingDocuments').columns('ID', 'payer_ID').orderBy('ID').limit(2)) as { ID: string; payer_ID: string }[]
    const step = (await SELECT.one.from(`${K}.ReminderSteps`).columns('ID').where({ level: 1 })) as { ID: string }
    await UPDATE('invoicecrm.mirror.BillingDocuments', paid.ID).set({ isCleared: true, clearingDate: '2026-11-13' })
    await INSERT.into(`${K}.Reminders`).entries({ invoice_ID: paid.ID, step_ID: step.ID, customer_ID: paid.payer_ID, level: 1, status: 'sent', sentAt: '2026-11-10T09:00:00Z', sentOn: '2026-11-10' })
    await INSERT.into(`${K}.PaymentPromises`).entries({ ID: cds.utils.uuid(), invoice_ID: promised.ID, customer_ID: promised.payer_ID, promisedDate: '2026-11-20', status: 'kept', source: 'phone' })
    const { data: figures } = await GET(`${API}/ReminderEffectiveness?$filter=level eq 1`, clerk)
    expect(figures.value.map((r: { remindersSent: number; paidWithin7Days: number }) => [r.remindersSent, r.paidWithin7Days])).to.deep.equal([[1, 1]])

    const fp = await fiori.launchpad('clerk')
    await fp.openTile('Collector Worklist')
    const { page } = fp
    await fp.press(page.locator('button:visible', { hasText: /^Effectiveness$/ }), 'the Effectiveness button')
    const level1 = tableRows(page).filter({ hasText: 'Standard' }).filter({ hasText: '100.0' })
    await fp.waitFor(level1, 'the first reminder level of the standard policy, paid within 7 days')
    expect((await level1.first().innerText()).replace(/\s+/g, ' ')).to.match(/Standard 1 1 1 1 100\.0/)
    await fp.settled('the figures')
    await fp.shot('fiori-worklist-effectiveness')
    await fp.press(page.locator('[role="tab"]:visible', { hasText: 'Promises Kept' }), 'the Promises Kept tab')
    await fp.waitFor(tableRows(page).filter({ hasText: 'Phone' }).filter({ hasText: '100.0' }), 'the promises made on the phone, all kept')
    await fp.settled('the promise figures')
    await fp.shot('fiori-worklist-promises-kept')
    await fp.check()
  })
})
