// The Integration Monitor in Chromium, opened from the launchpad as the integration admin: the sync state of every
// mirrored entity, a delta sync run from the list whose run then shows on the entity's page, and the write-back
// list on its Failed view, where one failed operation is discarded with a reason and another is sent again and
// reaches S/4HANA (the simulator). What the pages show is checked against the database.
import cds from '@sap/cds'
import type { Locator, Page } from 'playwright-core'
import { objectPage, startFiori, tableRows, type FioriPage } from './browser/fiori'
import { jobsSettings } from '../srv/jobs/config'
import { entityNames, startJobs, stopJobs } from '../srv/jobs'
import { eventually } from './support'

const I = 'invoicecrm.integration'
const W = 'invoicecrm.writeback'
/** A cron that never fires while the test runs: only the test's own requests start syncs. */
const NEVER_IN_A_TEST = '0 3 1 1 *'

describe('Integration Monitor in Chromium', function () {
  this.timeout(600_000)
  const fiori = startFiori()
  const { expect } = fiori.test

  const button = (scope: Page | Locator, text: string) => scope.locator('button:visible').filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) })
  const header = (page: Page) => page.locator('.sapUxAPObjectPageHeaderContent:visible, .sapFDynamicPageHeader:visible')
  /** An object page section, scrolled to with its anchor: the page loads a section's data once it is shown. */
  async function section(fp: FioriPage, title: string): Promise<Locator> {
    await fp.press(fp.page.getByRole('tab', { name: title, exact: true }), `the anchor of the section ${title}`)
    return fp.page.locator('.sapUxAPObjectPageSection:visible').filter({ hasText: title })
  }

  /**
   * A screenshot once the page settled, e.g. Fiori elements has taken away its loading placeholder, which it lays
   * over a page it navigates to until the page's data is there (the elements under it count as visible already).
   */
  async function shot(fp: FioriPage, name: string) {
    await fp.settled(`the page for the screenshot ${name}`)
    await fp.shot(name)
  }

  const runsOf = async (entity: string) => (await SELECT.from(`${I}.SyncRuns`).columns('ID', 'mode', 'status').where({ entity })) as { ID: string; mode: string; status: string }[]
  const operation = async (ID: string) => (await SELECT.one.from(`${W}.WriteBackOperations`).where({ ID })) as Record<string, unknown>

  // Two operations S/4HANA refused for good: a line for a sales order's text that is fine now (sent again, it is
  // delivered), and one the admin gives up on.
  const toRetry = cds.utils.uuid()
  const toDiscard = cds.utils.uuid()
  /** The invoice both operations were written back for. */
  let invoice = ''

  before(async () => {
    // The fixture filled the mirror; the job runner (in-process without REDIS_URL) makes the monitor's actions work.
    await startJobs({
      ...jobsSettings(),
      prefix: `test-monitor-${process.pid}`,
      schedules: Object.fromEntries(entityNames().map(entity => [entity, { cron: NEVER_IN_A_TEST, fullCron: NEVER_IN_A_TEST }])),
    })
    const item = (await SELECT.one.from('invoicecrm.mirror.BillingDocumentItems').columns('billingDocument_ID', 'salesOrder_ID').where({ salesOrder_ID: { '!=': null } })) as {
      billingDocument_ID: string
      salesOrder_ID: string
    }
    invoice = item.billingDocument_ID
    const failed = { target: 'salesOrderText', event: 'confirmed', invoice_ID: invoice, status: 'Failed', attempts: 8, httpStatus: 400, lastAttemptAt: new Date().toISOString() }
    await INSERT.into(`${W}.WriteBackOperations`).entries(
      {
        ...failed,
        ID: toRetry,
        s4Object: `A_SalesOrderText(SalesOrder='${item.salesOrder_ID}',Language='EN',LongTextID='0002')`,
        payload: JSON.stringify({ salesOrder: item.salesOrder_ID, language: 'EN', longTextId: '0002', line: '2026-11-22 Invoice confirmed (monitor test)' }),
        errorCode: 'V1/302',
        errorMessage: 'Sales order is being edited by MILLER',
        errorTransaction: 'A1B2C3D4E5F6',
        log: [{ ID: cds.utils.uuid(), outcome: 'failed', httpStatus: 400, message: 'Sales order is being edited by MILLER' }],
      },
      { ...failed, ID: toDiscard, event: 'disputed', payload: '{}', errorCode: 'SD/999', errorMessage: 'Text type 0002 is not allowed for this order type' }
    )
  })

  after(stopJobs)

  it('lists the sync state of every entity and runs a delta sync of one from the list; the run shows on its page', async () => {
    const runsBefore = await runsOf('SalesOrders')
    expect(runsBefore.length, 'the fixture synced sales orders').to.be.greaterThan(0)

    const fp = await fiori.launchpad('admin')
    await fp.openTile('Integration Monitor')
    const { page } = fp
    expect(page.url()).to.contain('#IntegrationMonitor-display')
    await fp.waitFor(page.locator('.sapMTitle:visible', { hasText: `Sync with S/4HANA (${entityNames().length})` }), 'the list of the synced entities')
    // Each entity by its name, as the code list says it in English.
    const names = new Map(((await SELECT.from('invoicecrm.codes.SyncEntities').columns('code', 'name')) as { code: string; name: string }[]).map(e => [e.code, e.name]))
    for (const entity of entityNames()) {
      expect(names.get(entity), entity).to.be.a('string')
      await fp.waitFor(tableRows(page).filter({ hasText: names.get(entity) }), `the row of ${entity}`)
    }
    // Every entity was synced by the fixture: its last run succeeded, shown green as its code list's criticality says.
    await fp.waitFor(tableRows(page).filter({ hasText: 'Sales Orders' }).locator('.sapMObjStatusSuccess', { hasText: 'Succeeded' }), 'the last run of SalesOrders, succeeded and green')
    await shot(fp, 'monitor-sync-states')

    const row = tableRows(page).filter({ hasText: 'Sales Orders' }).first()
    await fp.press(row.locator('.sapMRb, .sapMCb'), 'the selector of the SalesOrders row')
    // S/4HANA answers the run's first read of sales orders late: the run is still going once Run Now is answered.
    fiori.sim.faults.answerLateNext(1, 8000, /A_SalesOrder/)
    // The toast shows for a few seconds only: looked for from the click on, not once the page settled after it.
    await Promise.all([
      fp.waitFor(page.locator('.sapMMessageToast', { hasText: 'Delta sync of Sales Orders queued' }), 'the message that the sync is queued'),
      fp.press(button(page, 'Run Now'), 'the Run Now button', 'IntegrationService.runDelta'),
    ])
    // The row the action answered says the sync is queued or running; the list then refreshes by itself until it is
    // done (app/monitor/webapp/ext/RefreshWhileSyncing.js), with the finished run's counts: no Go pressed.
    const cell = async (column: string) => {
      const headers = (await page.locator('th.sapMListTblCell:visible').allInnerTexts()).map(t => t.trim())
      const index = headers.indexOf(column)
      expect(index, `the column ${column} among ${headers.join(', ')}`).to.be.greaterThan(-1)
      return tableRows(page).filter({ hasText: 'Sales Orders' }).first().locator('td.sapMListTblCell').nth(index)
    }
    const running = await cell('Running')
    const queued = await cell('Queued')
    expect([(await running.innerText()).trim(), (await queued.innerText()).trim()], 'Running and Queued once Run Now is answered').to.include('Yes')
    // The job runner syncs in the background; the bound is generous for a loaded CI machine.
    const run = await eventually(
      'the new sales order run to finish',
      async () => (await runsOf('SalesOrders')).find(r => !runsBefore.some(b => b.ID === r.ID) && r.status !== 'running'),
      120_000
    )
    expect(run).to.include({ mode: 'delta', status: 'succeeded' })
    expect(await runsOf('SalesOrders')).to.have.length(runsBefore.length + 1)
    const counts = (await SELECT.one.from(`${I}.SyncRuns`).columns('rowsRead', 'rowsUpserted').where({ ID: run.ID })) as { rowsRead: number; rowsUpserted: number }
    await fp.waitFor(running.filter({ hasText: /^\s*No\s*$/ }), 'the list showing SalesOrders no longer running, by itself')
    await fp.waitFor(queued.filter({ hasText: /^\s*No\s*$/ }), 'the list showing SalesOrders no longer queued, by itself')
    expect((await (await cell('Rows Read')).innerText()).trim()).to.equal(String(counts.rowsRead))
    expect((await (await cell('Rows Written')).innerText()).trim()).to.equal(String(counts.rowsUpserted))

    await fp.press(tableRows(page).filter({ hasText: 'Sales Orders' }).first().locator('td.sapMListTblCell').nth(1), 'the SalesOrders row')
    await fp.waitFor(objectPage(page).filter({ hasText: 'Sales Orders' }), 'the page of SalesOrders')
    await fp.waitFor(page.locator('.sapMTitle:visible', { hasText: `Runs (${runsBefore.length + 1})` }), `${runsBefore.length + 1} runs of SalesOrders`)
    await shot(fp, 'monitor-sync-state-runs')

    // The newest run opens with its counters and its sections for S/4HANA's errors and the rejected records.
    const runRows = tableRows(page.locator('.sapUxAPObjectPageSection:visible', { hasText: 'Runs (' }))
    await fp.press(runRows.first().locator('td.sapMListTblCell').nth(1), 'the newest run')
    await fp.waitFor(page.getByRole('tab', { name: 'Errors from S/4HANA', exact: true }), "the run's page")
    await fp.waitFor(header(page).filter({ hasText: 'Delta' }).filter({ hasText: 'Succeeded' }), 'the delta run, succeeded')
    await shot(fp, 'monitor-sync-run')
    await page.goBack()
    await fp.waitFor(page.locator('.sapMTitle:visible', { hasText: 'Runs (' }), 'the page of SalesOrders again')

    // Pause and resume from the entity's page: each button only while it applies; the database keeps the switch.
    const paused = async () => ((await SELECT.one.from(`${I}.SyncSchedules`).columns('paused').where({ entity: 'SalesOrders' })) as { paused: boolean }).paused
    const actions = page.locator('.sapUxAPObjectPageHeaderIdentifierActions, .sapFDynamicPageTitleActionsBar')
    await fp.settled('the page of SalesOrders')
    expect(await button(actions, 'Resume').first().isDisabled(), 'no Resume while scheduled').to.equal(true)
    await fp.press(button(actions, 'Pause'), 'the Pause button', 'IntegrationService.pauseSchedule')
    expect(await paused(), 'SalesOrders paused').to.equal(true)
    expect(await button(actions, 'Resume').first().isEnabled(), 'Resume while paused').to.equal(true)
    expect(await button(actions, 'Pause').first().isDisabled(), 'no Pause while paused').to.equal(true)
    await fp.press(button(actions, 'Resume'), 'the Resume button', 'IntegrationService.resumeSchedule')
    expect(await paused(), 'SalesOrders resumed').to.equal(false)
    await fp.check()
  })

  it('discards one failed write-back with a reason and sends another again, which S/4HANA then has', async () => {
    const fp = await fiori.launchpad('admin')
    await fp.openTile('Integration Monitor')
    const { page } = fp
    await fp.press(button(page, 'Write-Back to S/4HANA'), 'the button to the write-back list')
    const failedCount = ((await SELECT.from(`${W}.WriteBackOperations`).where({ status: 'Failed' })) as unknown[]).length
    // The Failed view comes first and counts what needs the admin.
    await fp.waitFor(page.locator('.sapMITBFilter:visible', { hasText: 'Failed' }).filter({ hasText: String(failedCount) }), `the Failed view with ${failedCount} operations`)
    await fp.waitFor(tableRows(page).filter({ hasText: 'Sales order is being edited by MILLER' }), 'the operation to send again')
    await fp.waitFor(tableRows(page).filter({ hasText: 'Text type 0002 is not allowed' }), 'the operation to discard')
    expect(await tableRows(page).locator('.sapMObjStatusError', { hasText: 'Failed' }).count(), 'Failed shown red in each row').to.equal(failedCount)
    expect(await tableRows(page).filter({ hasText: /Delivered|Discarded|Pending/ }).count(), 'only failed operations in the Failed view').to.equal(0)
    await shot(fp, 'monitor-writeback-failed')

    // Discard: the page shows S/4HANA's error; the reason is asked for in the action's dialog.
    await fp.press(tableRows(page).filter({ hasText: 'Text type 0002 is not allowed' }).first().locator('td.sapMListTblCell').nth(2), 'the operation to discard')
    await fp.waitFor(objectPage(page).filter({ hasText: 'SD/999' }), "the operation's page with S/4HANA's error code")
    await fp.press(button(page.locator('.sapUxAPObjectPageHeaderIdentifierActions, .sapFDynamicPageTitleActionsBar'), 'Discard'), 'the Discard button')
    const dialog = page.locator('.sapMDialog:visible')
    await fp.waitFor(dialog.filter({ hasText: 'Discard Reason' }), 'the discard dialog asking for the reason')
    await fp.fill([{ field: dialog.locator('textarea'), value: 'Order type ZOR takes no texts; agreed with AR', what: 'the discard reason' }])
    await fp.press(button(dialog.locator('.sapMDialogFooter'), 'Discard'), 'Discard in the dialog', 'IntegrationService.discard')
    await fp.waitFor(header(page).filter({ hasText: 'Discarded' }), 'status Discarded')
    expect(await operation(toDiscard)).to.include({ status: 'Discarded', discardedBy: 'admin', discardReason: 'Order type ZOR takes no texts; agreed with AR' })
    await fp.waitFor((await section(fp, 'Discarded')).filter({ hasText: 'Order type ZOR takes no texts' }), 'the reason on the page')
    // The object page's buttons stay where they are; those the status does not allow are disabled.
    expect(await button(page, 'Retry').first().isDisabled(), 'Retry disabled for a discarded operation').to.equal(true)
    await shot(fp, 'monitor-writeback-discarded')

    // Retry: sent again with a fresh budget, and delivered by the simulator.
    await page.goBack()
    await fp.waitFor(tableRows(page).filter({ hasText: 'Sales order is being edited by MILLER' }), 'the list again')
    await fp.press(tableRows(page).filter({ hasText: 'Sales order is being edited by MILLER' }).first().locator('td.sapMListTblCell').nth(2), 'the operation to send again')
    await fp.waitFor(objectPage(page).filter({ hasText: 'V1/302' }), "the other operation's page")
    await fp.waitFor((await section(fp, 'Delivery Attempts')).locator('.sapMListTblRow', { hasText: 'Failed' }), 'its earlier attempt')
    await fp.press(button(page.locator('.sapUxAPObjectPageHeaderIdentifierActions, .sapFDynamicPageTitleActionsBar'), 'Retry'), 'the Retry button', 'IntegrationService.retry')
    // Delivered by the write-back queue in the background; the bound is generous for a loaded CI machine.
    await eventually('the operation to be delivered', async () => (await operation(toRetry)).status === 'Delivered', 120_000)
    await page.reload()
    await fp.waitFor(header(page).filter({ hasText: 'Delivered' }), 'status Delivered after a reload')
    await shot(fp, 'monitor-writeback-delivered')
    await fp.check()
  })

  it('speaks German and Chinese: titles, buttons, the entities and the statuses as texts', async () => {
    const languages = [
      { locale: 'de-DE', tile: 'Integrationsmonitor', title: 'Synchronisation mit S/4HANA', entity: 'Kundenaufträge', button: 'Jetzt ausführen', status: 'Erfolgreich', writeBack: 'Rückschreiben nach S/4HANA', view: 'Fehlgeschlagen' },
      { locale: 'zh-CN', tile: '集成监控', title: '与 S/4HANA 同步', entity: '销售订单', button: '立即运行', status: '成功', writeBack: '回写到 S/4HANA', view: '失败' },
    ]
    for (const language of languages) {
      const fp = await fiori.launchpad('admin', { width: 1440, height: 900, locale: language.locale })
      await fp.openTile(language.tile)
      const { page } = fp
      await fp.waitFor(page.locator('.sapMTitle:visible', { hasText: language.title }), `${language.locale}: the list's title`)
      await fp.waitFor(tableRows(page).filter({ hasText: language.entity }).filter({ hasText: language.status }), `${language.locale}: the entity by name, the last run's status as text`)
      await fp.waitFor(button(page, language.button), `${language.locale}: the Run Now button`)
      await fp.press(button(page, language.writeBack), `${language.locale}: the button to the write-back list`)
      await fp.waitFor(page.locator('.sapMITBFilter:visible', { hasText: language.view }), `${language.locale}: the Failed view`)
      await fp.waitFor(page.locator('.sapMTitle:visible', { hasText: language.writeBack }), `${language.locale}: the write-back list's title`)
      await shot(fp, `monitor-${language.locale}`)
      await fp.check()
    }
  })

  it("shows the write-back queue's counts per status", async () => {
    const counts = (await SELECT.from(`${W}.WriteBackOperations`).columns('status', 'count(1) as n').groupBy('status')) as { status: string; n: number }[]
    expect(counts.length, 'the arranged operations are counted').to.be.greaterThan(0)
    const fp = await fiori.launchpad('admin')
    await fp.openTile('Integration Monitor')
    const { page } = fp
    await fp.press(button(page, 'Write-Back to S/4HANA'), 'the button to the write-back list')
    await fp.press(page.locator('.sapMITBFilter:visible', { hasText: 'Queue by Status' }), 'the queue view')
    for (const { status, n } of counts) {
      const row = tableRows(page).filter({ hasText: status })
      await fp.waitFor(row, `the queue's row for ${status}`)
      expect((await row.first().locator('td.sapMListTblCell').nth(1).innerText()).trim(), status).to.equal(String(n))
    }
    await shot(fp, 'monitor-writeback-queue')
    await fp.check()
  })

  it('links a write-back to its invoice for a user who may read invoices; for the admin alone it stays a number', async () => {
    const allOperations = async (fp: FioriPage) => {
      await fp.openTile('Integration Monitor')
      await fp.press(button(fp.page, 'Write-Back to S/4HANA'), 'the button to the write-back list')
      await fp.press(fp.page.locator('.sapMITBFilter:visible', { hasText: 'All' }), 'the view of all operations')
      await fp.waitFor(tableRows(fp.page).filter({ hasText: invoice }), `the operations of invoice ${invoice}`)
      await fp.settled('the write-back list')
    }
    const admin = await fiori.launchpad('admin')
    await allOperations(admin)
    expect(await tableRows(admin.page).locator('.sapMLnk', { hasText: invoice }).count(), 'no link where the user may not read invoices').to.equal(0)
    await admin.check()

    const lead = await fiori.launchpad('lead')
    await allOperations(lead)
    await lead.press(tableRows(lead.page).locator('.sapMLnk', { hasText: invoice }).first(), `the link of invoice ${invoice}`)
    await lead.waitFor(objectPage(lead.page).filter({ hasText: invoice }), `the page of invoice ${invoice} in Manage Invoices`)
    expect(lead.page.url()).to.contain('#Invoice-manage').and.contain(`Invoices('${invoice}')`)
    await shot(lead, 'monitor-writeback-invoice')
    await lead.check()
  })
})
