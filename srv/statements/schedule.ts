import { dayBefore, monthOf, type Period } from './figures'

// The statement day: the n-th working day (Monday to Friday) of the month after the period, as AR sets it
// (db/statements.cds StatementSchedules). Public holidays differ per country and are not in the APIs in scope; a
// statement day that falls on one is moved by AR setting a later working day.

const DAY_MS = 86_400_000
const addDays = (day: string, days: number) => new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10)
const isWeekday = (day: string) => {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay()
  return weekday >= 1 && weekday <= 5
}

/** The day the statements of the period are dated and sent. */
export function statementDay(period: Period, workingDay: number): string {
  let day = addDays(period.end, 1)
  let counted = isWeekday(day) ? 1 : 0
  while (counted < workingDay) {
    day = addDays(day, 1)
    if (isWeekday(day)) counted++
  }
  return day
}

/** The month before the one of the given day. */
export const previousMonth = (day: string): Period => monthOf(dayBefore(monthOf(day).start))

/**
 * The period whose drafts are due on the given day: the latest month whose drafts start by then, draftLeadDays
 * before its statement day. A lead that reaches back into the month itself makes drafts of a month still running:
 * AR sees them early, and each day's run brings them up to the day's postings until they are approved.
 */
export function periodDueForDrafts(today: string, schedule: { workingDay: number; draftLeadDays: number }): Period | undefined {
  const draftsFrom = (period: Period) => addDays(statementDay(period, schedule.workingDay), -schedule.draftLeadDays)
  return [monthOf(today), previousMonth(today)].find(period => today >= draftsFrom(period))
}
