import { EventEmitter } from 'node:events'
import type { RunStatus } from '#cds-models/invoicecrm/integration'

// What the sync tells those who follow the mirror (the CRM's follow-ups: dispatching new invoices, surveying paid
// ones), here so that they subscribe without importing the sync engine.

/** A finished sync run: of which entity, and whether it succeeded. */
export interface SyncCompleted {
  entity: string
  status: Exclude<RunStatus, 'running'>
}

/** 'completed' after each sync run, scheduled, requested or started by S/4's business events. */
export const syncEvents = new EventEmitter<{ completed: [SyncCompleted] }>()
