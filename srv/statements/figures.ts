import type { AgingBucket } from '#cds-models/invoicecrm/crm'
import { fromMilli, sumMilli, toMilli, type Milli } from './amounts'

// What a statement says, from the customer's FI items (account type D) of one company code and currency. An item is
// open on a day when it was posted by then and not cleared by then (cleared later, or not at all). The opening
// balance is what was open the day before the period; the closing balance is what is open on its last day, summed
// from those items themselves, not carried forward: opening + the period's postings = closing is a check (cleared
// items always net to zero in FI), and a statement where it fails says the mirror misses an item.

/** An FI item as the statement reads it (ReceivableItems with the invoice's purchase order). */
export interface StatementFiItem {
  fiscalYear: string
  accountingDocument: string
  item: string
  documentType: string | null
  postingDate: string
  documentDate: string | null
  netDueDate: string | null
  isCleared: boolean | null
  clearingDate: string | null
  clearingDocument: string | null
  amount: string | number
  billingDocument: string | null
  purchaseOrder: string | null
}

export interface StatementLineFigures {
  lineNo: number
  fiscalYear: string
  accountingDocument: string
  accountingItem: string
  documentType: string | null
  postingDate: string
  documentDate: string | null
  netDueDate: string | null
  billingDocument: string | null
  purchaseOrder: string | null
  clearingDocument: string | null
  amount: string
}

export interface StatementOpenItemFigures {
  lineNo: number
  fiscalYear: string
  accountingDocument: string
  accountingItem: string
  documentType: string | null
  postingDate: string
  netDueDate: string | null
  billingDocument: string | null
  purchaseOrder: string | null
  daysOverdue: number
  agingBucket: AgingBucket
  amount: string
}

export interface StatementFigures {
  openingBalance: string
  debits: string
  credits: string
  closingBalance: string
  /** opening + debits + credits differs from what is open at the end */
  unreconciled: boolean
  lines: StatementLineFigures[]
  openItems: StatementOpenItemFigures[]
}

export interface Period {
  /** first day, ISO */
  start: string
  /** last day, ISO */
  end: string
}

const DAY_MS = 86_400_000

/** Open at the end of the given day: posted by then, not cleared by then. */
const openOn = (item: StatementFiItem, day: string) =>
  item.postingDate <= day && !(item.isCleared && item.clearingDate !== null && item.clearingDate <= day)

export const dayBefore = (day: string) => new Date(Date.parse(day) - DAY_MS).toISOString().slice(0, 10)

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS)

/** The aging buckets of AR (db/crm.cds AgingBucket), by days past the net due date. */
export function agingBucketOf(daysOverdue: number): AgingBucket {
  if (daysOverdue <= 0) return 0
  if (daysOverdue <= 30) return 1
  if (daysOverdue <= 60) return 2
  if (daysOverdue <= 90) return 3
  return 4
}

const byDocument = (a: StatementFiItem, b: StatementFiItem) =>
  a.postingDate.localeCompare(b.postingDate) ||
  a.fiscalYear.localeCompare(b.fiscalYear) ||
  a.accountingDocument.localeCompare(b.accountingDocument) ||
  a.item.localeCompare(b.item)

/** What a line and an open item say of their FI item alike: its place on the statement and its documents. */
const documentOf = (item: StatementFiItem, index: number) => ({
  lineNo: index + 1,
  fiscalYear: item.fiscalYear,
  accountingDocument: item.accountingDocument,
  accountingItem: item.item,
  documentType: item.documentType,
  postingDate: item.postingDate,
  netDueDate: item.netDueDate,
  billingDocument: item.billingDocument,
  purchaseOrder: item.purchaseOrder,
})

/**
 * The figures of one statement from every FI item of its customer, company code and currency that matters for the
 * period (posted by its end and not cleared before its start; more are ignored).
 */
export function statementFigures(items: StatementFiItem[], period: Period): StatementFigures {
  const sorted = [...items].sort(byDocument)
  const eve = dayBefore(period.start)
  const opening = sumMilli(sorted.filter(item => openOn(item, eve)).map(item => toMilli(item.amount)))
  const posted = sorted.filter(item => item.postingDate >= period.start && item.postingDate <= period.end)
  const open = sorted.filter(item => openOn(item, period.end))
  let debits: Milli = 0n
  let credits: Milli = 0n
  const lines = posted.map((item, index): StatementLineFigures => {
    const amount = toMilli(item.amount)
    if (amount >= 0n) debits += amount
    else credits += amount
    return {
      ...documentOf(item, index),
      documentDate: item.documentDate,
      clearingDocument: item.isCleared ? item.clearingDocument : null,
      amount: fromMilli(amount),
    }
  })
  const openItems = open.map((item, index): StatementOpenItemFigures => {
    const daysOverdue = item.netDueDate ? Math.max(0, daysBetween(item.netDueDate, period.end)) : 0
    return {
      ...documentOf(item, index),
      daysOverdue,
      agingBucket: agingBucketOf(daysOverdue),
      amount: fromMilli(toMilli(item.amount)),
    }
  })
  const closing = sumMilli(open.map(item => toMilli(item.amount)))
  return {
    openingBalance: fromMilli(opening),
    debits: fromMilli(debits),
    credits: fromMilli(credits),
    closingBalance: fromMilli(closing),
    unreconciled: opening + debits + credits !== closing,
    lines,
    openItems,
  }
}

/** Whether the statement has anything to say: a balance at either end, or postings in between. */
export const hasContent = (figures: StatementFigures) =>
  figures.lines.length > 0 || toMilli(figures.openingBalance) !== 0n || toMilli(figures.closingBalance) !== 0n

/** The month of a day (ISO), as a period. */
export function monthOf(day: string): Period {
  const [year, month] = day.split('-').map(Number)
  const start = new Date(Date.UTC(year, month - 1, 1))
  const end = new Date(Date.UTC(year, month, 0))
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) }
}
