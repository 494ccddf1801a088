import cds from '@sap/cds'
import { Statements } from '#cds-models/invoicecrm/statements'
import { now } from '../collections/clock'
import { generateStatements, statementSchedule } from './generate'
import { periodDueForDrafts } from './schedule'

// The scheduled job (cds.requires.jobs.schedules.StatementRun, daily): from draftLeadDays before the statement day,
// the drafts of the month before are made and kept up to date with FI until AR approves them; and every sent
// statement left unanswered for reminderAfterDays is reminded once and shows as noAnswer. Both are idempotent: a
// tick run twice, or again after a crash, changes nothing more.

const DAY_MS = 86_400_000

export async function scheduledStatementRun(): Promise<string> {
  const today = now().toISOString().slice(0, 10)
  const schedule = await cds.tx(() => statementSchedule())
  const period = periodDueForDrafts(today, schedule)
  const generated = period ? await generateStatements(period, 'statement run') : undefined
  const reminded = await remindUnanswered(schedule.reminderAfterDays)
  const drafts = generated
    ? `statements of ${period!.start.slice(0, 7)}: ${generated.created} new, ${generated.remade} made again, ${generated.unchanged} unchanged`
    : 'no statements due for drafts'
  return `${drafts}; ${reminded} unanswered statements reminded`
}

/**
 * Marks the statements mailed more than the given days ago and still unanswered as noAnswer, and queues their
 * reminder mail in the same transaction; returns how many.
 */
export async function remindUnanswered(afterDays: number): Promise<number> {
  const before = new Date(now().getTime() - afterDays * DAY_MS).toISOString()
  return cds.tx(async () => {
    const due = await SELECT.from(Statements).columns('ID').where({ status: 'sent', mailedAt: { '<': before } })
    const mail = cds.queued(await cds.connect.to('customer-mail'))
    let reminded = 0
    for (const { ID } of due) {
      // Guarded: an answer that came in meanwhile wins, and a second instance does not remind twice.
      if (!(await UPDATE(Statements).set({ status: 'noAnswer' }).where({ ID, status: 'sent' }))) continue
      await mail.send('statementMail', { statement: ID, reminder: true })
      reminded++
    }
    return reminded
  })
}
