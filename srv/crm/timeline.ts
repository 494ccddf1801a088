import cds from '@sap/cds'
import { TimelineEntries, type TimelineKind } from '#cds-models/invoicecrm/crm'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'

// Every interaction lands on the customer's and the invoice's timeline at once, in the caller's transaction.

export interface TimelineEvent {
  kind: TimelineKind
  invoice?: string | null
  customer?: string | null
  dispute?: string | null
  actor?: string | null
  text?: string
}

export async function recordTimeline(event: TimelineEvent): Promise<void> {
  let customer = event.customer
  if (!customer && event.invoice) {
    const invoice = await SELECT.one.from(BillingDocuments).columns('payer_ID').where({ ID: event.invoice })
    customer = invoice?.payer_ID ?? null
  }
  await INSERT.into(TimelineEntries).entries({
    ID: cds.utils.uuid(),
    customer_ID: customer ?? null,
    invoice_ID: event.invoice ?? null,
    dispute_ID: event.dispute ?? null,
    at: new Date().toISOString(),
    kind: event.kind,
    actor: event.actor ?? null,
    text: event.text?.slice(0, 1000) ?? null,
  })
}
