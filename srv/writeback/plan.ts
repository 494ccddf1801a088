import cds from '@sap/cds'
import { writeBackSettings, type WriteBackEvent } from './settings'
import { usableMappings } from './custom-fields'
import type { Target } from './targets'
import type { SalesOrderTextPayload } from './targets/sales-order-text'
import type { AttachmentPayload } from './targets/attachment'
import type { DunningBlockPayload } from './targets/dunning-block'
import type { CustomFieldPayload } from './targets/custom-field'

// Turns a CRM change into write-back operations, in the transaction of that change: the operations and their
// queue messages commit with it or not at all. Everything an operation writes is decided here, so a later delivery
// writes what was true when the customer spoke.

const M = 'invoicecrm.mirror'
const W = 'invoicecrm.writeback'

export interface WriteBackCause {
  invoice: string
  dispute?: string
  /** e.g. "Invoice 90000001 confirmed by the customer (web)": the line on the order's text */
  summary: string
  /** the attachment's title, e.g. "Confirmation of invoice 90000001" */
  title?: string
}

interface Planned {
  target: Target
  s4Object: string
  /** what S/4 locks while s4Object is written: writes to one document are never sent at the same time */
  s4Document: string
  payload: SalesOrderTextPayload | AttachmentPayload | DunningBlockPayload | CustomFieldPayload
}

interface InvoiceFacts {
  ID: string
  payer_ID: string | null
  companyCode: string | null
}

export async function planWriteBack(event: WriteBackEvent, cause: WriteBackCause): Promise<number> {
  const invoice = (await SELECT.one.from(`${M}.BillingDocuments`).columns('ID', 'payer_ID', 'companyCode').where({ ID: cause.invoice })) as InvoiceFacts | undefined
  if (!invoice) return 0
  const planned = event === 'escalated' || event === 'escalationLifted' ? await dunningOperations(event, invoice) : await documentOperations(event, invoice, cause)
  planned.push(...(await customFieldOperations(event, invoice)))
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
async function nextSequence(planned: Planned[]): Promise<number> {
  const latest = (await SELECT.one.from(`${W}.WriteBackOperations`).columns('max(sequence) as sequence').where({ s4Object: { in: planned.map(p => p.s4Object) } })) as
    | { sequence: number | string | null }
    | undefined
  const first = Math.max(Date.now() * 1000, lastSequence + 1, Number(latest?.sequence ?? 0) + 1)
  lastSequence = first + planned.length - 1
  return first
}

const salesOrderDocument = (salesOrder: string) => `A_SalesOrder('${salesOrder}')`

async function salesOrdersOf(invoice: string): Promise<string[]> {
  const rows = (await SELECT.distinct.from(`${M}.BillingDocumentItems`).columns('salesOrder_ID').where({ billingDocument_ID: invoice, salesOrder_ID: { '!=': null } })) as {
    salesOrder_ID: string
  }[]
  return rows.map(r => r.salesOrder_ID).sort()
}

/** S/4 keeps document numbers zero-padded internally; object links use that form. */
const internalKey = (documentNumber: string) => (/^\d+$/.test(documentNumber) ? documentNumber.padStart(10, '0') : documentNumber)

async function documentOperations(event: WriteBackEvent, invoice: InvoiceFacts, cause: WriteBackCause): Promise<Planned[]> {
  const { salesOrderText, attachment } = writeBackSettings().targets
  const orders = await salesOrdersOf(invoice.ID)
  const today = new Date().toISOString().slice(0, 10)
  const planned: Planned[] = []
  if (salesOrderText.enabled)
    for (const salesOrder of orders)
      planned.push({
        target: 'salesOrderText',
        s4Object: `A_SalesOrderText(SalesOrder='${salesOrder}',Language='${salesOrderText.language}',LongTextID='${salesOrderText.longTextId}')`,
        s4Document: salesOrderDocument(salesOrder),
        payload: { salesOrder, language: salesOrderText.language, longTextId: salesOrderText.longTextId, line: `${today} ${cause.summary}` },
      })
  // Evidence of the customer's own answer: the confirmation or the dispute, not its later resolution.
  if (attachment.enabled && cause.title && (event === 'confirmed' || event === 'disputed')) {
    const objects = attachment.objectType === 'VBRK' ? [invoice.ID] : orders
    for (const object of objects) {
      const objectKey = internalKey(object)
      planned.push({
        target: 'attachment',
        s4Object: `${attachment.objectType} ${objectKey}`,
        s4Document: attachment.objectType === 'VBRK' ? `A_BillingDocument('${object}')` : salesOrderDocument(object),
        payload: {
          objectType: attachment.objectType,
          objectKey,
          mode: attachment.mode,
          description: `${cause.title} ${today}`,
          url: attachment.recordUrl.replace('{invoice}', encodeURIComponent(invoice.ID)),
          lines: [cause.summary],
        },
      })
    }
  }
  return planned
}

async function dunningOperations(event: WriteBackEvent, invoice: InvoiceFacts): Promise<Planned[]> {
  const { dunningBlock } = writeBackSettings().targets
  if (!dunningBlock.enabled || !invoice.payer_ID || !invoice.companyCode) return []
  const areas = (await SELECT.from(`${M}.CustomerDunning`).columns('dunningArea').where({ customer_ID: invoice.payer_ID, companyCode: invoice.companyCode })) as {
    dunningArea: string
  }[]
  // A customer without dunning areas has one record with an empty area.
  const dunningAreas = areas.length ? areas.map(a => a.dunningArea ?? '') : ['']
  return dunningAreas.map(dunningArea => {
    const record = `A_CustomerDunning(Customer='${invoice.payer_ID}',CompanyCode='${invoice.companyCode}',DunningArea='${dunningArea}')`
    return {
      target: 'dunningBlock' as const,
      s4Object: record,
      s4Document: record,
      payload: {
        customer: invoice.payer_ID!,
        companyCode: invoice.companyCode!,
        dunningArea,
        block: event === 'escalated' ? dunningBlock.blockReason : '',
        ourReason: dunningBlock.blockReason,
      },
    }
  })
}

async function customFieldOperations(event: WriteBackEvent, invoice: InvoiceFacts): Promise<Planned[]> {
  const planned: Planned[] = []
  for (const mapping of usableMappings()) {
    const value = mapping.values[event]
    if (value === undefined) continue
    const keys = mapping.entity === 'A_SalesOrder' ? await salesOrdersOf(invoice.ID) : invoice.payer_ID ? [invoice.payer_ID] : []
    for (const key of keys)
      planned.push({
        target: 'customField',
        s4Object: `${mapping.entity}('${key}').${mapping.field}`,
        s4Document: `${mapping.entity}('${key}')`,
        payload: { entity: mapping.entity, key, field: mapping.field, value },
      })
  }
  return planned
}
