import { Invoices } from '#cds-models/ReceivablesService'
import { BillingDocumentItems } from '#cds-models/invoicecrm/mirror'

// What a customer sees of an invoice, in the mail and on the response page: the header with its receivable
// status, and the lines.

export interface InvoiceSummary {
  number: string
  date: string
  dueDate: string | null
  currency: string
  netAmount: string
  taxAmount: string
  grossAmount: string
  openAmount: string | null
  /** From FI: paid in full; and how many days past its due date an open invoice is today. */
  isCleared: boolean | null
  daysOverdue: number | null
  payer_ID: string | null
  /** Whose invoice it is: the company's letterhead and bank account on the customer's page. */
  companyCode: string | null
  items: { item: string; description: string; quantity: string; unit: string; netAmount: string }[]
}

export async function invoiceSummary(id: string): Promise<InvoiceSummary | undefined> {
  const header = (await SELECT.one
    .from(Invoices)
    .columns('ID as number', 'documentDate as date', 'netDueDate as dueDate', 'currency', 'netAmount', 'taxAmount', 'grossAmount', 'openAmount', 'isCleared', 'daysOverdue', 'payer_ID', 'companyCode')
    // Aliased columns, which the entity's type does not know.
    .where({ ID: id })) as unknown as Omit<InvoiceSummary, 'items'> | undefined
  if (!header) return undefined
  const items = (await SELECT.from(BillingDocumentItems)
    .columns('item', 'description', 'quantity', 'unit', 'netAmount')
    .where({ billingDocument_ID: id })
    // Decimals arrive as text, which the mail shows as it is; the generated type says number.
    .orderBy('item')) as unknown as InvoiceSummary['items']
  return { ...header, items }
}
