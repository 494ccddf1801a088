/**
 * Standalone S/4HANA simulator.
 *
 *   npm run s4:sim -- [--port 4005] [--host 127.0.0.1] [--volume small|bench|'{"customers":100,…}']
 *                     [--seed 4711] [--reference-date 2025-06-01] [--posting-history] [--page-size 1000]
 *                     [--latency-ms 0] [--error-rate 0] [--drop-rate 0] [--lost-response-rate 0] [--attachments-on-billing-documents] [--no-csrf]
 *                     [--events-redis redis://127.0.0.1:6379] [--events-prefix p/] [--events-drop-rate 0]
 *
 * Prints "S/4HANA simulator listening on <url>" once it serves requests (then one JSON line with the
 * entity set counts). Admin endpoints: see README.md (POST /__sim/faults, /__sim/touch, …).
 */
import { createSimulator, type SimulatorOptions } from './simulator'
import type { VolumeSpec } from './data-generator'

function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) continue
    const eq = a.indexOf('=')
    if (eq > 0) { out[a.slice(2, eq)] = a.slice(eq + 1); continue }
    const next = argv[i + 1]
    if (next !== undefined && !next.startsWith('--')) { out[a.slice(2)] = next; i++ } else out[a.slice(2)] = true
  }
  return out
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  if (args.help) {
    console.log('usage: npm run s4:sim -- [--port 4005] [--volume small|bench|<json>] [--seed n] [--reference-date d] [--posting-history] [--page-size n] [--latency-ms n] [--error-rate x] [--drop-rate x] [--lost-response-rate x] [--attachments-on-billing-documents] [--no-csrf] [--events-redis url] [--events-prefix p] [--events-drop-rate x]')
    return
  }
  const num = (k: string) => (typeof args[k] === 'string' ? Number(args[k]) : undefined)
  const volumeArg = typeof args.volume === 'string' ? args.volume : 'small'
  const volume: SimulatorOptions['volume'] = volumeArg === 'small' || volumeArg === 'bench' ? volumeArg : (JSON.parse(volumeArg) as Partial<VolumeSpec>)
  const started = performance.now()
  const sim = createSimulator({
    volume,
    seed: num('seed'),
    referenceDate: typeof args['reference-date'] === 'string' ? args['reference-date'] : undefined,
    postingHistory: args['posting-history'] === true,
    pageSize: num('page-size'),
    csrf: !args['no-csrf'],
    attachmentObjectTypes: args['attachments-on-billing-documents'] ? ['BUS2032', 'BUS1006', 'VBRK'] : undefined,
    faults: { latencyMs: num('latency-ms'), errorRate: num('error-rate'), dropRate: num('drop-rate'), lostResponseRate: num('lost-response-rate') },
    // Business events of the changes, on the Redis that the app's redis-messaging listens to
    events: typeof args['events-redis'] === 'string'
      ? { redis: args['events-redis'], topicPrefix: typeof args['events-prefix'] === 'string' ? args['events-prefix'] : undefined, dropRate: num('events-drop-rate') }
      : undefined,
  })
  const generatedMs = performance.now() - started
  sim.warmUp()
  const url = await sim.listen(num('port') ?? 4005, typeof args.host === 'string' ? args.host : '127.0.0.1')
  const mem = process.memoryUsage()
  console.log(`S/4HANA simulator listening on ${url}`)
  console.log(JSON.stringify({
    url, volume: volumeArg, generatedMs: Math.round(generatedMs), heapUsedMB: Math.round(mem.heapUsed / 1e6), rssMB: Math.round(mem.rss / 1e6), counts: sim.stats(),
  }))
  const stop = () => { void sim.close().then(() => process.exit(0)) }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e) => { console.error(e); process.exit(1) })
