// The app's half of the crash test (test/writeback-crash.test.ts), in a process of its own so that it can die:
// it mirrors S/4HANA into the app's database (test/app-database.ts), records a customer's confirmation, and is
// killed right after that transaction commits, before the persistent queue has delivered anything.
// Usage (the database and S/4HANA's URL in the environment, see test/server-process.ts's runScript):
//   node --require tsx/cjs test/writeback-crash-app.ts
import fs from 'node:fs'
import cds from '@sap/cds'
import { runSync } from '../srv/sync'
import { connectAppDatabase } from './app-database'
import { confirmInvoice } from '../srv/crm/conversations'

async function main() {
  await connectAppDatabase()
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
