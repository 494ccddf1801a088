// Monthly Statements in Chromium, opened from the launchpad: a month's statements with the exceptions first (a sharp
// change, one without a recipient), a statement's page with the items posted in the month and those open at its end,
// approved there; then "Approve All" for the month, which approves the statements that are no exception and leaves
// the exceptions to be approved one by one; and the app in German and Chinese. The statements are written to the
// database as generation leaves them, for customers of the simulated mirror.
import fs from 'node:fs'
import cds from '@sap/cds'
import type { Page } from 'playwright-core'
import { cutInResponsiveTables, objectPage, startFiori, tableRows, type FioriPage } from './browser/fiori'

const S = 'invoicecrm.statements'
const PERIOD = '2026-11-01'
const PERIOD_END = '2026-11-30'
/** The PDF a sent statement keeps as it was sent. */
const PDF = Buffer.from('%PDF-1.4\n% statement of the statements app test\n%%EOF\n')

type Customer = { ID: string; name: string }

describe('Monthly Statements in Chromium', function () {
  this.timeout(600_000)
  const fiori = startFiori()
  const { expect } = fiori.test

  let customers: Customer[] = []
  /** The statements of the month by their role in the test. */
  const ids = { plain: cds.utils.uuid(), sharp: cds.utils.uuid(), noRecipient: cds.utils.uuid(), second: cds.utils.uuid(), third: cds.utils.uuid(), sent: cds.utils.uuid() }

  const statement = (ID: string, customer: Customer, figures: { opening: number; debits: number; credits: number; previous: number }, more: Record<string, unknown> = {}) => ({
    ID,
    customer_ID: customer.ID,
    companyCode: '1010',
    currency: 'EUR',
    periodStart: PERIOD,
    periodEnd: PERIOD_END,
    statementDate: '2026-12-02',
    openingBalance: figures.opening,
    debits: figures.debits,
    credits: figures.credits,
    closingBalance: figures.opening + figures.debits + figures.credits,
    previousClosing: figures.previous,
    status: 'draft',
    recipientEmail: `ap@${customer.ID}.example.com`,
    contentHash: 'a'.repeat(64),
    generatedAt: '2026-11-28T04:37:00Z',
    generatedBy: 'system',
    ...more,
  })

  before(async () => {
    customers = (await SELECT.from('invoicecrm.mirror.Customers').columns('ID', 'name').orderBy('ID').limit(6)) as Customer[]
    expect(customers, 'customers in the simulated mirror').to.have.length(6)
    const [a, b, c, d, e, f] = customers
    await INSERT.into(`${S}.Statements`).entries([
      statement(ids.plain, a, { opening: 1000, debits: 500, credits: -300, previous: 1000 }),
      // The closing balance more than doubled: a sharp change.
      statement(ids.sharp, b, { opening: 100, debits: 900, credits: 0, previous: 100 }, { sharpChange: true, isException: true }),
      // Nobody to send it to.
      statement(ids.noRecipient, c, { opening: 200, debits: 0, credits: 0, previous: 200 }, { recipientEmail: null, noRecipient: true, isException: true }),
      statement(ids.second, d, { opening: 50, debits: 10, credits: 0, previous: 50 }),
      statement(ids.third, e, { opening: 70, debits: 0, credits: -20, previous: 70 }),
      // Last month's, sent and confirmed by the customer.
      statement(ids.sent, f, { opening: 10, debits: 0, credits: 0, previous: 10 }, {
        periodStart: '2026-10-01', periodEnd: '2026-10-31', statementDate: '2026-11-03', status: 'confirmed', approvedAt: '2026-11-02T09:00:00Z', approvedBy: 'manager',
        sentAt: '2026-11-03T09:00:00Z', sentBy: 'manager', mailedAt: '2026-11-03T09:00:05Z', answeredAt: '2026-11-05T10:00:00Z', answeredBy: 'Pat Payables', answeredFrom: '203.0.113.7',
        pdf: PDF, pdfFileName: `statement-${f.ID}-1010-EUR-2026-10.pdf`,
      }),
    ])
    // The plain statement's month: an invoice, a payment, a credit memo; and what was open at the month's end.
    const line = (lineNo: number, documentType: string, accountingDocument: string, postingDate: string, amount: number, more: Record<string, unknown> = {}) => ({
      statement_ID: ids.plain, lineNo, fiscalYear: '2026', accountingDocument, accountingItem: '001', documentType, postingDate, documentDate: postingDate, amount, ...more,
    })
    await INSERT.into(`${S}.StatementLines`).entries([
      line(1, 'RV', '9400000101', '2026-11-04', 500, { billingDocument: '90000101', purchaseOrder: 'PO-4711', netDueDate: '2026-12-04' }),
      line(2, 'DZ', '1400000102', '2026-11-12', -250, { clearingDocument: '1400000102' }),
      line(3, 'DG', '1800000103', '2026-11-20', -50, { billingDocument: '90000099', purchaseOrder: 'PO-4690' }),
    ])
    const openItem = (lineNo: number, accountingDocument: string, netDueDate: string, daysOverdue: number, agingBucket: number, amount: number, more: Record<string, unknown> = {}) => ({
      statement_ID: ids.plain, lineNo, fiscalYear: '2026', accountingDocument, accountingItem: '001', documentType: 'RV', postingDate: '2026-09-15', netDueDate, daysOverdue, agingBucket, amount, ...more,
    })
    await INSERT.into(`${S}.StatementOpenItems`).entries([
      openItem(1, '9400000050', '2026-10-15', 46, 2, 750, { billingDocument: '90000050', purchaseOrder: 'PO-4600' }),
      openItem(2, '9400000101', '2026-12-04', 0, 0, 450, { billingDocument: '90000101', purchaseOrder: 'PO-4711' }),
    ])
  })

  /** The list's rows, each as its text on one line. */
  const rowTexts = async (page: Page) => (await tableRows(page).allInnerTexts()).map(t => t.replace(/\s+/g, ' '))
  const status = async (ID: string) => ((await SELECT.one.from(`${S}.Statements`).columns('status', 'approvedBy').where({ ID })) as { status: string; approvedBy: string | null })

  async function openList(fp: FioriPage, tile = 'Monthly Statements') {
    await fp.openTile(tile)
    await fp.waitFor(tableRows(fp.page).filter({ hasText: customers[0].name }), 'the statements in the list')
    await fp.settled('the list of statements')
  }

  it('lists the exceptions first, shows a statement with its items, and approves it on its page', async () => {
    const fp = await fiori.launchpad('clerk')
    await openList(fp)
    const { page } = fp
    const rows = await rowTexts(page)
    expect(rows.length).to.equal(6)
    // The exceptions (customers b and c) first, then by customer.
    expect(rows[0]).to.contain(customers[1].name).and.contain('Sharp Change')
    expect(rows[1]).to.contain(customers[2].name).and.contain('No Recipient')
    expect(rows.slice(2).map(r => customers.findIndex(c => r.includes(c.name)))).to.deep.equal([0, 3, 4, 5])
    expect(rows[2]).to.contain('Draft')
    expect(rows[5]).to.contain('Confirmed')
    await fp.shot('fiori-statements-list')
    expect(await cutInResponsiveTables(page), 'texts cut off at 1440 px').to.deep.equal([])

    await fp.press(tableRows(page).filter({ hasText: customers[0].name }).first().locator('td.sapMListTblCell').nth(2), `the statement of ${customers[0].name}`)
    await fp.waitFor(objectPage(page).filter({ hasText: customers[0].name }), "the statement's page")
    const header = page.locator('.sapUxAPObjectPageHeaderContent:visible, .sapFDynamicPageHeader:visible')
    await fp.waitFor(header.filter({ hasText: 'Draft' }).filter({ hasText: '1,200.00' }), 'the status and the closing balance in the header')
    const lines = page.locator('[id*="table::lines::LineItem"]:visible').first()
    await fp.waitFor(tableRows(lines).filter({ hasText: 'PO-4711' }), 'the invoice among the posted items')
    expect(await tableRows(lines).count()).to.equal(3)
    await fp.settled("the statement's page")
    await fp.shot('fiori-statement-object-page')

    await fp.press(page.locator('button[id$="ObjectPage--fe::DataFieldForAction::StatementsService.approve"]:visible'), 'the Approve button', 'StatementsService.approve')
    await fp.waitFor(header.filter({ hasText: 'Approved' }), 'the status Approved in the header')

    await fp.press(page.locator('[id$="FacetSection::OpenItems-anchor"]:visible'), 'the anchor of the open items')
    const openItems = page.locator('[id*="table::openItems::LineItem"]:visible').first()
    await fp.waitFor(tableRows(openItems).filter({ hasText: '31–60 Days Overdue' }), 'the overdue open item with its aging bucket')
    expect((await tableRows(openItems).filter({ hasText: '9400000050' }).innerText()).replace(/\s+/g, ' ')).to.contain('46').and.contain('750.00')
    expect(await cutInResponsiveTables(page), "texts cut off in the statement's tables at 1440 px").to.deep.equal([])
    await fp.shot('fiori-statement-open-items')
    expect(await status(ids.plain)).to.deep.equal({ status: 'approved', approvedBy: 'clerk' })
    await fp.check()
  })

  it("shows a sent statement's answer and who did what, and downloads its PDF as it was sent", async () => {
    const customer = customers[5]
    const fp = await fiori.launchpad('clerk')
    await openList(fp)
    const { page } = fp
    await fp.press(tableRows(page).filter({ hasText: customer.name }).first().locator('td.sapMListTblCell').nth(2), `the statement of ${customer.name}`)
    await fp.waitFor(objectPage(page).filter({ hasText: customer.name }), "the statement's page")
    await fp.press(page.locator('[id$="FacetSection::Answer-anchor"]:visible'), "the anchor of the customer's answer")
    const section = (id: string) => page.locator(`[id$="FacetSection::${id}"]:visible`)
    await fp.waitFor(section('Answer').filter({ hasText: 'Pat Payables' }).filter({ hasText: '203.0.113.7' }), "the customer's answer")
    await fp.waitFor(section('Control').filter({ hasText: 'manager' }), 'who approved and sent it')
    // The PDF downloads from its link, byte for byte, under its name.
    await fp.press(page.locator('[id$="FacetSection::Figures-anchor"]:visible'), 'the anchor of the figures')
    const link = section('Figures').locator('a:visible').first()
    await fp.waitFor(link, 'the link of the PDF')
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    expect(download.suggestedFilename()).to.equal(`statement-${customer.ID}-1010-EUR-2026-10.pdf`)
    expect(fs.readFileSync((await download.path())!).equals(PDF), 'the downloaded file').to.equal(true)
    await fp.check()
  })

  it("approves all of the month's statements from the list: those that are no exception, the exceptions stay drafts", async () => {
    const fp = await fiori.launchpad('manager')
    await openList(fp)
    const { page } = fp
    await fp.press(page.locator('button[id$="DataFieldForAction::StatementsService.EntityContainer::approveStatements"]:visible'), 'the Approve All button')
    const ok = page.locator('.sapMDialog:visible button[id$="::Action::Ok"]')
    await fp.waitFor(ok, 'the Approve All dialog')
    const period = page.locator('.sapMDialog:visible [id$="APD_::period-inner-inner"]')
    await fp.fill([{ field: period, value: '1 Nov 2026', what: 'the month', commit: 'Enter' }])
    await fp.press(ok, 'OK in the Approve All dialog', 'approveStatements')
    // The list shows it at once: the two drafts that were no exception approved, the plain one was before.
    const row = (customer: Customer) => tableRows(page).filter({ hasText: customer.name })
    for (const customer of [customers[3], customers[4]]) await fp.waitFor(row(customer).filter({ hasText: 'Approved' }), `the statement of ${customer.name} approved`)
    for (const customer of [customers[1], customers[2]]) expect(await row(customer).innerText(), customer.name).to.contain('Draft')
    await fp.shot('fiori-statements-approved-all')
    expect(await status(ids.second)).to.deep.equal({ status: 'approved', approvedBy: 'manager' })
    expect(await status(ids.third)).to.deep.equal({ status: 'approved', approvedBy: 'manager' })
    expect((await status(ids.sharp)).status).to.equal('draft')
    expect((await status(ids.noRecipient)).status).to.equal('draft')
    await fp.check()
  })

  for (const [locale, tile, texts] of [
    ['de-DE', 'Monatliche Kontoauszüge', { columns: ['Endsaldo', 'Ausnahmen'], status: 'Entwurf', flag: 'Starke Änderung' }],
    ['zh-CN', '月结对账单', { columns: ['期末余额', '例外情况'], status: '草稿', flag: '余额大幅变动' }],
  ] as const)
    it(`speaks ${locale}: the columns, the status and the exceptions in the reader's language`, async () => {
      const fp = await fiori.launchpad('clerk', { width: 1440, height: 900, locale })
      await fp.openTile(tile)
      const { page } = fp
      for (const column of texts.columns) await fp.waitFor(page.locator('.sapMListTblHeader').filter({ hasText: column }), `the column ${column}`)
      await fp.waitFor(tableRows(page).filter({ hasText: customers[1].name }).filter({ hasText: texts.flag }).filter({ hasText: texts.status }), `the sharp change of ${customers[1].name}`)
      await fp.shot(`fiori-statements-${locale}`)
      await fp.check()
    })

  it('Statement Customers: an AR manager adds a statement customer with its recipient, a payment-terms rule, and moves the statement day, in draft', async () => {
    const customer = customers[2]
    const fp = await fiori.launchpad('manager')
    await fp.openTile('Statement Customers')
    const { page } = fp
    const field = (name: string) => page.locator(`[id*="FormElement::DataField::${name}::Field-edit"] input:visible`)
    const save = page.locator('button[id$="FooterBar::StandardAction::Save"]:visible')
    const tab = (title: RegExp) => page.locator('[role="tab"]:visible', { hasText: title })

    // A customer picked by its number in the dialog that asks for the key, then its recipient on its page.
    await fp.press(page.locator('button[id$="::StandardAction::Create"]:visible').first(), 'the Create button')
    const dialog = page.locator('.sapMDialog:visible')
    await fp.waitFor(dialog.locator('input'), 'the dialog asking for the customer')
    // (Typed, not fill(): behind the dialog the new page waits with its placeholder, so the page is never settled.)
    const key = dialog.locator('input').first()
    await key.fill(customer.ID)
    await key.press('Tab')
    await fp.waitUntil(`the customer ${customer.ID} looked up in the dialog`, `(document.querySelector('.sapMDialog input') || {}).value === ${JSON.stringify(`${customer.name} (${customer.ID})`)}`)
    await dialog.locator('button', { hasText: /^\s*Continue\s*$/ }).click()
    await fp.waitFor(field('recipientEmail'), 'the new statement customer in edit mode')
    await fp.fill([{ field: field('recipientEmail'), value: 'statements@contoso.example.com', what: 'the recipient' }])
    await fp.press(save, 'the Save button', 'draftActivate')
    await fp.waitFor(page.locator('button[id$="StandardAction::Edit"]:visible'), 'the saved statement customer')
    await fp.shot('fiori-statement-customer')
    expect(await SELECT.one.from(`${S}.StatementProfiles`).columns('monthly', 'recipientEmail', 'channel', 'createdBy').where({ customer_ID: customer.ID })).to.deep.equal({
      monthly: true,
      recipientEmail: 'statements@contoso.example.com',
      channel: 'email',
      createdBy: 'manager',
    })

    // A payment-terms rule from its tab.
    await fp.home()
    await fp.openTile('Statement Customers')
    await fp.press(tab(/Payment Terms Rules/), 'the Payment Terms Rules tab')
    await fp.press(page.locator('button[id$="::StandardAction::Create"]:visible').first(), 'the Create button of the rules')
    await fp.waitFor(field('paymentTerms'), 'the new rule in edit mode')
    await fp.fill([
      { field: field('paymentTerms'), value: 'Z030', what: 'the payment terms' },
      { field: field('description'), value: 'Monthly settlement, 30 days', what: 'the description' },
    ])
    await fp.press(save, 'the Save button', 'draftActivate')
    await fp.waitFor(page.locator('button[id$="StandardAction::Edit"]:visible'), 'the saved rule')
    expect(await SELECT.from(`${S}.StatementRules`).columns('paymentTerms', 'description')).to.deep.equal([{ paymentTerms: 'Z030', description: 'Monthly settlement, 30 days' }])

    // The schedule, its one row: the statement day moved to the third working day.
    await fp.home()
    await fp.openTile('Statement Customers')
    await fp.press(tab(/Statement Schedule/), 'the Statement Schedule tab')
    await fp.press(tableRows(page).first().locator('td.sapMListTblCell').first(), 'the schedule')
    await fp.press(page.locator('button[id$="StandardAction::Edit"]:visible'), 'the Edit button', 'draftEdit')
    await fp.fill([{ field: field('workingDay'), value: '3', what: 'the statement day' }])
    await fp.press(save, 'the Save button', 'draftActivate')
    await fp.waitFor(page.locator('button[id$="StandardAction::Edit"]:visible'), 'the saved schedule')
    await fp.shot('fiori-statement-schedule')
    expect(await SELECT.one.from(`${S}.StatementSchedules`).columns('workingDay', 'modifiedBy').where({ ID: 'default' })).to.deep.equal({ workingDay: 3, modifiedBy: 'manager' })
    await fp.check()
  })

  it("Statement Customers: an AR manager sets a customer's WeCom group from its tab; the list says a key is set, and never shows it", async () => {
    const customer = customers[1]
    const key = '0b6f2a3c-4d5e-4f60-8172-93a4b5c6d7e8'
    const fp = await fiori.launchpad('manager')
    await fp.openTile('Statement Customers')
    const { page } = fp
    await fp.press(page.locator('[role="tab"]:visible', { hasText: /WeCom Groups/ }), 'the WeCom Groups tab')
    await fp.press(page.locator('button[id$="DataFieldForAction::StatementsService.EntityContainer::setWeComGroup"]:visible'), 'the Set WeCom Group button')
    const ok = page.locator('.sapMDialog:visible button[id$="::Action::Ok"]')
    await fp.waitFor(ok, 'the Set WeCom Group dialog')
    const parameter = (name: string) => page.locator(`.sapMDialog:visible [id$="APD_::${name}-inner-inner"]`)
    await fp.fill([
      { field: parameter('customer'), value: customer.ID, what: 'the customer' },
      { field: parameter('webhookKey'), value: key, what: 'the webhook key' },
    ])
    await fp.press(ok, 'OK in the Set WeCom Group dialog', 'setWeComGroup')
    await fp.waitFor(tableRows(page).filter({ hasText: customer.name }).filter({ hasText: 'Yes' }), 'the group in the list, its key set')
    await fp.shot('fiori-statement-customers-wecom')
    expect(await page.content()).to.not.contain(key)
    expect(await SELECT.one.from('invoicecrm.crm.CustomerWeComGroups').columns('webhookKey', 'active', 'modifiedBy').where({ customer_ID: customer.ID })).to.deep.equal({
      webhookKey: key,
      active: true,
      modifiedBy: 'manager',
    })
    await fp.press(page.locator('[role="tab"]:visible', { hasText: /WeCom Notices/ }), 'the WeCom Notices tab')
    await fp.settled('the WeCom Notices tab')
    await fp.check()
  })
})
