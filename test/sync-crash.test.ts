// A crash in the middle of an initial load: the sync process is killed (SIGKILL) right after a page committed, while
// the next page is on its way; a new process on the same database resumes the reconciliation after the last
// committed key. Nothing lost, nothing twice: every invoice, item and partner of S/4HANA once, the interrupted run
// marked as such, the load's deferred upkeep (db/bulk-loads.cds: search index and counts on SQLite) done at its end.
import cds from '@sap/cds'
import { expect } from 'chai'
import { createAppDatabase } from './app-database'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { runScript } from './server-process'

const PAGE_SIZE = 20
const KILL_AFTER_PAGES = 5

describe('the initial load across a crash', () => {
  let sim: Simulator

  before(async () => {
    sim = createSimulator({ volume: { customers: 50, salesOrders: 200, billingDocuments: 400 }, seed: 9 })
    await sim.listen(0)
  })
  after(() => sim.close())

  it('resumes after kill -9 at the last committed page: every document once, the interrupted run marked', async function () {
    this.timeout(240_000)
    const database = await createAppDatabase()
    const env = { CDS_REQUIRES_S4HANA_URL: sim.url, CDS_CONFIG: JSON.stringify({ requires: { sync: { pageSize: PAGE_SIZE } } }) }
    const rows = async (table: string) => Number((await database.query<{ n: number | string }>(`select count(*) as "n" from ${table}`))[0].n)

    const crashed = await runScript('sync-crash-app.ts', ['crash', String(KILL_AFTER_PAGES)], database, env)
    expect(crashed.signal, crashed.stderr.slice(-2000)).to.equal('SIGKILL')
    expect(JSON.parse(crashed.stdout.trim().split('\n').pop()!)).to.deep.equal({ committedPages: KILL_AFTER_PAGES, loading: true })
    // What the killed process left: its committed pages (the page in flight may have committed too), a run still
    // running, and the reconciliation's checkpoint to resume from.
    const left = await rows('invoicecrm_mirror_BillingDocuments')
    expect(left, 'invoices committed before the kill').to.be.within(KILL_AFTER_PAGES * PAGE_SIZE, (KILL_AFTER_PAGES + 1) * PAGE_SIZE)
    const [state] = await database.query<{ fullKey: string | null }>(`select fullKey as "fullKey" from invoicecrm_integration_SyncStates where entity = 'BillingDocuments'`)
    expect(state.fullKey, 'the checkpoint of the interrupted load').to.be.a('string')
    // On SQLite the load defers the search index and the counts to its end; PostgreSQL keeps them per statement.
    const deferred = await rows('invoicecrm_maintenance_BulkLoads')
    if (cds.env.requires.db.kind === 'sqlite') expect(deferred, 'tables marked as being loaded').to.be.greaterThan(0)
    else expect(deferred).to.equal(0)

    await database.recover()
    const resumed = await runScript('sync-crash-app.ts', ['resume'], database, env)
    expect(resumed.code, resumed.stderr.slice(-3000)).to.equal(0)
    const after = JSON.parse(resumed.stdout.trim().split('\n').pop()!) as {
      summary: { status: string; rowsRead: number }
      invoices: number
      items: number
      partners: number
      stillLoading: boolean
      runs: { ID: string; status: string; message: string | null }[]
    }
    const counts = sim.store.counts()
    expect(after.summary.status).to.equal('succeeded')
    expect(after.summary.rowsRead, 'the resumed run reads only what was not committed').to.equal(counts.A_BillingDocument - left)
    expect({ invoices: after.invoices, items: after.items, partners: after.partners }).to.deep.equal({
      invoices: counts.A_BillingDocument,
      items: counts.A_BillingDocumentItem,
      partners: counts.A_BillingDocumentPartner,
    })
    expect(after.stillLoading, 'no table left marked as being loaded').to.equal(false)
    expect(after.runs.map(r => r.status)).to.deep.equal(['failed', 'succeeded'])
    expect(after.runs[0].message).to.match(/^Interrupted/)
  })
})
