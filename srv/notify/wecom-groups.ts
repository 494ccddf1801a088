import { CustomerWeComGroups } from '#cds-models/invoicecrm/crm'
import { Customers } from '#cds-models/invoicecrm/mirror'
import { webhookKeyOf } from './wecom'

// AR sets a customer's WeCom group (StatementsService.setWeComGroup): the group robot's webhook key, and whether the
// customer's notices go there. The key is checked for its form and stored; it is never read back over OData, and it
// is never in a message or a log line, not even when it is refused.

export interface WeComGroupInput {
  customer?: string | null
  /** The robot's key, or its whole webhook URL; empty: keep the key set before. */
  webhookKey?: string | null
  /** Empty: as before (a new group: active). */
  active?: boolean | null
}

/** A translated refusal: the message key in _i18n/messages*.properties and its parameters. */
export interface WeComGroupRefusal {
  status: 400 | 404
  message: string
  /** The parameter refused. */
  target: 'customer' | 'webhookKey'
  args?: string[]
}

export type WeComGroupOutcome = { customer: string } | { refused: WeComGroupRefusal }

export async function setWeComGroup({ customer, webhookKey, active }: WeComGroupInput): Promise<WeComGroupOutcome> {
  if (!customer || !(await SELECT.one.from(Customers).columns('ID').where({ ID: customer })))
    return { refused: { status: 404, message: 'WECOM_CUSTOMER_UNKNOWN', target: 'customer', args: [customer ?? ''] } }
  const given = webhookKey?.trim()
  const key = given ? webhookKeyOf(given) : undefined
  if (given && !key) return { refused: { status: 400, message: 'WECOM_KEY_MALFORMED', target: 'webhookKey' } }
  const before = await SELECT.one.from(CustomerWeComGroups).columns('webhookKey', 'active').where({ customer_ID: customer })
  const webhookKeyToKeep = key ?? before?.webhookKey
  if (!webhookKeyToKeep) return { refused: { status: 400, message: 'WECOM_KEY_REQUIRED', target: 'webhookKey' } }
  // An upsert: two managers setting the same new group at once both write, the later one wins.
  await UPSERT.into(CustomerWeComGroups).entries({ customer_ID: customer, webhookKey: webhookKeyToKeep, active: active ?? before?.active ?? true })
  return { customer }
}
