// The sync on an SQLite file writes through a connection of its own in a worker thread (srv/sync/sqlite-worker.ts),
// so that the event loop keeps receiving S/4HANA's next page meanwhile. What it writes must be exactly what the sync
// on cds.db writes, committed page by page with the checkpoint, and the app's own writes during a sync go through.
// SQLite only (the worker exists for node:sqlite's blocking statements): ignored in test/mocharc.pg.json.
import cds from '@sap/cds'
import { expect } from 'chai'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { connectAppDatabase, createAppDatabase } from './app-database'
import { runSync, type RunSummary } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'
import { syncDatabase } from '../srv/sync/sqlite-worker'
import { expectCountsAsRowsSay } from './counted-rows'
import { isBulkLoading } from '../srv/bulk-loads'
import { countInvoicesByOpenDueDate } from '../srv/maintained-counts'
import { searchAsCondition } from '../srv/invoice-search'

const M = 'invoicecrm.mirror'
const I = 'invoicecrm.integration'
const BILLING = '/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument'

const count = async (entity: string, where: Record<string, unknown> = {}) =>
  ((await SELECT.one.from(entity).columns('count(1) as n').where(where)) as { n: number }).n

const only = (summaries: RunSummary[]) => {
  if (summaries.length !== 1) throw new Error(`expected one run, got ${summaries.length}`)
  return summaries[0]
}

describe('sync into an SQLite file, written from a worker thread', () => {
  const settings = s4Settings()
  const original = { ...settings, retry: { ...settings.retry } }
  let sim: Simulator

  before(async function () {
    this.timeout(120_000)
    sim = createSimulator({ volume: 'small', seed: 5, pageSize: 7 })
    const url = await sim.listen(0)
    settings.url = url
    // The app's schema in an SQLite file (the tests' own database is in memory, which the worker cannot open).
    const { env } = await createAppDatabase()
    cds.env.requires.db = { ...cds.env.requires.db, kind: 'sqlite', credentials: { url: env.CDS_REQUIRES_DB_CREDENTIALS_URL } }
    await connectAppDatabase()
    Object.assign(settings, { retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 50 } })
    cds.env.requires.sync.pageSize = 10
  })
  after(async () => {
    Object.assign(settings, original)
    cds.env.requires.sync.pageSize = 1000
    await ((await syncDatabase()) as unknown as { disconnect(): Promise<void> }).disconnect()
    await sim?.close()
  })

  it('writes through a database service of its own, not through the app connection', async () => {
    const writer = await syncDatabase()
    expect(writer).to.not.equal(cds.db)
    expect(writer.name).to.equal('sync-sqlite-worker')
  })

  it('loads every entity and the app connection reads exactly what S/4HANA has', async () => {
    // Between the pages of the initial load of invoices: the search index and the counts wait for its end (db/bulk-loads.cds),
    // and the counts read meanwhile are the rows'.
    const duringLoad: Promise<{ loading: boolean; counted: number; rows: number; found: string[]; loaded: string }>[] = []
    const summaries = await runSync('all', 'full', ({ entity, pages }) => {
      if (entity === 'BillingDocuments' && pages === 2)
        // One transaction of the app's connection: the sync's next page waits for it (srv/sync/sqlite-worker.ts acquire).
        duringLoad.push(
          cds.db.tx(async () => {
            const [{ ID: loaded }] = (await SELECT.from(`${M}.BillingDocuments`).columns('ID').orderBy('ID desc').limit(1)) as { ID: string }[]
            // The app's $search (srv/invoice-search.ts) on the Invoices of AR, by a part of the last invoice loaded.
            // The CQN of `$search=<term>` as the OData adapter hands it over: one search term.
            const search = SELECT.from('ReceivablesService.Invoices').columns('ID')
            const select = Object.assign(search.SELECT, { search: [{ val: loaded.slice(3) }] })
            await searchAsCondition(select as Parameters<typeof searchAsCondition>[0], cds.model!.definitions['ReceivablesService.Invoices'] as unknown as Parameters<typeof searchAsCondition>[1])
            return {
              loading: await isBulkLoading(`${M}.BillingDocuments`),
              counted: await countInvoicesByOpenDueDate(),
              rows: await count(`${M}.BillingDocuments`),
              found: ((await search) as { ID: string }[]).map(i => i.ID),
              loaded,
            }
          })
        )
    })
    expect(await Promise.all(duringLoad)).to.have.length(1)
    const [{ loading, counted, rows, found, loaded }] = await Promise.all(duringLoad)
    expect(found, '$search finds the invoices loaded so far').to.include(loaded)
    expect(loading, 'the invoices are being loaded').to.equal(true)
    expect(rows, 'some invoices are loaded').to.be.greaterThan(0)
    expect(counted, 'the list counts the invoices loaded so far').to.equal(rows)
    expect(await isBulkLoading(), 'no load is left marked').to.equal(false)
    expect(summaries.map(s => s.status)).to.deep.equal(summaries.map(() => 'succeeded'))
    const counts = sim.store.counts()
    expect(await count(`${M}.BillingDocuments`)).to.equal(counts.A_BillingDocument)
    expect(await count(`${M}.BillingDocumentItems`)).to.equal(counts.A_BillingDocumentItem)
    expect(await count(`${M}.BillingDocumentPartners`)).to.equal(counts.A_BillingDocumentPartner)
    expect(await count(`${M}.SalesOrders`)).to.equal(counts.A_SalesOrder)
    expect(await count(`${M}.ReceivableItems`)).to.equal(counts.A_OperationalAcctgDocItemCube)
    const runs = (await SELECT.from(`${I}.SyncRuns`).columns('entity', 'status', 'rowsRead')) as { entity: string; status: string; rowsRead: number }[]
    expect(runs.find(r => r.entity === 'BillingDocuments')).to.include({ status: 'succeeded', rowsRead: counts.A_BillingDocument })
    const state = await SELECT.one.from(`${I}.SyncStates`).where({ entity: 'BillingDocuments' })
    expect(state.deltaStamp, 'the first run set the delta checkpoint').to.be.a('string')
    expect(state.fullRun).to.equal(null)
    // The counts the database keeps per day and the search index: rebuilt from the rows when the initial load ended.
    await expectCountsAsRowsSay()
    await expectSearchIndexAsRowsSay()
  })

  it('applies a delta, while the app writes through its own connection during the sync', async () => {
    const touched = sim.changes.touch('A_BillingDocument', 25, { mutate: true })
    const appWrites: Promise<unknown>[] = []
    const run = only(
      await runSync('BillingDocuments', 'delta', ({ pages }) => {
        appWrites.push(cds.run(INSERT.into(`${I}.SyncRejections`).entries({ entity: 'AppWrite', recordKey: `page ${pages}`, reason: 'written meanwhile', at: new Date().toISOString() })))
      })
    )
    await Promise.all(appWrites)
    expect(run).to.include({ status: 'succeeded', rowsRead: 25 })
    expect(await count(`${I}.SyncRejections`, { entity: 'AppWrite' })).to.equal(appWrites.length).and.to.be.at.least(3)
    for (const id of touched) {
      const remote = ((await (await fetch(`${sim.url}${BILLING}('${id}')?$format=json`)).json()) as { d: { PurchaseOrderByCustomer: string } }).d
      expect((await SELECT.one.from(`${M}.BillingDocuments`).where({ ID: id })).purchaseOrderByCustomer).to.equal(remote.PurchaseOrderByCustomer)
    }
    await expectCountsAsRowsSay()
  })

  it('records a malformed record with its reason through the worker, with a key CAP generated', async () => {
    const [bad, good] = sim.changes.touch('A_BillingDocument', 2, { mutate: true })
    sim.changes.corrupt('A_BillingDocument', bad, 'BillingDocumentDate', '/Date(not-a-date)/')
    const run = only(await runSync('BillingDocuments'))
    sim.changes.repair('A_BillingDocument', bad)
    expect(run).to.include({ status: 'succeeded', rowsRead: 2, rowsUpserted: 1, rowsRejected: 1 })
    const [rejection] = await SELECT.from(`${I}.SyncRejections`).where({ run_ID: run.runId })
    expect(rejection).to.include({ recordKey: `BillingDocument=${bad}` })
    expect(rejection.ID).to.match(/^[0-9a-f-]{36}$/)
    expect(await SELECT.one.from(`${M}.BillingDocuments`).where({ ID: good })).to.have.property('ID', good)
  })

  it('rolls back a page whose transaction fails half-way in the worker, and the next run repeats it exactly once', async () => {
    sim.changes.touch('A_BillingDocument', 15, { mutate: true })
    const writer = await syncDatabase()
    let checkpointWrites = 0
    let armed = true
    writer.before('UPDATE', `${I}.SyncStates`, () => {
      if (armed && ++checkpointWrites === 2) {
        armed = false
        throw new Error('simulated crash')
      }
    })
    const crashed = only(await runSync('BillingDocuments'))
    expect(crashed).to.include({ status: 'failed', pages: 1 })
    const resumed = only(await runSync('BillingDocuments'))
    expect(resumed.status).to.equal('succeeded')
    expect(crashed.rowsRead + resumed.rowsRead, 'the rolled-back page is read again, nothing else').to.equal(15)
    expect(await count(`${M}.BillingDocuments`)).to.equal(sim.store.counts().A_BillingDocument)
    expect(await count(`${M}.BillingDocumentItems`)).to.equal(sim.store.counts().A_BillingDocumentItem)
  })

  it("leaves the search index (db/init.js's FTS5 tables, kept by triggers) holding exactly what the worker wrote", async () => {
    sim.changes.touch('A_BillingDocument', 10, { mutate: true })
    expect(only(await runSync('BillingDocuments')).status).to.equal('succeeded')
    await expectSearchIndexAsRowsSay()
  })
})

/** The FTS5 tables hold exactly the rows of the tables they index. */
async function expectSearchIndexAsRowsSay() {
  for (const [fts, table, columns] of [
    ['invoicecrm_search_BillingDocuments', 'invoicecrm_mirror_BillingDocuments', 'ID, purchaseOrderByCustomer'],
    ['invoicecrm_search_Customers', 'invoicecrm_mirror_Customers', 'ID, name'],
  ]) {
    const rows = (await cds.run(`SELECT rowid AS r, ${columns} FROM ${table} ORDER BY rowid`)) as unknown[]
    expect(rows.length, table).to.be.greaterThan(0)
    expect(await cds.run(`SELECT rowid AS r, ${columns} FROM ${fts} ORDER BY rowid`), fts).to.deep.equal(rows)
  }
}
