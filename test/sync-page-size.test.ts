// A slow S/4HANA does not stop the sync: a page that times out is asked for again at half the size, down to a
// floor, and the size grows back once pages come in time; only a timeout at the floor fails the run. The simulator
// answers large pages late (its slowPageTop fault), as S/4HANA does large $expand pages under load.
import cds from '@sap/cds'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { runSync, type RunSummary } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'

const M = 'invoicecrm.mirror'
const I = 'invoicecrm.integration'
const BILLING = '/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument'

const count = async (entity: string) => ((await SELECT.one.from(entity).columns('count(1) as n')) as { n: number }).n

const only = (summaries: RunSummary[]) => {
  if (summaries.length !== 1) throw new Error(`expected one run, got ${summaries.length}`)
  return summaries[0]
}

describe('sync against an S/4HANA that answers large pages too slowly', () => {
  const { expect } = cds.test(__dirname + '/..')
  const settings = s4Settings()
  const original = { ...settings, retry: { ...settings.retry } }
  const sync = cds.env.requires.sync as { pageSize: number; pageSizeFloor: number; pageSizeGrowAfter: number }
  const originalSync = { ...sync }
  let sim: Simulator

  /** The page sizes the sync asked for billing documents, in order (not the newest-stamp probe of one row). */
  const pageSizesAsked = () =>
    sim.requests
      .filter(r => r.path === BILLING)
      .map(r => Number(new URL(r.url, sim.url).searchParams.get('$top')))
      .filter(top => top > 1)

  before(async () => {
    sim = createSimulator({ volume: 'small', seed: 11 })
    Object.assign(settings, { url: await sim.listen(0), timeoutMs: 1000, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 50 } })
    Object.assign(sync, { pageSize: 16, pageSizeFloor: 2, pageSizeGrowAfter: 2 })
  })
  afterEach(() => sim.faults.reset())
  after(async () => {
    Object.assign(settings, original)
    Object.assign(sync, originalSync)
    await sim?.close()
  })

  it('halves a page that times out, grows back once pages come in time, and mirrors every row', async () => {
    // Pages of 5 rows and more take four times the timeout; until the second page is written.
    sim.faults.set({ slowPageTop: 5, slowPageMs: 4000 })
    sim.resetRequests()
    const run = only(
      await runSync('BillingDocuments', 'full', ({ pages }) => {
        if (pages === 2) sim.faults.set({ slowPageTop: 0 })
      })
    )

    expect(run.status).to.equal('succeeded')
    const counts = sim.store.counts()
    expect(run.rowsRead).to.equal(counts.A_BillingDocument)
    expect(await count(`${M}.BillingDocuments`)).to.equal(counts.A_BillingDocument)
    expect(await count(`${M}.BillingDocumentItems`)).to.equal(counts.A_BillingDocumentItem)

    const asked = pageSizesAsked()
    expect(asked.slice(0, 3), '16 and 8 time out, 4 comes in time').to.deep.equal([16, 8, 4])
    expect(asked.slice(asked.indexOf(4)), 'back to the configured size once S/4HANA answers in time').to.include(16)
    expect(run).to.include({ smallestPageSize: 4 })
    expect(run.pageSizeReductions).to.be.at.least(2)

    const recorded = await SELECT.one.from(`${I}.SyncRuns`, run.runId)
    expect(recorded).to.include({ status: 'succeeded', pageSizeReductions: run.pageSizeReductions, smallestPageSize: 4 })
    const errors = (await SELECT.from(`${I}.SyncRunErrors`).where({ run_ID: run.runId }).orderBy('at')) as { message: string; retried: boolean }[]
    expect(errors[0].message).to.contain('Asking again for 8 rows per page instead of 16')
    expect(errors[1].message).to.contain('Asking again for 4 rows per page instead of 8')
    expect(errors.every(e => e.retried)).to.equal(true)
  })

  it('fails the run with a clear message only when even the smallest page times out', async () => {
    sim.faults.set({ slowPageTop: 2, slowPageMs: 4000 })
    const run = only(await runSync('BillingDocuments', 'full'))

    expect(run).to.include({ status: 'failed', rowsRead: 0, pageSizeReductions: 3, smallestPageSize: 2 })
    expect(run.message).to.contain('timeout').and.to.contain('Even the smallest page (2 rows) timed out')
    const recorded = await SELECT.one.from(`${I}.SyncRuns`, run.runId)
    expect(recorded).to.include({ status: 'failed', pageSizeReductions: 3, smallestPageSize: 2 })
    expect(recorded.message).to.contain('Even the smallest page (2 rows) timed out')
    // 16 → 8 → 4 → 2, then the floor's own attempts (2) with the usual retry.
    const errors = (await SELECT.from(`${I}.SyncRunErrors`).where({ run_ID: run.runId })) as { message: string; retried: boolean }[]
    expect(errors).to.have.length(5)
    expect(errors.filter(e => e.message.includes('Asking again'))).to.have.length(3)
    expect(errors.filter(e => !e.retried)).to.have.length(1)
  })
})
