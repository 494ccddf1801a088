import cds from '@sap/cds'
import { OperationStatus, WriteBackOperations, type Event, type Target } from '#cds-models/invoicecrm/writeback'
import { BillingDocumentItems, BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { Statements } from '#cds-models/invoicecrm/statements'
import { targets, type Planned, type StatementPlanContext } from './targets'
import type { PlanContext, WriteBackCause } from './targets/target'

// Turns a CRM change into write-back operations, in the transaction of that change: the operations and their
// queue messages commit with it or not at all. Every enabled target plans its part (srv/writeback/targets); what an
// operation writes is decided here, so a later delivery writes what was true when the customer spoke.

export type { WriteBackCause } from './targets'

export async function planWriteBack(event: Event, cause: WriteBackCause): Promise<number> {
  // The key it was read by is there; the generated type has every element optional.
  const invoice = (await SELECT.one.from(BillingDocuments).columns('ID', 'payer_ID', 'companyCode').where({ ID: cause.invoice })) as PlanContext['invoice'] | null
  if (!invoice) return 0
  let orders: Promise<string[]> | undefined
  const change = { event, invoice, cause, salesOrders: () => (orders ??= salesOrdersOf(invoice.ID)), today: new Date().toISOString().slice(0, 10) }
  const planned: (Planned<unknown> & { target: Target })[] = []
  for (const [target, plugin] of Object.entries(targets) as [Target, (typeof targets)[Target]][])
    for (const operation of await plugin.plan(change)) planned.push({ target, ...operation })
  return enqueue(planned, { event, invoice_ID: invoice.ID, dispute_ID: cause.dispute ?? null, customer_ID: invoice.payer_ID })
}

/** The operations of a statement the customer confirmed, in the confirmation's transaction. */
export async function planStatementWriteBack(statementId: string): Promise<number> {
  const statement = (await SELECT.one
    .from(Statements)
    .columns('ID', 'customer_ID', 'customer.businessPartner as businessPartner', 'periodStart', 'currency', 'companyCode')
    .where({ ID: statementId })) as StatementPlanContext['statement'] | null
  if (!statement) return 0
  const change: StatementPlanContext = { event: 'statementConfirmed', statement }
  const planned: (Planned<unknown> & { target: Target })[] = []
  for (const [target, plugin] of Object.entries(targets) as [Target, (typeof targets)[Target]][])
    for (const operation of (await plugin.planStatement?.(change)) ?? []) planned.push({ target, ...operation })
  return enqueue(planned, { event: change.event, statement_ID: statement.ID, customer_ID: statement.customer_ID })
}

/** Writes the planned operations in sequence and queues their delivery, in the caller's transaction. */
async function enqueue(planned: (Planned<unknown> & { target: Target })[], cause: { event: Event; customer_ID: string | null } & Record<string, string | null>): Promise<number> {
  if (!planned.length) return 0
  const first = await nextSequence(planned)
  const operations = planned.map((p, i) => ({
    ID: cds.utils.uuid(),
    ...cause,
    target: p.target,
    s4Object: p.s4Object,
    s4Document: p.s4Document,
    sequence: first + i,
    payload: JSON.stringify(p.payload),
    status: OperationStatus.Pending,
  }))
  await INSERT.into(WriteBackOperations).entries(operations)
  const queue = cds.queued(await cds.connect.to('writeback'))
  for (const { ID } of operations) await queue.send('deliver', { operation: ID })
  return operations.length
}

let lastSequence = 0

/**
 * The sequence of this CRM change's operations (a hybrid logical clock, in µs): after every operation planned on their
 * S/4 objects so far, even when this instance's clock is behind another's, and after everything this instance planned.
 */
async function nextSequence(planned: { s4Object: string }[]): Promise<number> {
  // max() under the element's name: typed as the element (Integer64, which PostgreSQL gives as text; hence Number()).
  const latest = await SELECT.one.from(WriteBackOperations).columns('max(sequence) as sequence').where({ s4Object: { in: planned.map(p => p.s4Object) } })
  const first = Math.max(Date.now() * 1000, lastSequence + 1, Number(latest?.sequence ?? 0) + 1)
  lastSequence = first + planned.length - 1
  return first
}

async function salesOrdersOf(invoice: string): Promise<string[]> {
  const rows = await SELECT.distinct.from(BillingDocumentItems).columns('salesOrder_ID').where({ billingDocument_ID: invoice, salesOrder_ID: { '!=': null } })
  return rows.map(r => r.salesOrder_ID!).sort()
}
