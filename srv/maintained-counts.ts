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

/**
 * Whether the counts of the entities' rows are kept: where the triggers are, unless an initial load fills one of
 * their tables (then the counts of all of them are taken from the rows, as rare as it is short).
 */
export const countsAreMaintained = async (...entities: string[]) => (cds.db?.kind === 'sqlite' || cds.db?.kind === 'postgres') && !(await isBulkLoading(...entities))

const sum = (row: unknown) => Number((row as { n?: number | string | null } | undefined)?.n ?? 0)

/** A query of one row whose column n is a count: several of them can be read in one statement (countsInOne). */
export type CountQuery = ReturnType<typeof SELECT.one.from>

/** The invoices meeting a condition on their open due date (none: all of them), as a count query. */
export function invoicesByOpenDueDate(where: Token[], maintained: boolean): CountQuery {
  const query = maintained ? SELECT.one.from(OpenDueDates).columns('sum(invoices) as n') : SELECT.one.from(BillingDocuments).columns('count(1) as n')
  return where.length ? query.where(where) : query
}

/** How many invoices meet a condition on their open due date (none: all of them). */
export async function countInvoicesByOpenDueDate(where: Token[] = []): Promise<number> {
  return sum(await invoicesByOpenDueDate(where, await countsAreMaintained(BillingDocuments.name)))
}

/** The conversations of unconfirmed invoices sent in [from, before) (the launchpad's tile says which ones). */
const unconfirmedRows = (from: string, before: string) =>
  SELECT.one
    .from(InvoiceConversations)
    .columns('count(1) as n')
    .where`dispatchStatus = 'sent' and confirmedAt is null and invoiceCleared = false and sentAt >= ${from} and sentAt < ${before}`

/**
 * The invoices sent before `sentBefore` and neither confirmed nor cleared, as count queries that add up to them: the
 * whole days before its day from the counts, the part of its day from the rows (an index range of one day).
 */
export function unconfirmedSentBefore(sentBefore: Date, maintained: boolean): CountQuery[] {
  const before = sentBefore.toISOString()
  if (!maintained) return [unconfirmedRows(new Date(0).toISOString(), before)]
  const dayStart = new Date(Math.floor(sentBefore.getTime() / DAY_MS) * DAY_MS).toISOString()
  return [SELECT.one.from(UnconfirmedSentDays).columns('sum(conversations) as n').where`sentOn < ${before.slice(0, 10)}`, unconfirmedRows(dayStart, before)]
}

/**
 * Several counts read in one statement, each the sum of its count queries: one round trip through CAP and the
 * database instead of one per query (a request's cost here is mostly per statement). The statement reads the
 * first query with the others as scalar subqueries in its columns; a count query, an aggregate, has one row.
 */
export async function countsInOne<Name extends string>(counts: Record<Name, CountQuery[]>): Promise<Record<Name, number>> {
  const parts = (Object.entries(counts) as [Name, CountQuery[]][]).flatMap(([name, queries]) => queries.map((query, i) => ({ name, column: `${name}_${i}`, query })))
  const [first, ...others] = parts
  const outer = first.query.SELECT as { columns: { as?: string }[] }
  outer.columns = outer.columns.map(column => ({ ...column, as: first.column }))
  const row = (await first.query.columns(...others.map(({ column, query }) => ({ SELECT: query.SELECT, as: column })))) as Record<string, number | string | null>
  const result = {} as Record<Name, number>
  for (const { name, column } of parts) result[name] = (result[name] ?? 0) + Number(row[column] ?? 0)
  return result
}
