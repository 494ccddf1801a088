import cds from '@sap/cds'

// Every interaction lands on the customer's and the invoice's timeline at once, in the caller's transaction.

export type TimelineKind =
  | 'mailSent' | 'mailFailed' | 'mailBounced' | 'noEmail' | 'linkOpened' | 'confirmed' | 'disputed' | 'disputeStatus'
  | 'comment' | 'contactProposed' | 'surveySent' | 'surveyAnswered' | 'followUp' | 'resendRequested' | 'disputeEscalated'
  | 'addressFound' | 'linksRevoked'

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
    const invoice = await SELECT.one.from('invoicecrm.mirror.BillingDocuments').columns('payer_ID').where({ ID: event.invoice })
    customer = (invoice as { payer_ID?: string } | undefined)?.payer_ID ?? null
  }
  await INSERT.into('invoicecrm.crm.TimelineEntries').entries({
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
