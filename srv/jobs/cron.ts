// A minimal cron matcher for the in-process runner and for validating the configured schedules, so that
// both runners accept exactly the same expressions: 5 fields (minute hour day-of-month month day-of-week),
// or 6 with seconds first as BullMQ reads them. Each field: *, n, a-b, */n, a-b/n, and lists of these.
// Times are the server's local time, as BullMQ's default; on BTP that is UTC.

interface Field {
  min: number
  max: number
}

const SECOND: Field = { min: 0, max: 59 }
const MINUTE: Field = { min: 0, max: 59 }
const HOUR: Field = { min: 0, max: 23 }
const DAY: Field = { min: 1, max: 31 }
const MONTH: Field = { min: 1, max: 12 }
// 0 and 7 are both Sunday.
const WEEKDAY: Field = { min: 0, max: 7 }

export class CronExpression {
  private readonly seconds: Set<number>
  private readonly minutes: Set<number>
  private readonly hours: Set<number>
  private readonly days: Set<number>
  private readonly months: Set<number>
  private readonly weekdays: Set<number>
  /** Standard cron: when both day fields are restricted, a day matches if either does. */
  private readonly eitherDay: boolean

  constructor(readonly source: string) {
    const fields = source.trim().split(/\s+/)
    if (fields.length !== 5 && fields.length !== 6)
      throw new Error(`cron '${source}': expected 5 fields (minute hour day month weekday) or 6 (with seconds first)`)
    const [second, minute, hour, day, month, weekday] = fields.length === 6 ? fields : ['0', ...fields]
    this.seconds = parseField(second, SECOND, source)
    this.minutes = parseField(minute, MINUTE, source)
    this.hours = parseField(hour, HOUR, source)
    this.days = parseField(day, DAY, source)
    this.months = parseField(month, MONTH, source)
    this.weekdays = parseField(weekday, WEEKDAY, source)
    if (this.weekdays.delete(7)) this.weekdays.add(0)
    this.eitherDay = day !== '*' && weekday !== '*'
  }

  /** The first time strictly after `after` that matches, at most about a year ahead. */
  next(after: Date): Date {
    const t = new Date(after.getTime())
    t.setMilliseconds(0)
    t.setSeconds(t.getSeconds() + 1)
    const limit = after.getTime() + 366 * 24 * 3600_000
    while (t.getTime() <= limit) {
      if (!this.months.has(t.getMonth() + 1) || !this.dayMatches(t)) {
        t.setDate(t.getDate() + 1)
        t.setHours(0, 0, 0)
      } else if (!this.hours.has(t.getHours())) {
        t.setHours(t.getHours() + 1, 0, 0)
      } else if (!this.minutes.has(t.getMinutes())) {
        t.setMinutes(t.getMinutes() + 1, 0)
      } else {
        const second = [...this.seconds].sort((a, b) => a - b).find(s => s >= t.getSeconds())
        if (second !== undefined) {
          t.setSeconds(second)
          return t
        }
        t.setMinutes(t.getMinutes() + 1, 0)
      }
    }
    throw new Error(`cron '${this.source}' never matches`)
  }

  private dayMatches(t: Date): boolean {
    const day = this.days.has(t.getDate())
    const weekday = this.weekdays.has(t.getDay())
    return this.eitherDay ? day || weekday : day && weekday
  }
}

function parseField(text: string, field: Field, source: string): Set<number> {
  const values = new Set<number>()
  const fail = (): never => {
    throw new Error(`cron '${source}': cannot read '${text}' (allowed ${field.min}-${field.max}, *, a-b, */n, lists)`)
  }
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part)
    if (!match) fail()
    const [, range, from, to, step] = match!
    const low = range === '*' ? field.min : Number(from)
    // A single value with a step (5/15) runs from that value to the end of the field, as in other crons.
    const high = range === '*' || (to === undefined && step) ? field.max : Number(to ?? from)
    const stride = step === undefined ? 1 : Number(step)
    if (low < field.min || high > field.max || low > high || stride < 1) fail()
    for (let v = low; v <= high; v += stride) values.add(v)
  }
  return values
}
