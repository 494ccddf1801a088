// npm run bench:sync -- [--volume <billing documents>] [--page-size 1000] [--scale <billing documents, 0 = off>]
//                        [--heap <MB, 0 = V8 default>] [--no-naive] [--db sqlite|postgres]
//
// Measures the sync on one generated S/4HANA data set, served by the simulator in its own process:
//   1. baseline: only downloading and JSON-parsing every page a full sync reads (same page size)
//   2. full initial sync into SQLite (or, with --db postgres, into PostgreSQL as the `pg` profile connects)
//   3. delta sync after 1 % of the documents (and business partners) changed
//   4. the naive CAP pattern: billing documents read through the CAP remote service in one go, then UPSERTed
// and, for memory, a full sync at a smaller volume. Each phase runs in its own process; its peak RSS is reported.
// The sync phases run with the V8 heap limit of the deployed app (mta.yaml: 512 MB container, 256 MB old space):
// without it, V8 on a large machine lets garbage pile up before collecting, and RSS says more about V8 than the sync.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import cds from '@sap/cds'
import { administer as administerPostgres, type Credentials } from '../test/postgres-database'

const root = path.join(__dirname, '..')
const tsx = path.join(root, 'node_modules/.bin/tsx')

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const billingDocuments = Number(option('volume', '100000'))
const pageSize = option('page-size', '1000')
const scale = Number(option('scale', '10000'))
const naive = !process.argv.includes('--no-naive')
const heapMB = Number(option('heap', '256'))
const dbKind = option('db', 'sqlite')
if (dbKind !== 'sqlite' && dbKind !== 'postgres') throw new Error(`--db sqlite or --db postgres, not ${dbKind}`)

interface PhaseResult {
  phase: string
  ms: number
  rows: number
  perEntity: Record<string, { rows: number; pages: number; ms: number }>
  peakRssMB: number
  /** CPU seconds of the phase's process, its start-up included */
  cpuS: number
  error?: string
}

const volumeOf = (documents: number) =>
  JSON.stringify({ billingDocuments: documents, salesOrders: Math.round(documents / 2), customers: Math.max(10, Math.round(documents / 10)) })

async function startSimulator(documents: number) {
  const child = spawn(tsx, [require.resolve('@invoice-crm/s4-simulator/cli'), '--port', '0', '--volume', volumeOf(documents)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout! })
  let url = ''
  for await (const line of lines) {
    if (!url) url = /listening on (\S+)/.exec(line)?.[1] ?? ''
    else {
      const info = JSON.parse(line) as { generatedMs: number; counts: Record<string, number> }
      console.error(`simulator: ${url}, generated in ${(info.generatedMs / 1000).toFixed(1)} s: ${JSON.stringify(info.counts)}`)
      break
    }
  }
  if (!url) throw new Error('the simulator did not start')
  return { url, stop: () => new Promise(resolve => (child.once('exit', resolve), child.kill('SIGTERM'))) }
}

/**
 * Where a phase writes: a SQLite file in the run's directory, or a PostgreSQL database of its own
 * (`postgres:<name>`, created here and dropped at the end).
 */
async function database(dir: string, name: string, created: string[]): Promise<string> {
  if (dbKind === 'sqlite') return path.join(dir, `${name}.sqlite`)
  const database = `invoicecrm_bench_${process.pid}_${name}`
  await administer(`CREATE DATABASE "${database}"`)
  created.push(database)
  return `postgres:${database}`
}

/** CREATE/DROP DATABASE, connected as the `pg` profile says (CDS_REQUIRES_DB_CREDENTIALS_* override it as usual). */
function administer(sql: string) {
  process.env.CDS_ENV = 'pg'
  const { credentials } = cds.env.for('cds', root).requires.db as { credentials: Credentials }
  return administerPostgres(credentials, sql)
}

async function phase(name: string, url: string, db: string): Promise<PhaseResult> {
  console.error(`phase ${name} …`)
  // The naive pattern holds everything in memory at once: it gets V8's default heap, to show what it needs.
  const heap = heapMB && name !== 'naive' ? `--max-old-space-size=${heapMB}` : ''
  const env = {
    ...process.env,
    CDS_LOG_LEVELS_SYNC: 'warn',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${heap}`.trim(),
    ...(dbKind === 'postgres' && { CDS_ENV: 'pg' }),
  }
  const child = spawn(tsx, ['bench/sync-worker.ts', name, url, db, pageSize], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env })
  let last = ''
  for await (const line of readline.createInterface({ input: child.stdout! })) if (line.startsWith('{')) last = line
  await new Promise(resolve => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)))
  const result = JSON.parse(last || '{"error":"no result"}') as PhaseResult
  return { ...result, phase: name }
}

const admin = (url: string, action: string, body: unknown) =>
  fetch(`${url}/__sim/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(r => {
    if (!r.ok) throw new Error(`${action}: HTTP ${r.status}`)
  })

const perSecond = (r: PhaseResult) => Math.round((r.rows * 1000) / r.ms)
const seconds = (ms: number) => (ms / 1000).toFixed(1)

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'))
  const created: string[] = []
  const results: PhaseResult[] = []
  const sim = await startSimulator(billingDocuments)
  const mirror = await database(dir, 'mirror', created)
  try {
    results.push(await phase('baseline', sim.url, path.join(dir, 'unused.sqlite')))
    results.push(await phase('full', sim.url, mirror))
    const changed = Math.max(1, Math.round(billingDocuments / 100))
    await admin(sim.url, 'touch', { entitySet: 'A_BillingDocument', n: changed, mutate: true })
    await admin(sim.url, 'touch', { entitySet: 'A_SalesOrder', n: Math.round(changed / 2), mutate: true })
    await admin(sim.url, 'touch', { entitySet: 'A_BusinessPartner', n: Math.max(1, Math.round(changed / 10)), mutate: true })
    results.push(await phase('delta', sim.url, mirror))
    if (naive) {
      // "In one go" for real: a CAP remote service would silently stop at S/4HANA's first server page otherwise.
      await admin(sim.url, 'config', { pageSize: 100_000_000 })
      results.push(await phase('naive', sim.url, await database(dir, 'naive', created)))
    }
  } finally {
    await sim.stop()
  }
  let small: PhaseResult | undefined
  if (scale) {
    const smallSim = await startSimulator(scale)
    try {
      small = await phase('full', smallSim.url, await database(dir, 'small', created))
    } finally {
      await smallSim.stop()
    }
  }
  fs.rmSync(dir, { recursive: true, force: true })
  for (const name of created) await administer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  report(results, small)
}

function report(results: PhaseResult[], small?: PhaseResult) {
  const byPhase = Object.fromEntries(results.map(r => [r.phase, r])) as Record<string, PhaseResult>
  const { baseline, full, delta, naive: naiveRun } = byPhase
  const heap = heapMB ? `${heapMB} MB heap limit` : 'default heap'
  console.log(`\nSync benchmark: ${billingDocuments} billing documents into ${dbKind}, page size ${pageSize}, ${heap}, ${os.cpus().length} cores, Node ${process.version}\n`)
  console.table(
    results.map(r => ({
      phase: r.phase,
      seconds: r.error ? '-' : seconds(r.ms),
      rows: r.rows ?? '-',
      'rows/s': r.error ? '-' : perSecond(r),
      'CPU s': r.error ? '-' : r.cpuS.toFixed(1),
      'peak RSS MB': r.peakRssMB,
      note: r.error ?? '',
    }))
  )
  console.table(
    Object.keys(full.perEntity ?? {}).map(entity => ({
      entity,
      rows: full.perEntity[entity].rows,
      'baseline s': seconds(baseline.perEntity[entity]?.ms ?? 0),
      'full s': seconds(full.perEntity[entity].ms),
      'delta rows': delta?.perEntity?.[entity]?.rows ?? '-',
      'delta s': delta?.perEntity?.[entity] ? seconds(delta.perEntity[entity].ms) : '-',
    }))
  )
  const stampedFullMs = Object.keys(delta?.perEntity ?? {}).reduce((sum, e) => sum + full.perEntity[e].ms, 0)
  const lines = [
    [`full sync / baseline`, (full.ms / baseline.ms).toFixed(2), '≤ 1.3', full.ms / baseline.ms <= 1.3],
    [`delta (1 %) / full sync of the same entities`, `${((delta.ms / stampedFullMs) * 100).toFixed(1)} %`, '≤ 5 %', delta.ms / stampedFullMs <= 0.05],
    [`peak RSS, full sync`, `${full.peakRssMB} MB`, '≤ 400 MB', full.peakRssMB <= 400],
  ] as [string, string, string, boolean][]
  if (small) lines.push([`peak RSS at ${scale} vs ${billingDocuments} documents`, `${small.peakRssMB} MB vs ${full.peakRssMB} MB`, 'flat', full.peakRssMB <= small.peakRssMB * 1.25])
  if (naiveRun)
    lines.push([
      `naive CAP pattern, billing documents only`,
      naiveRun.error ? `did not complete (${naiveRun.error})` : `${seconds(naiveRun.ms)} s vs ${seconds(full.perEntity.BillingDocuments.ms)} s, ${naiveRun.peakRssMB} MB`,
      'for comparison',
      true,
    ])
  console.log('\ntargets')
  for (const [what, value, target, met] of lines) console.log(`  ${met ? 'met   ' : 'MISSED'}  ${what}: ${value} (target ${target})`)
  const out = path.join(root, 'bench/results')
  fs.mkdirSync(out, { recursive: true })
  fs.writeFileSync(path.join(out, `sync-${dbKind}-${billingDocuments}.json`), JSON.stringify({ billingDocuments, pageSize, results, small }, null, 2))
}

main().catch(error => {
  console.error(error)
  process.exit(1)
})
