// Preloaded into the real server by test/reminders-crash.test.ts (startServer's preload): the collections clock at
// TEST_COLLECTIONS_NOW, and, with HOLD_JUDGING_AFTER_BATCHES=n, a reminder run held in the middle of judging: the
// first n batches are committed, the next one waits for ever inside its transaction, its decisions not yet written.
// The server says so on stdout, and the test stops it there.
import fs from 'node:fs'
import cds from '@sap/cds'
import { useClock } from '../srv/collections/clock'
import { ReminderDecisions } from '#cds-models/invoicecrm/collections'

const now = process.env.TEST_COLLECTIONS_NOW
if (now) useClock(() => new Date(now))

const holdAfter = Number(process.env.HOLD_JUDGING_AFTER_BATCHES ?? NaN)
if (Number.isInteger(holdAfter)) {
  let batches = 0
  cds.on('served', () => {
    cds.db.before('INSERT', ReminderDecisions, () => {
      if (++batches <= holdAfter) return
      fs.writeSync(1, `reminder run held in judging after ${holdAfter} batches\n`)
      return new Promise(() => undefined)
    })
  })
}
