import cds from '@sap/cds'
import type { S4Client } from '../s4/client'
import { writeBackSettings, type CustomFieldMapping } from './settings'
import { BUSINESS_PARTNER_API, SALES_ORDER_API } from '../s4/apis'

const LOG = cds.log('writeback')

const API_OF = { A_SalesOrder: SALES_ORDER_API, A_BusinessPartner: BUSINESS_PARTNER_API }

export interface MappingCheck {
  mapping: CustomFieldMapping
  usable: boolean
  reason?: string
}

let checked: MappingCheck[] | undefined

/**
 * Reads the tenant's $metadata and keeps the custom field mappings whose field exists on the entity and may be
 * updated. Refused mappings are logged with the reason and never written; the app starts either way.
 */
export async function checkCustomFieldMappings(s4: S4Client): Promise<MappingCheck[]> {
  const { enabled, mappings } = writeBackSettings().targets.customFields
  if (!enabled) return (checked = [])
  const metadata = new Map<string, string>()
  const results: MappingCheck[] = []
  for (const mapping of mappings) {
    const api = API_OF[mapping.entity]
    if (!api) {
      results.push({ mapping, usable: false, reason: `invoice-crm does not write custom fields of ${mapping.entity} (only A_SalesOrder, A_BusinessPartner)` })
      continue
    }
    if (!metadata.has(api)) metadata.set(api, String((await s4.read(`${api}/$metadata`, { headers: { Accept: 'application/xml' } })).data))
    results.push({ mapping, ...fieldCheck(metadata.get(api)!, mapping) })
  }
  for (const r of results.filter(r => !r.usable))
    LOG.error(`Custom field mapping ${r.mapping.entity}.${r.mapping.field} refused: ${r.reason}. It is not written; fix cds.requires.writeback.targets.customFields.`)
  return (checked = results)
}

function fieldCheck(xml: string, { entity, field }: CustomFieldMapping): { usable: boolean; reason?: string } {
  // Standard fields belong to S/4's own processes (blocks, dunning, clearing): only a tenant's own fields are ours.
  if (!/^YY1_\w+$/.test(field)) return { usable: false, reason: `${field} is not a tenant custom field (YY1_…); invoice-crm writes no standard fields` }
  const set = new RegExp(`<EntitySet\\s[^>]*Name="${entity}"[^>]*>`).exec(xml)?.[0]
  const type = set && /EntityType="(?:[^"]*\.)?([^".]+)"/.exec(set)?.[1]
  if (!set || !type) return { usable: false, reason: `the tenant's metadata has no entity set ${entity}` }
  if (/sap:updatable="false"/.test(set)) return { usable: false, reason: `${entity} is not updatable in this tenant` }
  const body = new RegExp(`<EntityType\\s[^>]*Name="${type}"[^>]*>([\\s\\S]*?)</EntityType>`).exec(xml)?.[1] ?? ''
  const property = new RegExp(`<Property\\s[^>]*Name="${field}"[^>]*/?>`).exec(body)?.[0]
  if (!property) return { usable: false, reason: `${entity} has no field ${field} in this tenant (create it in the Custom Fields app and enable it for the API)` }
  if (/sap:updatable="false"/.test(property)) return { usable: false, reason: `${entity}.${field} is not updatable` }
  return { usable: true }
}

/** The mappings to plan operations for: all while the check has not run yet (a refusal then fails visibly on delivery). */
export function usableMappings(): CustomFieldMapping[] {
  const { enabled, mappings } = writeBackSettings().targets.customFields
  if (!enabled) return []
  return checked ? checked.filter(c => c.usable).map(c => c.mapping) : mappings
}

export const customFieldChecks = () => checked
