import type { S4Client } from '../../s4/client'
import { deliverSalesOrderText } from './sales-order-text'
import { deliverAttachment } from './attachment'
import { deliverDunningBlock } from './dunning-block'
import { deliverCustomField } from './custom-field'

export type Target = 'salesOrderText' | 'attachment' | 'dunningBlock' | 'customField'

/** What a delivery needs of its operation: its id (the marker that makes it findable in S/4) and what to write. */
export interface Operation<P = Record<string, unknown>> {
  ID: string
  payload: P
}

/** What a delivery did; and what S/4 holds now of data the mirror holds too, for the mirror to show at once. */
export interface Delivered {
  result: string
  mirror?: { entity: string; where: Record<string, string>; set: Record<string, string> }
}

/** Each target's delivery: writes the operation's change unless S/4 has it already; returns what it did. */
export const deliveries: Record<Target, (op: Operation<never>, s4: S4Client) => Promise<string | Delivered>> = {
  salesOrderText: deliverSalesOrderText,
  attachment: deliverAttachment,
  dunningBlock: deliverDunningBlock,
  customField: deliverCustomField,
}

/**
 * Targets that set a state rather than append: for them only the newest operation on an S/4 object is written, an
 * older one is superseded (see db/writeback.cds).
 */
export const setsState: Record<Target, boolean> = { salesOrderText: false, attachment: false, dunningBlock: true, customField: true }

/** The marker an operation leaves in S/4 with its change; finding it means an earlier attempt got through. */
export const markerOf = (op: { ID: string }) => `[crm:${op.ID}]`

