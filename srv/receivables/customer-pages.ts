import { CustomerBalances, Customers as CustomerRows } from '#cds-models/invoicecrm/mirror'
import { withCount } from '../invoice-count'

// Customer 360's list at 100k customers. Its view joins every customer to its balance (db/mirror.cds CustomerBalances)
// and its open disputes, so CAP's $count of it counts that join (17 ms in SQLite at 100k customers, against 0.4 ms on
// the table), and a sort by what customers owe sorts every customer by a CASE over the join (23 ms), for every page:
// both grow with the customers, and SQLite's one connection serialises them for every user. So, for the list as the
// app first shows it (no filter, no search):
//   - the count is the table's: the view has a row for each customer and no condition of its own;
//   - sorted by the open or overdue amount, highest first, the page's customers are read from the balances' index
//     on that amount (db/indexes.cds), as long as the page lies among the customers who owe something: everyone after
//     them owes nothing (no balance row: 0) or has items in several currencies (no amount), which CAP sorts as before.
// The page's rows are then read through the view by their keys, so every column is as CAP computes it.

type Sort = { ref?: unknown[]; sort?: string }
type Select = {
  where?: unknown[]
  search?: unknown
  groupBy?: unknown
  having?: unknown
  count?: boolean
  orderBy?: Sort[]
  limit?: { rows?: { val?: number }; offset?: { val?: number } }
}

const OWED = new Set(['openAmount', 'overdueAmount'])

const unfiltered = (select: Select) => !select.where?.length && !select.search && !select.groupBy && !select.having

/** The amount the whole list is sorted by, highest first; undefined for any other read. */
function owedSortOf(select: Select): 'openAmount' | 'overdueAmount' | undefined {
  const [sort, ...more] = select.orderBy ?? []
  const column = sort?.ref?.length === 1 ? sort.ref[0] : undefined
  // CAP's OData adapter adds the key, ascending, to make the order total: the index's order among equal amounts.
  const byKey = !more.length || (more.length === 1 && more[0].ref?.length === 1 && more[0].ref[0] === 'ID' && more[0].sort !== 'desc')
  if (!byKey || !unfiltered(select) || sort?.sort !== 'desc' || typeof column !== 'string' || !OWED.has(column)) return
  return column as 'openAmount' | 'overdueAmount'
}

/** Whether readCustomerPage has a shorter way for this read of Customers than CAP's. */
export const pageOfWholeList = (select: Select) => unfiltered(select) && (Boolean(select.count) || owedSortOf(select) !== undefined)

/** Reads a page of the whole customer list as `next` does (the query changed for it), counted on the table. */
export async function readCustomerPage(select: Select, next: () => Promise<unknown>) {
  const count = select.count
  const owed = owedSortOf(select)
  const pageSize = select.limit?.rows?.val
  const keys = owed && pageSize ? await keysByAmountOwed(owed, pageSize, select.limit?.offset?.val ?? 0) : undefined
  select.count = false
  let rows: Record<string, unknown>[]
  if (keys) {
    const { where, limit } = select
    select.where = [{ ref: ['ID'] }, 'in', { list: keys.map(val => ({ val })) }]
    select.limit = { rows: { val: keys.length } }
    try {
      rows = (await next()) as Record<string, unknown>[]
    } finally {
      Object.assign(select, { where, limit })
    }
    // In the order of the index: by the amount, equal amounts by customer number.
    const place = new Map(keys.map((key, i) => [key, i]))
    rows.sort((a, b) => place.get(a.ID as string)! - place.get(b.ID as string)!)
  } else rows = (await next()) as Record<string, unknown>[]
  select.count = count
  if (!count) return rows
  const counted = (await SELECT.one.from(CustomerRows).columns('count(1) as n')) as unknown as { n: number }
  return withCount(rows, Number(counted.n))
}

/** The page's customers among those who owe something, by the index; undefined when the page reaches past them. */
async function keysByAmountOwed(amount: 'openAmount' | 'overdueAmount', rows: number, offset: number): Promise<string[] | undefined> {
  const owing = await SELECT.from(CustomerBalances)
    .columns('customer')
    .where({ [amount]: { '>': 0 } })
    .orderBy(`${amount} desc`, 'customer asc')
    .limit(rows, offset)
  return owing.length === rows ? owing.map(b => b.customer!) : undefined
}
