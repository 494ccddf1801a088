import cds from '@sap/cds'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { DisputeReason, FinanceUsers, type Channel } from '#cds-models/invoicecrm/crm'
import { CollectionContacts, CustomerCollections, ReminderPolicies, RiskClass, type ContactOutcome } from '#cds-models/invoicecrm/collections'
import { ConversationError } from '../crm/errors'
import { raiseDispute } from '../crm/conversations'
import { recordTimeline } from '../crm/timeline'
import { promiseToPay, reportPayment } from './commitments'
import { dayOf, type Day } from './reminder-rules'
import { now } from './clock'
import { isTimeZone } from './business-hours'

// What a collector does with a customer on the worklist: takes it on (or gives it to a colleague), and records each
// call, mail or meeting with what it came to. A promise, a dispute or a reported payment the customer made in it is
// recorded on its invoice as the customer's own answers are (srv/collections/commitments.ts, srv/crm/conversations.ts),
// so that the reminder run holds back for it; the contact itself and its follow-up date are the collector's.

export interface ContactInput {
  channel: Channel
  outcome: ContactOutcome
  note?: string | null
  followUpOn?: Day | null
  invoice?: string | null
  promisedDate?: Day | null
  amount?: string | number | null
  disputeReason?: string | null
  paidOn?: Day | null
  reference?: string | null
}

export async function assignCollector(customer: string, collector: string): Promise<void> {
  if (!(await SELECT.one.from(FinanceUsers).columns('ID').where({ ID: collector }))) throw new ConversationError(400, 'COLLECTOR_UNKNOWN', [collector])
  await UPSERT.into(CustomerCollections).entries({ customer_ID: customer, collector })
}

export interface CollectionTerms {
  policy?: string | null
  riskClass?: string | null
  timeZone?: string | null
}

/** The customer's own policy, risk class and time zone; an empty one leaves it to the rules, the country. */
export async function setCollectionTerms(customer: string, terms: CollectionTerms): Promise<void> {
  const policy = terms.policy || null
  if (policy && !(await SELECT.one.from(ReminderPolicies).columns('ID').where({ ID: policy }))) throw new ConversationError(400, 'POLICY_UNKNOWN', [policy])
  const riskClass = terms.riskClass ? Object.values(RiskClass).find(known => known === terms.riskClass) : null
  if (riskClass === undefined) throw new ConversationError(400, 'RISK_CLASS_UNKNOWN', [terms.riskClass])
  const timeZone = terms.timeZone?.trim() || null
  if (timeZone && !isTimeZone(timeZone)) throw new ConversationError(400, 'TIME_ZONE_UNKNOWN', [timeZone])
  await UPSERT.into(CustomerCollections).entries({ customer_ID: customer, policy_ID: policy, riskClass, timeZone })
}

export async function recordContact(customer: string, input: ContactInput, user: string): Promise<void> {
  if (input.followUpOn && input.followUpOn < dayOf(now())) throw new ConversationError(400, 'CONTACT_FOLLOW_UP_PAST')
  const invoice = await invoiceOfCustomer(customer, input)
  const speaker = { by: user, channel: input.channel }
  if (input.outcome === 'promise') {
    if (!input.promisedDate) throw new ConversationError(400, 'CONTACT_NEEDS_PROMISED_DATE')
    await promiseToPay(invoice!, { promisedDate: input.promisedDate, amount: input.amount ?? null }, speaker)
  } else if (input.outcome === 'dispute') {
    const reason = Object.values(DisputeReason).find(known => known === input.disputeReason)
    if (!reason) throw new ConversationError(400, 'CONTACT_NEEDS_DISPUTE_REASON')
    await raiseDispute(invoice!, { reason, comment: input.note ?? null, amount: input.amount ?? null }, speaker)
  } else if (input.outcome === 'paymentReported') {
    if (!input.paidOn || input.amount === null || input.amount === undefined) throw new ConversationError(400, 'CONTACT_NEEDS_PAYMENT')
    await reportPayment(invoice!, { paidOn: input.paidOn, amount: input.amount, reference: input.reference ?? null }, speaker)
  }
  const note = input.note?.trim() || null
  await INSERT.into(CollectionContacts).entries({
    ID: cds.utils.uuid(),
    customer_ID: customer,
    invoice_ID: invoice ?? null,
    channel: input.channel,
    outcome: input.outcome,
    note,
    followUpOn: input.followUpOn ?? null,
  })
  if (input.followUpOn) await UPSERT.into(CustomerCollections).entries({ customer_ID: customer, nextActionOn: input.followUpOn })
  await recordTimeline({
    kind: 'contactRecorded',
    customer,
    invoice: invoice ?? null,
    actor: user,
    message: note ? 'TIMELINE_CONTACT_NOTE' : 'TIMELINE_CONTACT',
    params: { channel: input.channel, result: input.outcome, ...(note && { note }) },
  })
}

/** The invoice the contact is about: required for a promise, a dispute or a payment, and one of the customer's. */
async function invoiceOfCustomer(customer: string, input: ContactInput): Promise<string | null> {
  const needsInvoice = input.outcome === 'promise' || input.outcome === 'dispute' || input.outcome === 'paymentReported'
  if (!input.invoice) {
    if (needsInvoice) throw new ConversationError(400, 'CONTACT_NEEDS_INVOICE')
    return null
  }
  const invoice = await SELECT.one.from(BillingDocuments).columns('payer_ID').where({ ID: input.invoice })
  if (invoice?.payer_ID !== customer) throw new ConversationError(400, 'CONTACT_INVOICE_NOT_OF_CUSTOMER', [input.invoice])
  return input.invoice
}
