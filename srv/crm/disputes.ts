import cds from '@sap/cds'
import { Disputes, DisputeComments, type Dispute, type DisputeStatus, type DisputeOutcome } from '#cds-models/invoicecrm/crm'
import { ConversationError } from './errors'
import { recordTimeline } from './timeline'
import { inviteToSurvey } from './surveys'
import { planWriteBack } from '../writeback'
import { isFinanceUser } from './finance-users'
import { dunningBlockHeld } from './dunning-holds'

// A dispute goes Open → InProcess → Resolved (accepted: a credit is needed, or rejected with an explanation)
// → Closed, and no other way: the service declares that flow (srv/receivables/flows.cds) and hands each step in.
// The customer hears of the resolution by e-mail; closing it invites to a survey.
// An AR manager may escalate an open dispute, with a reason: S/4 then stops dunning the customer until the last
// escalated dispute of that customer is closed (and no block collections needs holds it: ./dunning-holds.ts).

/** A step of the dispute's status flow: the statuses it may start from, and the status it leads to, if any. */
export interface StatusStep {
  from: DisputeStatus[]
  to?: DisputeStatus
}

/**
 * Takes a step of the flow with its changes. The update is conditional on the status it read: CAP's flow check reads
 * and the update writes later, so a concurrent second step would otherwise pass the check too; this way it is
 * refused. A step without a target status (a comment) still updates the row, which makes a concurrent close wait.
 * `onlyIf` adds conditions of the step's own (an escalation: not escalated yet).
 */
async function step(id: string, { from, to }: StatusStep, changes: Partial<Dispute>, user: string, onlyIf: Partial<Dispute> = {}) {
  const dispute = await SELECT.one.from(Disputes).where({ ID: id })
  if (!dispute) throw new ConversationError(404, 'DISPUTE_NOT_FOUND', [id])
  const status = dispute.status as DisputeStatus
  const changed = from.includes(status) && (await UPDATE(Disputes).set({ ...changes, status: to ?? status }).where({ ...onlyIf, ID: id, status }))
  if (!changed) throw new ConversationError(409, 'DISPUTE_CHANGED_MEANWHILE', [id])
  if (to) await recordTimeline({ kind: 'disputeStatus', invoice: dispute.invoice_ID!, customer: dispute.customer_ID ?? null, dispute: id, actor: user, message: 'TIMELINE_DISPUTE_STATUS', params: { from: status, to } })
  return { ...dispute, ...changes, status: to ?? status }
}

export function startProcessing(id: string, flow: StatusStep, processor: string) {
  return step(id, flow, { processor }, processor)
}

export async function resolveDispute(id: string, flow: StatusStep, outcome: DisputeOutcome, resolution: string, user: string) {
  if (outcome === 'rejected' && !resolution?.trim()) throw new ConversationError(400, 'DISPUTE_REJECTION_NEEDS_EXPLANATION')
  const dispute = await step(id, flow, { outcome, resolution, resolvedAt: new Date().toISOString() }, user)
  const customerMail = cds.queued(await cds.connect.to('customer-mail'))
  await customerMail.send('disputeResolved', { dispute: id })
  await planWriteBack('disputeResolved', { invoice: dispute.invoice_ID!, dispute: id, summary: `Dispute on invoice ${dispute.invoice_ID} resolved: ${outcome}` })
  return dispute
}

export async function closeDispute(id: string, flow: StatusStep, user: string) {
  const dispute = await step(id, flow, { closedAt: new Date().toISOString() }, user)
  if (dispute.escalated && !(await dunningBlockHeld(dispute.customer_ID ?? null)))
    await planWriteBack('escalationLifted', { invoice: dispute.invoice_ID!, dispute: id, summary: `Last escalated dispute of customer ${dispute.customer_ID} closed` })
  await inviteToSurvey({
    invoice: dispute.invoice_ID!,
    customer: dispute.customer_ID ?? null,
    contactEmail: dispute.source === 'web' ? (dispute.raisedBy ?? null) : null,
    trigger: 'disputeClosed',
  })
  return dispute
}

/** Hands the dispute to a finance user who has worked in the apps (the processor's value help). */
export async function assignDispute(id: string, flow: StatusStep, processor: string, user: string) {
  if (!(await isFinanceUser(processor))) throw new ConversationError(400, 'PROCESSOR_UNKNOWN')
  return step(id, flow, { processor }, user)
}

export async function addComment(id: string, flow: StatusStep, text: string, internal: boolean, user: string) {
  const dispute = await step(id, flow, {}, user)
  await INSERT.into(DisputeComments).entries({ ID: cds.utils.uuid(), dispute_ID: id, internal, fromCustomer: false, text })
  await recordTimeline({ kind: 'comment', invoice: dispute.invoice_ID!, customer: dispute.customer_ID ?? null, dispute: id, actor: user, message: internal ? 'TIMELINE_INTERNAL_COMMENT' : 'TIMELINE_COMMENT' })
}

/** An AR manager's decision, never automatic: the customer's dunning is blocked in S/4 while the dispute is open. */
export async function escalateDispute(id: string, flow: StatusStep, reason: string, user: string) {
  if (!reason?.trim()) throw new ConversationError(400, 'ESCALATION_NEEDS_REASON')
  const current = await SELECT.one.from(Disputes).columns('escalated').where({ ID: id })
  if (current?.escalated) throw new ConversationError(409, 'DISPUTE_ESCALATED_ALREADY', [id])
  const escalation = { escalated: true, escalatedAt: new Date().toISOString(), escalatedBy: user, escalationReason: reason }
  const dispute = await step(id, flow, escalation, user, { escalated: false })
  await recordTimeline({ kind: 'disputeEscalated', invoice: dispute.invoice_ID!, customer: dispute.customer_ID ?? null, dispute: id, actor: user, message: 'TIMELINE_ESCALATED', params: { note: reason } })
  await planWriteBack('escalated', { invoice: dispute.invoice_ID!, dispute: id, summary: `Dispute on invoice ${dispute.invoice_ID} escalated` })
  return dispute
}
