import cds from '@sap/cds'
import { countInvoicesByOpenDueDate } from './maintained-counts'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { Invoices } from '#cds-models/ReceivablesService'

// The $count of Manage Invoices' list: CAP 10.1.1 counts `SELECT 1 FROM ReceivablesService_Invoices WHERE …`, the
// view with its joins to the conversation, the open dispute and the payer's dunning block. Neither SQLite nor
// PostgreSQL drops those joins when no column of them is used (the open dispute is not unique by its key), so every
// count joins every invoice: 250 ms at 100k invoices where counting the table takes 5. When the filter reads only
// the invoice's own columns (number, payer, amounts, the receivable status, days overdue), this counts the table
// instead; the rows of the page are read as before. No condition, or one on the open due date alone (the overdue
// filter), is counted from the counts the database keeps per day (srv/maintained-counts.ts). Anything else (a
// filter on the CRM state, $search) is counted as CAP does.

export type Token = string | { ref?: unknown[]; val?: unknown; xpr?: Token[]; args?: Token[] | Record<string, Token>; list?: Token[]; func?: string; SELECT?: unknown }
type Select = { from?: { ref?: unknown[] }; where?: Token[]; search?: unknown; groupBy?: unknown; having?: unknown; count?: boolean; limit?: { rows?: { val?: number }; offset?: { val?: number } } }
type Definition = { name: string; elements: Record<string, { isAssociation?: boolean }>; query?: { SELECT?: { columns?: (string | { as?: string; ref?: string[] })[] } } }

/** A condition that reads no other column of the invoice is one on the days the database counts invoices by. */
const OPEN_DUE_DATE = new Set(['openDueDate'])

let ownColumns: Set<string> | undefined
/** The columns of Invoices that are the table's own: neither a join of the projection nor computed by it. */
function own(): Set<string> {
  if (ownColumns) return ownColumns
  const definitions = (cds.model as unknown as { definitions: Record<string, Definition> }).definitions
  const projected = new Set(
    (definitions[Invoices.name].query?.SELECT?.columns ?? []).filter(c => typeof c === 'object').map(c => (c as { as?: string; ref?: string[] }).as ?? (c as { ref?: string[] }).ref?.at(-1))
  )
  const table = definitions[BillingDocuments.name]
  return (ownColumns = new Set(Object.keys(table.elements).filter(e => !table.elements[e].isAssociation && !projected.has(e))))
}

/** Every column the condition reads is one of the table's own (`columns`), or of an independent subquery. */
export function readsOwnOnly(tokens: Token[] | Record<string, Token> | undefined, columns = own()): boolean {
  if (!tokens) return true
  return Object.values(tokens).every(t => {
    if (typeof t !== 'object' || t === null) return true
    if (t.SELECT) return isIndependent(t.SELECT as Subquery)
    if (t.ref) return t.ref.length === 1 && typeof t.ref[0] === 'string' && columns.has(t.ref[0])
    return readsOwnOnly(t.xpr, columns) && readsOwnOnly(t.args, columns) && readsOwnOnly(t.list, columns)
  })
}

type Subquery = { from?: { ref?: unknown[] }; where?: Token[]; columns?: Token[] }
/** A subquery that reads only the plain columns of its own entity (the payer names of srv/invoice-search.ts) does not depend on the invoice. */
function isIndependent(subquery: Subquery): boolean {
  const from = subquery.from?.ref
  const entity = from?.length === 1 && typeof from[0] === 'string' ? (cds.model as unknown as { definitions: Record<string, Definition> }).definitions[from[0]] : undefined
  if (!entity) return false
  const columns = new Set(Object.keys(entity.elements).filter(e => !entity.elements[e].isAssociation))
  return readsOwnOnly(subquery.where, columns) && readsOwnOnly(subquery.columns, columns)
}

/** Whether the count of this query of Invoices may be taken from the table. */
export function countsOnTable(select: Select): boolean {
  const from = select.from?.ref
  return Boolean(select.count) && from?.length === 1 && from[0] === Invoices.name && !select.search && !select.groupBy && !select.having && readsOwnOnly(select.where)
}

/** Reads the page as `next` does, and its $count from the table with the same condition. */
export async function readWithTableCount(select: Select, next: () => Promise<unknown>) {
  select.count = false
  let rows: unknown[]
  try {
    rows = (await next()) as unknown[]
  } finally {
    select.count = true
  }
  const [rowsAsked, offset = 0] = [select.limit?.rows?.val, select.limit?.offset?.val]
  // A page that is not full (and not past the end) says the count itself, as CAP's own count does.
  const count =
    rowsAsked === undefined || (rows.length < rowsAsked && (rows.length || !offset))
      ? rows.length + offset
      : readsOwnOnly(select.where, OPEN_DUE_DATE)
        ? await countInvoicesByOpenDueDate(select.where)
        : // An aggregate under an alias, which the entity's type does not know.
        ((await SELECT.one.from(BillingDocuments).columns('count(1) as n').where(select.where ?? [])) as unknown as { n: number }).n
  return withCount(rows, count)
}

/** The rows of a page with the $count CAP's OData adapter answers for it, as CAP's own read sets it. */
export const withCount = <T>(rows: T[], count: number) => Object.defineProperty(rows, '$count', { value: count, enumerable: false, configurable: true, writable: true })
