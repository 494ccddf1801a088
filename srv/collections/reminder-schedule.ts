import { ReminderRuns } from '#cds-models/invoicecrm/collections'
import { runReminders } from './reminder-run'
import { queueDueReminders } from './reminder-mails'
import { now } from './clock'
import { dayOf } from './reminder-rules'

/**
 * The scheduled job (cds.requires.jobs.schedules.ReminderRun, hourly): the first tick of a day decides what is due
 * (the reminder run); every tick queues the mails of the customers whose business hours have come, around the globe.
 */
export async function scheduledReminderRun(): Promise<string> {
  const today = dayOf(now())
  const done = await SELECT.one.from(ReminderRuns).columns('ID').where({ asOf: today, status: 'completed' })
  if (done) return `${await queueDueReminders()} reminder mails queued`
  const run = await runReminders({ trigger: 'schedule' })
  return `reminder run ${run.runId}: ${run.invoicesChecked} invoices judged, ${run.remindersDue} reminders due, ${run.proposals} proposed, ${run.mailsQueued} mails queued`
}
