import cds from '@sap/cds'
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import { once } from 'node:events'
import type { JobsSettings, Schedule } from './config'
import { RedisLocks } from './locks'
import { JobRunner, within, type JobState, type JobView } from './runner'
import type { SyncJobData, SyncJobProgress, SyncJobResult } from './sync-job'

// Production and CI: BullMQ on Redis. Every instance runs a worker on the same queue; BullMQ's job schedulers
// (one per schedule id, shared by all instances) create one job per tick, and the entity lock in Redis keeps
// two instances from syncing the same entity, so a tick that overlaps a running sync is skipped.

const LOG = cds.log('jobs')

type SyncJob = Job<SyncJobData, SyncJobResult>

const STATES: JobState[] = ['active', 'waiting', 'delayed', 'failed', 'completed']

export class BullmqRunner extends JobRunner {
  readonly description: string
  private readonly redis: Redis
  private readonly queue: Queue<SyncJobData, SyncJobResult>
  private worker?: Worker<SyncJobData, SyncJobResult>

  constructor(settings: JobsSettings, connection: string | RedisOptions) {
    // A BullMQ worker blocks on Redis: its connection must not give up on commands while Redis is away.
    const redis =
      typeof connection === 'string' ? new Redis(connection, { maxRetriesPerRequest: null }) : new Redis({ ...connection, maxRetriesPerRequest: null })
    super(settings, new RedisLocks(redis, `${settings.prefix}:${settings.queue}`, settings.lockTtlMs))
    this.redis = redis
    this.description = `Sync jobs run on BullMQ, queue '${settings.queue}' in Redis`
    this.queue = new Queue(settings.queue, { connection: redis, prefix: settings.prefix, defaultJobOptions: this.jobOptions() })
  }

  async start() {
    await super.start()
    const { queue, prefix, concurrency } = this.settings
    this.worker = new Worker<SyncJobData, SyncJobResult>(
      queue,
      job =>
        this.execute({ jobId: job.id!, data: job.data, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 }, progress =>
          job.updateProgress(progress)
        ),
      { connection: this.redis, prefix, concurrency }
    )
    this.worker.on('error', error => LOG.error(`job worker: ${error.message}`))
  }

  async stop() {
    const closing = this.worker?.close()
    if (closing && !(await within(this.settings.shutdownGraceMs, closing)))
      // The job stays active in Redis; when its BullMQ lock runs out another instance takes it up, and the engine
      // resumes from the last committed page. The entity lock is not deleted: it expires lockTtlMs after this process.
      LOG.warn(`shutdown: a sync is still running after ${this.settings.shutdownGraceMs} ms; it is left to another instance`)
    await within(this.settings.shutdownGraceMs, this.queue.close())
    if (this.redis.status === 'end') return
    const ended = once(this.redis, 'end')
    // quit lets pending replies arrive; a Redis that is away gets disconnected instead of awaited.
    const quit = this.redis.quit().catch(() => this.redis.disconnect())
    if (!(await within(1000, quit))) this.redis.disconnect()
    await ended
  }

  async nextRuns() {
    const schedulers = await this.queue.getJobSchedulers()
    return new Map(schedulers.filter(s => s.next).map(s => [s.key, new Date(s.next!)]))
  }

  async jobs(states = STATES): Promise<JobView[]> {
    const lists = await Promise.all(states.map(async state => (await this.queue.getJobs([state], 0, 99)).filter(Boolean).map(job => view(job, state))))
    return lists.flat().sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))
  }

  protected async enqueue(data: SyncJobData) {
    const job = await this.queue.add(`${data.entity}.${data.mode}`, data)
    return job.id!
  }

  protected async schedule(s: Schedule) {
    const data: SyncJobData = { entity: s.entity, mode: s.mode, trigger: 'schedule', pageSize: s.pageSize }
    await this.queue.upsertJobScheduler(s.id, { pattern: s.cron }, { name: s.id, data, opts: this.jobOptions() })
  }

  protected async unschedule(id: string) {
    await this.queue.removeJobScheduler(id)
  }

  protected async scheduled() {
    return (await this.queue.getJobSchedulers()).map(s => s.key)
  }

  private jobOptions(): JobsOptions {
    const { attempts, backoff, keepJobs } = this.settings
    return { attempts, backoff, removeOnComplete: { count: keepJobs.completed }, removeOnFail: { count: keepJobs.failed } }
  }
}

function view(job: SyncJob, state: JobState): JobView {
  const progress = (typeof job.progress === 'object' ? job.progress : {}) as Partial<SyncJobProgress>
  const result = job.returnvalue as SyncJobResult | null
  return {
    ID: job.id!,
    entity: job.data.entity,
    mode: job.data.mode,
    trigger: job.data.trigger,
    state,
    ...progress,
    outcome: result?.outcome,
    message: result?.message ?? (job.failedReason || undefined),
    syncRunId: result?.syncRunId,
    attempts: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    createdAt: isoOf(job.timestamp),
    finishedAt: isoOf(job.finishedOn),
  }
}

const isoOf = (millis?: number) => (millis ? new Date(millis).toISOString() : undefined)

