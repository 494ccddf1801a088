import { BillingDocuments, CustomerBalances, ReceivableItems } from '#cds-models/invoicecrm/mirror'

// How a customer pays, for Customer 360's header (README "Customer 360's figures" gives the formulas):
//  - days sales outstanding: what it owes today against what it was billed in the last 90 days, in days
//    (open receivables ÷ billed in 90 days × 90), the standard method S/4HANA's own DSO uses;
//  - average days late: of its invoices' FI items cleared in the last 365 days, the mean of days from the net due
//    date to the clearing, an item paid on time counting 0.
// Both for the customers read: what they owe from the balances the sync keeps (srv/sync/customer-balances.ts), what
// they were billed and paid from their invoices and FI items by the indexes on the payer and the customer (a few
// dozen rows each), so computed when asked rather than kept.

/** The period of sales DSO compares the open receivables with, in days. */
const DSO_DAYS = 90
/** The period of clearings the average days late looks back on, in days. */
const LATENESS_DAYS = 365

interface PaymentFigures {
  daysSalesOutstanding: number | null
  averageDaysLate: number | null
}

const dayBefore = (today: Date, days: number) => new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10)

/** A balance has no currency (and no amount) where the customer's open items are in several. */
type Balance = { customer: string; currency: string | null; openAmount: number | string | null }
type Sum = { customer: string; currencies: number; currency: string; amount: number | string | null }
type Lateness = { customer: string; daysLate: number | string | null }

/** DSO and average days late of each customer, as of `today`; null where there is nothing to tell it from. */
export async function paymentFigures(customers: string[], today: Date): Promise<Map<string, PaymentFigures>> {
  const figures = new Map<string, PaymentFigures>()
  if (!customers.length) return figures
  const [open, billed, lateness] = (await Promise.all([
    SELECT.from(CustomerBalances).columns('customer', 'currency', 'openAmount').where({ customer: { in: customers } }),
    SELECT.from(BillingDocuments)
      .columns('payer_ID as customer', 'count(distinct currency) as currencies', 'min(currency) as currency', 'sum(grossAmount) as amount')
      .where({ payer_ID: { in: customers }, isCancelled: false, documentDate: { '>': dayBefore(today, DSO_DAYS) } })
      .groupBy('payer_ID'),
    SELECT.from(ReceivableItems)
      .columns('customer_ID as customer', 'avg(case when days_between(netDueDate, clearingDate) > 0 then days_between(netDueDate, clearingDate) else 0 end) as daysLate')
      .where({ customer_ID: { in: customers }, isCleared: true, debitCredit: 'S', clearingDate: { '>': dayBefore(today, LATENESS_DAYS) } })
      .groupBy('customer_ID'),
  ])) as [Balance[], Sum[], Lateness[]]
  const byCustomer = <T extends { customer: string }>(rows: T[]) => new Map(rows.map(row => [row.customer, row]))
  const [owed, sales, late] = [byCustomer(open), byCustomer(billed), byCustomer(lateness)]
  for (const customer of customers) {
    const o = owed.get(customer)
    const s = sales.get(customer)
    const l = late.get(customer)
    // Comparable in one currency only; nothing billed in the period tells no DSO (not an infinite one); no balance,
    // nothing open: 0 days.
    const comparable = o && s && o.currency !== null && s.currencies === 1 && o.currency === s.currency && Number(s.amount) > 0
    figures.set(customer, {
      daysSalesOutstanding: comparable ? Math.max(0, Math.round((Number(o.openAmount) / Number(s.amount)) * DSO_DAYS)) : o ? null : 0,
      averageDaysLate: l?.daysLate == null ? null : Math.round(Number(l.daysLate) * 10) / 10,
    })
  }
  return figures
}
