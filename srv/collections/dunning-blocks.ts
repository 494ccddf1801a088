import cds from '@sap/cds'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { DunningBlockProposals, type DunningBlockProposal, type DunningBlockProposalStatus } from '#cds-models/invoicecrm/collections'
import { ConversationError } from '../crm/errors'
import { recordTimeline } from '../crm/timeline'
import type { TimelineMessage } from '../crm/timeline-text'
import { dunningBlockHeld } from '../crm/dunning-holds'
import { planWriteBack } from '../writeback'

// When a final notice of a step that escalates to a dunning block went out, collections takes the customer over, and
// S/4's own dunning run should stop writing to it meanwhile. The CRM never decides that alone: it proposes, an AR
// manager approves (the block is then written to S/4 through the write-back, as a dispute's escalation is) or
// rejects, and lifts it when collections is done. S/4's dunning levels and dates stay S/4's.

const OPEN: DunningBlockProposalStatus[] = ['proposed', 'approved']

/** A proposal for the customer in the invoice's company code, unless one is open there already; on the timeline. */
export async function proposeDunningBlock(customer: string, invoice: string): Promise<void> {
  const companyCode = (await SELECT.one.from(BillingDocuments).columns('companyCode').where({ ID: invoice }))?.companyCode ?? null
  if (await SELECT.one.from(DunningBlockProposals).columns('ID').where({ customer_ID: customer, companyCode, status: { in: OPEN } })) return
  await INSERT.into(DunningBlockProposals).entries({ ID: cds.utils.uuid(), customer_ID: customer, companyCode, invoice_ID: invoice, status: 'proposed' })
  await recordTimeline({ kind: 'dunningBlock', invoice, customer, message: 'TIMELINE_DUNNING_BLOCK_PROPOSED', params: { companyCode } })
}

/**
 * Moves the proposal from one status to the next, conditional on the status it read: of two managers deciding at the
 * same moment, the second is told that someone decided meanwhile.
 */
async function decide(id: string, from: DunningBlockProposalStatus, changes: Partial<DunningBlockProposal>, user: string, message: TimelineMessage, note: string | null) {
  const proposal = await SELECT.one.from(DunningBlockProposals).where({ ID: id })
  if (!proposal) throw new ConversationError(404, 'DUNNING_BLOCK_NOT_FOUND', [id])
  const changed = await UPDATE(DunningBlockProposals).set(changes).where({ ID: id, status: from })
  if (!changed) throw new ConversationError(409, from === 'proposed' ? 'DUNNING_BLOCK_NOT_PROPOSED' : 'DUNNING_BLOCK_NOT_APPROVED', [proposal.customer_ID])
  await recordTimeline({ kind: 'dunningBlock', invoice: proposal.invoice_ID!, customer: proposal.customer_ID ?? null, actor: user, message, params: { companyCode: proposal.companyCode, note } })
  return proposal
}

export async function approveDunningBlock(id: string, user: string, note?: string | null): Promise<void> {
  const text = note?.trim() || null
  const proposal = await decide(id, 'proposed', { status: 'approved', decidedBy: user, decidedAt: new Date().toISOString(), note: text }, user, 'TIMELINE_DUNNING_BLOCK_APPROVED', text)
  await planWriteBack('escalated', { invoice: proposal.invoice_ID!, summary: `Final notice of invoice ${proposal.invoice_ID} sent: dunning of customer ${proposal.customer_ID} blocked by AR` })
}

/** The reason is mandatory (the action's parameter says so): it is what the collector reads on the timeline. */
export async function rejectDunningBlock(id: string, user: string, note?: string | null): Promise<void> {
  const text = note?.trim() || null
  await decide(id, 'proposed', { status: 'rejected', decidedBy: user, decidedAt: new Date().toISOString(), note: text }, user, 'TIMELINE_DUNNING_BLOCK_REJECTED', text)
}

/** Ends an approved block; S/4's block is lifted unless an escalated dispute or another approved block still holds it. */
export async function liftDunningBlock(id: string, user: string, note?: string | null): Promise<void> {
  const text = note?.trim() || null
  const proposal = await decide(id, 'approved', { status: 'lifted', liftedBy: user, liftedAt: new Date().toISOString() }, user, 'TIMELINE_DUNNING_BLOCK_LIFTED', text)
  if (!(await dunningBlockHeld(proposal.customer_ID ?? null)))
    await planWriteBack('escalationLifted', { invoice: proposal.invoice_ID!, summary: `Dunning block of customer ${proposal.customer_ID} lifted by AR` })
}
