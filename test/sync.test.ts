// The sync against the S/4HANA simulator over a real socket: initial load, exact deltas, deletions,
// malformed records, resume after a crash, and the mirror as finance users read it.
import cds from '@sap/cds'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { isoFromMs } from '@invoice-crm/s4-simulator/edm-values'
import { executeHttpRequest } from '@sap-cloud-sdk/http-client'
import { runSync, type RunSummary } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'

const M = 'invoicecrm.mirror'
const I = 'invoicecrm.integration'

const count = async (entity: string, where: Record<string, unknown> = {}) =>
  ((await SELECT.one.from(entity).columns('count(1) as n').where(where)) as { n: number }).n

const BILLING = '/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument'

const only = (summaries: RunSummary[]) => {
  if (summaries.length !== 1) throw new Error(`expected one run, got ${summaries.length}`)
  return summaries[0]
}

describe('sync against the S/4HANA simulator over HTTP', () => {
  const { GET, expect, axios } = cds.test(__dirname + '/..')
  const settings = s4Settings()
  const original = { ...settings, retry: { ...settings.retry } }
  let sim: Simulator
  const remoteInvoice = async (id: string) =>
    ((await (await fetch(`${sim.url}${BILLING}('${id}')?$format=json`)).json()) as { d: Record<string, unknown> }).d

  before(async () => {
    // A server page size below the sync's page size makes every read cross __next boundaries.
    sim = createSimulator({ volume: 'small', seed: 7, pageSize: 7 })
    Object.assign(settings, { url: await sim.listen(0), retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 50 } })
    cds.env.requires.sync.pageSize = 10
    axios.defaults.auth = { username: 'clerk', password: 'clerk' }
  })
  after(async () => {
    Object.assign(settings, original)
    cds.env.requires.sync.pageSize = 1000
    await sim?.close()
  })

  it('performs the CSRF handshake with its session cookie through the SAP Cloud SDK, as S/4HANA demands for writes', async () => {
    sim.resetRequests()
    const text = { Language: 'EN', LongTextID: 'Z001', LongText: 'handshake' }
    const response = await executeHttpRequest(
      { url: sim.url },
      { method: 'post', url: `/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder('1')/to_Text`, data: text }
    )
    expect(response.status).to.equal(201)
    const [fetchToken, write] = sim.requests
    expect(fetchToken.headers['x-csrf-token']).to.match(/fetch/i)
    expect(write).to.include({ method: 'POST', status: 201 })
    expect(write.headers['x-csrf-token']).to.be.a('string').and.not.match(/fetch/i)
  })

  it('loads every entity initially and mirrors exactly what S/4HANA has', async () => {
    const summaries = await runSync('all')
    expect(summaries.map(s => s.status)).to.deep.equal(summaries.map(() => 'succeeded'))
    expect(summaries.every(s => s.mode === 'full')).to.equal(true)
    const remote = sim.store.counts()
    expect(await count(`${M}.BillingDocuments`)).to.equal(remote.A_BillingDocument)
    expect(await count(`${M}.BillingDocumentItems`)).to.equal(remote.A_BillingDocumentItem)
    expect(await count(`${M}.BillingDocumentPartners`)).to.equal(remote.A_BillingDocumentPartner)
    expect(await count(`${M}.SalesOrders`)).to.equal(remote.A_SalesOrder)
    expect(await count(`${M}.SalesOrderItems`)).to.equal(remote.A_SalesOrderItem)
    expect(await count(`${M}.Customers`)).to.equal(remote.A_Customer)
    expect(await count(`${M}.CustomerSalesAreas`)).to.equal(remote.A_CustomerSalesArea)
    expect(await count(`${M}.CustomerDunning`)).to.equal(remote.A_CustomerDunning)
    expect(await count(`${M}.ReceivableItems`)).to.be.greaterThan(0)
    const billing = summaries.find(s => s.entity === 'BillingDocuments')!
    expect(billing.rowsRead).to.equal(remote.A_BillingDocument)
    expect(billing.pages).to.be.greaterThan(remote.A_BillingDocument / 10)
  })

  it('serves invoices with their receivable status derived from FI, to AR roles only', async () => {
    const { data } = await GET(`/odata/v4/receivables/Invoices?$filter=isCleared eq false and openAmount gt 0&$orderby=daysOverdue desc&$top=5`)
    expect(data.value.length).to.be.greaterThan(0)
    const [mostOverdue] = data.value
    expect(mostOverdue.daysOverdue).to.be.greaterThan(0)
    const expectedDays = Math.floor((Date.now() - Date.parse(mostOverdue.netDueDate)) / 86_400_000)
    expect(mostOverdue.daysOverdue).to.equal(expectedDays)
    expect(Number(mostOverdue.openAmount)).to.be.greaterThan(0)

    const { data: cleared } = await GET(`/odata/v4/receivables/Invoices?$filter=isCleared eq true&$top=1`)
    expect(cleared.value[0]).to.include({ daysOverdue: 0 })
    expect(cleared.value[0].clearingDate).to.match(/^\d{4}-\d{2}-\d{2}$/)

    const { data: withItems } = await GET(`/odata/v4/receivables/Invoices('${mostOverdue.ID}')?$expand=items,partners,payer`)
    expect(withItems.items.length).to.be.greaterThan(0)
    expect(withItems.payer.ID).to.equal(withItems.payer_ID)

    await expect(GET('/odata/v4/receivables/Invoices', { auth: { username: 'outsider', password: 'outsider' } })).to.be.rejectedWith(/403/)
    await expect(GET('/odata/v4/receivables/Invoices', { auth: undefined as never, headers: { authorization: '' } })).to.be.rejectedWith(/401/)
  })

  it('reads exactly the changed rows in a delta, and updates them', async () => {
    const touched = sim.changes.touch('A_BillingDocument', 4, { mutate: true })
    const run = only(await runSync('BillingDocuments'))
    expect(run).to.include({ mode: 'delta', status: 'succeeded', rowsRead: 4, rowsUpserted: 4 })
    for (const id of touched) {
      const mirrored = await SELECT.one.from(`${M}.BillingDocuments`).where({ ID: id })
      expect(mirrored.purchaseOrderByCustomer).to.equal((await remoteInvoice(id)).PurchaseOrderByCustomer)
    }
    expect(only(await runSync('BillingDocuments'))).to.include({ rowsRead: 0 })
  })

  it('reads a change-stamp bucket larger than a page in key order, without losing or repeating rows', async () => {
    // 25 orders changed within one millisecond as the wire shows it (more than a page of 10), their hidden
    // ticks in the opposite order of their keys: a key tie-breaker inside the bucket would skip rows.
    const touched = sim.changes.touch('A_SalesOrder', 25, { mutate: true })
    const table = sim.store.table('A_SalesOrder')
    const ms = Date.now()
    touched.forEach((key, i) => table.update(sim.changes.row('A_SalesOrder', key), { LastChangeDateTime: isoFromMs(ms, 9000 - i) }))
    await new Promise(resolve => setTimeout(resolve, 5))
    const run = only(await runSync('SalesOrders'))
    expect(run).to.include({ status: 'succeeded', rowsRead: 25, rowsUpserted: 25 })
    const stamps = await SELECT.from(`${M}.SalesOrders`).columns('ID', 'changedInS4At').where({ ID: { in: touched } })
    expect(stamps).to.have.length(25)
    expect(new Set(stamps.map((s: { changedInS4At: string }) => s.changedInS4At))).to.deep.equal(new Set([new Date(ms).toISOString()]))
  })

  it('marks documents deleted in S/4HANA and deletes removed customer sales areas on reconciliation', async () => {
    const [order] = sim.changes.touch('A_SalesOrder', 1)
    sim.changes.remove('A_SalesOrder', order)
    const [area] = sim.store.table('A_CustomerSalesArea').rows
    sim.changes.remove('A_CustomerSalesArea', area)

    expect(only(await runSync('SalesOrders'))).to.include({ mode: 'delta', rowsDeleted: 0 })
    const orders = only(await runSync('SalesOrders', 'full'))
    expect(orders).to.include({ mode: 'full', status: 'succeeded', rowsDeleted: 1 })
    expect(await SELECT.one.from(`${M}.SalesOrders`).where({ ID: order })).to.include({ removedInS4: true })
    expect(await count(`${M}.SalesOrders`, { removedInS4: true })).to.equal(1)

    const areas = only(await runSync('CustomerSalesAreas'))
    expect(areas).to.include({ rowsDeleted: 1 })
    expect(await count(`${M}.CustomerSalesAreas`, { customer_ID: area.Customer, salesOrganization: area.SalesOrganization, distributionChannel: area.DistributionChannel, division: area.Division })).to.equal(0)
    expect(await count(`${M}.CustomerSalesAreas`)).to.equal(sim.store.counts().A_CustomerSalesArea)
  })

  it('resumes an interrupted reconciliation and still finds exactly what S/4HANA deleted', async () => {
    const orders = sim.store.table('A_SalesOrder').rows.map(r => r.SalesOrder as string)
    const [first, last] = [orders[0], orders.at(-1)!]
    sim.changes.remove('A_SalesOrder', first)
    sim.changes.remove('A_SalesOrder', last)
    const markedBefore = await count(`${M}.SalesOrders`, { removedInS4: true })

    let pages = 0
    const crashed = only(await runSync('SalesOrders', 'full', () => ++pages === 2 && sim.faults.failNext(10, 503, 0)))
    sim.faults.reset()
    expect(crashed).to.include({ status: 'failed', rowsDeleted: 0 })
    const resumed = only(await runSync('SalesOrders', 'full'))
    expect(resumed).to.include({ status: 'succeeded', rowsDeleted: 2 })
    expect(crashed.rowsRead + resumed.rowsRead, 'the resumed run starts after the last committed page').to.equal(orders.length - 2)
    expect(await count(`${M}.SalesOrders`, { removedInS4: true })).to.equal(markedBefore + 2)
    for (const id of [first, last]) expect(await SELECT.one.from(`${M}.SalesOrders`).where({ ID: id })).to.include({ removedInS4: true })
  })

  it('reflects a cancellation and a clearing', async () => {
    const [cancelled, paid] = (await SELECT.from('ReceivablesService.Invoices').where({ isCancelled: false, type: 'F2', isCleared: false }).orderBy('ID').limit(2)) as { ID: string }[]
    const cancellation = sim.changes.cancel(cancelled.ID)
    sim.changes.clear(paid.ID)
    await runSync('BillingDocuments')
    await runSync('ReceivableItems')
    expect(await SELECT.one.from(`${M}.BillingDocuments`).where({ ID: cancelled.ID })).to.include({ isCancelled: true })
    expect(await SELECT.one.from(`${M}.BillingDocuments`).where({ ID: cancellation })).to.include({ cancelledDocument: cancelled.ID })
    expect(await SELECT.one.from('ReceivablesService.Invoices').where({ ID: cancelled.ID })).to.include({ isCleared: true, openAmount: '0.000', daysOverdue: 0 })
    const today = new Date().toISOString().slice(0, 10)
    expect(await SELECT.one.from('ReceivablesService.Invoices').where({ ID: paid.ID })).to.include({ isCleared: true, clearingDate: today, daysOverdue: 0 })
  })

  it('rejects a malformed record with its reason and mirrors the rest of its page', async () => {
    const [bad, good] = sim.changes.touch('A_BillingDocument', 2, { mutate: true })
    sim.changes.corrupt('A_BillingDocument', bad, 'BillingDocumentDate', '/Date(not-a-date)/')
    const run = only(await runSync('BillingDocuments'))
    expect(run).to.include({ status: 'succeeded', rowsRead: 2, rowsUpserted: 1, rowsRejected: 1 })
    const [rejection] = await SELECT.from(`${I}.SyncRejections`).where({ run_ID: run.runId })
    expect(rejection.recordKey).to.equal(`BillingDocument=${bad}`)
    expect(rejection.reason).to.contain('BillingDocumentDate').and.to.contain('not an OData V2 date')
    expect(await SELECT.one.from(`${M}.BillingDocuments`).where({ ID: good })).to.include({ purchaseOrderByCustomer: (await remoteInvoice(good)).PurchaseOrderByCustomer })
    sim.changes.repair('A_BillingDocument', bad)
  })

  it('resumes after a crash between pages without losing or re-reading a row', async () => {
    const touched = sim.changes.touch('A_BillingDocument', 30, { mutate: true })
    // S/4HANA goes away after the second page; the run gives up after its retries, as if the process died.
    let pages = 0
    const crashed = only(
      await runSync('BillingDocuments', 'delta', () => {
        if (++pages === 2) sim.faults.failNext(10, 503, 0)
      })
    )
    sim.faults.reset()
    // The page read ahead while the second was written may have got through before the fault: on a database that
    // writes asynchronously (PostgreSQL) that is the third page.
    expect(crashed.status).to.equal('failed')
    expect(crashed.pages).to.be.within(2, 3)
    expect(crashed.rowsRead).to.be.within(1, 29)

    const resumed = only(await runSync('BillingDocuments'))
    expect(resumed.status).to.equal('succeeded')
    expect(crashed.rowsRead + resumed.rowsRead, 'every changed row read exactly once').to.equal(30)
    for (const id of touched)
      expect((await SELECT.one.from(`${M}.BillingDocuments`).where({ ID: id })).purchaseOrderByCustomer).to.equal((await remoteInvoice(id)).PurchaseOrderByCustomer)
  })

  it('rolls back a page whose transaction fails half-way, and the next run repeats it exactly once', async () => {
    const touched = sim.changes.touch('A_BillingDocument', 15, { mutate: true })
    const db = await cds.connect.to('db')
    // Kill the second page's transaction after its rows and children were written, before its checkpoint.
    let checkpointWrites = 0
    let armed = true
    db.before('UPDATE', `${I}.SyncStates`, () => {
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
    expect(touched).to.have.length(15)
  })
})
