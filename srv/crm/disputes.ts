import cds from '@sap/cds'
import { ConversationError } from './errors'
import { recordTimeline } from './timeline'
import { inviteToSurvey } from './surveys'
import { planWriteBack } from '../writeback'

// A dispute goes Open → InProcess → Resolved (accepted: a credit is needed, or rejected with an explanation)
// → Closed, and no other way. The customer hears of the resolution by e-mail; closing it invites to a survey.
// An AR manager may escalate an open dispute, with a reason: S/4 then stops dunning the customer until the last
// escalated dispute of that customer is closed.

const C = 'invoicecrm.crm'

export type DisputeStatus = 'Open' | 'InProcess' | 'Resolved' | 'Closed'

const NEXT: Record<DisputeStatus, DisputeStatus | undefined> = { Open: 'InProcess', InProcess: 'Resolved', Resolved: 'Closed', Closed: undefined }

interface Dispute {
  ID: string
  status: DisputeStatus
  escalated: boolean
  invoice_ID: string
  customer_ID: string | null
  raisedBy: string | null
  source: string
}

async function move(id: string, to: DisputeStatus, changes: Record<string, unknown>, user: string): Promise<Dispute> {
  const dispute = (await SELECT.one.from(`${C}.Disputes`).where({ ID: id })) as Dispute | undefined
  if (!dispute) throw new ConversationError(404, 'DISPUTE_NOT_FOUND', [id])
  if (NEXT[dispute.status] !== to)
    throw NEXT[dispute.status]
      ? new ConversationError(409, 'DISPUTE_STATUS_NOT_NEXT', [dispute.status, to, NEXT[dispute.status]])
      : new ConversationError(409, 'DISPUTE_STATUS_FINAL', [dispute.status, to])
  // The status condition turns a concurrent second move into a refusal instead of a double transition.
  const changed = await UPDATE(`${C}.Disputes`).set({ ...changes, status: to }).where({ ID: id, status: dispute.status })
  if (!changed) throw new ConversationError(409, 'DISPUTE_CHANGED_MEANWHILE', [id])
  await recordTimeline({ kind: 'disputeStatus', invoice: dispute.invoice_ID, customer: dispute.customer_ID, dispute: id, actor: user, text: `Dispute ${dispute.status} → ${to}` })
  return { ...dispute, status: to }
}

export function startProcessing(id: string, processor: string) {
  return move(id, 'InProcess', { processor }, processor)
}

export async function resolveDispute(id: string, outcome: 'accepted' | 'rejected', resolution: string, user: string) {
  if (outcome === 'rejected' && !resolution?.trim()) throw new ConversationError(400, 'DISPUTE_REJECTION_NEEDS_EXPLANATION')
  const dispute = await move(id, 'Resolved', { outcome, resolution, resolvedAt: new Date().toISOString() }, user)
  const customerMail = cds.queued(await cds.connect.to('customer-mail'))
  await customerMail.send('disputeResolved', { dispute: id })
  await planWriteBack('disputeResolved', { invoice: dispute.invoice_ID, dispute: id, summary: `Dispute on invoice ${dispute.invoice_ID} resolved: ${outcome}` })
  return dispute
}

export async function closeDispute(id: string, user: string) {
  const dispute = await move(id, 'Closed', { closedAt: new Date().toISOString() }, user)
  if (dispute.escalated && !(await escalatedDisputeOf(dispute.customer_ID)))
    await planWriteBack('escalationLifted', { invoice: dispute.invoice_ID, dispute: id, summary: `Last escalated dispute of customer ${dispute.customer_ID} closed` })
  await inviteToSurvey({
    invoice: dispute.invoice_ID,
    customer: dispute.customer_ID,
    contactEmail: dispute.source === 'web' ? dispute.raisedBy : null,
    trigger: 'disputeClosed',
  })
  return dispute
}

export async function addComment(id: string, text: string, internal: boolean, user: string) {
  const dispute = (await SELECT.one.from(`${C}.Disputes`).columns('ID', 'invoice_ID', 'customer_ID', 'status').where({ ID: id })) as Dispute | undefined
  if (!dispute) throw new ConversationError(404, 'DISPUTE_NOT_FOUND', [id])
  if (dispute.status === 'Closed') throw new ConversationError(409, 'DISPUTE_CLOSED_NO_COMMENTS')
  await INSERT.into(`${C}.DisputeComments`).entries({ ID: cds.utils.uuid(), dispute_ID: id, internal, fromCustomer: false, text })
  await recordTimeline({ kind: 'comment', invoice: dispute.invoice_ID, customer: dispute.customer_ID, dispute: id, actor: user, text: internal ? 'Internal comment' : 'Comment' })
}

const escalatedDisputeOf = (customer: string | null) =>
  SELECT.one.from(`${C}.Disputes`).columns('ID').where({ customer_ID: customer, escalated: true, status: { '!=': 'Closed' } })

/** An AR manager's decision, never automatic: the customer's dunning is blocked in S/4 while the dispute is open. */
export async function escalateDispute(id: string, reason: string, user: string) {
  if (!reason?.trim()) throw new ConversationError(400, 'ESCALATION_NEEDS_REASON')
  const dispute = (await SELECT.one.from(`${C}.Disputes`).where({ ID: id })) as Dispute | undefined
  if (!dispute) throw new ConversationError(404, 'DISPUTE_NOT_FOUND', [id])
  if (dispute.escalated) throw new ConversationError(409, 'DISPUTE_ESCALATED_ALREADY', [id])
  if (dispute.status === 'Resolved') throw new ConversationError(409, 'DISPUTE_RESOLVED_NOT_ESCALATED')
  if (dispute.status === 'Closed') throw new ConversationError(409, 'DISPUTE_CLOSED_NOT_ESCALATED')
  const changed = await UPDATE(`${C}.Disputes`)
    .set({ escalated: true, escalatedAt: new Date().toISOString(), escalatedBy: user, escalationReason: reason })
    .where({ ID: id, escalated: false })
  if (!changed) throw new ConversationError(409, 'DISPUTE_CHANGED_MEANWHILE', [id])
  await recordTimeline({ kind: 'disputeEscalated', invoice: dispute.invoice_ID, customer: dispute.customer_ID, dispute: id, actor: user, text: `Escalated: ${reason}` })
  await planWriteBack('escalated', { invoice: dispute.invoice_ID, dispute: id, summary: `Dispute on invoice ${dispute.invoice_ID} escalated` })
  return { ...dispute, escalated: true }
}
