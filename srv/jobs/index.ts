import cds from '@sap/cds'
import { entityNames, jobsSettings, redisOf, scheduleConfigOf, schedulesOf, type JobsSettings } from './config'
import { BullmqRunner } from './bullmq-runner'
import { InProcessRunner } from './in-process-runner'
import { setPaused } from './pause-state'
import type { JobRunner, JobView } from './runner'

// The scheduled sync jobs of this process: one runner, BullMQ when Redis is configured, else in-process.

const LOG = cds.log('jobs')

export type { JobRunner, JobView, RunRequest } from './runner'
export { entityName, entityNames } from './config'

let current: JobRunner | undefined

/** The running job runner, if this process runs one. */
export const jobRunner = (): JobRunner | undefined => current

export async function startJobs(settings: JobsSettings = jobsSettings()): Promise<JobRunner> {
  if (current) return current
  const redis = redisOf(settings)
  if (!redis && settings.requireRedis)
    throw new Error('cds.requires.jobs: this profile needs Redis (REDIS_URL, cds.requires.jobs.redis or a bound redis-cache service)')
  const runner = redis ? new BullmqRunner(settings, redis) : new InProcessRunner(settings)
  current = runner
  try {
    await runner.start()
  } catch (error) {
    current = undefined
    await runner.stop()
    throw error
  }
  return runner
}

/** Stops scheduling, lets a running sync finish within shutdownGraceMs, closes Redis connections. */
export async function stopJobs(): Promise<void> {
  const runner = current
  if (!runner) return
  current = undefined
  await runner.stop()
  LOG.info('Sync jobs stopped')
}

/** For srv/server.ts: jobs run while the server does; `cds serve` turns SIGTERM into 'shutdown'. */
export function runJobsWithServer(): void {
  cds.on('served', async () => {
    if (jobsSettings().autoStart !== false) await startJobs()
  })
  cds.on('shutdown', stopJobs)
}

/** Pausing is recorded in the database first: it must hold even for an instance that is starting right now. */
export async function pauseSchedules(entities: string[]): Promise<void> {
  await setPaused(entities, true)
  for (const entity of entities) await current?.pause(entity)
}

export async function resumeSchedules(entities: string[]): Promise<void> {
  await setPaused(entities, false)
  for (const entity of entities) await current?.resume(entity)
}

export interface EntityStatus {
  enabled: boolean
  cron: string | null
  fullCron: string | null
  nextRunAt: Date | null
  /** The job syncing the entity right now, with its progress. */
  running: JobView | null
  /** A sync of the entity is queued (waiting, or waiting to retry) and has not started yet. */
  queued: boolean
}

/** Schedule and running job per entity, for the operations view. */
export async function entityStatus(): Promise<Map<string, EntityStatus>> {
  const settings = current?.settings ?? jobsSettings()
  const schedules = current?.schedules ?? schedulesOf(settings)
  const [nextRuns, jobs] = current ? await Promise.all([current.nextRuns(), current.jobs(['active', 'waiting', 'delayed'])]) : [new Map<string, Date>(), []]
  const active = jobs.filter(job => job.state === 'active')
  const status = new Map<string, EntityStatus>()
  for (const entity of entityNames()) {
    const config = scheduleConfigOf(settings, entity)
    const next = schedules
      .filter(s => s.entity === entity)
      .map(s => nextRuns.get(s.id))
      .filter((d): d is Date => Boolean(d))
      .sort((a, b) => a.getTime() - b.getTime())[0]
    status.set(entity, {
      enabled: schedules.some(s => s.entity === entity),
      cron: config.cron ?? null,
      fullCron: config.fullCron ?? null,
      nextRunAt: next ?? null,
      // An active job that skips has no startedAt: only the one holding the entity's lock has.
      running: active.find(job => job.entity === entity && job.startedAt) ?? null,
      // Waiting, or taken up by the runner but not yet holding the entity's lock.
      queued: jobs.some(job => job.entity === entity && !(job.state === 'active' && job.startedAt)),
    })
  }
  return status
}
