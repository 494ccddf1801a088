import { entityOf, etagOf, S4Error, type S4Client } from '../../s4/client'
import { BUSINESS_PARTNER_API, literal, SALES_ORDER_API } from '../../s4/apis'
import { usableMappings } from '../custom-fields'
import type { Operation, PlanContext, Planned, WriteBackTarget } from './target'

export interface CustomFieldPayload {
  entity: 'A_SalesOrder' | 'A_BusinessPartner'
  key: string
  field: string
  value: string
}

const RESOURCE = {
  A_SalesOrder: (key: string) => `${SALES_ORDER_API}/A_SalesOrder(${literal(key)})`,
  A_BusinessPartner: (key: string) => `${BUSINESS_PARTNER_API}/A_BusinessPartner(${literal(key)})`,
}

/**
 * Sets a tenant custom field. The sales order carries an ETag (LastChangeDateTime): the PATCH sends it in If-Match,
 * and when someone changed the order in between (412) the order is read again and the change applied once more.
 */
async function deliver(op: Operation<CustomFieldPayload>, s4: S4Client): Promise<string> {
  const { entity, key, field, value } = op.payload
  const url = RESOURCE[entity](key)
  for (let round = 1; ; round++) {
    const current = await s4.read(`${url}?$select=${field}`)
    if (entityOf<Record<string, unknown>>(current)[field] === value) return `${field} of ${entity} ${key} is ${value} already`
    const etag = etagOf(current)
    try {
      await s4.write('patch', url, { body: { [field]: value }, headers: etag ? { 'If-Match': etag } : {} })
      return `${field} of ${entity} ${key} set to ${value}${round > 1 ? ' (after a concurrent change in S/4HANA)' : ''}`
    } catch (error) {
      if (!(error instanceof S4Error) || error.httpStatus !== 412) throw error
      // Changed again meanwhile: a busy order, not a wrong request; the next delivery attempt tries later.
      if (round > 1) throw new S4Error(error.message, { httpStatus: error.httpStatus, code: error.code, transactionId: error.transactionId, transient: true })
    }
  }
}

/** The value each usable mapping (srv/writeback/custom-fields.ts) gives the event, on the invoice's orders or its payer. */
async function plan({ event, invoice, salesOrders }: PlanContext) {
  const planned: Planned<CustomFieldPayload>[] = []
  for (const mapping of usableMappings()) {
    const value = mapping.values[event]
    if (value === undefined) continue
    const keys = mapping.entity === 'A_SalesOrder' ? await salesOrders() : invoice.payer_ID ? [invoice.payer_ID] : []
    for (const key of keys)
      planned.push({
        s4Object: `${mapping.entity}('${key}').${mapping.field}`,
        s4Document: `${mapping.entity}('${key}')`,
        payload: { entity: mapping.entity, key, field: mapping.field, value },
      })
  }
  return planned
}

export const customField: WriteBackTarget<CustomFieldPayload> = { setsState: true, plan, deliver }
