import cds from '@sap/cds'
import { Customers, CustomerCompanies, ReceivableItems } from '#cds-models/invoicecrm/mirror'
import { Disputes } from '#cds-models/invoicecrm/crm'
import {
  StatementLines, StatementOpenItems, StatementProfiles, StatementRules, Statements, StatementSchedules,
} from '#cds-models/invoicecrm/statements'
import { toMilli } from './amounts'
import { contentHash } from './content-hash'
import { dayBefore, hasContent, monthOf, statementFigures, type Period, type StatementFiItem } from './figures'
import { statementDay } from './schedule'

// Makes the drafts of a period: one statement per customer, company code and currency with anything to say, for
// the customers that get monthly statements (their profile, else a payment-terms rule). Customers are taken in
// batches, each in its own transaction with one read of their FI items, so that memory stays flat at any volume and
// a crash loses at most one batch (run it again: it is idempotent).
//
// What a run does to a statement that exists already: a draft or an approved one whose figures changed (FI posted
// meanwhile) is made again as a draft, which needs approving again; one with the same figures stays as it is; a
// sent or answered one is never touched.

const LOG = cds.log('statements')
const BATCH = 250
const OPEN_DISPUTE = ['Open', 'InProcess']
const EDITABLE = ['draft', 'approved']
/** The review's exceptions (db/statements.cds). */
const EXCEPTIONS = ['sharpChange', 'negativeBalance', 'noRecipient', 'openDispute', 'unreconciled'] as const

export interface GenerationResult {
  customers: number
  created: number
  remade: number
  unchanged: number
  /** sent or answered: left as they are */
  kept: number
  removed: number
}

export async function statementSchedule() {
  const schedule = await SELECT.one.from(StatementSchedules).where({ ID: 'default' })
  return {
    workingDay: schedule?.workingDay ?? 2,
    draftLeadDays: schedule?.draftLeadDays ?? 3,
    reminderAfterDays: schedule?.reminderAfterDays ?? 7,
    sharpChangePercent: schedule?.sharpChangePercent ?? 50,
  }
}

/** The customers that get monthly statements, in the database's key order. */
export async function statementCustomers(): Promise<string[]> {
  const profiles = await SELECT.from(StatementProfiles).columns('customer_ID', 'monthly')
  const chosen = new Set(profiles.filter(p => p.monthly).map(p => p.customer_ID!))
  const optedOut = new Set(profiles.filter(p => !p.monthly).map(p => p.customer_ID!))
  const terms = (await SELECT.from(StatementRules).columns('paymentTerms')).map(r => r.paymentTerms!)
  if (terms.length) {
    const byRule = await SELECT.distinct.from(CustomerCompanies).columns('customer_ID').where({ paymentTerms: { in: terms } })
    for (const { customer_ID } of byRule) if (!optedOut.has(customer_ID!)) chosen.add(customer_ID!)
  }
  // In the database's order of customer numbers, which its collation decides: the batches read key ranges in it.
  const ordered = await SELECT.from(Customers).columns('ID').orderBy('ID')
  return ordered.map(c => c.ID!).filter(id => chosen.has(id))
}

/**
 * Generates (or brings up to date) the drafts of the period for every statement customer; `by` is who generated them
 * (the user of the request, or the statement run).
 */
export async function generateStatements(period: Period, by = cds.context?.user?.id ?? 'system'): Promise<GenerationResult> {
  // Every read in a transaction of its own, as every batch: called from a request, whose transaction must not hold
  // SQLite's one connection while the batches wait for it.
  const { schedule, customers } = await cds.tx(async () => ({ schedule: await statementSchedule(), customers: await statementCustomers() }))
  const result: GenerationResult = { customers: customers.length, created: 0, remade: 0, unchanged: 0, kept: 0, removed: 0 }
  const context = {
    period,
    previous: monthOf(dayBefore(period.start)),
    statementDate: statementDay(period, schedule.workingDay),
    sharpChangePercent: schedule.sharpChangePercent,
    user: by,
  }
  for (let i = 0; i < customers.length; i += BATCH) {
    const batch = customers.slice(i, i + BATCH)
    await cds.tx(() => generateBatch(batch, context, result))
  }
  LOG.info('statements of', period.start, 'to', period.end, result)
  return result
}

interface BatchContext {
  period: Period
  previous: Period
  statementDate: string
  sharpChangePercent: number
  user: string
}

type FiRow = StatementFiItem & { customer: string; companyCode: string; currency: string }

async function generateBatch(customers: string[], context: BatchContext, result: GenerationResult) {
  const { period } = context
  // Every read by the batch's key range, the same statement for every batch (a list of keys would make each batch's
  // SQL new, to be compiled and cached anew); what belongs to customers between them that get no statement is left out.
  const [first, last] = [customers[0], customers.at(-1)!]
  const inBatch = new Set(customers)
  const [items, existing, previous, disputes, masters, profiles] = await Promise.all([
    readFiItems(first, last, period),
    SELECT.from(Statements)
      .columns('ID', 'customer_ID', 'companyCode', 'currency', 'status', 'contentHash', 'recipientEmail', ...EXCEPTIONS)
      .where({ customer_ID: { between: first, and: last }, periodStart: period.start }),
    SELECT.from(Statements)
      .columns('customer_ID', 'companyCode', 'currency', 'closingBalance')
      .where({ customer_ID: { between: first, and: last }, periodStart: context.previous.start }),
    SELECT.distinct.from(Disputes).columns('customer_ID').where({ customer_ID: { between: first, and: last }, status: { in: OPEN_DISPUTE } }),
    SELECT.from(Customers).columns('ID', 'billingEmail').where({ ID: { between: first, and: last } }),
    SELECT.from(StatementProfiles).columns('customer_ID', 'recipientEmail').where({ customer_ID: { between: first, and: last } }),
  ])
  const keyOf = (row: { customer_ID?: string | null; companyCode?: string | null; currency?: string | null }) =>
    `${row.customer_ID}|${row.companyCode}|${row.currency}`
  const groups = new Map<string, FiRow[]>()
  for (const item of items) {
    if (!inBatch.has(item.customer)) continue
    const key = `${item.customer}|${item.companyCode}|${item.currency}`
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  const existingByKey = new Map(existing.filter(s => inBatch.has(s.customer_ID!)).map(s => [keyOf(s), s]))
  const previousClosing = new Map(previous.map(s => [keyOf(s), s.closingBalance]))
  const disputing = new Set(disputes.map(d => d.customer_ID))
  const recipientOf = new Map(masters.map(c => [c.ID, c.billingEmail]))
  for (const p of profiles) if (p.recipientEmail) recipientOf.set(p.customer_ID!, p.recipientEmail)

  const headers: Statements = []
  const lines: StatementLines = []
  const openItems: StatementOpenItems = []
  const replaced: string[] = []
  for (const [key, group] of groups) {
    const { customer, companyCode, currency } = group[0]
    const figures = statementFigures(group, period)
    const current = existingByKey.get(key)
    existingByKey.delete(key)
    if (!hasContent(figures)) {
      if (current && EDITABLE.includes(current.status!)) {
        replaced.push(current.ID!)
        result.removed++
      }
      continue
    }
    if (current && !EDITABLE.includes(current.status!)) { result.kept++; continue }
    const hash = contentHash({ customer, companyCode, currency, periodStart: period.start, periodEnd: period.end }, figures)
    const recipientEmail = recipientOf.get(customer) || null
    const closing = toMilli(figures.closingBalance)
    const before = previousClosing.get(key)
    const sharpChange = before !== undefined && before !== null && isSharpChange(toMilli(before), closing, context.sharpChangePercent)
    const exceptions = {
      sharpChange,
      negativeBalance: closing < 0n,
      noRecipient: !recipientEmail,
      openDispute: disputing.has(customer),
      unreconciled: figures.unreconciled,
    }
    if (current?.contentHash === hash) {
      // The same figures: the review's view of it may still have moved (a recipient set, a dispute closed).
      result.unchanged++
      if (current.recipientEmail !== recipientEmail || EXCEPTIONS.some(name => Boolean(current[name]) !== exceptions[name]))
        await UPDATE(Statements, current.ID!).set({ recipientEmail, ...exceptions, isException: Object.values(exceptions).some(Boolean) })
      continue
    }
    if (current) {
      replaced.push(current.ID!)
      result.remade++
    } else result.created++
    const ID = cds.utils.uuid()
    headers.push({
      ID, customer_ID: customer, companyCode, currency,
      periodStart: period.start, periodEnd: period.end, statementDate: context.statementDate,
      openingBalance: figures.openingBalance, debits: figures.debits, credits: figures.credits,
      closingBalance: figures.closingBalance, previousClosing: before ?? null,
      status: 'draft', recipientEmail, ...exceptions, isException: Object.values(exceptions).some(Boolean),
      contentHash: hash, generatedAt: new Date().toISOString(), generatedBy: context.user,
    } as never)
    for (const line of figures.lines) lines.push({ statement_ID: ID, ...line } as never)
    for (const item of figures.openItems) openItems.push({ statement_ID: ID, ...item } as never)
  }
  // Drafts of customers who have nothing left to state this period (FI reversed everything).
  for (const stale of existingByKey.values())
    if (EDITABLE.includes(stale.status!)) {
      replaced.push(stale.ID!)
      result.removed++
    }

  if (replaced.length) {
    await DELETE.from(StatementLines).where({ statement_ID: { in: replaced } })
    await DELETE.from(StatementOpenItems).where({ statement_ID: { in: replaced } })
    await DELETE.from(Statements).where({ ID: { in: replaced } })
  }
  if (headers.length) await INSERT.into(Statements).entries(headers)
  if (lines.length) await INSERT.into(StatementLines).entries(lines)
  if (openItems.length) await INSERT.into(StatementOpenItems).entries(openItems)
}

/** The closing balance moved by more than the given share of the one before (any move from zero counts). */
function isSharpChange(before: bigint, after: bigint, percent: number): boolean {
  const change = after > before ? after - before : before - after
  if (before === 0n) return change !== 0n
  const base = before < 0n ? -before : before
  return change * 100n > base * BigInt(percent)
}

/** The FI items that matter for the period: posted by its end and not cleared before its start. */
async function readFiItems(first: string, last: string, period: Period): Promise<FiRow[]> {
  const rows = await SELECT.from(ReceivableItems)
    .columns(
      'customer_ID as customer', 'companyCode', 'currency', 'fiscalYear', 'accountingDocument', 'item', 'documentType',
      'postingDate', 'documentDate', 'netDueDate', 'isCleared', 'clearingDate', 'clearingDocument', 'amount',
      'billingDocument_ID as billingDocument', 'billingDocument.purchaseOrderByCustomer as purchaseOrder'
    )
    .where({ customer_ID: { between: first, and: last }, postingDate: { '<=': period.end } })
    .and('isCleared = false or clearingDate >=', period.start)
  return rows as unknown as FiRow[]
}
