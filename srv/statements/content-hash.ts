import { createHash } from 'node:crypto'
import type { StatementFigures } from './figures'

/** What identifies a statement besides its figures. */
export interface StatementKey {
  customer: string
  companyCode: string
  currency: string
  periodStart: string
  periodEnd: string
}

/**
 * The statement's fingerprint: sha256 over its key, balances and every line and open item in a fixed field order,
 * amounts as three-decimal strings. Stored when the draft is made; a sent statement is never changed, and
 * regenerating it from the same FI items gives the same hash, which is how anyone can prove what was sent.
 */
export function contentHash(key: StatementKey, figures: StatementFigures): string {
  const canonical = [
    [key.customer, key.companyCode, key.currency, key.periodStart, key.periodEnd],
    [figures.openingBalance, figures.debits, figures.credits, figures.closingBalance],
    figures.lines.map(line => [
      line.fiscalYear, line.accountingDocument, line.accountingItem, line.documentType, line.postingDate,
      line.documentDate, line.netDueDate, line.billingDocument, line.purchaseOrder, line.clearingDocument, line.amount,
    ]),
    figures.openItems.map(item => [
      item.fiscalYear, item.accountingDocument, item.accountingItem, item.documentType, item.postingDate,
      item.netDueDate, item.billingDocument, item.purchaseOrder, item.daysOverdue, item.amount,
    ]),
  ]
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex')
}
