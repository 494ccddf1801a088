// The set-up half of test/reminders-crash.test.ts, in a process of its own: it mirrors S/4HANA into the app's
// database, makes every invoice open and 12 days overdue, and runs the reminder run through the app's own code on a
// Wednesday noon with business hours around the clock, so that every customer with a billing address and no block
// gets one reminder mail. What it leaves is what an instance leaves that ran the reminder run and stopped before its
// persistent queue sent anything: the mails queued, none processed (the queue's processing is switched off on its
// class, as in test/queue-crash-app.ts). With --prepare-only it stops before the run, for a test that runs it in the
// real server (the collections clock's time is in what it prints).
// Usage (the database and S/4HANA's URL in the environment, see test/server-process.ts's runScript):
//   node --require tsx/cjs test/reminders-crash-app.ts [--prepare-only]
import fs from 'node:fs'
import cds from '@sap/cds'
import { runSync } from '../srv/sync'
import { connectAppDatabase } from './app-database'
import { useClock } from '../srv/collections/clock'
import { ensureDefaultPolicy } from '../srv/collections/default-policy'
import { runReminders } from '../srv/collections/reminder-run'
import { collectionsSettings } from '../srv/collections/settings'

/** A Wednesday: a working day in every time zone from UTC−11 to UTC+11. */
const NOON = new Date('2027-03-03T12:00:00Z')
const DUE = '2027-02-19'

async function main() {
  await connectAppDatabase()
  const scheduling = Object.getPrototypeOf(await cds.connect.to('scheduling')) as { scheduleFlush: () => void }
  scheduling.scheduleFlush = () => undefined
  await runSync('all')
  await cds.tx(() =>
    UPDATE('invoicecrm.mirror.BillingDocuments').set({ isCleared: false, openAmount: { ref: ['grossAmount'] }, netDueDate: DUE, openDueDate: DUE })
  )

  collectionsSettings().businessHours = { start: 0, end: 24 }
  useClock(() => NOON)
  cds.context = new cds.EventContext({ user: new cds.User.Privileged() } as never)
  await ensureDefaultPolicy()
  if (process.argv.includes('--prepare-only')) {
    fs.writeSync(1, `set-up: ${JSON.stringify({ now: NOON.toISOString() })}\n`)
    process.exit(0)
  }
  const run = await runReminders({ trigger: 'manual' })
  fs.writeSync(1, `set-up: ${JSON.stringify({ mails: run.mailsQueued, reminders: run.remindersDue })}\n`)
  // Everything is committed; leave before anything else could run.
  process.exit(0)
}

main().catch(error => {
  fs.writeSync(2, `${(error as Error).stack}\n`)
  process.exit(1)
})
