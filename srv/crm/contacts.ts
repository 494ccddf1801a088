import cds from '@sap/cds'
import { ConversationError } from './errors'

// Contact corrections are CRM data beside the mirror: what S/4HANA says stays as the sync brings it.

const C = 'invoicecrm.crm'

/** Makes a customer's contact proposal a contact correction, once; returns the correction's ID. */
export async function acceptContactProposal(proposalId: string): Promise<string> {
  const proposal = (await SELECT.one.from(`${C}.ContactProposals`).where({ ID: proposalId })) as
    | { customer_ID: string | null; proposedName: string; proposedEmail: string; invoice_ID: string | null }
    | undefined
  if (!proposal) throw new ConversationError(404, `Contact proposal ${proposalId} does not exist`)
  if (!proposal.customer_ID) throw new ConversationError(409, `Contact proposal ${proposalId} names no customer`)
  if (await SELECT.one.from(`${C}.CustomerContacts`).columns('ID').where({ proposal_ID: proposalId }))
    throw new ConversationError(409, `Contact proposal ${proposalId} was accepted already`)
  const ID = cds.utils.uuid()
  await INSERT.into(`${C}.CustomerContacts`).entries({
    ID,
    customer_ID: proposal.customer_ID,
    name: proposal.proposedName,
    email: proposal.proposedEmail,
    isBillingContact: true,
    proposal_ID: proposalId,
    note: proposal.invoice_ID ? `Proposed by the customer on invoice ${proposal.invoice_ID}` : null,
  })
  return ID
}
