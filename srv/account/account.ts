import { BillingDocuments, Customers, SalesOrders } from '#cds-models/invoicecrm/mirror'
import { Disputes, InvoiceConversations } from '#cds-models/invoicecrm/crm'
import { PaymentPromises, PaymentReports } from '#cds-models/invoicecrm/collections'
import { Statements, type StatementStatus } from '#cds-models/invoicecrm/statements'
import { ConversationError } from '../crm/errors'
import { companyIdentity } from '../respond/company'
import { NOTHING_OPEN } from '../sync/receivable-status'
import { today as todayOf } from '../days-overdue'
import { fromMilli, toMilli } from '../statements/amounts'

// The customer's own account page, through a link of purpose account (srv/respond/service.ts): its open invoices with
// what was said about each (sent, confirmed, disputed, promised, payment reported, overdue), the invoices it paid in
// the last 12 months, the statements it was sent, its disputes with their outcome, and its sales orders of the last
// 12 months with where each stands (processed, delivered, billed). Strictly one customer's rows: every read is by the
// link's customer (the invoices' payer, the orders' sold-to party, the statements' and disputes' customer), through
// the indexes on those columns. Each list is bounded (SECTION_MAX, the most relevant first) and says how many more
// there are, so that the page of a customer with thousands of invoices stays as fast as a small one's.

/** The most rows a section of the page lists; the rest is counted. */
export const SECTION_MAX = 200
/** How far back paid invoices and sales orders are listed. */
export const HISTORY_MONTHS = 12

/** What a customer sees of its statements: those sent to it, answered or not (drafts and approved ones are AR's). */
export const VISIBLE_STATEMENTS: StatementStatus[] = ['sent', 'noAnswer', 'confirmed', 'disagreed']

/** SD's overall statuses (A not yet, B partly, C completely; empty: not relevant) as the page names them. */
export type Progress = 'notStarted' | 'partial' | 'complete' | 'notRelevant'
const PROGRESS: Record<string, Progress> = { A: 'notStarted', B: 'partial', C: 'complete' }
const progressOf = (status: string | null | undefined): Progress => PROGRESS[(status ?? '').trim().toUpperCase()] ?? 'notRelevant'

export interface Section<T> {
  items: T[]
  /** How many more there are than the page lists. */
  more: number
}

/** The day `months` months before `day` (YYYY-MM-DD); the 29th of February goes to the 1st of March. */
export function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1 - months, d)).toISOString().slice(0, 10)
}

type Row = Record<string, unknown>
type Where = Record<string, unknown>

/** Amounts as the database gives them (a number, a string): exact to the thousandth, as text. */
const amount = (value: unknown) => (value === null || value === undefined ? null : fromMilli(toMilli(value as string | number)))

/** The billing documents a customer has to do with: not cancellation documents, nor cancelled or gone from S/4HANA. */
function documentsOf(customerId: string, where: Where) {
  return SELECT.from(BillingDocuments)
    .where({ payer_ID: customerId, ...where, isCancelled: { '!=': true }, removedInS4: { '!=': true } })
    .and({ sdDocumentCategory: { '!=': 'N' } })
    .and({ sdDocumentCategory: { '!=': 'S' } })
}

/** A bounded read and the count of all its rows, at once. */
async function section<T>(rows: Promise<T[]>, count: Promise<unknown>): Promise<Section<T>> {
  const [items, counted] = await Promise.all([rows, count])
  const row = (Array.isArray(counted) ? counted[0] : counted) as { count?: unknown } | undefined
  const total = Number(row?.count ?? 0)
  return { items, more: Math.max(0, total - items.length) }
}

/** An invoice's kind as the customer knows it: a credit memo (SD document category O), otherwise an invoice. */
const kindOf = (category: unknown) => (category === 'O' ? 'creditMemo' : 'invoice')

/**
 * What the account page shows: the customer, the companies it deals with, what it owes per currency, and its sections.
 * 404 when the link's customer is not in the mirror (any more).
 */
export async function accountOf(customerId: string, now = new Date()) {
  const customer = await SELECT.one.from(Customers).columns('ID', 'name', 'language').where({ ID: customerId })
  if (!customer) throw new ConversationError(404, 'ACCOUNT_NOT_FOUND')
  const today = todayOf(now)
  const since = monthsBefore(today, HISTORY_MONTHS)

  const open = { openDueDate: { '<': NOTHING_OPEN } }
  const paid = { isCleared: true, clearingDate: { '>=': since } }
  const [openInvoices, totals, overdue, paidInvoices, statements, disputes, orders] = await Promise.all([
    // Most urgent first: the order of the index on payer and open due date. Counted by the totals.
    documentsOf(customerId, open)
      .columns('ID', 'sdDocumentCategory', 'documentDate', 'netDueDate', 'currency', 'grossAmount', 'openAmount', 'daysOverdue', 'companyCode', 'purchaseOrderByCustomer')
      .orderBy('openDueDate', 'ID')
      .limit(SECTION_MAX) as unknown as Promise<Row[]>,
    documentsOf(customerId, open).columns('currency', 'count(*) as count', 'sum(openAmount) as amount').groupBy('currency') as unknown as Promise<Row[]>,
    documentsOf(customerId, { openDueDate: { '<': today } }).columns('currency', 'count(*) as count', 'sum(openAmount) as amount').groupBy('currency') as unknown as Promise<Row[]>,
    section(
      documentsOf(customerId, paid)
        .columns('ID', 'sdDocumentCategory', 'documentDate', 'netDueDate', 'clearingDate', 'currency', 'grossAmount', 'companyCode', 'purchaseOrderByCustomer')
        .orderBy('clearingDate desc', 'ID desc')
        .limit(SECTION_MAX) as unknown as Promise<Row[]>,
      documentsOf(customerId, paid).columns('count(*) as count')
    ),
    section(
      SELECT.from(Statements)
        .columns('ID', 'companyCode', 'currency', 'periodStart', 'periodEnd', 'statementDate', 'closingBalance', 'status', 'answeredAt')
        .where({ customer_ID: customerId, status: { in: VISIBLE_STATEMENTS } })
        .orderBy('periodStart desc', 'companyCode', 'currency')
        .limit(SECTION_MAX) as unknown as Promise<Row[]>,
      SELECT.one.from(Statements).columns('count(*) as count').where({ customer_ID: customerId, status: { in: VISIBLE_STATEMENTS } })
    ),
    // The customer's disputes of invoices it is the payer of (a dispute names both; both must be this customer).
    section(
      SELECT.from(Disputes)
        .columns('invoice_ID', 'status', 'reason', 'wholeInvoice', 'disputedAmount', 'currency', 'outcome', 'resolution', 'createdAt', 'resolvedAt', 'closedAt')
        .where({ customer_ID: customerId, 'invoice.payer_ID': customerId })
        .orderBy('createdAt desc', 'ID')
        .limit(SECTION_MAX) as unknown as Promise<Row[]>,
      SELECT.one.from(Disputes).columns('count(*) as count').where({ customer_ID: customerId, 'invoice.payer_ID': customerId })
    ),
    section(
      SELECT.from(SalesOrders)
        .columns('ID', 'orderDate', 'purchaseOrderByCustomer', 'netAmount', 'currency', 'processStatus', 'deliveryStatus', 'billingStatus', 'deliveryBlock', 'billingBlock')
        .where({ soldTo_ID: customerId, orderDate: { '>=': since }, removedInS4: { '!=': true } })
        .orderBy('orderDate desc', 'ID desc')
        .limit(SECTION_MAX) as unknown as Promise<Row[]>,
      SELECT.one.from(SalesOrders).columns('count(*) as count').where({ soldTo_ID: customerId, orderDate: { '>=': since }, removedInS4: { '!=': true } })
    ),
  ])
  const openCount = totals.reduce((sum, t) => sum + Number(t.count), 0)
  const openMore = Math.max(0, openCount - openInvoices.length)

  const states = await openInvoiceStates(openInvoices.map(i => i.ID as string))
  const companyCodes = [...new Set([...openInvoices, ...paidInvoices.items, ...statements.items].map(r => r.companyCode as string | null).filter(Boolean))].sort() as string[]
  const overdueBy = new Map(overdue.map(o => [o.currency ?? null, o]))

  return {
    language: customer.language ?? 'EN',
    customerName: customer.name ?? null,
    // The letterhead of the one company the customer deals with; of several, the default one (or none).
    company: companyIdentity(companyCodes.length === 1 ? companyCodes[0] : null),
    account: {
      customer: customer.ID,
      asOf: today,
      since,
      companies: companyCodes.flatMap(companyCode => {
        const identity = companyIdentity(companyCode)
        return identity ? [{ companyCode, ...identity }] : []
      }),
      totals: totals
        .map(t => {
          const late = overdueBy.get(t.currency ?? null)
          return {
            currency: (t.currency as string | null) ?? null,
            openAmount: amount(t.amount),
            openInvoices: Number(t.count),
            overdueAmount: amount(late?.amount ?? 0),
            overdueInvoices: Number(late?.count ?? 0),
          }
        })
        .sort((a, b) => String(a.currency).localeCompare(String(b.currency))),
      openInvoices: {
        more: openMore,
        items: openInvoices.map(i => {
          const state = states.get(i.ID as string)
          const daysOverdue = Number(i.daysOverdue ?? 0)
          return {
            number: i.ID,
            kind: kindOf(i.sdDocumentCategory),
            date: i.documentDate ?? null,
            dueDate: i.netDueDate ?? null,
            currency: i.currency ?? null,
            grossAmount: amount(i.grossAmount),
            openAmount: amount(i.openAmount),
            daysOverdue,
            companyCode: i.companyCode ?? null,
            purchaseOrder: i.purchaseOrderByCustomer || null,
            sent: Boolean(state?.sentAt),
            confirmed: Boolean(state?.confirmedAt),
            disputed: Boolean(state?.dispute),
            disputeStatus: state?.dispute ?? null,
            promisedDate: state?.promisedDate ?? null,
            paymentReportedOn: state?.paidOn ?? null,
            overdue: daysOverdue > 0,
          }
        }),
      },
      paidInvoices: {
        more: paidInvoices.more,
        items: paidInvoices.items.map(i => ({
          number: i.ID,
          kind: kindOf(i.sdDocumentCategory),
          date: i.documentDate ?? null,
          dueDate: i.netDueDate ?? null,
          clearingDate: i.clearingDate ?? null,
          currency: i.currency ?? null,
          grossAmount: amount(i.grossAmount),
          companyCode: i.companyCode ?? null,
          purchaseOrder: i.purchaseOrderByCustomer || null,
        })),
      },
      statements: {
        more: statements.more,
        items: statements.items.map(s => ({
          ID: s.ID,
          companyCode: s.companyCode ?? null,
          currency: s.currency ?? null,
          periodStart: s.periodStart ?? null,
          periodEnd: s.periodEnd ?? null,
          statementDate: s.statementDate ?? null,
          closingBalance: amount(s.closingBalance),
          status: s.status,
          answeredAt: s.answeredAt ?? null,
        })),
      },
      disputes: {
        more: disputes.more,
        items: disputes.items.map(d => ({
          invoice: d.invoice_ID,
          status: d.status ?? null,
          reason: d.reason ?? null,
          wholeInvoice: d.wholeInvoice !== false,
          disputedAmount: amount(d.disputedAmount),
          currency: d.currency ?? null,
          outcome: d.outcome ?? null,
          resolution: d.resolution ?? null,
          raisedAt: d.createdAt ?? null,
          resolvedAt: d.resolvedAt ?? null,
          closedAt: d.closedAt ?? null,
        })),
      },
      orders: {
        more: orders.more,
        items: orders.items.map(o => ({
          number: o.ID,
          date: o.orderDate ?? null,
          purchaseOrder: o.purchaseOrderByCustomer || null,
          netAmount: amount(o.netAmount),
          currency: o.currency ?? null,
          processing: progressOf(o.processStatus as string),
          delivery: progressOf(o.deliveryStatus as string),
          billing: progressOf(o.billingStatus as string),
          /** S/4HANA holds it back: a delivery or billing block is set. */
          blocked: Boolean((o.deliveryBlock as string | null)?.trim() || (o.billingBlock as string | null)?.trim()),
        })),
      },
    },
  }
}

interface OpenInvoiceState {
  sentAt?: string | null
  confirmedAt?: string | null
  /** The status of its dispute that is not closed, if any. */
  dispute?: string | null
  promisedDate?: string | null
  paidOn?: string | null
}

/** What was said about each of the listed open invoices: by their keys, through the indexes on the invoice. */
async function openInvoiceStates(invoices: string[]): Promise<Map<string, OpenInvoiceState>> {
  const states = new Map<string, OpenInvoiceState>(invoices.map(id => [id, {}]))
  if (!invoices.length) return states
  const ids = { in: invoices }
  const [conversations, disputes, promises, reports] = (await Promise.all([
    SELECT.from(InvoiceConversations).columns('invoice_ID', 'sentAt', 'confirmedAt').where({ invoice_ID: ids }),
    SELECT.from(Disputes).columns('invoice_ID', 'status').where({ invoice_ID: ids, status: { '!=': 'Closed' } }),
    SELECT.from(PaymentPromises).columns('invoice_ID', 'promisedDate').where({ status: 'open', invoice_ID: ids }),
    SELECT.from(PaymentReports).columns('invoice_ID', 'paidOn').where({ status: 'reported', invoice_ID: ids }),
  ])) as unknown as Row[][]
  const set = (rows: Row[], fields: (keyof OpenInvoiceState)[]) => {
    for (const row of rows) {
      const state = states.get(row.invoice_ID as string)
      if (state) for (const field of fields) state[field] = (row[field === 'dispute' ? 'status' : field] as string | null) ?? null
    }
  }
  set(conversations, ['sentAt', 'confirmedAt'])
  set(disputes, ['dispute'])
  set(promises, ['promisedDate'])
  set(reports, ['paidOn'])
  return states
}
