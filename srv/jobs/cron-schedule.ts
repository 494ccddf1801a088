import { CronExpressionParser } from 'cron-parser'

// When a cron expression fires next, read by cron-parser: the parser BullMQ's job schedulers use, so that the
// in-process runner accepts exactly the expressions BullMQ accepts and fires at the same times. Expressions have
// 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first as BullMQ reads them; fewer fields,
// which cron-parser would quietly fill with '*', are refused. Times are the server's local time, as BullMQ's default
// (no tz is passed to either); on BTP that is UTC.

/** The first time strictly after `after` that `cron` matches; throws `cron '…': …` on an expression neither runner could schedule. */
export function nextRun(cron: string, after: Date): Date {
  const fields = cron.trim().split(/\s+/)
  if (fields.length !== 5 && fields.length !== 6)
    throw new Error(`cron '${cron}': expected 5 fields (minute hour day month weekday) or 6 (with seconds first)`)
  try {
    return CronExpressionParser.parse(cron, { currentDate: after }).next().toDate()
  } catch (error) {
    // e.g. "Constraint error, got value 61 expected range 0-59", or "loop limit exceeded" for a day that never comes
    throw new Error(`cron '${cron}': ${(error as Error).message}`)
  }
}
