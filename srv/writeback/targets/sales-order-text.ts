import { entityOf, type S4Client } from '../../s4/client'
import { literal, SALES_ORDER_API } from '../../s4/apis'
import { writeBackSettings } from '../settings'
import { isEscalation, markerOf, salesOrderDocument, type Operation, type PlanContext, type WriteBackTarget } from './target'

export interface SalesOrderTextPayload {
  salesOrder: string
  language: string
  longTextId: string
  line: string
}

/**
 * Appends a line to a text of the sales order (A_SalesOrderText). There is one text per order, language and text
 * ID, so this is read-modify-write: read the text, stop if our line is there already, else create the text or
 * append to it. Texts carry no ETag in the API.
 */
async function deliver(op: Operation<SalesOrderTextPayload>, s4: S4Client): Promise<string> {
  const { salesOrder, language, longTextId } = op.payload
  const line = `${op.payload.line} ${markerOf(op)}`
  const key = `SalesOrder=${literal(salesOrder)},Language=${literal(language)},LongTextID=${literal(longTextId)}`
  const current = await s4.read(`${SALES_ORDER_API}/A_SalesOrderText(${key})`, { allow404: true })
  if (current.status === 404) {
    await s4.write('post', `${SALES_ORDER_API}/A_SalesOrder(${literal(salesOrder)})/to_Text`, {
      body: { Language: language, LongTextID: longTextId, LongText: line },
    })
    return `text ${longTextId} created on sales order ${salesOrder}`
  }
  const text = entityOf<{ LongText?: string }>(current).LongText ?? ''
  if (text.includes(markerOf(op))) return `line already on sales order ${salesOrder} (an earlier attempt got through)`
  await s4.write('patch', `${SALES_ORDER_API}/A_SalesOrderText(${key})`, { body: { LongText: text ? `${text}\n${line}` : line } })
  return `line appended to text ${longTextId} of sales order ${salesOrder}`
}

/** A line on the text of each of the invoice's sales orders, for every event but the dunning ones. */
async function plan({ event, cause, salesOrders, today }: PlanContext) {
  const { enabled, language, longTextId } = writeBackSettings().targets.salesOrderText
  if (!enabled || isEscalation(event)) return []
  return (await salesOrders()).map(salesOrder => ({
    s4Object: `A_SalesOrderText(SalesOrder='${salesOrder}',Language='${language}',LongTextID='${longTextId}')`,
    s4Document: salesOrderDocument(salesOrder),
    payload: { salesOrder, language, longTextId, line: `${today} ${cause.summary}` },
  }))
}

export const salesOrderText: WriteBackTarget<SalesOrderTextPayload> = { setsState: false, plan, deliver }
