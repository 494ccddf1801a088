// Collector Worklist in Chromium, opened from the launchpad by a clerk: their own customers first (the default view),
// the most urgent on top with the reasons of its place, and on a customer's page a call recorded with its outcome and
// note through the Record Contact dialog, then shown among the customer's contacts and stored with who made it, and a
// call with a promise to pay, then among the customer's promises too; and
// an AR manager's download of a remittance advice, risk class and time zone for a customer and approval of a proposed
// dunning block on its page; and
// the figures of how well reminders and promises work, from the worklist's header.
import fs from 'node:fs'
import cds from '@sap/cds'
import { gridTableFit, objectPage, startFiori, tableRows } from './browser/fiori'

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

  it("lets an AR manager set a customer's risk class and time zone, and approve a proposed dunning block, on its page", async () => {
    await POST(`${API}/refreshWorklist`, {}, manager)
    const { data } = await GET(`${API}/Worklist?$select=customer_ID,customerName&$orderby=score desc&$top=1`, manager)
    const [entry] = data.value as { customer_ID: string; customerName: string }[]
    await POST(`${API}/Worklist('${entry.customer_ID}')/CollectionsService.assign`, { collector: 'manager' }, manager)
    const invoice = (await SELECT.one.from('invoicecrm.mirror.BillingDocuments').columns('ID', 'companyCode').where({ payer_ID: entry.customer_ID })) as { ID: string; companyCode: string }
    // A payment the customer reported, with its remittance advice (a PDF as the response page takes it).
    const report = cds.utils.uuid()
    const pdf = Buffer.from('%PDF-1.4\n% remittance advice of the worklist test\n%%EOF\n')
    await INSERT.into(`${K}.PaymentReports`).entries({ ID: report, invoice_ID: invoice.ID, customer_ID: entry.customer_ID, paidOn: '2026-11-30', reportedOn: '2026-12-01', amount: 10, currency: 'EUR', status: 'reported', source: 'web' })
    await INSERT.into(`${K}.RemittanceAdvices`).entries({ ID: cds.utils.uuid(), report_ID: report, invoice_ID: invoice.ID, customer_ID: entry.customer_ID, fileName: 'remittance-advice.pdf', mediaType: 'application/pdf', size: pdf.length, content: pdf })
    const proposal = cds.utils.uuid()
    await INSERT.into(`${K}.DunningBlockProposals`).entries({ ID: proposal, customer_ID: entry.customer_ID, companyCode: invoice.companyCode, invoice_ID: invoice.ID, status: 'proposed' })

    const fp = await fiori.launchpad('manager')
    await fp.openTile('Collector Worklist')
    const { page } = fp
    const rows = tableRows(page)
    await fp.press(rows.filter({ hasText: entry.customerName }).first().locator('td.sapMListTblCell').nth(2), `customer ${entry.customerName}`)
    await fp.waitFor(objectPage(page).filter({ hasText: entry.customerName }), "the customer's page")

    // The remittance advice downloads from the reported payment's row, byte for byte, under its name.
    const section = (title: string) => page.locator('[role="tab"]:visible', { hasText: title })
    await fp.press(section('Reported Payments'), 'the Reported Payments section')
    const reports = page.locator('[id*="table::paymentReports::LineItem"]:visible').first()
    const adviceLink = tableRows(reports).filter({ hasText: invoice.ID }).locator('a:visible').first()
    await fp.waitFor(adviceLink, 'the link of the remittance advice')
    const [download] = await Promise.all([page.waitForEvent('download'), adviceLink.click()])
    expect(download.suggestedFilename()).to.equal('remittance-advice.pdf')
    expect(fs.readFileSync((await download.path())!).equals(pdf), 'the downloaded file').to.equal(true)

    const setTerms = page.locator('button[id$="ObjectPage--fe::DataFieldForAction::CollectionsService.setCollectionTerms"]:visible')
    const ok = page.locator('.sapMDialog:visible button[id$="APD_::CollectionsService.setCollectionTerms::Action::Ok"]')
    const parameter = (name: string) => page.locator(`.sapMDialog:visible [id$="APD_::${name}-inner-inner"], .sapMDialog:visible [id$="APD_::${name}-inner"] textarea`)
    await fp.press(setTerms, 'the Set Policy and Risk button')
    await fp.waitFor(ok, 'the Set Policy and Risk dialog')
    await fp.fill([
      { field: parameter('riskClass'), value: 'High Risk', what: 'the risk class', commit: 'Enter', list: true },
      { field: parameter('timeZone'), value: 'Asia/Shanghai', what: 'the time zone' },
    ])
    await fp.press(ok, 'OK in the Set Policy and Risk dialog', 'CollectionsService.setCollectionTerms')
    await fp.waitFor(objectPage(page).filter({ hasText: 'High Risk' }).filter({ hasText: 'Asia/Shanghai' }), 'the risk class and time zone on the page')
    expect(await SELECT.one.from(`${K}.CustomerCollections`).columns('riskClass', 'timeZone', 'collector').where({ customer_ID: entry.customer_ID })).to.deep.equal({
      riskClass: 'high',
      timeZone: 'Asia/Shanghai',
      collector: 'manager',
    })

    await fp.press(section('Dunning Blocks'), 'the Dunning Blocks section')
    const blocks = page.locator('[id*="table::dunningBlocks::LineItem"]:visible').first()
    const row = tableRows(blocks).filter({ hasText: invoice.ID })
    await fp.waitFor(row.filter({ hasText: 'Proposed' }), 'the proposed dunning block')
    await fp.press(row.locator('.sapMCb:visible'), 'the selection of the proposed dunning block')
    await fp.press(page.locator('button[id$="dunningBlocks::LineItem::DataFieldForAction::CollectionsService.approveBlock"]:visible'), 'the Approve Block button')
    const approve = page.locator('.sapMDialog:visible button[id$="APD_::CollectionsService.approveBlock::Action::Ok"]')
    await fp.waitFor(approve, 'the Approve Block dialog')
    await fp.fill([{ field: parameter('note'), value: 'Handed to the agency', what: 'the note' }])
    await fp.press(approve, 'OK in the Approve Block dialog', 'CollectionsService.approveBlock')
    await fp.waitFor(tableRows(blocks).filter({ hasText: 'Approved' }).filter({ hasText: 'Handed to the agency' }), 'the approved dunning block')
    await fp.shot('fiori-worklist-dunning-block')
    expect(await SELECT.one.from(`${K}.DunningBlockProposals`).columns('status', 'decidedBy', 'note').where({ ID: proposal })).to.deep.equal({
      status: 'approved',
      decidedBy: 'manager',
      note: 'Handed to the agency',
    })
    expect(await SELECT.from('invoicecrm.writeback.WriteBackOperations').columns('target').where({ customer_ID: entry.customer_ID, event: 'escalated' })).to.deep.include({ target: 'dunningBlock' })
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
    expect(await gridTableFit(page), 'the figures at 1440 px').to.deep.equal({ scrolls: false, cut: [] })
    await fp.shot('fiori-worklist-effectiveness')
    await fp.press(page.locator('[role="tab"]:visible', { hasText: 'Promises Kept' }), 'the Promises Kept tab')
    await fp.waitFor(tableRows(page).filter({ hasText: 'Phone' }).filter({ hasText: '100.0' }), 'the promises made on the phone, all kept')
    await fp.settled('the promise figures')
    await fp.shot('fiori-worklist-promises-kept')
    await fp.check()
  })
})
