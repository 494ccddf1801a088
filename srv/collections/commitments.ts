import cds from '@sap/cds'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { PaymentPromises, PaymentReports } from '#cds-models/invoicecrm/collections'
import { ConversationError } from '../crm/errors'
import { recordTimeline } from '../crm/timeline'
import type { Speaker } from '../crm/conversations'
import { collectionsSettings } from './settings'
import { now } from './clock'
import { addDays, dayOf, type Day } from './reminder-rules'

// What a customer commits to about an open invoice, from the response page or told to a collector on the phone: a
// promise to pay by a date, or "I've paid". Each is recorded with who, when and from where, lands on the timeline,
// and holds the invoice's reminders back (srv/collections/reminder-rules.ts) until the run settles it.

export interface PromiseInput {
  promisedDate: string
  /** Empty: the whole open amount. */
  amount?: string | number | null
}

export interface PaymentReportInput {
  paidOn: string
  amount: string | number
  reference?: string | null
}

export interface CommitmentOutcome {
  status: 'promised' | 'paymentReported'
  at: string
}

/**
 * The invoice, locked for the transaction: a second promise or payment report for it at the same moment (the customer
 * on the page, a collector on the phone) waits, and then finds the first one.
 */
async function openInvoice(invoiceId: string) {
  const invoice = await SELECT.one.from(BillingDocuments).columns('ID', 'payer_ID', 'currency', 'openAmount', 'isCleared', 'documentDate').where({ ID: invoiceId }).forUpdate()
  if (!invoice) throw new ConversationError(404, 'INVOICE_NOT_FOUND', [invoiceId])
  if (invoice.isCleared || !(Number(invoice.openAmount) > 0)) throw new ConversationError(409, 'INVOICE_ALREADY_CLEARED', [invoiceId])
  return invoice
}

const amountText = (amount: number, currency: string | null | undefined) => `${amount.toFixed(2)} ${currency ?? ''}`.trim()

/** The first and the last day a promise may name today. */
export function promiseWindow(): { earliest: Day; latest: Day } {
  const today = dayOf(now())
  return { earliest: today, latest: addDays(today, collectionsSettings().promiseHorizonDays) }
}

/** The invoice's open promise and the payment reported and not yet seen by FI, for the response page. */
export async function openCommitments(invoiceId: string) {
  const promise = await SELECT.one.from(PaymentPromises).columns('promisedDate', 'amount', 'createdAt').where({ invoice_ID: invoiceId, status: 'open' })
  const report = await SELECT.one
    .from(PaymentReports)
    .columns('paidOn', 'amount', 'reference', 'createdAt', 'remittanceAdvice.fileName as remittanceAdvice')
    .where({ invoice_ID: invoiceId, status: 'reported' })
  return {
    promise: promise ? { promisedDate: promise.promisedDate, amount: promise.amount ?? null, promisedAt: promise.createdAt } : null,
    paymentReport: report
      ? { paidOn: report.paidOn, amount: report.amount, reference: report.reference ?? null, reportedAt: report.createdAt, remittanceAdvice: (report as { remittanceAdvice?: string | null }).remittanceAdvice ?? null }
      : null,
  }
}

export async function promiseToPay(invoiceId: string, input: PromiseInput, speaker: Speaker): Promise<CommitmentOutcome> {
  const invoice = await openInvoice(invoiceId)
  const window = promiseWindow()
  if (input.promisedDate < window.earliest) throw new ConversationError(400, 'PROMISE_DATE_PAST')
  if (input.promisedDate > window.latest) throw new ConversationError(400, 'PROMISE_DATE_TOO_FAR', [collectionsSettings().promiseHorizonDays])
  const open = Number(invoice.openAmount)
  const amount = input.amount === null || input.amount === undefined || input.amount === '' ? null : Number(input.amount)
  if (amount !== null && !(amount > 0 && amount <= open)) throw new ConversationError(400, 'PROMISE_AMOUNT_TOO_HIGH', [amountText(open, invoice.currency)])
  const existing = await SELECT.one.from(PaymentPromises).columns('promisedDate').where({ invoice_ID: invoiceId, status: 'open' })
  if (existing) throw new ConversationError(409, 'PROMISE_MADE_ALREADY', [existing.promisedDate])
  const at = new Date().toISOString()
  await INSERT.into(PaymentPromises).entries({
    ID: cds.utils.uuid(),
    invoice_ID: invoiceId,
    customer_ID: invoice.payer_ID,
    promisedDate: input.promisedDate as Day,
    amount,
    currency: invoice.currency,
    openAmountAtPromise: open,
    source: speaker.channel,
    promisedBy: speaker.by,
    promisedFrom: speaker.from ?? null,
  })
  await recordTimeline({
    kind: 'promised',
    invoice: invoiceId,
    customer: invoice.payer_ID,
    actor: speaker.by,
    ...(amount === null
      ? { message: 'TIMELINE_PROMISED', params: { date: input.promisedDate, channel: speaker.channel } }
      : { message: 'TIMELINE_PROMISED_AMOUNT', params: { date: input.promisedDate, amount: amount.toFixed(2), currency: invoice.currency, channel: speaker.channel } }),
  })
  return { status: 'promised', at }
}

export async function reportPayment(invoiceId: string, input: PaymentReportInput, speaker: Speaker): Promise<CommitmentOutcome> {
  const invoice = await openInvoice(invoiceId)
  const today = dayOf(now())
  if (input.paidOn > today) throw new ConversationError(400, 'PAYMENT_DATE_FUTURE')
  // A payment of this invoice is not older than the invoice (a year 0000 would not even fit PostgreSQL's dates).
  if (invoice.documentDate && input.paidOn < invoice.documentDate) throw new ConversationError(400, 'PAYMENT_DATE_BEFORE_INVOICE', [invoice.documentDate])
  const amount = Number(input.amount)
  if (!(amount > 0)) throw new ConversationError(400, 'PAYMENT_AMOUNT_INVALID')
  if (await SELECT.one.from(PaymentReports).columns('ID').where({ invoice_ID: invoiceId, status: 'reported' }))
    throw new ConversationError(409, 'PAYMENT_REPORTED_ALREADY')
  const at = new Date().toISOString()
  await INSERT.into(PaymentReports).entries({
    ID: cds.utils.uuid(),
    invoice_ID: invoiceId,
    customer_ID: invoice.payer_ID,
    paidOn: input.paidOn as Day,
    reportedOn: today,
    amount,
    currency: invoice.currency,
    reference: input.reference?.trim() || null,
    source: speaker.channel,
    reportedBy: speaker.by,
    reportedFrom: speaker.from ?? null,
  })
  await recordTimeline({
    kind: 'paymentReported',
    invoice: invoiceId,
    customer: invoice.payer_ID,
    actor: speaker.by,
    message: 'TIMELINE_PAYMENT_REPORTED',
    params: { date: input.paidOn, amount: amount.toFixed(2), currency: invoice.currency, channel: speaker.channel },
  })
  return { status: 'paymentReported', at }
}
