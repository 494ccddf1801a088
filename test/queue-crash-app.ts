// The set-up half of the queue crash tests (test/queue-crash.test.ts, test/queue-instances.test.ts), in a process of
// its own: it mirrors S/4HANA into the app's database (test/app-database.ts) and, through the app's own code, takes
// up every invoice for sending and plans write-backs. What it leaves is what an instance leaves that committed those changes and stopped before its persistent queue
// ran: messages in the queue, none processed. It does not process them itself (the real server under test does):
// the queue's processing is started by the scheduling service after each commit, so that is switched off here, on
// its class: CAP 10.1.1 calls it on an object other than cds.services.scheduling (seen on PostgreSQL, where the mails
// then went out, and failed, during the set-up; on SQLite its single connection held them back until the exit).
// Usage (the database and S/4HANA's URL in the environment, see test/server-process.ts's runScript):
//   node --require tsx/cjs test/queue-crash-app.ts <invoices with write-backs>
import fs from 'node:fs'
import cds from '@sap/cds'
import { runSync } from '../srv/sync'
import { connectAppDatabase } from './app-database'
import { crmSettings } from '../srv/crm/settings'
import { dispatchNewInvoices } from '../srv/crm/dispatch'
import { planWriteBack } from '../srv/writeback/plan'

async function main() {
  const [writeBackInvoices] = process.argv.slice(2)
  await connectAppDatabase()
  const scheduling = Object.getPrototypeOf(await cds.connect.to('scheduling')) as { scheduleFlush: () => void }
  scheduling.scheduleFlush = () => undefined
  await runSync('all')

  crmSettings().dispatch.since = '2000-01-01'
  // As after a sync (srv/crm/workflows.ts): without a transaction around it, as each invoice is taken up in one of its own.
  cds.context = new cds.EventContext({ user: new cds.User.Privileged() } as never)
  const { queued } = await dispatchNewInvoices()
  const invoices = (await SELECT.distinct
    .from('invoicecrm.mirror.BillingDocumentItems')
    .columns('billingDocument_ID')
    .where({ salesOrder_ID: { '!=': null } })
    .orderBy('billingDocument_ID')
    .limit(Number(writeBackInvoices))) as { billingDocument_ID: string }[]
  let writeBacks = 0
  for (const { billingDocument_ID: invoice } of invoices)
    writeBacks += await cds.tx({ user: new cds.User.Privileged() }, () =>
      planWriteBack('confirmed', { invoice, summary: `Invoice ${invoice} confirmed by the customer (phone)`, title: `Confirmation of invoice ${invoice}` })
    )
  fs.writeSync(1, `set-up: ${JSON.stringify({ queued, writeBacks })}\n`)
  // Everything is committed; leave before anything else could run.
  process.exit(0)
}

main().catch(error => {
  fs.writeSync(2, `${(error as Error).stack}\n`)
  process.exit(1)
})
