import cds from '@sap/cds'
import type { Event, Target } from '#cds-models/invoicecrm/writeback'
import { targets, type Planned, type WriteBackCause } from './targets'

// Turns a CRM change into write-back operations, in the transaction of that change: the operations and their
// queue messages commit with it or not at all. Every enabled target plans its part (srv/writeback/targets); what an
// operation writes is decided here, so a later delivery writes what was true when the customer spoke.

const M = 'invoicecrm.mirror'
const W = 'invoicecrm.writeback'

export type { WriteBackCause } from './targets'

export async function planWriteBack(event: Event, cause: WriteBackCause): Promise<number> {
  const invoice = (await SELECT.one.from(`${M}.BillingDocuments`).columns('ID', 'payer_ID', 'companyCode').where({ ID: cause.invoice })) as
    | { ID: string; payer_ID: string | null; companyCode: string | null }
    | undefined
  if (!invoice) return 0
  let orders: Promise<string[]> | undefined
  const change = { event, invoice, cause, salesOrders: () => (orders ??= salesOrdersOf(invoice.ID)), today: new Date().toISOString().slice(0, 10) }
  const planned: (Planned<unknown> & { target: Target })[] = []
  for (const [target, plugin] of Object.entries(targets) as [Target, (typeof targets)[Target]][])
    for (const operation of await plugin.plan(change)) planned.push({ target, ...operation })
  if (!planned.length) return 0
  const first = await nextSequence(planned)
  const operations = planned.map((p, i) => ({
    ID: cds.utils.uuid(),
    target: p.target,
    event,
    invoice_ID: invoice.ID,
    dispute_ID: cause.dispute ?? null,
    customer_ID: invoice.payer_ID,
    s4Object: p.s4Object,
    s4Document: p.s4Document,
    sequence: first + i,
    payload: JSON.stringify(p.payload),
    status: 'Pending',
  }))
  await INSERT.into(`${W}.WriteBackOperations`).entries(operations)
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
  const latest = (await SELECT.one.from(`${W}.WriteBackOperations`).columns('max(sequence) as sequence').where({ s4Object: { in: planned.map(p => p.s4Object) } })) as
    | { sequence: number | string | null }
    | undefined
  const first = Math.max(Date.now() * 1000, lastSequence + 1, Number(latest?.sequence ?? 0) + 1)
  lastSequence = first + planned.length - 1
  return first
}

async function salesOrdersOf(invoice: string): Promise<string[]> {
  const rows = (await SELECT.distinct.from(`${M}.BillingDocumentItems`).columns('salesOrder_ID').where({ billingDocument_ID: invoice, salesOrder_ID: { '!=': null } })) as {
    salesOrder_ID: string
  }[]
  return rows.map(r => r.salesOrder_ID).sort()
}
