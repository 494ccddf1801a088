import cds from '@sap/cds'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { Disputes, InvoiceConversations, SurveyAnswers } from '#cds-models/invoicecrm/crm'
import { CollectionWorklist, PaymentPromises, PaymentReports } from '#cds-models/invoicecrm/collections'
import { hasSomethingToCollect, priorityOf, type CollectionSignals, type Factor } from './priority-score'
import { addDays, dayOf, daysBetween } from './reminder-rules'
import { now as clock } from './clock'
import { retryingDuplicates } from './conflicts'

// The collectors' worklist (db/collections.cds CollectionWorklist) rebuilt from what the mirror and the conversation
// say: one grouped query per signal over all customers, the score per customer in code (./priority-score.ts), and the
// rows replaced in one transaction, so that a reader sees the old list or the new one. The reminder run rebuilds it
// every day; AR can ask for it at any time.

/** Broken promises and payments not received count for so long after they came to nothing. */
const MEMORY_DAYS = 180
/** An invoice sent and neither confirmed nor disputed this long is unconfirmed. */
const UNCONFIRMED_AFTER_DAYS = 7

interface Overdue { currency: string; amount: number; invoices: number; oldest: string }

/** Rebuilds the worklist; a rebuild at the same moment (another instance, another user) makes this one start again. */
export const refreshWorklist = () => retryingDuplicates(rebuild, 5)

async function rebuild(): Promise<number> {
  const now = clock()
  const today = dayOf(now)
  const since = new Date(Date.parse(addDays(today, -MEMORY_DAYS))).toISOString()
  const sentBefore = new Date(now.getTime() - UNCONFIRMED_AFTER_DAYS * 86_400_000).toISOString()
  return cds.tx(async () => {
    const overdueRows = await SELECT.from(BillingDocuments)
      .columns('payer_ID', 'currency', 'count(1) as invoices', 'sum(openAmount) as amount', 'min(openDueDate) as oldest')
      .where({ isCleared: false, isCancelled: false, removedInS4: false, openDueDate: { '<': today } })
      .groupBy('payer_ID', 'currency')
    const broken = countsBy(await SELECT.from(PaymentPromises).columns('customer_ID as customer', 'count(1) as n').where({ status: 'broken', settledAt: { '>=': since } }).groupBy('customer_ID'))
    const notReceived = countsBy(await SELECT.from(PaymentReports).columns('customer_ID as customer', 'count(1) as n').where({ status: 'notReceived', settledAt: { '>=': since } }).groupBy('customer_ID'))
    const disputes = countsBy(await SELECT.from(Disputes).columns('customer_ID as customer', 'count(1) as n').where({ status: { '<>': 'Closed' } }).groupBy('customer_ID'))
    const unconfirmed = countsBy(
      await SELECT.from(InvoiceConversations)
        .columns('customer_ID as customer', 'count(1) as n')
        .where({ dispatchStatus: 'sent', confirmedAt: null, invoiceCleared: false, sentAt: { '<': sentBefore } })
        .groupBy('customer_ID')
    )
    const answers = await SELECT.from(SurveyAnswers).columns('invitation.customer_ID as customer', 'csat').orderBy('answeredAt desc')
    const lastCsat = new Map<string, number>()
    for (const a of answers as unknown as { customer: string; csat: number }[]) if (!lastCsat.has(a.customer)) lastCsat.set(a.customer, a.csat)

    // Per customer the currency most of its overdue invoices are in, with that currency's amount and the oldest due date of all.
    const overdue = new Map<string, Overdue>()
    for (const row of overdueRows as unknown as ({ payer_ID: string } & Overdue)[]) {
      const known = overdue.get(row.payer_ID)
      const oldest = known && known.oldest < row.oldest ? known.oldest : row.oldest
      if (!known || Number(row.invoices) > known.invoices)
        overdue.set(row.payer_ID, { currency: row.currency, amount: Number(row.amount), invoices: Number(row.invoices), oldest })
      else known.oldest = oldest
    }

    const customers = new Set([...overdue.keys(), ...broken.keys(), ...notReceived.keys()])
    const refreshedAt = now.toISOString()
    const rows = []
    for (const customer of customers) {
      const due = overdue.get(customer)
      const signals: CollectionSignals = {
        overdueAmount: due?.amount ?? 0,
        oldestDaysOverdue: due ? daysBetween(due.oldest, today) : 0,
        brokenPromises: broken.get(customer) ?? 0,
        paymentsNotReceived: notReceived.get(customer) ?? 0,
        openDisputes: disputes.get(customer) ?? 0,
        unconfirmedInvoices: unconfirmed.get(customer) ?? 0,
        lastCsat: lastCsat.get(customer) ?? null,
      }
      if (!hasSomethingToCollect(signals)) continue
      const { score, factors } = priorityOf(signals)
      rows.push({
        customer_ID: customer,
        score,
        ...signals,
        currency: due?.currency ?? null,
        overdueInvoices: due?.invoices ?? 0,
        factors: JSON.stringify(factors),
        refreshedAt,
      })
    }
    await DELETE.from(CollectionWorklist)
    for (let i = 0; i < rows.length; i += 1000) await INSERT.into(CollectionWorklist).entries(rows.slice(i, i + 1000))
    return rows.length
  })
}

/** Counts per customer from a query grouped by customer (its columns aliased `customer` and `n`). */
const countsBy = (rows: object[]) => new Map((rows as { customer: string; n: number }[]).map(r => [r.customer, Number(r.n)]))

const REASON: Record<Factor, string> = {
  overdueAmount: 'WORKLIST_OVERDUE_AMOUNT',
  oldestDaysOverdue: 'WORKLIST_OLDEST_DAYS_OVERDUE',
  brokenPromises: 'WORKLIST_BROKEN_PROMISES',
  paymentsNotReceived: 'WORKLIST_PAYMENTS_NOT_RECEIVED',
  openDisputes: 'WORKLIST_OPEN_DISPUTES',
  unconfirmedInvoices: 'WORKLIST_UNCONFIRMED_INVOICES',
  lowSatisfaction: 'WORKLIST_LOW_SATISFACTION',
}

/** The score's reasons in the reader's language, largest first: "Overdue 12,400.00 EUR · 2 broken promises". */
type WorklistRow = { factors?: string | null; currency?: string | null } & Partial<Record<keyof CollectionSignals | 'overdueInvoices', number | null>>

export function reasonsOf(row: WorklistRow, locale: string, top = 3): string {
  const factors = row.factors ? (JSON.parse(row.factors) as { factor: Factor }[]) : []
  const language = locale.replace('_', '-')
  const amount = row.currency
    ? new Intl.NumberFormat(language, { style: 'currency', currency: row.currency }).format(Number(row.overdueAmount ?? 0))
    : String(row.overdueAmount ?? '')
  const args: Record<Factor, Record<string, string | number>> = {
    overdueAmount: { amount, invoices: row.overdueInvoices ?? 0 },
    oldestDaysOverdue: { days: row.oldestDaysOverdue ?? 0 },
    brokenPromises: { count: row.brokenPromises ?? 0 },
    paymentsNotReceived: { count: row.paymentsNotReceived ?? 0 },
    openDisputes: { count: row.openDisputes ?? 0 },
    unconfirmedInvoices: { count: row.unconfirmedInvoices ?? 0 },
    lowSatisfaction: { csat: row.lastCsat ?? '' },
  }
  const separator = language.startsWith('zh') ? '；' : ' · '
  return factors
    .slice(0, top)
    .map(({ factor }) => cds.i18n.messages.at(REASON[factor], locale, args[factor]) ?? factor)
    .join(separator)
}
