// Days overdue depend on today, so no column can hold them; computed per row (db/mirror.cds daysOverdue), a sort or
// filter by them reads every invoice. But they fall as the open due date rises: days overdue = max(0, today − openDueDate),
// and openDueDate is a maintained, indexed column (9999-12-31 when nothing is open). So the apps' sorts and
// comparisons by days overdue become the same ones by openDueDate, which the index answers:
//   $orderby=daysOverdue desc  →  openDueDate asc          daysOverdue gt 0   →  openDueDate < today
//   daysOverdue ge 30          →  openDueDate <= today−30   daysOverdue le 10  →  openDueDate >= today−10
// The rows keep their daysOverdue column as before. Other uses of it (in a function, a lambda) stay as they are:
// still right, only not by the index. The aging bucket (srv/receivables/apps.cds agingBucket) is a range of days
// overdue, so an invoice's bucket is a range of open due dates:
//   agingBucket eq 0 (not due)  →  today <= openDueDate < 9999-12-31    agingBucket eq 2  →  today−60 <= openDueDate < today−30

type Token = string | { ref?: unknown[]; val?: unknown; xpr?: Token[]; sort?: string; [other: string]: unknown }
type Select = { where?: Token[]; having?: Token[]; orderBy?: Token[] }

import { NOTHING_OPEN } from './sync/receivable-status'

const DAYS = 'daysOverdue'
const BUCKET = 'agingBucket'
/** The days overdue each aging bucket starts after (db/crm.cds AgingBucket): 0 not due, 1 for 1–30 days, … 4 over 90. */
const BUCKET_STARTS = [undefined, 0, 30, 60, 90] as const
const DUE = 'openDueDate'
const DAY_MS = 24 * 60 * 60 * 1000

/** The date of today (UTC) as the database compares it with dates, as CAP's $now does. */
export const today = (now = new Date()) => now.toISOString().slice(0, 10)
const daysBefore = (now: Date, days: number) => today(new Date(now.getTime() - days * DAY_MS))

const isRef = (name: string) => (token: Token | undefined): boolean =>
  typeof token === 'object' && token !== null && Array.isArray(token.ref) && token.ref.length === 1 && token.ref[0] === name
const isDays = isRef(DAYS)
const isBucket = isRef(BUCKET)
const numberOf = (token: Token | undefined): number | undefined => {
  if (typeof token !== 'object' || token === null || !('val' in token)) return undefined
  const n = typeof token.val === 'number' ? token.val : typeof token.val === 'string' && token.val.trim() !== '' ? Number(token.val) : NaN
  return Number.isInteger(n) ? n : undefined
}
/** The operator with its sides swapped: 5 < daysOverdue is daysOverdue > 5. */
const SWAPPED: Record<string, string> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' }

const always = (yes: boolean): Token => ({ xpr: [{ val: 1 }, '=', { val: yes ? 1 : 0 }] })
const due = (op: string, date: string): Token => ({ xpr: [{ ref: [DUE] }, op, { val: date }] })

/** daysOverdue <op> n as a condition on openDueDate; undefined for an operator it does not know. */
function comparison(op: string, n: number, now: Date): Token | undefined {
  const before = (days: number) => daysBefore(now, days)
  switch (op) {
    case '>':
      return n < 0 ? always(true) : due('<', before(n))
    case '>=':
      return n <= 0 ? always(true) : due('<=', before(n))
    case '<':
      return n <= 0 ? always(false) : due('>', before(n))
    case '<=':
      return n < 0 ? always(false) : due('>=', before(n))
    case '=':
    case '==':
      return n < 0 ? always(false) : n === 0 ? due('>=', today(now)) : due('=', before(n))
    case '!=':
    case '<>':
      return n < 0 ? always(true) : n === 0 ? due('<', today(now)) : due('!=', before(n))
  }
  return undefined
}

/** agingBucket = bucket as a range of open due dates; undefined for a bucket that does not exist. */
function bucketRange(bucket: number, now: Date): Token | undefined {
  if (!(bucket >= 0 && bucket < BUCKET_STARTS.length)) return undefined
  const start = BUCKET_STARTS[bucket]
  const end = BUCKET_STARTS[bucket + 1]
  // Past `start` days overdue: due before today − start; up to `end` days: due on today − end or later.
  const from = end === undefined ? [] : [due('>=', daysBefore(now, end)), 'and']
  return { xpr: [...from, start === undefined ? due('<', NOTHING_OPEN) : due('<', daysBefore(now, start))] }
}

function rewrite(tokens: Token[], now: Date): Token[] {
  const out: Token[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    const op = tokens[i + 1]
    if (typeof op === 'string') {
      const left = isDays(token) ? numberOf(tokens[i + 2]) : undefined
      const right = left === undefined && isDays(tokens[i + 2]) ? numberOf(token) : undefined
      const bucket = (op === '=' || op === '==') && isBucket(token) ? numberOf(tokens[i + 2]) : undefined
      const replaced =
        left !== undefined
          ? comparison(op, left, now)
          : right !== undefined && SWAPPED[op]
            ? comparison(SWAPPED[op], right, now)
            : bucket !== undefined
              ? bucketRange(bucket, now)
              : undefined
      if (replaced) {
        out.push(replaced)
        i += 2
        continue
      }
    }
    out.push(typeof token === 'object' && token !== null && Array.isArray(token.xpr) ? { ...token, xpr: rewrite(token.xpr, now) } : token)
  }
  return out
}

/** Rewrites a query of Invoices in place: sorts and comparisons by daysOverdue and aging buckets as the same by openDueDate. */
export function sortAndFilterByDueDate(select: Select, now = new Date()) {
  if (select.where) select.where = rewrite(select.where, now)
  if (select.orderBy)
    select.orderBy = select.orderBy.map(o => (isDays(o) ? { ref: [DUE], sort: typeof o === 'object' && o.sort === 'desc' ? 'asc' : 'desc' } : o))
}
