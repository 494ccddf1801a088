// The local Fiori launchpad in Chromium against the real app: KPI tiles with the counts the database gives for
// data arranged to make each of them non-zero, each role with the tiles of its apps, the counts following the data
// when the user comes back home, the texts in German and Chinese, and each Fiori app opening from its tile.
import cds from '@sap/cds'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startFiori, type FinanceUser, type FioriPage } from './browser/fiori'

const M = 'invoicecrm.mirror'
const C = 'invoicecrm.crm'
const W = 'invoicecrm.writeback'
const K = 'invoicecrm.collections'
const S = 'invoicecrm.statements'
const DAY = 24 * 60 * 60 * 1000
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString()

type Kpis = {
  overdueInvoices: number
  unconfirmedInvoices: number
  disputesPastSla: number
  failedWriteBacks: number
  promisesDueToday: number
  brokenPromises: number
  myWorklist: number
  statementsConfirmedIn10Days: number | null
}

/** The apps and their tiles; the test opens those whose folder exists in app/. */
const APPS = [
  { folder: 'invoices', tile: 'Manage Invoices', hash: '#Invoice-manage', user: 'clerk' as FinanceUser },
  { folder: 'disputes', tile: 'Manage Disputes', hash: '#Dispute-manage', user: 'clerk' as FinanceUser },
  { folder: 'customers', tile: 'Customer 360', hash: '#Customer-display', user: 'manager' as FinanceUser },
  { folder: 'worklist', tile: 'Collector Worklist', hash: '#CollectorWorklist-display', user: 'clerk' as FinanceUser },
  { folder: 'reminders', tile: 'Reminder Policies', hash: '#ReminderPolicy-manage', user: 'manager' as FinanceUser },
  { folder: 'monitor', tile: 'Integration Monitor', hash: '#IntegrationMonitor-display', user: 'admin' as FinanceUser },
  { folder: 'statements', tile: 'Monthly Statements', hash: '#Statement-manage', user: 'clerk' as FinanceUser },
  { folder: 'statement-customers', tile: 'Statement Customers', hash: '#StatementCustomer-manage', user: 'manager' as FinanceUser },
]

describe('launchpad in Chromium', function () {
  this.timeout(600_000)
  const fiori = startFiori()
  const { expect } = fiori.test

  /**
   * The counts from the database's rows as `user` sees them, computed here in plain code rather than by the service's
   * queries: an invoice is overdue when some FI item is open and its open items' earliest due date has passed.
   */
  async function expectedKpis(user: FinanceUser = 'clerk'): Promise<Kpis> {
    const now = Date.now()
    const items = (await SELECT.from(`${M}.ReceivableItems`).columns('billingDocument_ID', 'isCleared', 'amount', 'netDueDate')) as {
      billingDocument_ID: string | null
      isCleared: boolean
      amount: string
      netDueDate: string | null
    }[]
    const byInvoice = new Map<string, typeof items>()
    for (const item of items) if (item.billingDocument_ID) byInvoice.set(item.billingDocument_ID, [...(byInvoice.get(item.billingDocument_ID) ?? []), item])
    const invoices = new Set(((await SELECT.from(`${M}.BillingDocuments`).columns('ID')) as { ID: string }[]).map(d => d.ID))
    const today = new Date(new Date().toISOString().slice(0, 10)).getTime()
    const cleared = (id: string) => {
      const own = byInvoice.get(id)
      return Boolean(own?.length) && own!.every(i => i.isCleared)
    }
    let overdueInvoices = 0
    for (const [id, own] of byInvoice) {
      if (!invoices.has(id)) continue
      const open = own.filter(i => !i.isCleared)
      const openAmount = open.reduce((sum, i) => sum + Number(i.amount), 0)
      const due = open.map(i => i.netDueDate).filter(Boolean).sort()[0]
      if (open.length && openAmount > 0 && due && new Date(due).getTime() < today) overdueInvoices++
    }
    const conversations = (await SELECT.from(`${C}.InvoiceConversations`)) as { invoice_ID: string; dispatchStatus: string; sentAt: string | null; confirmedAt: string | null }[]
    const unconfirmedInvoices = conversations.filter(
      c => c.dispatchStatus === 'sent' && !c.confirmedAt && c.sentAt && new Date(c.sentAt).getTime() < now - 7 * DAY && !cleared(c.invoice_ID)
    ).length
    const disputes = (await SELECT.from(`${C}.Disputes`).columns('status', 'slaDueAt')) as { status: string; slaDueAt: string | null }[]
    const disputesPastSla = disputes.filter(d => ['Open', 'InProcess'].includes(d.status) && d.slaDueAt && new Date(d.slaDueAt).getTime() < now).length
    const operations = (await SELECT.from(`${W}.WriteBackOperations`).columns('status')) as { status: string }[]
    const failedWriteBacks = operations.filter(o => o.status === 'Failed').length
    const promises = (await SELECT.from(`${K}.PaymentPromises`).columns('invoice_ID', 'status', 'promisedDate')) as { invoice_ID: string; status: string; promisedDate: string }[]
    const promisesDueToday = promises.filter(p => p.status === 'open' && p.promisedDate === new Date().toISOString().slice(0, 10)).length
    const brokenPromises = promises.filter(p => p.status === 'broken' && !cleared(p.invoice_ID)).length
    const listed = new Set(((await SELECT.from(`${K}.CollectionWorklist`).columns('customer_ID')) as { customer_ID: string }[]).map(r => r.customer_ID))
    const given = (await SELECT.from(`${K}.CustomerCollections`).columns('customer_ID', 'collector')) as { customer_ID: string; collector: string | null }[]
    const myWorklist = given.filter(g => g.collector === user && listed.has(g.customer_ID)).length
    // Of the statements sent 10 to 40 days ago, the share confirmed within 10 days of sending, in whole percent.
    const statements = (await SELECT.from(`${S}.Statements`).columns('status', 'sentAt', 'answeredAt')) as { status: string; sentAt: string | null; answeredAt: string | null }[]
    const sent = statements.filter(st => st.sentAt && Date.parse(st.sentAt) >= now - 40 * DAY && Date.parse(st.sentAt) < now - 10 * DAY)
    const inTime = sent.filter(st => st.status === 'confirmed' && st.answeredAt && Date.parse(st.answeredAt) - Date.parse(st.sentAt!) <= 10 * DAY).length
    const statementsConfirmedIn10Days = sent.length ? Math.round((100 * inTime) / sent.length) : null
    return { overdueInvoices, unconfirmedInvoices, disputesPastSla, failedWriteBacks, promisesDueToday, brokenPromises, myWorklist, statementsConfirmedIn10Days }
  }

  /** A KPI as its tile shows it: a share with its % sign, none as '–'. */
  const shownAs = (kpi: keyof Kpis, value: number | null) => (value === null ? '–' : kpi === 'statementsConfirmedIn10Days' ? `${value}%` : String(value))

  const failedOperation = (invoice: string) => ({ ID: cds.utils.uuid(), target: 'salesOrderText', event: 'confirmed', invoice_ID: invoice, status: 'Failed', attempts: 5, errorMessage: 'test: S/4HANA refused' })

  before(async () => {
    // Open, uncleared invoices to hang the arranged conversations, disputes and write-backs on.
    const items = (await SELECT.from(`${M}.ReceivableItems`).columns('billingDocument_ID', 'isCleared').where({ isCleared: false })) as { billingDocument_ID: string }[]
    const open = [...new Set(items.map(i => i.billingDocument_ID).filter(Boolean))]
    expect(open.length, 'open invoices in the simulated mirror').to.be.at.least(6)
    const customerOf = new Map(((await SELECT.from(`${M}.BillingDocuments`).columns('ID', 'payer_ID')) as { ID: string; payer_ID: string }[]).map(d => [d.ID, d.payer_ID]))
    const conversation = (invoice: string, sentDaysAgo: number, confirmed = false) => ({
      invoice_ID: invoice,
      customer_ID: customerOf.get(invoice),
      dispatchStatus: 'sent',
      sentTo: 'ap@example.com',
      sentAt: ago(sentDaysAgo),
      dispatchAttempts: 1,
      ...(confirmed && { confirmedAt: ago(1), confirmationChannel: 'web' }),
    })
    await UPSERT.into(`${C}.InvoiceConversations`).entries([
      conversation(open[0], 8),
      conversation(open[1], 12),
      conversation(open[2], 9, true), // confirmed: not counted
      conversation(open[3], 3), // sent recently: not counted
    ])
    const dispute = (invoice: string, status: string, slaDueAt: string) => ({
      ID: cds.utils.uuid(),
      invoice_ID: invoice,
      customer_ID: customerOf.get(invoice),
      reason: 'wrongPrice',
      status,
      slaDueAt,
    })
    await INSERT.into(`${C}.Disputes`).entries([
      dispute(open[0], 'Open', ago(2)),
      dispute(open[1], 'InProcess', ago(1)),
      dispute(open[4], 'Open', ago(-3)), // SLA not reached: not counted
      dispute(open[5], 'Resolved', ago(5)), // resolved: not counted
    ])
    await INSERT.into(`${W}.WriteBackOperations`).entries([failedOperation(open[0]), failedOperation(open[1]), { ...failedOperation(open[2]), status: 'Delivered', errorMessage: null }])
    // A promise due today, one broken on an invoice still open, one due later; the worklist with a customer of the clerk's.
    const promise = (invoice: string, status: string, inDays: number) => ({ ID: cds.utils.uuid(), invoice_ID: invoice, customer_ID: customerOf.get(invoice), status, promisedDate: new Date(Date.now() + inDays * DAY).toISOString().slice(0, 10) })
    await INSERT.into(`${K}.PaymentPromises`).entries([promise(open[0], 'open', 0), promise(open[1], 'broken', -9), promise(open[2], 'open', 4)])
    const clerk = { auth: { username: 'clerk', password: 'clerk' } }
    await fiori.test.GET('/odata/v4/collections/Worklist?$top=1', clerk)
    await fiori.test.POST('/odata/v4/collections/refreshWorklist', {}, clerk)
    const first = ((await SELECT.one.from(`${K}.CollectionWorklist`).columns('customer_ID')) as { customer_ID: string }).customer_ID
    await fiori.test.POST(`/odata/v4/collections/Worklist('${first}')/CollectionsService.assign`, { collector: 'clerk' }, { auth: { username: 'manager', password: 'manager' } })
    // Statements sent 10 to 40 days ago: two confirmed within 10 days, one confirmed late, one disagreed, one not
    // answered (2 of 5: 40%); one sent 5 days ago and one 45 days ago, confirmed at once, count for neither.
    const customers = ((await SELECT.from(`${M}.Customers`).columns('ID').orderBy('ID').limit(7)) as { ID: string }[]).map(c => c.ID)
    const sentStatement = (customer: string, sentDaysAgo: number, status: string, answeredDaysLater?: number) => ({
      ID: cds.utils.uuid(), customer_ID: customer, companyCode: '1010', currency: 'EUR', periodStart: '2026-01-01', periodEnd: '2026-01-31', status,
      openingBalance: 0, debits: 0, credits: 0, closingBalance: 0, recipientEmail: 'ap@example.com', sentAt: ago(sentDaysAgo), sentBy: 'clerk',
      ...(answeredDaysLater !== undefined && { answeredAt: ago(sentDaysAgo - answeredDaysLater) }),
    })
    await INSERT.into(`${S}.Statements`).entries([
      sentStatement(customers[0], 15, 'confirmed', 2),
      sentStatement(customers[1], 20, 'confirmed', 9),
      sentStatement(customers[2], 25, 'confirmed', 12),
      sentStatement(customers[3], 30, 'disagreed', 3),
      sentStatement(customers[4], 35, 'noAnswer'),
      sentStatement(customers[5], 5, 'confirmed', 1),
      sentStatement(customers[6], 45, 'confirmed', 1),
    ])
  })

  /** The shell shows who is signed in (their initials, and their name on the profile button), not "Default User". */
  async function shows(page: FioriPage, name: string) {
    const initials = name.split(' ').map(part => part[0]).join('')
    await page.waitFor(page.page.locator(`#userActionsMenuHeaderButton[aria-label*="${name}"]`).filter({ hasText: initials }), `the profile of ${name}`)
  }

  /** The tile titles a page shows, KPI tiles by their KPI with the number they show. */
  async function shown(page: FioriPage) {
    const titles = (await page.page.locator('.sapMGT .sapMGTHdrTxt').allInnerTexts()).map(t => t.trim()).sort()
    const kpis: Record<string, string> = {}
    // (A share's % sign is a block of its own beside the number: "40%" read as one.)
    for (const tile of await page.page.locator('.sapMGT[data-kpi]').all()) kpis[(await tile.getAttribute('data-kpi'))!] = (await tile.locator('.sapMNCValue').innerText()).replace(/\s+/g, '')
    return { titles, kpis }
  }

  it('shows the KPI tiles with the counts of the database, each of them non-zero, and each role its own tiles', async () => {
    const expected = await expectedKpis()
    expect(expected.overdueInvoices, 'overdue invoices in the simulated mirror').to.be.above(0)
    expect(expected).to.include({ unconfirmedInvoices: 2, disputesPastSla: 2, failedWriteBacks: 2, promisesDueToday: 1, brokenPromises: 1, myWorklist: 1, statementsConfirmedIn10Days: 40 })

    // AR works invoices, disputes, customers, the collectors' worklist and the monthly statements, and sees the KPIs that
    // lead there; the manager keeps the reminder policies and who gets statements. My worklist is each user's own.
    for (const user of ['clerk', 'manager'] as const) {
      const page = await fiori.launchpad(user)
      const own = user === 'manager' ? ['Reminder Policies', 'Statement Customers'] : []
      const counts = await expectedKpis(user)
      expect(await shown(page), user).to.deep.equal({
        titles: [
          'Broken Promises', 'Collector Worklist', 'Customer 360', 'Disputes Past SLA', 'Manage Disputes', 'Manage Invoices', 'Monthly Statements', 'My Worklist',
          'Overdue Invoices', 'Promises Due Today', ...own, 'Statements Confirmed in 10 Days', 'Unconfirmed Invoices',
        ].sort(),
        kpis: Object.fromEntries(
          (['overdueInvoices', 'unconfirmedInvoices', 'disputesPastSla', 'promisesDueToday', 'brokenPromises', 'myWorklist', 'statementsConfirmedIn10Days'] as const).map(kpi => [
            kpi,
            shownAs(kpi, counts[kpi]),
          ])
        ),
      })
      await shows(page, user === 'clerk' ? 'Clara Clerk' : 'Max Manager')
      await page.shot(`launchpad-home-${user}`)
      await page.check()
    }
    // The integration admin watches sync and write-back.
    const admin = await fiori.launchpad('admin')
    expect(await shown(admin)).to.deep.equal({ titles: ['Failed Write-Backs', 'Integration Monitor'], kpis: { failedWriteBacks: String(expected.failedWriteBacks) } })
    await shows(admin, 'Ada Admin')
    await admin.shot('launchpad-home-admin')
    await admin.check()
  })

  it('the service gives the same counts over OData, also one by one for dynamic tiles, to every finance role and to nobody else', async () => {
    for (const user of ['clerk', 'manager', 'admin'] as const) {
      const { data } = await fiori.test.GET('/odata/v4/launchpad/kpis()', { auth: { username: user, password: user } })
      expect(data, user).to.include(await expectedKpis(user))
    }
    const expected = await expectedKpis()
    // Who is signed in: the name from the identity provider (given and family name), else the user id.
    const people = [['clerk', 'Clara Clerk', ['ARClerk']], ['manager', 'Max Manager', ['ARManager']], ['admin', 'Ada Admin', ['IntegrationAdmin']]] as const
    for (const [user, name, roles] of people) {
      const { data } = await fiori.test.GET('/odata/v4/launchpad/me()', { auth: { username: user, password: user } })
      expect(data, user).to.deep.include({ id: user, name, roles })
    }
    // Work Zone's dynamic tiles read one KPI each, as number and state.
    const clerk = { auth: { username: 'clerk', password: 'clerk' } }
    for (const [kpi, number] of Object.entries(expected)) {
      const { data } = await fiori.test.GET(`/odata/v4/launchpad/tile(kpi='${kpi}')`, clerk)
      // A share is neither good nor bad news by itself; any count of work waiting is.
      if (kpi === 'statementsConfirmedIn10Days') expect(data, kpi).to.include({ number, numberState: 'Neutral', numberUnit: '%' })
      else expect(data, kpi).to.include({ number, numberState: number ? 'Negative' : 'Neutral' })
    }
    await expect(fiori.test.GET(`/odata/v4/launchpad/tile(kpi='constructor')`, clerk)).to.be.rejectedWith(/400/)
    await expect(fiori.test.GET('/odata/v4/launchpad/kpis()', { auth: { username: 'outsider', password: 'outsider' } })).to.be.rejectedWith(/403/)
    await expect(fiori.test.GET('/odata/v4/launchpad/kpis()')).to.be.rejectedWith(/401/)
  })

  it('shows the new counts when the user comes back to the home page', async () => {
    const page = await fiori.launchpad('admin')
    const before = Number(await page.kpiValue('failedWriteBacks'))
    const invoice = ((await SELECT.one.from(`${M}.BillingDocuments`).columns('ID')) as { ID: string }).ID
    await INSERT.into(`${W}.WriteBackOperations`).entries(failedOperation(invoice))
    // Away from the home page to the app finder, once the shell is idle there, and back.
    await page.page.evaluate('window.location.hash = "#Shell-appfinder"')
    await page.settled('the app finder')
    await page.home()
    await page.waitFor(page.page.locator(`.sapMGT[data-kpi="failedWriteBacks"] .sapMNCValue`).filter({ hasText: String(before + 1) }), `failed write-backs ${before + 1}`)
    expect(await page.kpiValue('failedWriteBacks')).to.equal(String((await expectedKpis()).failedWriteBacks))
    await page.check()
  })

  it('opens the app of each KPI tile filtered to what the tile counts: the list counts as many', async () => {
    const expected = await expectedKpis()
    // What each tile opens, and where that page says how many it lists.
    // The share of statements confirmed in time opens the statements confirmed of those it shares out: three (one late).
    const listed: Partial<Record<keyof Kpis, number>> = { statementsConfirmedIn10Days: 3 }
    const lists = [
      ['clerk', 'overdueInvoices', '.sapMTitle:visible', 'Invoices'],
      ['clerk', 'unconfirmedInvoices', '.sapMTitle:visible', 'Invoices'],
      ['manager', 'disputesPastSla', '.sapMTitle:visible', 'Disputes'],
      ['admin', 'failedWriteBacks', '[role="tab"]:visible', 'Failed'],
      ['clerk', 'promisesDueToday', '.sapMTitle:visible', 'Promises to Pay'],
      ['clerk', 'brokenPromises', '.sapMTitle:visible', 'Promises to Pay'],
      ['clerk', 'myWorklist', '.sapMTitle:visible', 'Collector Worklist'],
      ['clerk', 'statementsConfirmedIn10Days', '.sapMTitle:visible', 'Statements'],
    ] as const
    for (const [user, kpi, counter, title] of lists) {
      const page = await fiori.launchpad(user)
      const count = listed[kpi] ?? expected[kpi]
      await page.waitFor(page.page.locator(`.sapMGT[data-kpi="${kpi}"] .sapMNCValue`).filter({ hasText: shownAs(kpi, expected[kpi]) }), `the ${kpi} tile`)
      await page.press(page.page.locator(`.sapMGT[data-kpi="${kpi}"]`), `the ${kpi} tile`)
      await page.waitFor(page.page.locator(counter, { hasText: `${title} (${count})` }), `${title} (${count}) after the ${kpi} tile`)
      await page.check()
    }
  })

  it('speaks German and Chinese', async () => {
    const german = await fiori.launchpad('manager', { width: 1440, height: 900, locale: 'de-DE' })
    expect((await shown(german)).titles).to.deep.equal([
      'Arbeitsvorrat Forderungsmanagement', 'Gebrochene Zusagen', 'Heute fällige Zusagen', 'Kunde 360', 'Mahnverfahren', 'Mein Arbeitsvorrat', 'Rechnungen verwalten',
      'Reklamationen verwalten', 'Reklamationen über SLA', 'Unbestätigte Rechnungen', 'Überfällige Rechnungen', 'Monatliche Kontoauszüge', 'Kunden mit Kontoauszug',
      'In 10 Tagen bestätigte Kontoauszüge',
    ].sort())
    await german.shot('launchpad-home-de')
    await german.check()
    const chinese = await fiori.launchpad('manager', { width: 1440, height: 900, locale: 'zh-CN' })
    expect((await shown(chinese)).titles).to.deep.equal(
      ['催收工作清单', '客户 360', '催款策略', '管理发票', '管理争议', '逾期发票', '未确认发票', '超过 SLA 的争议', '今日到期的付款承诺', '未兑现的承诺', '我的催收清单', '月结对账单', '对账客户', '10 天内确认的对账单'].sort()
    )
    await chinese.shot('launchpad-home-zh')
    await chinese.check()
  })

  it('fails a page that cannot open an app, as the fixture promises', async () => {
    const page = await fiori.launchpad('clerk')
    await page.page.evaluate('window.location.hash = "#Nothing-here"')
    await page.page.getByText(/couldn't be opened|could not open app/i).first().waitFor({ timeout: 60_000 })
    await expect(page.check()).to.be.rejectedWith(/Could not open app|couldn't be opened/)
  })

  for (const app of APPS) {
    const exists = existsSync(join(__dirname, '../app', app.folder, 'webapp/manifest.json'))
    if (!exists) continue
    it(`opens ${app.tile} from its tile`, async () => {
      const page = await fiori.launchpad(app.user)
      await page.openTile(app.tile)
      expect(page.page.url()).to.contain(app.hash)
      // Every app is a Fiori elements app: a list report with its table or an object page with its sections,
      // once the shell's loading placeholder has made way for them.
      // The table or page is in the DOM before its content renders: wait until it shows text, never read it once.
      await page.waitFor(page.page.locator('.sapUiMdcTable, .sapUxAPObjectPageLayout').filter({ hasText: /\S/ }), `${app.tile}: its table or object page, with content`)
      await page.waitFor(page.page.locator('.sapMTitle, .sapUxAPObjectPageHeaderTitle').filter({ hasText: /\S/ }), `${app.tile}: a title`)
      await page.shot(`launchpad-${app.folder}`)
      await page.check()
    })
  }
})
