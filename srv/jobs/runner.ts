import cds from '@sap/cds'
import type { SyncMode } from '#cds-models/invoicecrm/integration'
import { pageSizeOf, schedulesOf, type JobsSettings, type Schedule } from './config'
import type { EntityLocks } from './locks'
import { ensureScheduleRows, pausedEntities } from './pause-state'
import { runSyncJob, type SyncJobAttempt, type SyncJobData, type SyncJobProgress, type SyncJobResult } from './sync-job'

// What both runners share; BullmqRunner and InProcessRunner only differ in how they queue and schedule.

const LOG = cds.log('jobs')

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed'

/** A job as the operations view shows it (IntegrationService.SyncJobs). */
export interface JobView extends Partial<SyncJobProgress> {
  ID: string
  entity: string
  mode: SyncMode
  trigger: SyncJobData['trigger']
  state: JobState
  /** For a completed job: synced or skipped. */
  outcome?: SyncJobResult['outcome']
  message?: string
  syncRunId?: string
  attempts: number
  maxAttempts: number
  createdAt?: string
  finishedAt?: string
}

export interface RunRequest {
  entity: string
  mode: SyncMode
  status: 'queued' | 'skipped'
  /** The job that was queued, or for a skipped request the job that is syncing the entity. */
  jobId: string | null
  message: string
}

export abstract class JobRunner {
  /** Said once at start-up: where the jobs run. */
  abstract readonly description: string
  readonly schedules: Schedule[]

  constructor(
    readonly settings: JobsSettings,
    protected readonly locks: EntityLocks
  ) {
    this.schedules = schedulesOf(settings)
  }

  /** Schedules every configured cron whose entity is not paused. */
  async start(): Promise<void> {
    await ensureScheduleRows()
    const paused = await pausedEntities()
    const wanted = this.schedules.filter(s => !paused.has(s.entity))
    // What an earlier start scheduled may since have been disabled, removed from the configuration, or paused.
    for (const id of await this.scheduled()) if (!wanted.some(s => s.id === id)) await this.unschedule(id)
    for (const schedule of wanted) await this.schedule(schedule)
    LOG.info(`${this.description}; schedules: ${wanted.length}${paused.size ? `, paused: ${[...paused].join(', ')}` : ''}`)
  }

  /** Stops scheduling; a running sync gets shutdownGraceMs to finish, then it is left to expire and resume elsewhere. */
  abstract stop(): Promise<void>

  /** Queues a sync of the entity unless one is running, which the operator is told instead. */
  async runNow(entity: string, mode: SyncMode): Promise<RunRequest> {
    const holder = await this.locks.holder(entity)
    if (holder) return { entity, mode, status: 'skipped', jobId: holder, message: `${entity} is already syncing (job ${holder}); not queued` }
    const jobId = await this.enqueue({ entity, mode, trigger: 'manual', pageSize: pageSizeOf(this.settings, entity) })
    LOG.info(`${entity}: ${mode} sync queued on request`, { job: jobId })
    return { entity, mode, status: 'queued', jobId, message: `${mode} sync of ${entity} queued as job ${jobId}` }
  }

  async pause(entity: string): Promise<void> {
    for (const schedule of this.schedules.filter(s => s.entity === entity)) await this.unschedule(schedule.id)
  }

  async resume(entity: string): Promise<void> {
    for (const schedule of this.schedules.filter(s => s.entity === entity)) await this.schedule(schedule)
  }

  /** When each schedule (by id) fires next. */
  abstract nextRuns(): Promise<Map<string, Date>>

  /** Recent jobs, newest first; only those in the given states if any are given. */
  abstract jobs(states?: JobState[]): Promise<JobView[]>

  protected abstract enqueue(data: SyncJobData): Promise<string>
  protected abstract schedule(schedule: Schedule): Promise<void>
  protected abstract unschedule(id: string): Promise<void>
  /** Ids of the schedules in effect. */
  protected abstract scheduled(): Promise<string[]>

  protected execute(attempt: SyncJobAttempt, report: (progress: SyncJobProgress) => unknown): Promise<SyncJobResult> {
    return runSyncJob(attempt, this.locks, report)
  }
}

/** Whether the promise settles within ms. */
export async function within(ms: number, promise: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>(resolve => (timer = setTimeout(resolve, ms, false)))
  try {
    return await Promise.race([promise.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}
