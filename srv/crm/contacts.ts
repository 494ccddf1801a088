import cds from '@sap/cds'
import { ConversationError } from './errors'
import { linkSettings, revokeLinks } from '../links'
import { recordTimeline } from './timeline'
import { ContactProposals, CustomerContacts } from '#cds-models/invoicecrm/crm'

// Contact corrections are CRM data beside the mirror: what S/4HANA says stays as the sync brings it.

/**
 * Refuses a contact's further contact proposals about an invoice once it made cds.requires.links.maxContactProposals
 * (default 3) of them: whoever holds a link must not flood AR with addresses.
 */
export async function checkContactProposalBudget(invoiceId: string, by: string): Promise<void> {
  const max = linkSettings().maxContactProposals ?? 3
  // An aggregate under an alias: not an element of the entity, which is what the typed query returns.
  const { made } = (await SELECT.one.from(ContactProposals).columns('count(1) as made').where({ invoice_ID: invoiceId, proposedBy: by })) as unknown as { made: number }
  if (made >= max) throw new ConversationError(409, 'CONTACT_PROPOSALS_EXHAUSTED', [max])
}

/** Why an invoice's links stop working: its timeline says so in the reader's language (LINK_REVOCATION_…). */
export type LinkRevocation = 'invoiceResent' | 'revokedByAR' | 'contactCorrected'

/** Revokes every link to an invoice that still works, on the invoice's timeline; returns how many. */
export async function revokeInvoiceLinks(invoiceId: string, actor: string, why: LinkRevocation): Promise<number> {
  const revoked = await revokeLinks({ invoice: invoiceId })
  if (revoked) await recordTimeline({ kind: 'linksRevoked', invoice: invoiceId, actor, message: 'TIMELINE_LINKS_REVOKED', params: { count: revoked, why } })
  return revoked
}

/**
 * Makes a customer's contact proposal a contact correction, once; returns the correction's ID. The links to the
 * invoice went to the contact that was wrong: they stop working.
 */
export async function acceptContactProposal(proposalId: string, actor: string): Promise<string> {
  const proposal = await SELECT.one.from(ContactProposals).where({ ID: proposalId })
  if (!proposal) throw new ConversationError(404, 'CONTACT_PROPOSAL_NOT_FOUND', [proposalId])
  if (!proposal.customer_ID) throw new ConversationError(409, 'CONTACT_PROPOSAL_WITHOUT_CUSTOMER', [proposalId])
  if (await SELECT.one.from(CustomerContacts).columns('ID').where({ proposal_ID: proposalId }))
    throw new ConversationError(409, 'CONTACT_PROPOSAL_ACCEPTED_ALREADY', [proposalId])
  const ID = cds.utils.uuid()
  await INSERT.into(CustomerContacts).entries({
    ID,
    customer_ID: proposal.customer_ID,
    name: proposal.proposedName,
    email: proposal.proposedEmail,
    isBillingContact: true,
    proposal_ID: proposalId,
    note: proposal.invoice_ID ? `Proposed by the customer on invoice ${proposal.invoice_ID}` : null,
  })
  if (proposal.invoice_ID) await revokeInvoiceLinks(proposal.invoice_ID, actor, 'contactCorrected')
  return ID
}
