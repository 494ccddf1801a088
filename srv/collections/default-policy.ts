import cds from '@sap/cds'
import { ReminderPolicies } from '#cds-models/invoicecrm/collections'

// A new installation reminds by a standard policy until AR changes it: a notice five days before the due date, three
// reminders after it in rising tone, and a final notice that AR approves, after which a collector calls. Created in
// code on the first start (not as deployed data, which every deployment would reset to this), only while there is no
// policy at all: AR may edit or delete it.

const STANDARD = {
  ID: '7d1b7a52-4a8e-4d3f-9a4c-2f1f3c0d5e01',
  name: 'Standard',
  description: 'A notice 5 days before the due date, reminders 1, 10 and 20 days after it, a final notice after 35 days for AR to approve',
  isDefault: true,
  steps: [
    { offsetDays: -5, level: 0, tone: 'friendly', minimumOpenAmount: 0, needsApproval: false, escalation: 'none' },
    { offsetDays: 1, level: 1, tone: 'friendly', minimumOpenAmount: 0, needsApproval: false, escalation: 'none' },
    { offsetDays: 10, level: 2, tone: 'firm', minimumOpenAmount: 10, needsApproval: false, escalation: 'none' },
    { offsetDays: 20, level: 3, tone: 'firm', minimumOpenAmount: 10, needsApproval: false, escalation: 'none' },
    { offsetDays: 35, level: 4, tone: 'final', minimumOpenAmount: 10, needsApproval: true, escalation: 'collectorTask' },
  ],
} as const

export async function ensureDefaultPolicy(): Promise<void> {
  await cds.tx(async () => {
    if (await SELECT.one.from(ReminderPolicies).columns('ID')) return
    await INSERT.into(ReminderPolicies).entries({ ...STANDARD, steps: STANDARD.steps.map(step => ({ ID: cds.utils.uuid(), ...step })) })
  }).catch(error => cds.log('collections').warn(`The standard reminder policy was not created: ${(error as Error).message}`))
}
