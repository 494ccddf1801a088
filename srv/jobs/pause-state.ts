import { entityNames } from './config'

// Whether an entity's schedule is paused lives in the database (db/schedules.cds), not in the runner, so that
// it survives restarts and all instances agree on it.

const SCHEDULES = 'invoicecrm.integration.SyncSchedules'

/** One row per entity, so the operations view lists entities that have not synced yet. Keeps existing rows as they are. */
export async function ensureScheduleRows(): Promise<void> {
  const existing = new Set(((await SELECT.from(SCHEDULES).columns('entity')) as { entity: string }[]).map(r => r.entity))
  const missing = entityNames().filter(entity => !existing.has(entity))
  // UPSERT, not INSERT: another instance starting at the same moment may insert the same rows.
  if (missing.length) await UPSERT.into(SCHEDULES).entries(missing.map(entity => ({ entity })))
}

export async function pausedEntities(): Promise<Set<string>> {
  const rows = (await SELECT.from(SCHEDULES).columns('entity').where({ paused: true })) as { entity: string }[]
  return new Set(rows.map(r => r.entity))
}

export async function isPaused(entity: string): Promise<boolean> {
  const row = (await SELECT.one.from(SCHEDULES).columns('paused').where({ entity })) as { paused: boolean } | undefined
  return Boolean(row?.paused)
}

export async function setPaused(entities: string[], paused: boolean): Promise<void> {
  const pausedAt = paused ? new Date().toISOString() : null
  await UPSERT.into(SCHEDULES).entries(entities.map(entity => ({ entity, paused, pausedAt })))
}
