// npm run sync -- <entity|all> [--full]
// Syncs the mirror from the configured S/4HANA destination, or from the S/4HANA simulator in development.
import cds from '@sap/cds'
import { runSync, descriptions, type RunSummary } from './index'
import { isS4Configured, s4Settings } from '../s4/destination'
import { loadDevelopmentSimulator } from './simulator-module'

const USAGE = `usage: npm run sync -- <${descriptions.map(d => d.name).join('|')}|all> [--full]`

/** A progress bar per entity on a terminal; S/4HANA's $inlinecount says how many rows to expect. */
function progressBar({ entity, pages, rowsRead, expectedRows }: { entity: string; pages: number; rowsRead: number; expectedRows?: number }) {
  if (!process.stderr.isTTY) return
  const share = expectedRows ? Math.min(1, rowsRead / expectedRows) : 0
  const width = 30
  const bar = '█'.repeat(Math.round(share * width)).padEnd(width, '░')
  const of = expectedRows === undefined ? '' : ` of ${expectedRows}`
  process.stderr.write(`\r\x1b[K${entity.padEnd(20)} ${bar} ${String(Math.round(share * 100)).padStart(3)} %  ${rowsRead}${of} rows, ${pages} pages`)
}

function printSummary(summaries: RunSummary[]) {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
  console.table(
    summaries.map(s => ({
      entity: s.entity,
      mode: s.mode,
      status: s.status,
      pages: s.pages,
      read: s.rowsRead,
      upserted: s.rowsUpserted,
      removed: s.rowsDeleted,
      rejected: s.rowsRejected,
      errors: s.errorCount,
      seconds: (s.durationMs / 1000).toFixed(1),
      'rows/s': s.durationMs ? Math.round((s.rowsRead * 1000) / s.durationMs) : 0,
    }))
  )
  for (const s of summaries.filter(s => s.message)) console.error(`${s.entity}: ${s.message}`)
}

async function main() {
  const args = process.argv.slice(2)
  const entity = args.find(a => !a.startsWith('--'))
  if (!entity || args.includes('--help')) {
    console.error(USAGE)
    process.exit(entity ? 0 : 2)
  }
  // The progress bar and the summary say what the sync's info lines would.
  cds.log('sync', 'warn')
  cds.model = cds.compile.for.nodejs(await cds.load('*'))
  await cds.connect.to('db')
  const simulator = isS4Configured() ? undefined : await startSimulator()
  try {
    const summaries = await runSync(entity, args.includes('--full') ? 'full' : 'delta', progressBar)
    printSummary(summaries)
    process.exitCode = summaries.every(s => s.status === 'succeeded') ? 0 : 1
  } finally {
    await simulator?.close()
  }
  cds.exit()
}

/** Without a destination, development syncs from the simulator: the one `npm start` runs, or one of its own. */
async function startSimulator() {
  const settings = s4Settings()
  if (!settings.simulator) throw new Error('No S/4HANA destination configured. See README, "Connect a real S/4HANA".')
  const url = `http://localhost:${settings.simulator.port}`
  if (await fetch(`${url}/__sim/stats`).then(r => r.ok, () => false)) {
    settings.url = url
    return undefined
  }
  const { startDevelopmentSimulator } = await loadDevelopmentSimulator()
  const simulator = await startDevelopmentSimulator(settings.simulator.volume, 0)
  settings.url = simulator.url
  return simulator
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
