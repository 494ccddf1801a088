// The app's half of the crash test (test/writeback-crash.test.ts), in a process of its own so that it can die:
// it mirrors S/4HANA into an SQLite file, records a customer's confirmation, and is killed right after that
// transaction commits, before the persistent queue has delivered anything.
// Usage: node --require tsx/cjs test/writeback-crash-app.ts <simulator url> <sqlite file>
import fs from 'node:fs'
import cds from '@sap/cds'
import { runSync } from '../srv/sync'
import { deployIntoSqliteFile } from './sqlite-file-app'
import { confirmInvoice } from '../srv/crm/conversations'

async function main() {
  const [url, file] = process.argv.slice(2)
  await deployIntoSqliteFile(url, file)
  await runSync('all')
  const { billingDocument_ID: invoice } = (await SELECT.one.from('invoicecrm.mirror.BillingDocumentItems').columns('billingDocument_ID').where({ salesOrder_ID: { '!=': null } })) as {
    billingDocument_ID: string
  }
  await cds.tx({ user: new cds.User.Privileged() }, () => confirmInvoice(invoice, { by: 'crash-test', channel: 'phone' }))
  // Synchronous, so that the line is out before the kill; the queue's delivery would start on a later timer tick.
  fs.writeSync(1, JSON.stringify({ committed: invoice }) + '\n')
  process.kill(process.pid, 'SIGKILL')
}

main().catch(error => {
  fs.writeSync(2, `${(error as Error).stack}\n`)
  process.exit(1)
})
