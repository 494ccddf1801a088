import { entityOf, type S4Client } from '../../s4/client'
import { BUSINESS_PARTNER_API, literal } from '../../s4/apis'
import { writeBackSettings } from '../settings'
import { isEscalation, type Delivered, type Operation, type PlanContext, type WriteBackTarget } from './target'
import { CustomerDunning_ } from '#cds-models/invoicecrm/mirror'

export interface DunningBlockPayload {
  customer: string
  companyCode: string
  dunningArea: string
  /** the block reason to set, or '' to lift our block */
  block: string
  /** our block reason: lifting leaves any other reason alone, since someone in S/4 set it */
  ourReason: string
}

/**
 * Sets or lifts A_CustomerDunning.DunningBlock, the only dunning field invoice-crm writes (dunning level and last
 * dunning date belong to S/4's dunning run). Setting and lifting are idempotent by value. Answers the block S/4 holds
 * afterwards, for the mirror (CustomerDunning), so that the apps show it before the next reconciliation.
 */
async function deliver(op: Operation<DunningBlockPayload>, s4: S4Client): Promise<Delivered> {
  const { customer, companyCode, dunningArea, block, ourReason } = op.payload
  const url = `${BUSINESS_PARTNER_API}/A_CustomerDunning(Customer=${literal(customer)},CompanyCode=${literal(companyCode)},DunningArea=${literal(dunningArea)})`
  const where = `customer ${customer} in company code ${companyCode}${dunningArea ? `, dunning area ${dunningArea}` : ''}`
  const current = entityOf<{ DunningBlock?: string }>(await s4.read(url)).DunningBlock ?? ''
  const holds = (dunningBlock: string, result: string): Delivered => ({
    result,
    mirror: { entity: CustomerDunning_, where: { customer_ID: customer, companyCode, dunningArea }, set: { dunningBlock } },
  })
  if (current === block) return holds(current, block ? `dunning already blocked (${block}) for ${where}` : `dunning not blocked for ${where}: nothing to lift`)
  if (block && current) return holds(current, `dunning already blocked for ${where} with reason ${current}, set in S/4HANA: left as it is`)
  if (!block && current !== ourReason) return holds(current, `dunning block ${current} for ${where} was set in S/4HANA, not by invoice-crm: left as it is`)
  await s4.write('patch', url, { body: { DunningBlock: block } })
  return holds(block, block ? `dunning blocked (${block}) for ${where}` : `dunning block lifted for ${where}`)
}

/** Escalating a dispute blocks the customer's dunning in each of their dunning areas of the company code; lifting unblocks. */
async function plan({ event, invoice }: PlanContext) {
  const { enabled, blockReason } = writeBackSettings().targets.dunningBlock
  if (!enabled || !isEscalation(event) || !invoice.payer_ID || !invoice.companyCode) return []
  const customer = invoice.payer_ID
  const companyCode = invoice.companyCode
  const areas = await SELECT.from(CustomerDunning_).columns('dunningArea').where({ customer_ID: customer, companyCode })
  // A customer without dunning areas has one record with an empty area.
  const dunningAreas = areas.length ? areas.map(a => a.dunningArea ?? '') : ['']
  return dunningAreas.map(dunningArea => {
    const record = `A_CustomerDunning(Customer='${customer}',CompanyCode='${companyCode}',DunningArea='${dunningArea}')`
    return { s4Object: record, s4Document: record, payload: { customer, companyCode, dunningArea, block: event === 'escalated' ? blockReason : '', ourReason: blockReason } }
  })
}

export const dunningBlock: WriteBackTarget<DunningBlockPayload> = { setsState: true, plan, deliver }
