import { entityNames } from './config'
import { SyncSchedules } from '#cds-models/invoicecrm/integration'

// Whether an entity's schedule is paused lives in the database (db/schedules.cds), not in the runner, so that
// it survives restarts and all instances agree on it.

/** One row per entity, so the operations view lists entities that have not synced yet. Keeps existing rows as they are. */
export async function ensureScheduleRows(): Promise<void> {
  const existing = new Set((await SELECT.from(SyncSchedules).columns('entity')).map(r => r.entity))
  const missing = entityNames().filter(entity => !existing.has(entity))
  // UPSERT, not INSERT: another instance starting at the same moment may insert the same rows.
  if (missing.length) await UPSERT.into(SyncSchedules).entries(missing.map(entity => ({ entity })))
}

export async function pausedEntities(): Promise<Set<string>> {
  const rows = await SELECT.from(SyncSchedules).columns('entity').where({ paused: true })
  return new Set(rows.map(r => r.entity!))
}

export async function isPaused(entity: string): Promise<boolean> {
  const row = await SELECT.one.from(SyncSchedules).columns('paused').where({ entity })
  return Boolean(row?.paused)
}

export async function setPaused(entities: string[], paused: boolean): Promise<void> {
  const pausedAt = paused ? new Date().toISOString() : null
  await UPSERT.into(SyncSchedules).entries(entities.map(entity => ({ entity, paused, pausedAt })))
}
