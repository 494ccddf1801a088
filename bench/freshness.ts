// npm run bench:freshness -- [--volume 10000] [--changes 200] [--rate 20] [--burst 500] [--drop-rate 0.05] [--no-app]
//
// How long a change in S/4HANA takes to be visible in the mirror and in the app, with business events: the S/4HANA
// simulator runs in its own process and publishes SAP's CloudEvents on Redis for every change; the app (in this
// process, test profile, in-memory SQLite) follows them through CAP's redis-messaging and reads the named documents.
// No scheduled sync runs. Phases, each on billing documents (the invoice and its FI items are read per event):
//   steady: `changes` changes at `rate` per second, each to another invoice
//   burst:  `burst` changes at once (coalescing: the documents of a burst are read together)
//   lost:   `changes` changes with `drop-rate` of their events lost; the next delta run repairs them
// Each change sets a new purchase order reference; "mirror" is when the mirror row has it (polled every 20 ms),
// "app" when GET /odata/v4/receivables/Invoices returns it (polled every 50 ms, as an AR clerk; --no-app: not polled,
// since at high volume that read of the current main is what takes the time). It also reports how long the event
// runs (the targeted reads) took, per entity.
// The test profile and TypeScript services come from the npm script's environment.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import cds from '@sap/cds'
import { runSync } from '../srv/sync'
import { eventBatches } from '../srv/sync/s4-events'
import { s4Settings } from '../srv/s4/destination'

const root = path.join(__dirname, '..')
const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const volume = Number(option('volume', '10000'))
const changes = Number(option('changes', '200'))
const rate = Number(option('rate', '20'))
const burst = Number(option('burst', '500'))
const dropRate = Number(option('drop-rate', '0.05'))
const pollApp = !process.argv.includes('--no-app')
const REDIS = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
const PREFIX = `invoicecrm-bench-${process.pid}/`

// Before the server starts: the events profile's redis-messaging, on channels of this run only.
Object.assign(cds.env.requires, { messaging: { kind: 'redis-messaging', impl: 'srv/sync/redis-messaging', credentials: { uri: REDIS }, subscribePrefix: PREFIX } })

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function startSimulator() {
  const volumeSpec = JSON.stringify({ billingDocuments: volume, salesOrders: Math.round(volume / 2), customers: Math.max(10, Math.round(volume / 10)) })
  const args = [require.resolve('@invoice-crm/s4-simulator/cli'), '--port', '0', '--volume', volumeSpec, '--events-redis', REDIS, '--events-prefix', PREFIX]
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout! })
  let url = ''
  for await (const line of lines) {
    if (!url) url = /listening on (\S+)/.exec(line)?.[1] ?? ''
    else break
  }
  if (!url) throw new Error('the simulator did not start')
  return { url, stop: () => new Promise(resolve => (child.once('exit', resolve), child.kill('SIGTERM'))) }
}

async function admin(sim: string, action: string, body: unknown) {
  const response = await fetch(`${sim}/__sim/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`${action}: HTTP ${response.status} ${await response.text()}`)
  return response.json()
}

interface Change {
  id: string
  value: string
  at: number
  /** When the change was seen there (Date.now()). */
  mirror?: number
  app?: number
}

/** Watches the outstanding changes: the mirror every 20 ms, the app's OData every 50 ms, one query each for all of them. */
function watch(app: string, outstanding: Set<Change>) {
  let running = true
  const authorization = `Basic ${Buffer.from('clerk:clerk').toString('base64')}`
  const mirrorLoop = (async () => {
    while (running) {
      const waiting = [...outstanding].filter(c => c.mirror === undefined)
      if (waiting.length) {
        const rows = (await SELECT.from('invoicecrm.mirror.BillingDocuments')
          .columns('ID', 'purchaseOrderByCustomer')
          .where({ ID: { in: waiting.map(c => c.id) } })) as { ID: string; purchaseOrderByCustomer: string }[]
        const now = Date.now()
        const seen = new Map(rows.map(r => [r.ID, r.purchaseOrderByCustomer]))
        for (const c of waiting) if (seen.get(c.id) === c.value) c.mirror = now
      }
      await sleep(20)
    }
  })()
  const appLoop = (async () => {
    while (running && pollApp) {
      const waiting = [...outstanding].filter(c => c.app === undefined)
      if (waiting.length) {
        const filter = `ID in (${waiting.map(c => `'${c.id}'`).join(',')})`
        const url = `${app}/odata/v4/receivables/Invoices?$select=ID,purchaseOrderByCustomer&$filter=${encodeURIComponent(filter)}&$top=${waiting.length}`
        const body = (await (await fetch(url, { headers: { authorization } })).json()) as { value: { ID: string; purchaseOrderByCustomer: string }[] }
        const now = Date.now()
        const seen = new Map(body.value.map(r => [r.ID, r.purchaseOrderByCustomer]))
        for (const c of waiting) if (seen.get(c.id) === c.value) c.app = now
      }
      await sleep(50)
    }
  })()
  const doneLoop = (async () => {
    while (running) {
      for (const c of outstanding) if (c.mirror !== undefined && (c.app !== undefined || !pollApp)) outstanding.delete(c)
      await sleep(20)
    }
  })()
  return async () => {
    running = false
    await Promise.all([mirrorLoop, appLoop, doneLoop])
  }
}

const percentile = (values: number[], p: number) => {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
const stats = (values: number[]) => (!values.length ? { n: 0 } : { n: values.length, p50: Math.round(percentile(values, 50)), p95: Math.round(percentile(values, 95)), max: Math.round(Math.max(...values)) })

/** Makes the changes at the given rate (Infinity: all at once) and waits until each is visible, or until timeoutMs. */
async function phase(sim: string, app: string, ids: string[], tag: string, perSecond: number, timeoutMs: number) {
  const outstanding = new Set<Change>()
  const all: Change[] = []
  const writes: Promise<unknown>[] = []
  const stop = watch(app, outstanding)
  const start = performance.now()
  for (const [i, id] of ids.entries()) {
    if (Number.isFinite(perSecond)) {
      const due = start + (i * 1000) / perSecond
      if (due > performance.now()) await sleep(due - performance.now())
    }
    const change: Change = { id, value: `${tag}-${i}`, at: Date.now() }
    all.push(change)
    outstanding.add(change)
    // From when S/4HANA made the change, by the simulator's clock (the same machine's): a burst's changes queue up in
    // the simulator, and that queue is S/4HANA's time, not ours.
    const write = admin(sim, 'touch', { entitySet: 'A_BillingDocument', keys: [id], set: { PurchaseOrderByCustomer: change.value } }).then(
      answer => (change.at = (answer as { at: number }).at)
    )
    if (Number.isFinite(perSecond)) await write
    else writes.push(write)
  }
  await Promise.all(writes)
  const until = performance.now() + timeoutMs
  while (outstanding.size && performance.now() < until) await sleep(50)
  await stop()
  return all
}

async function main() {
  const sim = await startSimulator()
  cds.root = root
  const cli = cds as unknown as { exec: (...args: string[]) => Promise<{ url: string }>; shutdown: () => Promise<void> }
  const { url: app } = await cli.exec('--in-memory?', '--port', '0')
  s4Settings().url = sim.url
  const loadStarted = performance.now()
  const loaded = await runSync('all')
  const loadSeconds = (performance.now() - loadStarted) / 1000
  if (loaded.some(s => s.status !== 'succeeded')) throw new Error(`initial load failed: ${JSON.stringify(loaded.filter(s => s.status !== 'succeeded'))}`)
  process.stderr.write(`initial load of ${volume} billing documents in ${loadSeconds.toFixed(1)} s\n`)
  const documents = ((await SELECT.from('invoicecrm.mirror.BillingDocuments').columns('ID').orderBy('ID')) as { ID: string }[]).map(r => r.ID)
  const pick = (offset: number, n: number) => Array.from({ length: n }, (_, i) => documents[(offset + i * 7) % documents.length])
  const results: Record<string, unknown> = {}
  try {
    process.stderr.write(`steady: ${changes} changes at ${rate}/s …\n`)
    const steady = await phase(sim.url, app, pick(0, changes), 'steady', rate, 30_000)
    process.stderr.write(`burst: ${burst} changes at once …\n`)
    const runsBefore = await eventRuns()
    const burstChanges = await phase(sim.url, app, pick(1, burst), 'burst', Infinity, 60_000)
    const burstRuns = (await eventRuns()) - runsBefore
    process.stderr.write(`lost: ${changes} changes at ${rate}/s, ${dropRate * 100} % of their events dropped …\n`)
    await admin(sim.url, 'events', { dropRate })
    const lost = await phase(sim.url, app, pick(3, changes), 'lost', rate, 10_000)
    const dropped = (await admin(sim.url, 'events', { dropRate: 0 })) as { dropped: number }
    const missing = lost.filter(c => c.mirror === undefined)
    const deltaStarted = performance.now()
    const [delta] = await runSync('BillingDocuments', 'delta')
    const deltaMs = performance.now() - deltaStarted
    const repaired = (await SELECT.from('invoicecrm.mirror.BillingDocuments')
      .columns('ID', 'purchaseOrderByCustomer')
      .where({ ID: { in: missing.map(c => c.id).concat(['-']) } })) as { ID: string; purchaseOrderByCustomer: string }[]
    const repairedCount = missing.filter(c => repaired.some(r => r.ID === c.id && r.purchaseOrderByCustomer === c.value)).length
    await eventBatches()?.idle()
    const visible = (list: Change[], where: 'mirror' | 'app') => list.filter(c => c[where] !== undefined).map(c => c[where]! - c.at)
    const runs = (await SELECT.from('invoicecrm.integration.SyncRuns').columns('entity', 'durationMs', 'rowsRead').where({ mode: 'event' })) as {
      entity: string
      durationMs: number
      rowsRead: number
    }[]
    const eventRunMs = Object.fromEntries(
      [...new Set(runs.map(r => r.entity))].map(entity => {
        const of = runs.filter(r => r.entity === entity)
        return [entity, { ...stats(of.map(r => r.durationMs)), rowsRead: of.reduce((sum, r) => sum + r.rowsRead, 0) }]
      })
    )
    Object.assign(results, {
      machine: { cores: os.cpus().length, load: os.loadavg().map(l => l.toFixed(2)), node: process.version },
      volume,
      initialLoadSeconds: Number(loadSeconds.toFixed(1)),
      appPolled: pollApp,
      eventRunMs,
      steady: { rate, mirror: stats(visible(steady, 'mirror')), app: stats(visible(steady, 'app')), notInMirror: steady.filter(c => c.mirror === undefined).length },
      burst: { changes: burst, eventRuns: burstRuns, mirror: stats(visible(burstChanges, 'mirror')), app: stats(visible(burstChanges, 'app')), notInMirror: burstChanges.filter(c => c.mirror === undefined).length },
      lost: {
        changes,
        eventsDropped: dropped.dropped,
        notVisibleByEvent: missing.length,
        repairedByDelta: repairedCount,
        deltaRun: { status: delta.status, rowsRead: delta.rowsRead, ms: Math.round(deltaMs) },
      },
    })
  } finally {
    await sim.stop()
  }
  fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true })
  fs.writeFileSync(path.join(root, 'bench/results/freshness.json'), JSON.stringify(results, null, 2))
  const r = results as { steady: Row; burst: Row; lost: Row; machine: Row; eventRunMs: Row }
  process.stdout.write(`\nFreshness with business events (${volume} billing documents, SQLite in memory, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})\n`)
  console.table({
    [`steady ${rate}/s, mirror`]: r.steady.mirror,
    [`steady ${rate}/s, app`]: r.steady.app,
    [`burst of ${burst}, mirror`]: r.burst.mirror,
    [`burst of ${burst}, app`]: r.burst.app,
  })
  process.stdout.write(`not in the mirror within the phase: steady ${r.steady.notInMirror}, burst ${r.burst.notInMirror}\n`)
  process.stdout.write(`burst read in ${(r.burst as { eventRuns: number }).eventRuns} event runs; lost events: ${JSON.stringify(r.lost)}\n`)
  process.stdout.write('event runs (targeted reads), ms:\n')
  console.table(r.eventRunMs)
  await cli.shutdown()
}

type Row = Record<string, unknown>
const eventRuns = async () =>
  ((await SELECT.one.from('invoicecrm.integration.SyncRuns').columns('count(1) as n').where({ entity: 'BillingDocuments', mode: 'event' })) as { n: number }).n

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack || error}\n`)
    process.exit(1)
  }
)
