import cds from '@sap/cds'
import type { RedisOptions } from 'ioredis'
import { descriptions } from '../sync'
import type { SyncMode } from '#cds-models/invoicecrm/integration'
import { pageSize as defaultPageSize } from '../sync/descriptions'
import { nextRun } from './cron-schedule'

// cds.requires.jobs: when each mirrored entity is synced, and how the runner behaves. Entities are named as in
// srv/sync/descriptions.ts. Read once when the runner starts; a changed schedule takes effect on the next start.

export interface EntitySchedule {
  /** Delta sync; for an entity without change stamp (customer sub-entities, FI items) the engine reconciles instead. */
  cron?: string
  /** Full reconciliation: also finds what was deleted in S/4HANA. */
  fullCron?: string
  enabled?: boolean
  pageSize?: number
}

export interface JobsSettings {
  /** false: the server does not start a runner (tests start their own). */
  autoStart?: boolean
  /** Redis URL or ioredis options; REDIS_URL wins, a bound service's credentials.uri comes last. None: in-process runner. */
  redis?: string | RedisOptions | null
  credentials?: { uri?: string }
  /** Refuse the in-process runner: with several instances it would sync the same entity in each of them. */
  requireRedis?: boolean
  queue: string
  /** Redis key prefix, so that several apps or test runs can share one Redis. */
  prefix: string
  /** Jobs one instance runs at the same time (different entities: one entity never runs twice). */
  concurrency: number
  /** How long an entity lock outlives an instance that died while syncing; the running job keeps extending it. */
  lockTtlMs: number
  attempts: number
  backoff: { type: 'fixed' | 'exponential'; delay: number }
  /** Finished jobs kept for the operations view. */
  keepJobs: { completed: number; failed: number }
  /** On shutdown, how long a running sync may take to finish before it is released to another instance. */
  shutdownGraceMs: number
  schedules: Record<string, EntitySchedule>
}

/** One cron of one entity, as both runners schedule it. */
export interface Schedule {
  /** Stable id, also the BullMQ job scheduler id: `<entity>.<mode>`. */
  id: string
  entity: string
  mode: SyncMode
  cron: string
  pageSize: number
}

export const jobsSettings = () => cds.env.requires.jobs as JobsSettings

/** The Redis to use, or undefined for the in-process runner. */
export function redisOf(settings: JobsSettings): string | RedisOptions | undefined {
  return process.env.REDIS_URL || settings.redis || settings.credentials?.uri || undefined
}

/** Every enabled cron of every entity; throws on an unknown entity or an expression that cannot be scheduled. */
export function schedulesOf(settings: JobsSettings): Schedule[] {
  const schedules: Schedule[] = []
  for (const name of Object.keys(settings.schedules ?? {})) {
    const entity = jobName(name)
    const s = scheduleConfigOf(settings, entity)
    if (s.enabled === false) continue
    for (const [mode, cron] of [['delta', s.cron], ['full', s.fullCron]] as const) {
      if (!cron) continue
      nextRun(cron, new Date()) // throws on what neither runner could schedule
      schedules.push({ id: `${entity}.${mode}`, entity, mode, cron, pageSize: pageSizeOf(settings, entity) })
    }
  }
  return schedules
}

/** The entity's configuration; entity names are matched as the sync CLI matches them, ignoring case. */
export function scheduleConfigOf(settings: JobsSettings, entity: string): EntitySchedule {
  const key = Object.keys(settings.schedules ?? {}).find(k => k.toLowerCase() === entity.toLowerCase())
  return key ? settings.schedules[key] : {}
}

/** The entity's page size, for its scheduled and manual runs alike. */
export function pageSizeOf(settings: JobsSettings, entity: string): number {
  return scheduleConfigOf(settings, entity).pageSize ?? defaultPageSize()
}

export const entityNames = () => descriptions.map(d => d.name)

/**
 * Scheduled work beside the sync, scheduled, locked and retried as a sync job is (srv/jobs/sync-job.ts runs it
 * instead of a sync): the reminder run and the statement run. Not synced entities: "sync all" and the sync's
 * monitor leave them out.
 */
export const TASK_NAMES = ['ReminderRun', 'StatementRun'] as const

/** The spelling of a synced entity's or a task's name, for the schedules of cds.requires.jobs. */
function jobName(name: string): string {
  return TASK_NAMES.find(task => task.toLowerCase() === name?.toLowerCase()) ?? entityName(name)
}

/** The description's spelling of an entity name; throws a message fit for the operator on an unknown one. */
export function entityName(name: string): string {
  const found = entityNames().find(n => n.toLowerCase() === name?.toLowerCase())
  if (!found) throw new UnknownEntity(name)
  return found
}

/** A 400 in the shape CAP answers thrown errors with: the message is a key of _i18n/messages*.properties. */
export class UnknownEntity extends Error {
  readonly status = 400
  readonly args: string[]
  constructor(name: string) {
    super('SYNC_ENTITY_UNKNOWN')
    this.args = [name, entityNames().join(', ')]
  }
}
