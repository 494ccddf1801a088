// The Fiori elements apps of AR in Chromium, opened from the launchpad as the mocked users: Manage Invoices
// filtered to overdue invoices and one of them opened, a confirmation and a dispute by phone recorded there and the
// dispute opened in Manage Disputes; a dispute's processing data edited in draft and shown in its Change History, then
// the dispute worked Open → In Process → Resolved → Closed with the object page's buttons, which follow the status;
// another one escalated by an AR manager; Customer 360 with the aging of a customer's open items, and a contact correction
// created in draft. What the pages show and do is checked against the database.
import type { Page } from 'playwright-core'
import { cutInResponsiveTables, gridTableFit, objectPage, startFiori, tableRows, type FioriPage } from './browser/fiori'
import { writeBackSettings } from '../srv/writeback'
import { eventually } from './support'

const C = 'invoicecrm.crm'
const API = '/odata/v4/receivables'

describe('Fiori apps in Chromium', function () {
  this.timeout(600_000)
  const fiori = startFiori()
  const { expect } = fiori.test
  const clerk = { auth: { username: 'clerk', password: 'clerk' } }

  /** The button of a bound action in the object page's header. */
  const actionButton = (page: Page, action: string) => page.locator(`button[id$="ObjectPage--fe::DataFieldForAction::ReceivablesService.${action}"]:visible`)
  /** A parameter field of the open action dialog. */
  const parameter = (page: Page, name: string) => page.locator(`.sapMDialog:visible [id$="APD_::${name}-inner-inner"]`)
  const dialogButton = (page: Page, action: string) => page.locator(`.sapMDialog:visible button[id$="APD_::ReceivablesService.${action}::Action::Ok"]`)
  /** A bound action in the object page's header: its dialog is open, waited for, and settled (ready to type into). */
  const openActionDialog = async (fp: FioriPage, action: string, what: string) => {
    await fp.press(actionButton(fp.page, action), `the ${what} button`)
    await fp.waitFor(dialogButton(fp.page, action), `the ${what} dialog`)
    await fp.settled(`the ${what} dialog`)
  }

  it('Manage Invoices: filters the list to overdue invoices, opens one with its items and timeline, records answers by phone, opens the dispute', async () => {
    const overdue = (await SELECT.from('ReceivablesService.Invoices').columns('ID').where({ daysOverdue: { '>': 0 } })) as { ID: string }[]
    expect(overdue.length, 'the simulator has overdue invoices').to.be.greaterThan(0)
    const all = (await SELECT.one.from('ReceivablesService.Invoices').columns('count(1) as n')) as { n: number }
    expect(all.n).to.be.greaterThan(overdue.length)

    const fp = await fiori.launchpad('clerk')
    await fp.openTile('Manage Invoices')
    const { page } = fp
    const daysOverdue = page.locator('input[id$="FilterField::daysOverdue-inner-inner"]')
    // Committed with Enter, the condition becomes a token of the filter field, whose input is empty again.
    await fp.fill([{ field: daysOverdue, value: '>0', what: 'the Days Overdue filter', commit: 'Enter', shows: /^$/ }])
    // Enter searched already; Go once that answer is in (the title below waits for the filtered list).
    await fp.press(page.locator('button:visible').filter({ hasText: /^\s*Go\s*$/ }), 'the Go button')
    const title = page.locator('.sapMTitle:visible', { hasText: `Invoices (${overdue.length})` })
    await fp.waitFor(title, `the list of ${overdue.length} overdue invoices`)
    // The list is a grid table; the billing document number opens each of its rows.
    const listRows = page.locator('tr.sapUiTableContentRow:visible').filter({ hasText: /\d{8}/ })
    await fp.waitFor(listRows, 'the rows of the list')
    const shownIds = (await listRows.allInnerTexts()).map(t => /\d+/.exec(t)?.[0])
    expect(shownIds.length).to.be.greaterThan(0)
    const overdueIds = new Set(overdue.map(o => o.ID))
    expect(shownIds.filter(id => !overdueIds.has(id ?? '')), 'every row shown is overdue').to.deep.equal([])
    await fp.shot('fiori-invoices-overdue')
    expect(await gridTableFit(page), `the list at ${page.viewportSize()?.width} px`).to.deep.equal({ scrolls: false, cut: [] })

    const invoice = shownIds[0]!
    // A long history of the invoice, one entry a day: its timeline must show it newest first, whatever order the
    // database keeps (its keys are random UUIDs).
    const history = Array.from({ length: 12 }, (_, n) => ({
      invoice_ID: invoice,
      at: new Date(Date.now() - (n + 1) * 86_400_000).toISOString(),
      kind: 'comment',
      actor: 'clerk',
      text: `Earlier note ${n + 1}`,
    }))
    await INSERT.into(`${C}.TimelineEntries`).entries(history)
    // A grid row opens from its navigation arrow, a cell of its own beside the row.
    const rowIndex = await listRows.filter({ hasText: invoice }).first().getAttribute('data-sap-ui-rowindex')
    await fp.press(page.locator(`[id$="LineItem-innerTable-rowact${rowIndex}"]:visible`), `the navigation arrow of invoice ${invoice}`)
    await fp.waitFor(objectPage(page).filter({ hasText: invoice }), `the object page of invoice ${invoice}`)
    const items = (await SELECT.from('invoicecrm.mirror.BillingDocumentItems').columns('item', 'description').where({ billingDocument_ID: invoice })) as { item: string; description: string }[]
    await fp.waitFor(page.locator('.sapMTitle:visible', { hasText: `Items (${items.length})` }), 'the items of the invoice')
    await fp.waitFor(page.locator('.sapMListTblRow:visible', { hasText: items[0].description }), 'an item row')
    // "Open Dispute" leads to Manage Disputes when there is a dispute to open.
    await fp.settled('the object page of the invoice')
    const { hasOpenDispute } = (await SELECT.one.from('ReceivablesService.Invoices').columns('hasOpenDispute').where({ ID: invoice })) as { hasOpenDispute: boolean }
    expect(await page.locator('button[id$="DataFieldForIntentBasedNavigation::Dispute::manage"]:visible').count()).to.equal(hasOpenDispute ? 1 : 0)

    // A phone confirmation through the action's dialog lands on the invoice's timeline.
    await openActionDialog(fp, 'recordConfirmation', 'Record Confirmation')
    await fp.fill([
      { field: parameter(page, 'source'), value: 'Phone', what: 'the source of the confirmation', commit: 'Enter', list: true },
      { field: parameter(page, 'note'), value: 'Customer confirmed on the phone', what: 'the note of the confirmation' },
    ])
    await fp.press(dialogButton(page, 'recordConfirmation'), 'OK in the confirmation dialog', 'ReceivablesService.recordConfirmation')
    await fp.press(page.locator('[id$="FacetSection::Timeline-anchor"]:visible'), 'the anchor of the timeline')
    const timelineRows = page.locator('[id$="FacetSection::Timeline"] .sapMListTblRow:visible')
    await fp.waitFor(timelineRows.filter({ hasText: 'Confirmed (Phone)' }), 'the confirmation on the timeline')
    await fp.shot('fiori-invoice-object-page')
    const conversation = await SELECT.one.from(`${C}.InvoiceConversations`).where({ invoice_ID: invoice })
    expect(conversation).to.include({ confirmedBy: 'clerk', confirmationChannel: 'phone', confirmationNote: 'Customer confirmed on the phone' })

    // Later the customer calls again, about the quantity: a dispute, which "Open Dispute" then shows in Manage Disputes.
    await openActionDialog(fp, 'recordDispute', 'Record Dispute')
    await fp.fill([
      { field: parameter(page, 'source'), value: 'Phone', what: 'the source of the dispute', commit: 'Enter', list: true },
      { field: parameter(page, 'reason'), value: 'Wrong Quantity', what: 'the reason of the dispute', commit: 'Enter', list: true },
    ])
    await fp.press(dialogButton(page, 'recordDispute'), 'OK in the dispute dialog', 'ReceivablesService.recordDispute')
    const openDispute = page.locator('button[id$="DataFieldForIntentBasedNavigation::Dispute::manage"]:visible')
    await fp.waitFor(openDispute, 'the Open Dispute button')
    // The timeline reads newest first (in the database, the dispute's entry comes after the confirmation's).
    await fp.waitFor(timelineRows.filter({ hasText: 'Disputed' }), 'the dispute on the timeline')
    const timeline = await timelineRows.allInnerTexts()
    const row = (text: string) => timeline.findIndex(entry => entry.includes(text))
    const earlier = timeline.map(entry => Number(/Earlier note (\d+)/.exec(entry)?.[1])).filter(n => n > 0)
    expect(earlier.length, timeline.join(' | ')).to.be.greaterThan(5)
    expect(earlier, 'the earlier notes, newest first').to.deep.equal([...earlier].sort((a, b) => a - b))
    expect(row('Disputed'), timeline.join(' | ')).to.be.lessThan(row('Confirmed (Phone)'))
    expect(row('Confirmed (Phone)'), timeline.join(' | ')).to.be.lessThan(row('Earlier note 1'))
    expect(await SELECT.one.from(`${C}.Disputes`).columns('reason', 'source', 'status').where({ invoice_ID: invoice })).to.deep.equal({ reason: 'wrongQuantity', source: 'phone', status: 'Open' })
    await fp.press(openDispute, 'the Open Dispute button')
    await fp.waitFor(page.locator('.sapMTitle:visible', { hasText: 'Disputes (1)' }), 'Manage Disputes with the dispute of the invoice')
    await fp.waitFor(tableRows(page).filter({ hasText: invoice }), 'the dispute of the invoice')
    await fp.check()
  })

  it("Manage Invoices: a clerk's saved view is there in a new browser session, as the default, and it is the clerk's own", async () => {
    const view = 'Clara – my worklist'
    const variants = (page: Page, part: string) => page.locator(`[id$="InvoicesList--fe::PageVariantManagement-vm-${part}"]:visible`)
    const fp = await fiori.launchpad('clerk')
    await fp.openTile('Manage Invoices')
    await fp.press(variants(fp.page, 'trigger'), 'the button of the views')
    await fp.press(variants(fp.page, 'saveas'), 'Save As')
    await fp.fill([{ field: variants(fp.page, 'name-inner'), value: view, what: 'the name of the view' }])
    await fp.press(variants(fp.page, 'default-CbBg'), 'Set as Default')
    await fp.press(variants(fp.page, 'variantsave'), 'Save', 'saveFlexObject')
    await fp.waitFor(variants(fp.page, 'text').filter({ hasText: view }), 'the saved view as the current one')
    await fp.check()
    const saved = (await SELECT.from('invoicecrm.personalization.FlexObjects').columns('user', 'content')) as { user: string; content: string }[]
    expect(saved.map(object => object.user)).to.include('clerk').and.not.include('manager')
    expect(saved.some(object => object.content.includes(view)), 'the view by its name').to.equal(true)

    // A new browser context is a new session: nothing in the browser's storage, the view comes from the server.
    const again = await fiori.launchpad('clerk')
    await again.openTile('Manage Invoices')
    await again.waitFor(variants(again.page, 'text').filter({ hasText: view }), "the clerk's default view, in a new session")
    await again.check()

    const manager = await fiori.launchpad('manager')
    await manager.openTile('Manage Invoices')
    await manager.waitFor(variants(manager.page, 'text').filter({ hasText: 'Standard' }), "the standard view for the manager")
    await manager.press(variants(manager.page, 'trigger'), 'the button of the views')
    await manager.waitFor(variants(manager.page, 'saveas'), 'the list of views')
    expect(await manager.page.locator('.sapMPopover:visible li', { hasText: view }).count(), "the clerk's view in the manager's list").to.equal(0)
    await manager.check()
  })

  it("opens the invoice from the link that write-back attaches in S/4HANA", async () => {
    const { ID: invoice } = (await SELECT.one.from('ReceivablesService.Invoices').columns('ID').orderBy('ID desc')) as { ID: string }
    const link = new URL(writeBackSettings().targets.attachment.recordUrl.replace('{invoice}', encodeURIComponent(invoice)))
    const fp = await fiori.open('clerk', `${link.pathname}${link.hash}`)
    await fp.waitFor(objectPage(fp.page).filter({ hasText: invoice }), `the object page of invoice ${invoice}`)
    await fp.check()
  })

  it('Manage Disputes: edits the processing data in draft and works the dispute from Open to Closed with the buttons its status allows', async () => {
    const invoice = ((await SELECT.one.from('ReceivablesService.Invoices').columns('ID').where({ hasOpenDispute: false, isCancelled: false, isConfirmed: false }).orderBy('ID desc')) as { ID: string }).ID
    const { data: dispute } = await fiori.test.POST(`${API}/Invoices('${invoice}')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'wrongPrice', comment: 'Price list of March applies' }, clerk)

    const fp = await fiori.launchpad('clerk')
    await fp.openTile('Manage Disputes')
    const { page } = fp
    await fp.waitFor(tableRows(page).filter({ hasText: invoice }), `the dispute of invoice ${invoice} in the worklist`)
    // The worklist's status filter names the statuses it shows, in words.
    // (the field shows the first token and "2 more").
    const statusTokens = page.locator('[id$="FilterField::status"] .sapMToken')
    await fp.waitFor(statusTokens.filter({ hasText: 'Open' }), 'the status filter of the worklist')
    expect((await statusTokens.allTextContents()).map(t => t.trim())).to.deep.equal(['Open', 'In Process', 'Resolved'])
    await fp.shot('fiori-disputes-worklist')
    // At 1440 px every column of the worklist is shown: none hidden for lack of room, none moved into a pop-in
    // (Escalated is added from the table settings; an escalated dispute says so on its page and in its timeline).
    const headers = (await page.locator('.sapMListTblHeader th.sapMListTblCell:visible').allInnerTexts()).map(t => t.trim())
    expect(headers).to.deep.equal(['Billing Document', 'Dispute Status', 'Due By (SLA)', 'Priority', 'Customer', 'Reason', 'Disputed Amount', 'Processor', 'Created On'])
    expect(await page.locator('.sapMListTblSubRow:visible').count(), 'no pop-in rows').to.equal(0)
    // Nor a title or a value cut off with an ellipsis (amounts are the first to be).
    expect(await cutInResponsiveTables(page), 'texts cut off').to.deep.equal([])
    await fp.press(tableRows(page).filter({ hasText: invoice }).first().locator('td.sapMListTblCell').nth(2), `the dispute of invoice ${invoice}`)
    await fp.waitFor(objectPage(page).filter({ hasText: invoice }), 'the object page of the dispute')

    const status = async () => ((await SELECT.one.from(`${C}.Disputes`).columns('status').where({ ID: dispute.ID })) as { status: string }).status
    const statusShown = (text: string) => page.locator('.sapUxAPObjectPageHeaderContent:visible, .sapFDynamicPageHeader:visible').filter({ hasText: text })

    // Each status enables the button of the next step only (Fiori elements sets it from the dispute it read back).
    const steps = ['startProcessing', 'resolveDispute', 'close']
    const enabled = async () => {
      const states = await Promise.all(steps.map(name => actionButton(page, name).isEnabled()))
      return steps.filter((_, i) => states[i])
    }
    const expectEnabled = async (expected: string[]) => {
      await fp.settled(`the buttons of ${expected.join(', ') || 'no step'}`)
      expect(await enabled()).to.deep.equal(expected)
    }
    await fp.waitFor(actionButton(page, 'startProcessing'), 'the Start Processing button')
    await expectEnabled(['startProcessing'])

    // The processing data is edited in draft and saved; the status moves by the actions only.
    const edit = page.locator('button[id$="StandardAction::Edit"]:visible')
    await fp.press(edit, 'the Edit button', 'draftEdit')
    const priority = page.locator('[id*="FormElement::DataField::priority::Field-edit"] input:visible')
    await fp.waitFor(priority, 'the dispute in edit mode')
    await fp.fill([
      { field: priority, value: 'High', what: 'the priority', commit: 'Enter', list: true },
      { field: page.locator('[id*="FormElement::DataField::internalNote::Field-edit"] textarea:visible'), value: 'Sales confirms the April price list', what: 'the internal note' },
    ])
    await fp.press(page.locator('button[id$="FooterBar::StandardAction::Save"]:visible'), 'the Save button', 'draftActivate')
    await fp.waitFor(edit, 'the saved dispute')
    expect(await SELECT.one.from(`${C}.Disputes`).columns('priority', 'internalNote', 'status').where({ ID: dispute.ID })).to.deep.equal({
      priority: 'high',
      internalNote: 'Sales confirms the April price list',
      status: 'Open',
    })
    await expectEnabled(['startProcessing'])
    await fp.press(actionButton(page, 'startProcessing'), 'the Start Processing button', 'ReceivablesService.startProcessing')
    await fp.waitFor(statusShown('In Process'), 'status In Process')
    expect(await status()).to.equal('InProcess')
    await expectEnabled(['resolveDispute'])

    await openActionDialog(fp, 'resolveDispute', 'Resolve')
    await fp.fill([
      { field: parameter(page, 'outcome'), value: 'Rejected', what: 'the outcome', commit: 'Enter', list: true },
      { field: parameter(page, 'resolution'), value: 'The March price list was superseded on 1 April.', what: 'the resolution' },
    ])
    await fp.press(dialogButton(page, 'resolveDispute'), 'OK in the resolve dialog', 'ReceivablesService.resolveDispute')
    await fp.waitFor(statusShown('Resolved'), 'status Resolved')
    expect(await status()).to.equal('Resolved')
    await expectEnabled(['close'])

    await fp.press(actionButton(page, 'close'), 'the Close button', 'ReceivablesService.close')
    await fp.waitFor(statusShown('Closed'), 'status Closed')
    expect(await status()).to.equal('Closed')
    await expectEnabled([])
    // The draft's save is in the dispute's Change History, with who saved it (db/change-tracking.cds).
    await fp.press(page.locator('[role="tab"]:visible, .sapUxAPAnchorBar button:visible').filter({ hasText: /^\s*Change History\s*$/ }), 'the Change History tab')
    const history = page.locator('[id$="fe::FacetSection::ChangeHistory"]:visible')
    // Loaded only when asked for (@UI.PartOfPreview: false), so that opening a dispute does not read its history.
    await fp.press(history.locator('button:visible', { hasText: /^\s*Show More\s*$/ }), 'Show More in the Change History')
    const noteChanged = history.locator('.sapMListTblRow, tr.sapUiTableContentRow').filter({ hasText: 'Sales confirms the April price list' })
    await fp.waitFor(noteChanged, 'the internal note in the Change History')
    expect(await noteChanged.first().innerText()).to.contain('clerk')
    await fp.shot('fiori-dispute-closed')
    const resolved = await SELECT.one.from(`${C}.Disputes`).where({ ID: dispute.ID })
    expect(resolved).to.include({ outcome: 'rejected', resolution: 'The March price list was superseded on 1 April.', processor: 'clerk' })
    await fp.check()
  })

  it('Manage Disputes: an AR manager escalates a dispute with a reason, once', async () => {
    const invoice = ((await SELECT.one.from('ReceivablesService.Invoices').columns('ID').where({ hasOpenDispute: false, isCancelled: false, isConfirmed: false }).orderBy('ID')) as { ID: string }).ID
    const { data: dispute } = await fiori.test.POST(`${API}/Invoices('${invoice}')/ReceivablesService.recordDispute`, { source: 'email', reason: 'notReceived' }, clerk)

    const fp = await fiori.launchpad('manager')
    await fp.openTile('Manage Disputes')
    const { page } = fp
    await fp.waitFor(tableRows(page).filter({ hasText: invoice }), `the dispute of invoice ${invoice} in the worklist`)
    await fp.press(tableRows(page).filter({ hasText: invoice }).first().locator('td.sapMListTblCell').nth(2), `the dispute of invoice ${invoice}`)
    await openActionDialog(fp, 'escalate', 'Escalate')
    await fp.fill([{ field: parameter(page, 'reason'), value: 'Goods held at customs for three weeks', what: 'the reason of the escalation' }])
    await fp.press(dialogButton(page, 'escalate'), 'OK in the escalation dialog', 'ReceivablesService.escalate')
    // Escalated once: the button is disabled for the escalated dispute read back.
    expect(await actionButton(page, 'escalate').isEnabled(), 'the Escalate button after the escalation').to.equal(false)
    await fp.shot('fiori-dispute-escalated')
    const escalated = await SELECT.one.from(`${C}.Disputes`).columns('escalated', 'escalatedBy', 'escalationReason').where({ ID: dispute.ID })
    expect(escalated).to.deep.equal({ escalated: true, escalatedBy: 'manager', escalationReason: 'Goods held at customs for three weeks' })
    await fp.check()
  })

  it('Manage Disputes: a clerk selects several disputes and assigns them to a colleague at once, picked from the finance users', async () => {
    const invoices = ((await SELECT.from('ReceivablesService.Invoices').columns('ID').where({ hasOpenDispute: false, isCancelled: false, isConfirmed: false }).orderBy('ID').limit(2)) as { ID: string }[]).map(i => i.ID)
    expect(invoices).to.have.length(2)
    const disputes: string[] = []
    for (const invoice of invoices) disputes.push((await fiori.test.POST(`${API}/Invoices('${invoice}')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'wrongPrice' }, clerk)).data.ID)
    // The colleague has worked in the apps: the value help lists the finance users the app has seen.
    await fiori.test.GET(`${API}/Disputes?$top=1`, { auth: { username: 'manager', password: 'manager' } })

    const fp = await fiori.launchpad('clerk')
    await fp.openTile('Manage Disputes')
    const { page } = fp
    for (const invoice of invoices) {
      const row = tableRows(page).filter({ hasText: invoice }).first()
      await fp.press(row.locator('.sapMCb:visible'), `the selection of the dispute of invoice ${invoice}`)
    }
    await fp.waitFor(page.locator('.sapMListTblRow.sapMLIBSelected:visible'), 'the selected disputes')
    expect(await page.locator('.sapMListTblRow.sapMLIBSelected:visible').count()).to.equal(2)
    await fp.press(page.locator('button[id$="LineItem::DataFieldForAction::ReceivablesService.assign"]:visible'), 'the Assign button')
    await fp.waitFor(dialogButton(page, 'assign'), 'the Assign dialog')
    await fp.settled('the Assign dialog')
    await fp.fill([{ field: parameter(page, 'processor'), value: 'manager', what: 'the processor', commit: 'Enter', list: true, shows: /manager/ }])
    // The app sends the action for each selected dispute, one request after the other: the first is waited for here,
    // the rest in the database (the processor column is not among those a 1440 px screen shows).
    await fp.press(dialogButton(page, 'assign'), 'OK in the Assign dialog', 'ReceivablesService.assign')
    const processors = async () => ((await SELECT.from(`${C}.Disputes`).columns('processor').where({ ID: { in: disputes } })) as { processor: string }[]).map(d => d.processor)
    await eventually('both disputes assigned', async () => (await processors()).every(p => p === 'manager'), 120_000)
    expect(await processors()).to.deep.equal(['manager', 'manager'])
    await fp.shot('fiori-disputes-assigned')
    await fp.check()
  })

  it('Customer 360: shows a customer with the aging of its open items', async () => {
    const aging = (await SELECT.one.from('ReceivablesService.CustomerAging').orderBy('totalOpen desc')) as { customer: string; currency: string; totalOpen: string }
    const customer = (await SELECT.one.from('ReceivablesService.Customers').columns('ID', 'name', 'country').where({ ID: aging.customer })) as { ID: string; name: string; country: string }
    const country = new Intl.DisplayNames(['en'], { type: 'region' }).of(customer.country)!

    // The total as the page formats it, e.g. 12,345.67
    const total = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(aging.totalOpen))
    const { data: figures } = await fiori.test.GET(`${API}/Customers('${customer.ID}')?$select=daysSalesOutstanding,averageDaysLate`, clerk)

    const fp = await fiori.launchpad('manager')
    await fp.openTile('Customer 360')
    const { page } = fp
    // What each customer owes is in the list.
    await fp.waitFor(tableRows(page).filter({ hasText: customer.name }).filter({ hasText: total }), `${customer.name} in the customer list, owing ${total}`)
    // Countries by name, the code beside it.
    await fp.waitFor(tableRows(page).filter({ hasText: customer.name }).filter({ hasText: `${country} (${customer.country})` }), `${customer.name} in ${country}`)
    // The country filter offers the countries by name: picked by name, it filters by the code.
    const inCountry = (await SELECT.one.from('ReceivablesService.Customers').columns('count(1) as n').where({ country: customer.country })) as { n: number }
    const countryFilter = page.locator('input[id$="FilterField::country-inner-inner"]')
    await fp.fill([{ field: countryFilter, value: country, what: 'the Country filter', commit: 'Enter', list: true, shows: /^$/ }])
    await fp.press(page.locator('button:visible').filter({ hasText: /^\s*Go\s*$/ }), 'the Go button')
    await fp.waitFor(page.locator('.sapMITBFilter:visible', { hasText: `Customers (${inCountry.n})` }), `the ${inCountry.n} customers in ${country}`)
    await fp.press(tableRows(page).filter({ hasText: customer.name }).first().locator('td.sapMListTblCell').nth(1), customer.name)
    await fp.waitFor(objectPage(page).filter({ hasText: customer.name }), `the Customer 360 page of ${customer.name}`)
    // Its header: what it owes, and how it pays.
    const header = page.locator('.sapFDynamicPageHeaderContent:visible')
    await fp.waitFor(header.locator('.sapUiVlt, .sapMVBox').filter({ hasText: 'Open Amount' }).filter({ hasText: total }), `the open amount ${total} in the header`)
    for (const [label, value] of [['Days Sales Outstanding', figures.daysSalesOutstanding], ['Average Days Late', figures.averageDaysLate]])
      if (value !== null) await fp.waitFor(header.locator('.sapMVBox').filter({ hasText: label }).filter({ hasText: String(value) }), `${label} ${value} in the header`)
    const agingSection = page.locator('.sapUxAPObjectPageSection:visible').filter({ hasText: 'Open Receivables and Aging' })
    await fp.waitFor(agingSection.locator('.sapMListTblRow'), 'the aging table')
    await fp.waitFor(agingSection.locator('.sapMListTblRow', { hasText: total }), `the total open amount ${total} ${aging.currency}`)
    for (const bucket of ['Not Due', '1–30 Days Overdue', 'Over 90 Days Overdue']) expect(await agingSection.innerText()).to.contain(bucket)
    // The aging as a column chart in the header, a column per bucket.
    const buckets = (await SELECT.from('ReceivablesService.CustomerAgingBuckets').where({ customer: customer.ID }).orderBy('bucket')) as { bucket: number; amount: string; currency: string }[]
    await fp.waitFor(header.locator('.sapSuiteClMCBars .sapSuiteClMCBar'), 'the aging chart in the header')
    expect(await header.locator('.sapSuiteClMCBars .sapSuiteClMCBar').count()).to.equal(buckets.length)
    await fp.shot('fiori-customer-360')
    await fp.check()

    // A bucket's amount opens Manage Invoices at the customer's invoices in that bucket.
    const bucket = buckets[buckets.length - 1]
    const inBucket = (await SELECT.one.from('ReceivablesService.Invoices').columns('count(1) as n').where({ payer_ID: customer.ID, currency: bucket.currency, agingBucket: bucket.bucket })) as { n: number }
    const amount = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(bucket.amount))
    await fp.press(agingSection.locator('.sapMListTblRow a, .sapMListTblRow .sapMLnk').filter({ hasText: amount }).first(), `the amount ${amount} of the oldest bucket`)
    await fp.waitFor(page.locator('.sapMTitle:visible', { hasText: `Invoices (${inBucket.n})` }), `Manage Invoices with the customer's ${inBucket.n} invoices in the bucket`)
    await fp.shot('fiori-customer-360-drill-down')
    await fp.check()
  })

  for (const [locale, tile, texts] of [
    ['de-DE', 'Kunde 360', { list: ['Offener Betrag', 'Überfälliger Betrag', 'Beanstandeter Betrag'], header: ['Forderungslaufzeit (DSO)', 'Durchschnittlicher Zahlungsverzug (Tage)'], bucket: 'Nicht fällig' }],
    ['zh-CN', '客户 360', { list: ['未清金额', '逾期金额', '争议金额'], header: ['应收账款周转天数', '平均逾期天数'], bucket: '未到期' }],
  ] as const)
    it(`Customer 360 in ${locale}: the amounts, the figures and the aging buckets in the reader's language`, async () => {
      const { customer } = (await SELECT.one.from('ReceivablesService.CustomerAgingBuckets').columns('customer').where({ bucket: 0 })) as { customer: string }
      const name = ((await SELECT.one.from('ReceivablesService.Customers').columns('name').where({ ID: customer })) as { name: string }).name
      const fp = await fiori.launchpad('manager', { width: 1440, height: 900, locale })
      await fp.openTile(tile)
      const { page } = fp
      for (const column of texts.list) await fp.waitFor(page.locator('.sapMListTblHeader, .sapMListTblHeaderCell').filter({ hasText: column }), `the column ${column}`)
      await page.evaluate(`window.location.hash = "#Customer-display&/Customers('${customer}')"`)
      await fp.waitFor(objectPage(page).filter({ hasText: name }), `the page of customer ${customer}`)
      const header = page.locator('.sapFDynamicPageHeaderContent:visible')
      for (const label of [...texts.list.slice(0, 2), ...texts.header]) await fp.waitFor(header.filter({ hasText: label }), `${label} in the header`)
      await fp.waitFor(page.locator('.sapMListTblRow:visible', { hasText: texts.bucket }), `the bucket ${texts.bucket}`)
      await fp.shot(`fiori-customer-360-${locale}`)
      await fp.check()
    })

  it('Customer 360: creates a contact correction in draft, and the mirror keeps what S/4HANA says', async () => {
    const customer = (await SELECT.one.from('ReceivablesService.Customers').columns('ID', 'billingEmail').orderBy('ID')) as { ID: string; billingEmail: string | null }
    const fp = await fiori.launchpad('clerk')
    await fp.openTile('Customer 360')
    const { page } = fp
    await fp.press(page.locator('[role="tab"]:visible', { hasText: 'Contact Corrections' }), 'the Contact Corrections tab')
    await fp.press(page.locator('button[id$="table::contacts::LineItem::StandardAction::Create"]:visible'), 'the Create button', 'CustomerContacts')
    const field = (name: string) => page.locator(`[id*="FormElement::DataField::${name}::Field-edit"] input:visible`)
    await fp.waitFor(field('name'), 'the new contact correction in edit mode')
    await fp.fill([
      { field: field('name'), value: 'Pat Payables', what: 'the name' },
      { field: field('email'), value: 'pat.payables@example.com', what: 'the e-mail address' },
      { field: field('phone'), value: '+44 20 7946 0000', what: 'the phone number' },
      // Leaving the field looks the customer up: it then shows the name with the ID.
      { field: field('customer_ID'), value: customer.ID, what: 'the customer', commit: 'Tab', shows: new RegExp(`\\(${customer.ID}\\)`) },
    ])
    await fp.press(page.locator('button[id$="FooterBar::StandardAction::Save"]:visible'), 'the Save button', 'draftActivate')
    await fp.waitFor(page.locator('button[id$="StandardAction::Edit"]:visible'), 'the saved contact correction')
    await fp.shot('fiori-contact-correction')
    const saved = await SELECT.one.from(`${C}.CustomerContacts`).where({ customer_ID: customer.ID, name: 'Pat Payables' })
    expect(saved).to.include({ email: 'pat.payables@example.com', phone: '+44 20 7946 0000', createdBy: 'clerk' })
    expect(((await SELECT.one.from('invoicecrm.mirror.Customers').where({ ID: customer.ID })) as { billingEmail: string | null }).billingEmail).to.equal(customer.billingEmail)
    await fp.check()
  })

  it('Manage Invoices and Manage Disputes: totals per currency above the list on request, for the filter applied, in the reader\'s notation', async () => {
    type Sum = { currency: string; total: number }
    /** What the list's rows add up to per currency, as the database sums them. */
    const sums = async (entity: string, amount: string, where: object = {}) =>
      (await SELECT.from(entity).columns('currency', `sum(${amount}) as total`).where(where).groupBy('currency').orderBy('currency')) as Sum[]
    /** The sums as the strip shows them: "1,234.50 EUR · 99.00 USD" in the locale's notation. */
    const shown = (rows: Sum[], locale: string) => {
      const number = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
      return rows.filter(r => r.total !== null).map(r => `${number.format(r.total)}\u00a0${r.currency}`).join(' · ')
    }
    const strips = (fp: FioriPage) => fp.page.locator('.sapMMsgStrip:visible')
    const totalsButton = (fp: FioriPage) => fp.page.locator('button[id$="CustomAction::ListTotals"]:visible')
    const go = (fp: FioriPage) => fp.press(fp.page.locator('button:visible').filter({ hasText: /^\s*Go\s*$/ }), 'the Go button')
    const invoices = 'ReceivablesService.Invoices'

    // The manager: the clerk's saved default view (an earlier test) opens without loading its list.
    const fp = await fiori.launchpad('manager')
    await fp.openTile('Manage Invoices')
    await fp.waitFor(fp.page.locator('.sapMTitle:visible', { hasText: /^Invoices \(\d+\)$/ }), 'the list')
    expect(await strips(fp).count(), 'no totals before they are asked for').to.equal(0)
    const all = `List totals — Open Amount: ${shown(await sums(invoices, 'openAmount'), 'en-GB')}; Gross Amount: ${shown(await sums(invoices, 'grossAmount'), 'en-GB')}`
    expect(all, 'invoices in more than one currency').to.contain(' · ')
    await fp.press(totalsButton(fp), 'the Totals button')
    await fp.waitFor(strips(fp).filter({ hasText: all }), `the totals of all invoices: ${all}`)

    // Filtered to the overdue ones with Go, the totals follow.
    const overdue = `Open Amount: ${shown(await sums(invoices, 'openAmount', { daysOverdue: { '>': 0 } }), 'en-GB')}`
    expect(all).not.to.contain(overdue)
    await fp.fill([{ field: fp.page.locator('input[id$="FilterField::daysOverdue-inner-inner"]'), value: '>0', what: 'the Days Overdue filter', commit: 'Enter', shows: /^$/ }])
    await go(fp)
    await fp.waitFor(strips(fp).filter({ hasText: overdue }), `the totals of the overdue invoices: ${overdue}`)
    await fp.shot('fiori-invoices-totals')
    expect(await gridTableFit(fp.page), 'the list under the totals at 1440 px').to.deep.equal({ scrolls: false, cut: [] })
    // Closed, they stay away with the next Go.
    await fp.press(strips(fp).locator('button'), "the strip's close button")
    await go(fp)
    await fp.settled('the list after Go')
    expect(await strips(fp).count(), 'no totals once closed').to.equal(0)
    await fp.check()

    // German and Chinese notation and texts, the button's among them.
    const languages = [
      { locale: 'de-DE', tile: 'Rechnungen verwalten', button: 'Summen', totals: 'Summen der Liste — Offener Betrag: ' },
      { locale: 'zh-CN', tile: '管理发票', button: '合计', totals: '列表合计 — 未清金额：' },
    ]
    for (const language of languages) {
      const other = await fiori.launchpad('manager', { width: 1440, height: 900, locale: language.locale })
      await other.openTile(language.tile)
      await other.waitFor(totalsButton(other).filter({ hasText: language.button }), `${language.locale}: the button ${language.button}`)
      await other.press(totalsButton(other), `${language.locale}: the button ${language.button}`)
      const expectedText = `${language.totals}${shown(await sums(invoices, 'openAmount'), language.locale)}`
      await other.waitFor(strips(other).filter({ hasText: expectedText }), `${language.locale}: the totals ${expectedText}`)
      await other.check()
    }

    // Manage Disputes' worklist: the disputes not closed yet, each counted once (its draft aside); one recorded here.
    const undisputed = ((await SELECT.one.from(invoices).columns('ID').where({ hasOpenDispute: false, isCancelled: false }).orderBy('ID')) as { ID: string }).ID
    await fiori.test.POST(`${API}/Invoices('${undisputed}')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'wrongQuantity' }, clerk)
    const disputes = await sums('ReceivablesService.Disputes', 'disputedAmount', { status: { in: ['Open', 'InProcess', 'Resolved'] } })
    expect(disputes.length, 'disputes to total').to.be.greaterThan(0)
    const worklist = `List totals — Disputed Amount: ${shown(disputes, 'en-GB')}`
    const managerDisputes = await fiori.launchpad('manager')
    await managerDisputes.openTile('Manage Disputes')
    await managerDisputes.press(totalsButton(managerDisputes), 'the Totals button')
    await managerDisputes.waitFor(strips(managerDisputes).filter({ hasText: worklist }), `the totals of the worklist: ${worklist}`)
    await managerDisputes.shot('fiori-disputes-totals')
    await managerDisputes.check()
  })
})
