import type { Event } from '#cds-models/invoicecrm/writeback'
import type { S4Client } from '../../s4/client'

// What a write-back target is: how it plans the operations of a CRM change and how it delivers one to S/4HANA.
// Each targets/<target>.ts implements it; plan.ts and in-order.ts know targets only through this contract.

/** What the CRM change was, for the lines and titles written to S/4. */
export interface WriteBackCause {
  invoice: string
  dispute?: string
  /** e.g. "Invoice 90000001 confirmed by the customer (web)": the line on the order's text */
  summary: string
  /** the attachment's title, e.g. "Confirmation of invoice 90000001" */
  title?: string
}

/** A CRM change as the targets plan from it, in the change's transaction. */
export interface PlanContext {
  event: Event
  invoice: { ID: string; payer_ID: string | null; companyCode: string | null }
  cause: WriteBackCause
  /** The mirror's sales orders of the invoice, sorted; read once per change. */
  salesOrders(): Promise<string[]>
  /** The change's date, as the lines written to S/4 show it. */
  today: string
}

/** One operation a target plans: everything it will write is decided now, so a later delivery writes what was true. */
export interface Planned<P> {
  s4Object: string
  /** what S/4 locks while s4Object is written: writes to one document are never sent at the same time */
  s4Document: string
  payload: P
}

/** What a delivery needs of its operation: its id (the marker that makes it findable in S/4) and what to write. */
export interface Operation<P> {
  ID: string
  payload: P
}

/** What a delivery did; and what S/4 holds now of data the mirror holds too, for the mirror to show at once. */
export interface Delivered {
  result: string
  mirror?: { entity: new () => object; where: Record<string, string>; set: Record<string, string> }
}

/** A statement the customer confirmed, as the targets plan from it, in the confirmation's transaction. */
export interface StatementPlanContext {
  event: 'statementConfirmed'
  statement: { ID: string; customer_ID: string; businessPartner: string | null; periodStart: string; currency: string; companyCode: string }
}

export interface WriteBackTarget<P> {
  /**
   * The target sets a state rather than appends: only the newest operation on an S/4 object is written, an older one
   * is superseded (see db/writeback.cds).
   */
  setsState: boolean
  /** The operations the change means for this target: none when it is switched off or the event is not its concern. */
  plan(change: PlanContext): Promise<Planned<P>[]>
  /** The operations of a confirmed statement, for the targets that write one (an invoice's targets have none). */
  planStatement?(change: StatementPlanContext): Promise<Planned<P>[]>
  /** Writes the operation's change unless S/4 has it already; returns what it did. */
  deliver(op: Operation<P>, s4: S4Client): Promise<string | Delivered>
}

/** The marker an operation leaves in S/4 with its change; finding it means an earlier attempt got through. */
export const markerOf = (op: { ID: string }) => `[crm:${op.ID}]`

/** The S/4 document a write to a sales order locks. */
export const salesOrderDocument = (salesOrder: string) => `A_SalesOrder('${salesOrder}')`

/** Whether the event is about the dunning of the customer rather than about the invoice's documents. */
export const isEscalation = (event: Event) => event === 'escalated' || event === 'escalationLifted'
