import cds from '@sap/cds'
import { ConversationError } from './errors'
import { recordTimeline } from './timeline'
import { crmSettings } from './settings'
import { inviteToSurvey } from './surveys'
import { planWriteBack } from '../writeback'
import { ContactProposals, Disputes, InvoiceConversations, type Channel, type DisputeReason, type InvoiceConversation } from '#cds-models/invoicecrm/crm'
import { BillingDocumentItems, BillingDocuments, type BillingDocument } from '#cds-models/invoicecrm/mirror'

// What a customer (on the response page) or a clerk (for a customer on the phone) can say about an invoice.
// Each answer is idempotent: saying it twice changes nothing the second time.

/** Who said it, through which channel, from where: a contact's e-mail address (web) or a clerk's user id. */
export interface Speaker {
  by: string
  channel: Channel
  from?: string | null
  note?: string | null
}

export interface Outcome {
  status: string
  at: string
}

export async function invoiceOf(id: string): Promise<BillingDocument> {
  const invoice = await SELECT.one.from(BillingDocuments).columns('ID', 'payer_ID', 'currency', 'grossAmount', 'isCancelled', 'isCleared').where({ ID: id })
  if (!invoice) throw new ConversationError(404, 'INVOICE_NOT_FOUND', [id])
  return invoice
}

/**
 * The conversation of an invoice, created when first needed (e.g. a confirmation by phone before any e-mail): without
 * a delivery state, since nothing was mailed; the dispatch takes the invoice up as one it has not seen.
 */
export async function conversationOf(invoice: BillingDocument): Promise<InvoiceConversation> {
  const existing = await SELECT.one.from(InvoiceConversations).where({ invoice_ID: invoice.ID })
  if (existing) return existing
  const created: InvoiceConversation = { invoice_ID: invoice.ID, customer_ID: invoice.payer_ID, dispatchStatus: null, invoiceCleared: Boolean(invoice.isCleared) }
  await INSERT.into(InvoiceConversations).entries(created)
  return created
}

/**
 * Locks the invoice until the transaction ends: whatever is said about one invoice (confirmation, dispute) happens
 * one at a time on every connection, so a check like "no open dispute" still holds at the commit, and the
 * conversation is created once. The lock row is the invoice's mirror row, which always exists (it is not written):
 * SELECT … FOR UPDATE on PostgreSQL and HANA; SQLite has one connection and needs none. Not the conversation row:
 * it may not exist yet, and CAP 10.1.1's UPSERT, run by two transactions at once, writes the second one's values
 * computed before the first one's commit over what the first one wrote.
 */
async function lockInvoice(invoiceId: string) {
  await SELECT.one.from(BillingDocuments).columns('ID').where({ ID: invoiceId }).forUpdate()
}

const openDisputeOf = (invoice: string) =>
  SELECT.one.from(Disputes).columns('ID', 'status', 'createdAt').where({ invoice_ID: invoice, status: { '!=': 'Closed' } })

export async function confirmInvoice(invoiceId: string, speaker: Speaker): Promise<Outcome> {
  const invoice = await invoiceOf(invoiceId)
  if (invoice.isCancelled) throw new ConversationError(409, 'INVOICE_CANCELLED_NOT_CONFIRMED', [invoiceId])
  await lockInvoice(invoiceId)
  const conversation = await conversationOf(invoice)
  if (conversation.confirmedAt) return { status: 'alreadyConfirmed', at: conversation.confirmedAt }
  // Never confirmed and in dispute at once: a dispute raised meanwhile waited for this lock, or this one for it.
  if (await openDisputeOf(invoiceId)) throw new ConversationError(409, 'INVOICE_IN_DISPUTE', [invoiceId])
  const at = new Date().toISOString()
  // The condition makes a concurrent second confirmation a no-op rather than an overwrite.
  const changed = await UPDATE(InvoiceConversations)
    .set({ confirmedAt: at, confirmedBy: speaker.by, confirmedFrom: speaker.from ?? null, confirmationChannel: speaker.channel, confirmationNote: speaker.note ?? null })
    .where({ invoice_ID: invoiceId, confirmedAt: null })
  if (!changed) return { status: 'alreadyConfirmed', at: (await conversationOf(invoice)).confirmedAt ?? at }
  await recordTimeline({ kind: 'confirmed', invoice: invoiceId, customer: invoice.payer_ID, actor: speaker.by, message: 'TIMELINE_CONFIRMED', params: { channel: speaker.channel } })
  await planWriteBack('confirmed', { invoice: invoiceId, summary: `Invoice ${invoiceId} confirmed by the customer (${speaker.channel})`, title: `Confirmation of invoice ${invoiceId}` })
  await inviteToSurvey({ invoice: invoiceId, customer: invoice.payer_ID ?? null, contactEmail: speaker.channel === 'web' ? speaker.by : null, trigger: 'confirmation' })
  return { status: 'confirmed', at }
}

export interface DisputeInput {
  reason: DisputeReason
  comment?: string | null
  amount?: string | number | null
  lines?: { item: string; amount?: string | number | null; quantity?: string | number | null }[] | null
}

export async function raiseDispute(invoiceId: string, input: DisputeInput, speaker: Speaker): Promise<Outcome & { dispute: string }> {
  const invoice = await invoiceOf(invoiceId)
  if (invoice.isCancelled) throw new ConversationError(409, 'INVOICE_CANCELLED_NOT_DISPUTED', [invoiceId])
  // One open dispute per invoice: a concurrent dispute or confirmation of this invoice waits for this lock.
  await lockInvoice(invoiceId)
  const conversation = await conversationOf(invoice)
  const open = await openDisputeOf(invoiceId)
  if (open) return { status: 'alreadyDisputed', at: open.createdAt!, dispute: open.ID! }
  const lines = await checkedLines(invoiceId, input.lines ?? [])
  const amount = input.amount === undefined || input.amount === null || input.amount === '' ? null : Number(input.amount)
  if (amount !== null && (!Number.isFinite(amount) || amount < 0 || amount > Number(invoice.grossAmount ?? 0)))
    throw new ConversationError(400, 'DISPUTED_AMOUNT_OUT_OF_RANGE', [invoice.grossAmount, invoice.currency])
  const ID = cds.utils.uuid()
  // The request's time, which is also the dispute's createdAt.
  const now = cds.context?.timestamp ?? new Date()
  await INSERT.into(Disputes).entries({
    ID,
    invoice_ID: invoiceId,
    customer_ID: invoice.payer_ID,
    reason: input.reason,
    wholeInvoice: !lines.length && amount === null,
    // What is in question: the amount the customer named, else the disputed lines, else the whole invoice.
    disputedAmount: amount ?? (lines.length ? lines.reduce((sum, l) => sum + (l.disputedAmount ?? l.lineAmount), 0) : Number(invoice.grossAmount ?? 0)),
    currency: invoice.currency,
    customerComment: input.comment ?? null,
    status: 'Open',
    slaDueAt: new Date(now.getTime() + crmSettings().disputes.slaDays * 86_400_000).toISOString(),
    source: speaker.channel,
    raisedBy: speaker.by,
    raisedFrom: speaker.from ?? null,
    lines: lines.map(({ item, disputedAmount, disputedQuantity }) => ({ ID: cds.utils.uuid(), item, disputedAmount, disputedQuantity })),
    comments: input.comment ? [{ ID: cds.utils.uuid(), fromCustomer: speaker.channel === 'web', text: input.comment }] : [],
  })
  // A dispute after a confirmation withdraws it: the customer has changed their mind, and the invoice is never
  // confirmed and in dispute at once. The timeline keeps both.
  if (conversation.confirmedAt) await withdrawConfirmation(invoiceId)
  const disputed = conversation.confirmedAt
    ? ({ message: 'TIMELINE_DISPUTED_WITHDRAWS', params: { reason: input.reason, channel: speaker.channel, confirmedAt: conversation.confirmedAt, confirmedChannel: conversation.confirmationChannel } } as const)
    : ({ message: 'TIMELINE_DISPUTED', params: { reason: input.reason, channel: speaker.channel } } as const)
  await recordTimeline({ kind: 'disputed', invoice: invoiceId, customer: invoice.payer_ID, dispute: ID, actor: speaker.by, ...disputed })
  await planWriteBack('disputed', {
    invoice: invoiceId,
    dispute: ID,
    summary: `Invoice ${invoiceId} disputed by the customer (${speaker.channel}): ${input.reason}${lines.length ? `, lines ${lines.map(l => l.item).join(', ')}` : ''}`,
    title: `Dispute of invoice ${invoiceId}`,
  })
  return { status: 'disputed', at: now.toISOString(), dispute: ID }
}

const withdrawConfirmation = (invoiceId: string) =>
  UPDATE(InvoiceConversations)
    .set({ confirmedAt: null, confirmedBy: null, confirmedFrom: null, confirmationChannel: null, confirmationNote: null })
    .where({ invoice_ID: invoiceId })

/** The disputed lines must be lines of this invoice, each at most once, within its amount and quantity. */
async function checkedLines(invoiceId: string, lines: NonNullable<DisputeInput['lines']>) {
  if (!lines.length) return []
  const items = await SELECT.from(BillingDocumentItems).columns('item', 'netAmount', 'quantity').where({ billingDocument_ID: invoiceId })
  const byItem = new Map(items.map(i => [i.item, i]))
  const seen = new Set<string>()
  return lines.map(line => {
    const item = byItem.get(line.item)
    if (!item) throw new ConversationError(400, 'INVOICE_LINE_NOT_FOUND', [invoiceId, line.item])
    if (seen.has(line.item)) throw new ConversationError(400, 'INVOICE_LINE_TWICE', [line.item])
    seen.add(line.item)
    const amount = line.amount === undefined || line.amount === null ? null : Number(line.amount)
    const quantity = line.quantity === undefined || line.quantity === null ? null : Number(line.quantity)
    if (amount !== null && !(amount >= 0 && amount <= Number(item.netAmount)))
      throw new ConversationError(400, 'DISPUTED_LINE_AMOUNT_OUT_OF_RANGE', [line.item, item.netAmount])
    if (quantity !== null && !(quantity >= 0 && quantity <= Number(item.quantity)))
      throw new ConversationError(400, 'DISPUTED_LINE_QUANTITY_OUT_OF_RANGE', [line.item, item.quantity])
    return { item: line.item, disputedAmount: amount, disputedQuantity: quantity, lineAmount: Number(item.netAmount) }
  })
}

export async function proposeContact(invoiceId: string, contact: { name: string; email: string }, speaker: Speaker): Promise<Outcome> {
  const invoice = await invoiceOf(invoiceId)
  const same = await SELECT.one.from(ContactProposals).columns('at').where({ invoice_ID: invoiceId, proposedEmail: contact.email })
  if (same) return { status: 'alreadyProposed', at: same.at! }
  const at = new Date().toISOString()
  await INSERT.into(ContactProposals).entries({
    ID: cds.utils.uuid(),
    invoice_ID: invoiceId,
    customer_ID: invoice.payer_ID,
    proposedName: contact.name,
    proposedEmail: contact.email,
    proposedBy: speaker.by,
    at,
  })
  await recordTimeline({ kind: 'contactProposed', invoice: invoiceId, customer: invoice.payer_ID, actor: speaker.by, message: 'TIMELINE_CONTACT_PROPOSED' })
  return { status: 'proposed', at }
}

/** The first time a link is opened is worth knowing: the customer has seen the invoice. */
export async function markOpened(invoiceId: string, by: string): Promise<void> {
  const at = new Date().toISOString()
  const first = await UPDATE(InvoiceConversations).set({ openedAt: at }).where({ invoice_ID: invoiceId, openedAt: null })
  if (first) await recordTimeline({ kind: 'linkOpened', invoice: invoiceId, actor: by, message: 'TIMELINE_LINK_OPENED' })
}
