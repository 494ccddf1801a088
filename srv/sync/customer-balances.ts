import cds from '@sap/cds'
import { CustomerBalances } from '#cds-models/invoicecrm/mirror'
import { today } from '../days-overdue'
import { CHUNK, parameters } from './receivable-status'

// Each customer's open and overdue amounts (db/mirror.cds CustomerBalances) are what its open FI items say, as of a
// day. The sync keeps them so in the transaction that writes FI items (the customers of the page; every customer
// after a reconciliation removed items), and the first read of a new day brings every row to that day
// (balancesOfToday). One set-based statement in standard SQL, the same on SQLite, PostgreSQL and SAP HANA.

const BALANCES = 'invoicecrm_mirror_CustomerBalances'
const FI_ITEMS = 'invoicecrm_mirror_ReceivableItems'

/**
 * The balances of the customers whose open FI items `where` selects (fi.*), as of `day`: a date this module makes
 * (YYYY-MM-DD), written into the statement, so that the customers' list is its only parameters.
 */
const balancesOf = (where: string, day: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`Not a day: ${day}`)
  return `
  INSERT INTO ${BALANCES} (customer, currency, openAmount, overdueAmount, asOf)
  SELECT fi.customer_ID,
    CASE WHEN min(fi.currency) = max(fi.currency) THEN min(fi.currency) END,
    CASE WHEN min(fi.currency) = max(fi.currency) THEN sum(fi.amount) END,
    CASE WHEN min(fi.currency) = max(fi.currency) THEN sum(CASE WHEN fi.netDueDate < '${day}' THEN fi.amount ELSE 0 END) END,
    '${day}'
  FROM ${FI_ITEMS} fi WHERE fi.isCleared = FALSE AND fi.customer_ID IS NOT NULL AND ${where}
  GROUP BY fi.customer_ID`
}

/** Brings the balances of the given customers, or of every customer, up to date with their FI items as of `day`. */
export async function refreshCustomerBalances(tx: cds.Service, customers: Iterable<string | null | undefined> | 'all', day = today()) {
  if (customers === 'all') {
    await tx.run(`DELETE FROM ${BALANCES}`)
    await tx.run(balancesOf('1 = 1', day))
    return
  }
  const ids = [...new Set([...customers].filter((id): id is string => Boolean(id)))]
  const list = parameters(tx)
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = Array.from({ length: CHUNK }, (_, j) => ids[i + j] ?? null)
    await tx.run(`DELETE FROM ${BALANCES} WHERE customer IN ${list}`, chunk)
    await tx.run(balancesOf(`fi.customer_ID IN ${list}`, day), chunk)
  }
}

/** The day the balances were last found current in this process: a read checks the database once a day. */
let currentDay: string | undefined

/** Before a read of the balances: on the first read of a day, every balance is brought to that day. */
export async function balancesOfToday(now = new Date()) {
  const day = today(now)
  if (currentDay === day) return
  const stale = await SELECT.one.from(CustomerBalances).columns('customer').where({ asOf: { '<': day } })
  if (stale) await cds.db.tx(tx => refreshCustomerBalances(tx as unknown as cds.Service, 'all', day))
  currentDay = day
}
