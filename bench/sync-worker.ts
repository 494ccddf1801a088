// One phase of the sync benchmark, in its own process so that its peak RSS is its own.
// Usage: tsx bench/sync-worker.ts <baseline|full|delta|naive> <simulator url> <sqlite file | postgres:<database>> <page size>
// (for PostgreSQL with CDS_ENV=pg, so that the `pg` profile's connection applies)
import cds from '@sap/cds'
import { syncEngine, runSync, descriptions } from '../srv/sync'
import { billingDocuments, mapFields } from '../srv/sync/descriptions'
import { s4Settings } from '../srv/s4/destination'
import { A_BillingDocument_ } from '#cds-models/API_BILLING_DOCUMENT_SRV'

type Phase = 'baseline' | 'full' | 'delta' | 'naive'

async function main() {
  const [phase, url, file, size] = process.argv.slice(2) as [Phase, string, string, string]
  const pageSize = Number(size)
  cds.env.requires.sync.pageSize = pageSize
  s4Settings().url = url
  const csn = await cds.load('*')
  cds.model = cds.compile.for.nodejs(csn)
  const [, database] = /^postgres:(.+)$/.exec(file) ?? []
  const configured = cds.env.requires.db as { kind: string; credentials: object }
  cds.env.requires.db = database
    ? { ...configured, credentials: { ...configured.credentials, database } }
    : { ...configured, kind: 'sqlite', credentials: { url: file } }
  const db = await cds.connect.to('db')
  // cds.deploy is missing from @cap-js/cds-types.
  const { deploy } = cds as unknown as { deploy: (model: unknown) => { to: (db: unknown) => Promise<unknown> } }
  if (phase === 'full' || phase === 'naive') await deploy(csn).to(db)

  const started = performance.now()
  const perEntity: Record<string, { rows: number; pages: number; ms: number }> = {}
  if (phase === 'baseline') {
    const engine = syncEngine()
    for (const d of descriptions) {
      const t = performance.now()
      const counted = { rows: 0, pages: 0, ms: 0 }
      for await (const { records } of engine.readInKeyOrder(d, { pageSize })) {
        counted.rows += records.length
        counted.pages++
      }
      perEntity[d.name] = { ...counted, ms: performance.now() - t }
    }
  } else if (phase === 'naive') {
    perEntity.BillingDocuments = await naiveBillingDocuments(url)
  } else {
    const stamped = descriptions.filter(d => d.stamp).map(d => d.name)
    for (const d of descriptions) {
      if (phase === 'delta' && !stamped.includes(d.name)) continue
      const [run] = await runSync(d.name, 'delta')
      if (run.status !== 'succeeded') throw new Error(`${d.name}: ${run.message}`)
      perEntity[d.name] = { rows: run.rowsRead, pages: run.pages, ms: run.durationMs }
    }
  }
  const ms = performance.now() - started
  const rows = Object.values(perEntity).reduce((sum, e) => sum + e.rows, 0)
  // maxRSS is in kilobytes.
  // CPU time of the whole process (all its threads) from start: on a loaded machine, what the phase cost.
  const { user, system } = process.cpuUsage()
  const cpuS = (user + system) / 1e6
  process.stdout.write(JSON.stringify({ phase, ms, rows, perEntity, cpuS, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n')
  cds.exit()
}

/** What a first CAP implementation would do: read everything through the CAP remote service in one go, then UPSERT. */
async function naiveBillingDocuments(url: string) {
  const t = performance.now()
  const remote = await cds.connect.to('API_BILLING_DOCUMENT_SRV', {
    kind: 'odata-v2',
    model: 'srv/external/API_BILLING_DOCUMENT_SRV',
    credentials: { url: `${url}/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV`, requestTimeout: 3_600_000 },
  } as never)
  const documents = (await remote.run(
    SELECT.from(A_BillingDocument_).columns(b => {
      b('*')
      b.to_Item(i => i('*'))
      b.to_Partner(p => p('*'))
    })
  )) as Record<string, unknown>[]
  const rows = documents.map(doc => mapFields(billingDocuments.fields, doc))
  const [items, partners] = billingDocuments.children!.map(child =>
    documents.flatMap(doc =>
      ((doc[child.navigation] as Record<string, unknown>[]) ?? []).map(r => ({ ...mapFields(child.fields, r), [child.parentColumn]: doc.BillingDocument }))
    )
  )
  await UPSERT.into(billingDocuments.target).entries(rows)
  await INSERT.into(billingDocuments.children![0].target).entries(items)
  await INSERT.into(billingDocuments.children![1].target).entries(partners)
  return { rows: rows.length, pages: 1, ms: performance.now() - t }
}

main().catch(error => {
  process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n')
  process.exit(1)
})
