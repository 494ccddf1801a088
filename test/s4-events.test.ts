// S/4HANA business events through a real broker: the simulator publishes SAP's CloudEvents on Redis, the app receives
// them through CAP's redis-messaging and reads the named documents. No scheduled sync runs here (the test profile
// starts no jobs): what reaches the mirror between the explicit runs came by event.
import cds from '@sap/cds'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { eventType } from '@invoice-crm/s4-simulator/events'
import { REDIS, eventually } from './support'
import { runSync } from '../srv/sync'
import { eventBatches, type EventBatches } from '../srv/sync/s4-events'
import { s4Settings } from '../srv/s4/destination'

// Before the server starts: CAP messaging on the tests' Redis, on channels of this process only (test runs of the
// SQLite and the PostgreSQL pass may share the Redis at the same time).
const PREFIX = `invoicecrm-test-${process.pid}/`
Object.assign(cds.env.requires, { messaging: { kind: 'redis-messaging', impl: 'srv/sync/redis-messaging', credentials: { uri: REDIS }, subscribePrefix: PREFIX } })

const M = 'invoicecrm.mirror'
const I = 'invoicecrm.integration'
const BILLING = 'API_BILLING_DOCUMENT_SRV/A_BillingDocument'
const FI = 'API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube'

type Row = Record<string, unknown>
const mirrored = async (entity: string, where: Row) => (await SELECT.one.from(`${M}.${entity}`).where(where)) as Row | undefined
const eventRuns = async (entity: string) => ((await SELECT.one.from(`${I}.SyncRuns`).columns('count(1) as n').where({ entity, mode: 'event' })) as { n: number }).n

describe('S/4HANA business events through Redis', () => {
  const { GET, expect, axios } = cds.test(__dirname + '/..')
  // What the events logger warned about.
  const warned: string[] = []
  const log = cds.log('s4-events') as unknown as Record<'warn', (...args: unknown[]) => void>
  const originalWarn = log.warn
  const settings = s4Settings()
  const original = { ...settings, retry: { ...settings.retry } }
  let sim: Simulator
  let batches: EventBatches

  /** Waits until the app has taken in `n` more events than before, then reads them at once. */
  const delivered = async (before: number, n: number) => {
    await sim.events!.flush()
    await eventually(`${n} events received`, async () => batches.received >= before + n)
    await batches.idle()
  }

  before(async () => {
    sim = createSimulator({ volume: 'small', seed: 11, events: { redis: REDIS, topicPrefix: PREFIX } })
    Object.assign(settings, { url: await sim.listen(0), retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 50 } })
    axios.defaults.auth = { username: 'clerk', password: 'clerk' }
    batches = eventBatches()!
    log.warn = (...args) => (warned.push(args.join(' ')), originalWarn(...args))
    const summaries = await runSync('all')
    expect(summaries.map(s => `${s.entity}:${s.status}`)).to.deep.equal(summaries.map(s => `${s.entity}:succeeded`))
  })
  after(async () => {
    log.warn = originalWarn
    Object.assign(settings, original)
    await sim?.close()
  })

  it('follows SAP-named events on the configured broker', () => {
    expect(batches, 'the app subscribes when a messaging service is configured').to.not.equal(undefined)
    expect(eventType('BillingDocument', 'Changed')).to.equal('sap.s4.beh.billingdocument.v1.BillingDocument.Changed.v1')
    expect(cds.services.messaging).to.be.instanceOf(cds.MessagingService)
    expect((cds.services.messaging as unknown as { options: object }).options).to.include({ kind: 'redis-messaging' })
  })

  it('a changed invoice reaches the mirror and the app without a poll', async () => {
    const id = sim.store.table('A_BillingDocument').rows.find(r => r.PurchaseOrderByCustomer && !r.BillingDocumentIsCancelled)!.BillingDocument as string
    const before = batches.received
    const [changed] = sim.touch('A_BillingDocument', [id], { mutate: true })
    expect(changed).to.equal(id)
    const po = sim.get('A_BillingDocument', id)!.PurchaseOrderByCustomer
    expect((await mirrored('BillingDocuments', { ID: id }))!.purchaseOrderByCustomer).to.not.equal(po)
    await delivered(before, 1)
    expect((await mirrored('BillingDocuments', { ID: id }))!.purchaseOrderByCustomer).to.equal(po)
    const { data } = await GET(`/odata/v4/receivables/Invoices('${id}')`)
    expect(data.purchaseOrderByCustomer).to.equal(po)
    const [run] = (await SELECT.from(`${I}.SyncRuns`).where({ entity: 'BillingDocuments', mode: 'event' }).orderBy('startedAt desc').limit(1)) as Row[]
    expect(run).to.include({ status: 'succeeded', rowsUpserted: 1 })
    // The scheduled sync's position is its own: an event run does not become the entity's last run.
    const state = (await SELECT.one.from(`${I}.SyncStates`).where({ entity: 'BillingDocuments' })) as Row
    expect(state.lastRun_ID).to.not.equal(run.ID)
  })

  it('a new sales order, a changed business partner and a cancelled invoice with its cleared receivable arrive by event', async () => {
    const before = batches.received
    const [order] = sim.insert('A_SalesOrder')
    const customer = sim.store.table('A_Customer').rows[0].Customer as string
    const partner = sim.store.table('A_BusinessPartner').lookup(['Customer'], [customer])[0]
    sim.touch('A_BusinessPartner', [partner.BusinessPartner as string], { set: { BusinessPartnerFullName: 'Renamed by event GmbH' } })
    const cancellable = (r: Row) => {
      const document = r.BillingDocument ? sim.get('A_BillingDocument', r.BillingDocument as string) : undefined
      return r.DebitCreditCode === 'S' && !r.IsCleared && document && !document.BillingDocumentIsCancelled && !document.CancelledBillingDocument
    }
    const invoice = sim.store.table(FI.split('/')[1]).rows.find(cancellable)!.BillingDocument as string
    const cancellation = sim.cancel(invoice) // Changed for the invoice, Created for its cancellation document
    await delivered(before, 4)
    expect(await mirrored('SalesOrders', { ID: order })).to.include({ ID: order, removedInS4: false })
    expect((await mirrored('SalesOrderItems', { salesOrder_ID: order })) ?? null).to.not.equal(null)
    expect(await mirrored('Customers', { ID: customer })).to.include({ name: 'Renamed by event GmbH' })
    expect(await mirrored('BillingDocuments', { ID: invoice })).to.include({ isCancelled: true })
    expect(await mirrored('BillingDocuments', { ID: cancellation })).to.include({ cancelledDocument: invoice })
    // FI items have no event of their own: the invoice's event re-read its receivable, now cleared by the cancellation.
    expect(await mirrored('ReceivableItems', { billingDocument_ID: invoice, debitCredit: 'S' })).to.include({ isCleared: true })
  })

  it('many events for one document are one read of it', async () => {
    const id = sim.store.table('A_BillingDocument').rows.find(r => r.PurchaseOrderByCustomer)!.BillingDocument as string
    // A long window, so that every event is in before the batch is read; delivered() then reads it at once.
    const window = cds.env.requires.sync.eventWindowMs
    cds.env.requires.sync.eventWindowMs = 60_000
    try {
      const before = batches.received
      const runs = await eventRuns('BillingDocuments')
      sim.resetRequests()
      for (let i = 0; i < 25; i++) sim.touch('A_BillingDocument', [id], { mutate: true })
      await delivered(before, 25)
      expect(sim.requestCount(BILLING, 'GET'), 'one read of the billing document').to.equal(1)
      expect(sim.requestCount(FI, 'GET'), 'one read of its FI items').to.equal(1)
      expect(await eventRuns('BillingDocuments')).to.equal(runs + 1)
      expect((await mirrored('BillingDocuments', { ID: id }))!.purchaseOrderByCustomer).to.equal(sim.get('A_BillingDocument', id)!.PurchaseOrderByCustomer)
    } finally {
      cds.env.requires.sync.eventWindowMs = window
    }
  })

  it('a lost event is repaired by the next delta', async () => {
    const [lost, seen] = sim.store
      .table('A_BillingDocument')
      .rows.filter(r => r.PurchaseOrderByCustomer)
      .slice(3, 5)
      .map(r => r.BillingDocument as string)
    const before = batches.received
    sim.events!.dropNext(1)
    sim.touch('A_BillingDocument', [lost], { mutate: true })
    sim.touch('A_BillingDocument', [seen], { mutate: true })
    await delivered(before, 1)
    expect(sim.events!.dropped).to.be.greaterThan(0)
    const current = (id: string) => sim.get('A_BillingDocument', id)!.PurchaseOrderByCustomer
    expect((await mirrored('BillingDocuments', { ID: seen }))!.purchaseOrderByCustomer).to.equal(current(seen))
    expect((await mirrored('BillingDocuments', { ID: lost }))!.purchaseOrderByCustomer, 'its event was lost').to.not.equal(current(lost))
    const [delta] = await runSync('BillingDocuments', 'delta')
    expect(delta).to.include({ mode: 'delta', status: 'succeeded' })
    expect((await mirrored('BillingDocuments', { ID: lost }))!.purchaseOrderByCustomer).to.equal(current(lost))
  })

  it('a document deleted in S/4HANA is marked as a reconciliation marks it; an unknown one changes nothing', async () => {
    const order = sim.store.table('A_SalesOrder').rows.at(-1)!.SalesOrder as string
    const invoice = sim.store.table('A_BillingDocument').rows.at(-1)!.BillingDocument as string
    expect(await mirrored('SalesOrders', { ID: order })).to.include({ removedInS4: false })
    expect(await mirrored('BillingDocuments', { ID: invoice })).to.include({ removedInS4: false })
    const before = batches.received
    expect(sim.remove('A_SalesOrder', order)).to.equal(true) // SalesOrder.Deleted
    // Billing documents have no Deleted event: one deleted after its Changed event was sent is read as gone.
    sim.remove('A_BillingDocument', invoice)
    sim.events!.emit('BillingDocument', 'Changed', invoice)
    sim.events!.emit('BillingDocument', 'Changed', '99999999')
    const documents = await SELECT.one.from(`${M}.BillingDocuments`).columns('count(1) as n')
    await delivered(before, 3)
    expect(await mirrored('SalesOrders', { ID: order })).to.include({ removedInS4: true })
    expect(await mirrored('BillingDocuments', { ID: invoice })).to.include({ removedInS4: true })
    expect(await mirrored('BillingDocuments', { ID: '99999999' })).to.equal(undefined)
    expect(await SELECT.one.from(`${M}.BillingDocuments`).columns('count(1) as n')).to.deep.equal(documents)
    const failed = await SELECT.from(`${I}.SyncRuns`).where({ mode: 'event', status: 'failed' })
    expect(failed).to.deep.equal([])
  })

  it('a read that S/4HANA fails is a failed event run with its attempts; the next delta repairs it', async () => {
    const id = sim.store.table('A_BillingDocument').rows.find(r => r.PurchaseOrderByCustomer && !r.BillingDocumentIsCancelled)!.BillingDocument as string
    const before = batches.received
    // Both attempts of the one request (test retry policy: 2 attempts) get 503.
    sim.faults.failNext(2, 503, null, 'A_BillingDocument')
    sim.touch('A_BillingDocument', [id], { mutate: true })
    await delivered(before, 1)
    const current = () => sim.get('A_BillingDocument', id)!.PurchaseOrderByCustomer
    expect((await mirrored('BillingDocuments', { ID: id }))!.purchaseOrderByCustomer).to.not.equal(current())
    const [failed] = (await SELECT.from(`${I}.SyncRuns`).where({ entity: 'BillingDocuments', mode: 'event', status: 'failed' })) as Row[]
    expect(failed).to.include({ errorCount: 2 })
    expect(await SELECT.from(`${I}.SyncRunErrors`).columns('httpStatus', 'retried').where({ run_ID: failed.ID }).orderBy('attempt')).to.deep.equal([
      { httpStatus: 503, retried: true },
      { httpStatus: 503, retried: false },
    ])
    await runSync('BillingDocuments', 'delta')
    expect((await mirrored('BillingDocuments', { ID: id }))!.purchaseOrderByCustomer).to.equal(current())
  })

  it('a malformed event is logged and ignored, and the events after it are read', async () => {
    const id = sim.store.table('A_BillingDocument').rows.find(r => r.PurchaseOrderByCustomer && !r.BillingDocumentIsCancelled)!.BillingDocument as string
    const before = batches.received
    const ignored = batches.ignored
    warned.length = 0
    const type = eventType('BillingDocument', 'Changed')
    sim.events!.publish({ type }, 'this is not JSON')
    sim.events!.publish({ type }, 'null')
    sim.events!.publish({ type, data: null })
    sim.events!.publish({ type, data: { SalesOrder: '1' } })
    sim.events!.publish({ type, data: { BillingDocument: 90000001 } })
    sim.events!.publish({ type, data: { BillingDocument: 'x'.repeat(200) } })
    sim.touch('A_BillingDocument', [id], { mutate: true })
    await delivered(before, 7)
    expect(batches.ignored - ignored).to.equal(6)
    expect(warned).to.have.length(6)
    for (const line of warned) expect(line).to.equal('API_BILLING_DOCUMENT_SRV BillingDocument.Changed: ignored, its data has no BillingDocument')
    expect((await mirrored('BillingDocuments', { ID: id }))!.purchaseOrderByCustomer).to.equal(sim.get('A_BillingDocument', id)!.PurchaseOrderByCustomer)
  })
})
