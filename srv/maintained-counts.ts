import cds from '@sap/cds'
import { OpenDueDates, UnconfirmedSentDays } from '#cds-models/invoicecrm/counts'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { InvoiceConversations } from '#cds-models/invoicecrm/crm'
import { isBulkLoading } from './bulk-loads'

// Reads of the counts the database keeps per day (db/counts.cds, db/counts.js): a sum over a range of days instead
// of a count over a range of invoices. Only where the deployment created the triggers (SQLite, PostgreSQL); on SAP
// HANA, and while an initial load fills the table (srv/bulk-loads.ts), they count the rows.

type Token = string | { ref?: unknown[]; val?: unknown; xpr?: Token[]; args?: Token[] | Record<string, Token>; list?: Token[]; func?: string; SELECT?: unknown }

const DAY_MS = 24 * 60 * 60 * 1000

/** Whether the counts of the entity's rows are kept: where the triggers are, unless an initial load fills the table. */
const countsAreMaintained = async (entity: string) => (cds.db?.kind === 'sqlite' || cds.db?.kind === 'postgres') && !(await isBulkLoading(entity))

const sum = (row: unknown) => Number((row as { n?: number | string | null } | undefined)?.n ?? 0)

/** How many invoices meet a condition on their open due date (none: all of them). */
export async function countInvoicesByOpenDueDate(where: Token[] = []): Promise<number> {
  const query = (await countsAreMaintained(BillingDocuments.name))
    ? SELECT.one.from(OpenDueDates).columns('sum(invoices) as n')
    : SELECT.one.from(BillingDocuments).columns('count(1) as n')
  return sum(await (where.length ? query.where(where) : query))
}

/** The conversations of unconfirmed invoices sent in [from, before) (the launchpad's tile says which ones). */
const countUnconfirmedRows = async (from: string, before: string) =>
  sum(
    await SELECT.one
      .from(InvoiceConversations)
      .columns('count(1) as n')
      .where`dispatchStatus = 'sent' and confirmedAt is null and invoiceCleared = false and sentAt >= ${from} and sentAt < ${before}`
  )

/**
 * How many invoices were sent before `sentBefore` and are neither confirmed nor cleared: the whole days before its
 * day from the counts, the part of its day from the rows (an index range of one day).
 */
export async function countUnconfirmedSentBefore(sentBefore: Date): Promise<number> {
  const before = sentBefore.toISOString()
  if (!(await countsAreMaintained(InvoiceConversations.name))) return countUnconfirmedRows(new Date(0).toISOString(), before)
  const dayStart = new Date(Math.floor(sentBefore.getTime() / DAY_MS) * DAY_MS).toISOString()
  const days = await SELECT.one.from(UnconfirmedSentDays).columns('sum(conversations) as n').where`sentOn < ${before.slice(0, 10)}`
  return sum(days) + (await countUnconfirmedRows(dayStart, before))
}
