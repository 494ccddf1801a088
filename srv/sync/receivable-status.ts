import cds from '@sap/cds'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { InvoiceConversations } from '#cds-models/invoicecrm/crm'

// The receivable status of an invoice (db/mirror.cds BillingDocuments: openAmount, netDueDate, isCleared,
// clearingDate, openDueDate; and the cleared flag on its conversation) is what its FI items say. The sync keeps it that way in the transaction that writes
// either side: after a page of FI items (their invoices), after a page of billing documents (an invoice may arrive
// after its FI items, and its row is written anew), and after a reconciliation removed FI items (all invoices).
//
// One set-based statement in standard SQL (correlated subqueries, no UPDATE … FROM), the same on SQLite,
// PostgreSQL and SAP HANA; each subquery reads the invoice's FI items by the index on their billingDocument_ID.

const INVOICES = 'invoicecrm_mirror_BillingDocuments'
/** What refreshReceivableStatus writes: the invoices and their conversations. */
export const RECEIVABLE_STATUS_TARGETS = [BillingDocuments.name, InvoiceConversations.name]
const FI_ITEMS = 'invoicecrm_mirror_ReceivableItems'
const CONVERSATIONS = 'invoicecrm_crm_InvoiceConversations'

/** Far in the future: what openDueDate says when nothing is open, so that it sorts after every open invoice. */
export const NOTHING_OPEN = '9999-12-31'

const fiItems = `FROM ${FI_ITEMS} fi WHERE fi.billingDocument_ID = ${INVOICES}.ID`
const open = 'CASE WHEN fi.isCleared = TRUE THEN 0 ELSE fi.amount END'
const openDue = 'CASE WHEN fi.isCleared = TRUE THEN NULL ELSE fi.netDueDate END'
const isCleared = 'min(CASE WHEN fi.isCleared = TRUE THEN 1 ELSE 0 END) = 1'

// Null for all of them when the invoice has no FI item (an aggregate of no rows).
const SET = `
  openAmount   = (SELECT sum(${open}) ${fiItems}),
  netDueDate   = (SELECT coalesce(min(${openDue}), max(fi.netDueDate)) ${fiItems}),
  isCleared    = (SELECT ${isCleared} ${fiItems}),
  clearingDate = (SELECT max(fi.clearingDate) ${fiItems}),
  openDueDate  = coalesce((SELECT CASE WHEN NOT (${isCleared}) AND sum(${open}) > 0 THEN min(${openDue}) END ${fiItems}), '${NOTHING_OPEN}')`

// The conversation's copy of the cleared flag (db/crm.cds invoiceCleared), for the launchpad's count.
const CLEARED_COPY = `UPDATE ${CONVERSATIONS} SET invoiceCleared = coalesce((SELECT i.isCleared FROM ${INVOICES} i WHERE i.ID = ${CONVERSATIONS}.invoice_ID), FALSE)`

/**
 * Invoices per statement: a page of the sync is 1000 rows. Always as many parameters (the rest null, which matches
 * nothing), so that every chunk runs the same statement: a list of literals made a new statement per page, which the
 * SQLite worker compiled anew and which held memory until it was collected (tens of MB at 100k invoices).
 */
export const CHUNK = 1000
/** The chunk's parameters as written in SQL: PostgreSQL's driver numbers them, SQLite's and SAP HANA's take `?`. */
export const parameters = (tx: cds.Service) =>
  `(${Array.from({ length: CHUNK }, (_, i) => ((tx as unknown as { options?: { kind?: string } }).options?.kind === 'postgres' ? `$${i + 1}` : '?')).join(', ')})`

/**
 * Brings the receivable status of the given invoices up to date with their FI items, or of every invoice
 * ('all': after FI items were removed, whose invoices are no longer known).
 */
export async function refreshReceivableStatus(tx: cds.Service, invoices: Iterable<string | null | undefined> | 'all') {
  if (invoices === 'all') {
    await tx.run(`UPDATE ${INVOICES} SET ${SET} WHERE isCleared IS NOT NULL OR EXISTS (SELECT 1 ${fiItems})`)
    await tx.run(CLEARED_COPY)
    return
  }
  const ids = [...new Set([...invoices].filter((id): id is string => Boolean(id)))]
  const list = parameters(tx)
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = Array.from({ length: CHUNK }, (_, j) => ids[i + j] ?? null)
    await tx.run(`UPDATE ${INVOICES} SET ${SET} WHERE ID IN ${list}`, chunk)
    await tx.run(`${CLEARED_COPY} WHERE invoice_ID IN ${list}`, chunk)
  }
}
