import cds from '@sap/cds'
import type { Event } from '#cds-models/invoicecrm/writeback'

/** A tenant custom field (YY1_…) that takes a value for some of our events. */
export interface CustomFieldMapping {
  entity: 'A_SalesOrder' | 'A_BusinessPartner'
  field: string
  values: Partial<Record<Event, string>>
}

/** cds.requires.writeback: which targets are on and how operations are delivered. */
export interface WriteBackSettings {
  targets: {
    salesOrderText: { enabled: boolean; longTextId: string; language: string }
    attachment: {
      enabled: boolean
      /** url: a link back to the CRM record (CreateUrlAsAttachment); pdf: a receipt uploaded as a file */
      mode: 'url' | 'pdf'
      /** BUS2032: the invoice's sales order(s); VBRK: the billing document itself, where the tenant supports it */
      objectType: 'BUS2032' | 'VBRK'
      /** the record's URL; {invoice} is replaced by the billing document number */
      recordUrl: string
    }
    dunningBlock: { enabled: boolean; blockReason: string }
    customFields: { enabled: boolean; mappings: CustomFieldMapping[] }
    statementAttachment: {
      enabled: boolean
      /** BUS1006: the customer's business partner; KNA1: the customer record, where the tenant supports it */
      objectType: 'BUS1006' | 'KNA1'
    }
  }
  delivery: {
    maxAttempts: number
    retryDelayMs: number
    maxRetryDelayMs: number
    /** how long a delivery holds an S/4 document without renewing (renewed every third of it while S/4 answers) */
    documentLeaseMs: number
  }
}

export const writeBackSettings = () => cds.env.requires.writeback as WriteBackSettings
