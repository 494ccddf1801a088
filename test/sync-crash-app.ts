// The sync's half of the crash test (test/sync-crash.test.ts), in a process of its own so that it can die:
// `crash <pages>` starts the initial load of the invoices and kills itself (SIGKILL) as soon as that many pages are
// committed, while the next page is already on its way from S/4HANA and being converted; `resume` syncs them again
// to the end and prints what the mirror then holds, and what the database keeps beside it.
// Usage (the database and S/4HANA's URL in the environment, see test/server-process.ts's runScript):
//   node --require tsx/cjs test/sync-crash-app.ts crash 3 | resume
import fs from 'node:fs'
import cds from '@sap/cds'
import { runSync } from '../srv/sync'
import { syncDatabase } from '../srv/sync/sqlite-worker'
import { isBulkLoading } from '../srv/bulk-loads'
import { connectAppDatabase } from './app-database'
import { expectCountsAsRowsSay } from './counted-rows'

const M = 'invoicecrm.mirror'
const count = async (entity: string) => Number(((await SELECT.one.from(entity).columns('count(1) as n')) as { n: number | string }).n)
const say = (line: object) => fs.writeSync(1, JSON.stringify(line) + '\n')

async function main(mode: string, pages: number) {
  await connectAppDatabase()
  if (mode === 'crash') {
    await runSync('BillingDocuments', 'full', progress => {
      if (progress.pages < pages) return
      // Synchronous, so that the line is out before the kill.
      say({ committedPages: progress.pages, loading: true })
      process.kill(process.pid, 'SIGKILL')
    })
    throw new Error('the load ended before the kill')
  }
  const [summary] = await runSync('BillingDocuments', 'full')
  await expectCountsAsRowsSay()
  say({
    summary,
    invoices: await count(`${M}.BillingDocuments`),
    items: await count(`${M}.BillingDocumentItems`),
    partners: await count(`${M}.BillingDocumentPartners`),
    stillLoading: await isBulkLoading(),
    runs: await SELECT.from('invoicecrm.integration.SyncRuns').columns('ID', 'status', 'message').where({ entity: 'BillingDocuments' }).orderBy('startedAt'),
  })
  await ((await syncDatabase()) as unknown as { disconnect?(): Promise<void> }).disconnect?.()
  await (cds.db as unknown as { disconnect(): Promise<void> }).disconnect()
}

main(process.argv[2], Number(process.argv[3] ?? 0)).catch(error => {
  fs.writeSync(2, `${(error as Error).stack}\n`)
  process.exit(1)
})
