import { Disputes } from '#cds-models/invoicecrm/crm'
import { DunningBlockProposals } from '#cds-models/invoicecrm/collections'

// The CRM blocks a customer's dunning in S/4 for two reasons, both written by the same write-back target
// (srv/writeback/targets/dunning-block.ts): an AR manager escalated one of the customer's disputes, or approved the
// block proposed after a final notice (srv/collections/dunning-blocks.ts). Either lifts it only when neither holds
// it any more, so that closing the last escalated dispute does not end a block collections still needs, nor the
// other way round.

/** Whether an escalated dispute that is not closed, or an approved block, still holds the customer's dunning block. */
export async function dunningBlockHeld(customer: string | null): Promise<boolean> {
  const escalated = await SELECT.one.from(Disputes).columns('ID').where({ customer_ID: customer, escalated: true, status: { '!=': 'Closed' } })
  if (escalated) return true
  return Boolean(await SELECT.one.from(DunningBlockProposals).columns('ID').where({ customer_ID: customer, status: 'approved' }))
}
