import cds from '@sap/cds'
import type { JobsSettings, Schedule } from './config'
import { nextRun } from './cron-schedule'
import { LocalLocks } from './locks'
import { JobRunner, within, type JobState, type JobView } from './runner'
import type { SyncJobData } from './sync-job'
import { retryDelay } from '../retry-delay'

// Without Redis (a fresh machine, `npm start`): timers in this process schedule the same jobs, with a lock per
// entity, retries and progress as with BullMQ, for this one instance only. Jobs live in memory: a restart forgets them, and the
// engine resumes an interrupted sync from its checkpoint on the next tick.

const LOG = cds.log('jobs')

/** setTimeout's limit (about 24.8 days); a tick further away is reached by re-arming on the way. */
const MAX_TIMEOUT = 2 ** 31 - 1

interface QueuedJob {
  view: JobView
  data: SyncJobData
}

export class InProcessRunner extends JobRunner {
  readonly description =
    'No Redis configured (cds.requires.jobs.redis or REDIS_URL): sync jobs are scheduled in this process, for a single instance only'
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; next: Date }>()
  private readonly retries = new Set<NodeJS.Timeout>()
  private readonly waiting: QueuedJob[] = []
  private readonly running = new Set<Promise<void>>()
  /** Newest first, bounded like BullMQ's kept jobs. */
  private recent: JobView[] = []
  private stopped = false

  constructor(settings: JobsSettings) {
    super(settings, new LocalLocks())
  }

  async stop() {
    this.stopped = true
    for (const id of this.timers.keys()) await this.unschedule(id)
    for (const retry of this.retries) clearTimeout(retry)
    this.waiting.length = 0
    if (this.running.size && !(await within(this.settings.shutdownGraceMs, Promise.all(this.running))))
      LOG.warn(`shutdown: a sync is still running after ${this.settings.shutdownGraceMs} ms; it resumes from its checkpoint next time`)
  }

  async nextRuns() {
    return new Map([...this.timers].map(([id, { next }]) => [id, next]))
  }

  async jobs(states?: JobState[]) {
    return this.recent.filter(job => !states || states.includes(job.state)).map(job => ({ ...job }))
  }

  protected async enqueue(data: SyncJobData) {
    const view: JobView = {
      ID: cds.utils.uuid(),
      entity: data.entity,
      mode: data.mode,
      trigger: data.trigger,
      state: 'waiting',
      attempts: 0,
      maxAttempts: this.settings.attempts,
      createdAt: new Date().toISOString(),
    }
    this.remember(view)
    this.waiting.push({ view, data })
    this.pump()
    return view.ID
  }

  protected async schedule(s: Schedule) {
    await this.unschedule(s.id)
    const data: SyncJobData = { entity: s.entity, mode: s.mode, trigger: 'schedule', pageSize: s.pageSize }
    const arm = (after: Date) => {
      const next = nextRun(s.cron, after)
      const timer = setTimeout(() => {
        if (Date.now() < next.getTime()) return arm(after) // woken early by MAX_TIMEOUT: keep waiting
        void this.enqueue(data)
        arm(next)
      }, Math.min(next.getTime() - Date.now(), MAX_TIMEOUT))
      timer.unref()
      this.timers.set(s.id, { timer, next })
    }
    arm(new Date())
  }

  protected async unschedule(id: string) {
    clearTimeout(this.timers.get(id)?.timer)
    this.timers.delete(id)
  }

  protected async scheduled() {
    return [...this.timers.keys()]
  }

  /** Starts waiting jobs while fewer than `concurrency` run. */
  private pump() {
    while (!this.stopped && this.running.size < this.settings.concurrency && this.waiting.length) {
      const job = this.waiting.shift()!
      const run: Promise<void> = this.process(job).finally(() => {
        this.running.delete(run)
        this.pump()
      })
      this.running.add(run)
    }
  }

  private async process({ view, data }: QueuedJob) {
    Object.assign(view, { state: 'active', attempts: view.attempts + 1 })
    try {
      const attempt = { jobId: view.ID, data, attempt: view.attempts, maxAttempts: view.maxAttempts }
      const result = await this.execute(attempt, progress => Object.assign(view, progress))
      Object.assign(view, { state: 'completed', ...result, finishedAt: new Date().toISOString() })
    } catch (error) {
      if (view.attempts >= view.maxAttempts || this.stopped) {
        Object.assign(view, { state: 'failed', message: (error as Error).message, finishedAt: new Date().toISOString() })
        return
      }
      // Like BullMQ: a job waiting for its retry does not hold a worker slot.
      view.state = 'delayed'
      const retry = setTimeout(() => {
        this.retries.delete(retry)
        this.waiting.push({ view, data })
        this.pump()
      }, this.backoff(view.attempts))
      retry.unref()
      this.retries.add(retry)
    }
  }

  /** The delay before the retry after attempt n, as BullMQ computes it. */
  private backoff(attempt: number): number {
    const { type, delay } = this.settings.backoff
    return type === 'exponential' ? Math.round(retryDelay(attempt, delay)) : delay
  }

  private remember(view: JobView) {
    const { completed, failed } = this.settings.keepJobs
    this.recent = [view, ...this.recent].slice(0, completed + failed)
  }
}
