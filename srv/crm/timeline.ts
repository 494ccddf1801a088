import cds from '@sap/cds'
import { TimelineEntries, type TimelineKind } from '#cds-models/invoicecrm/crm'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import type { TimelineMessage, TimelineParams } from './timeline-text'

// Every interaction lands on the customer's and the invoice's timeline at once, in the caller's transaction.

export interface TimelineEvent {
  kind: TimelineKind
  invoice?: string | null
  customer?: string | null
  dispute?: string | null
  actor?: string | null
  /** What happened, rendered in each reader's language (srv/crm/timeline-text.ts). */
  message: TimelineMessage
  params?: TimelineParams
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
    message: event.message,
    params: event.params ? JSON.stringify(truncated(event.params)) : null,
  })
}

/** Free text in the parameters (a mail server's answer, an escalation's reason) cut so that the JSON fits its column. */
function truncated(params: TimelineParams): TimelineParams {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'string' ? value.slice(0, 500) : value]))
}
