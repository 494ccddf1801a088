import cds from '@sap/cds'
import { checkCustomFieldMappings } from './custom-fields'
import { s4Client } from './delivery'
import { writeBackSettings } from './settings'

export { planWriteBack } from './plan'
export { retryOperation, discardOperation } from './delivery'
export { customFieldChecks } from './custom-fields'
export { writeBackSettings } from './settings'

const LOG = cds.log('writeback')

/**
 * At start-up: checks the configured custom field mappings against the tenant's $metadata. S/4 being unreachable
 * does not stop the app; the mappings are then used unchecked and a wrong one fails visibly on delivery.
 */
export async function checkWriteBackTargets() {
  if (!writeBackSettings().targets.customFields.enabled) return
  try {
    await checkCustomFieldMappings(s4Client())
  } catch (error) {
    LOG.warn(`Custom field mappings not checked, S/4HANA's $metadata could not be read: ${(error as Error).message}`)
  }
}
