import cds from '@sap/cds'
import { runSync } from '../sync'
import type { SyncMode } from '#cds-models/invoicecrm/integration'
import type { RunCounters } from '../sync/engine'
import type { EntityLocks } from './locks'
import { isPaused } from './pause-state'
import { inBackgroundContext } from '../background-context'
import { scheduledReminderRun } from '../collections/reminder-schedule'
import { scheduledStatementRun } from '../statements/statement-run'

// What a sync job does, whichever runner runs it: take the entity's lock or skip, sync, report progress,
// and throw when the sync failed so that the runner retries it by policy.

const LOG = cds.log('jobs')

export interface SyncJobData {
  entity: string
  mode: SyncMode
  /** schedule: fired by a cron, skipped while the schedule is paused; manual: an operator's runNow. */
  trigger: 'schedule' | 'manual'
  pageSize: number
}

export interface SyncJobProgress extends RunCounters {
  /** The correlation id of every log line of this run. */
  correlationId: string
  startedAt: string
}

export interface SyncJobResult {
  outcome: 'synced' | 'skipped'
  message: string
  /** The SyncRuns entry of a sync that ran. */
  syncRunId?: string
}

/** What a task job runs instead of a sync (srv/jobs/config.ts TASK_NAMES); it returns what it did, for the job's view. */
const TASKS: Record<string, () => Promise<string>> = {
  ReminderRun: scheduledReminderRun,
  StatementRun: scheduledStatementRun,
}

const NOTHING_YET: RunCounters = { pages: 0, rowsRead: 0, rowsUpserted: 0, rowsDeleted: 0, rowsRejected: 0, errorCount: 0 }

/** One attempt of a job, as the runner hands it over. */
export interface SyncJobAttempt {
  jobId: string
  data: SyncJobData
  /** 1 for the first attempt. */
  attempt: number
  maxAttempts: number
}

export async function runSyncJob(
  { jobId, data, attempt, maxAttempts }: SyncJobAttempt,
  locks: EntityLocks,
  report: (progress: SyncJobProgress) => unknown
): Promise<SyncJobResult> {
  const correlationId = cds.utils.uuid()
  return inBackgroundContext(async () => {
    const { entity, mode } = data
    const skip = (message: string): SyncJobResult => {
      LOG.info(message, { job: jobId })
      return { outcome: 'skipped', message }
    }
    if (data.trigger === 'schedule' && (await isPaused(entity))) return skip(`${entity}: ${mode} sync skipped, its schedule is paused`)
    const lease = await locks.acquire(entity, jobId)
    if (!lease) return skip(`${entity}: ${mode} sync skipped, job ${(await locks.holder(entity)) ?? '(just finished)'} is still syncing it`)

    const startedAt = new Date().toISOString()
    // The engine does not await onProgress: report in order, and never let a failed report fail the sync.
    let reporting: Promise<unknown> = Promise.resolve()
    const progress = ({ pages, rowsRead, rowsUpserted, rowsDeleted, rowsRejected, errorCount }: RunCounters) => {
      const counters = { pages, rowsRead, rowsUpserted, rowsDeleted, rowsRejected, errorCount }
      reporting = reporting
        .then(() => report({ correlationId, startedAt, ...counters }))
        .catch(error => LOG.warn(`${entity}: could not report progress: ${(error as Error).message}`, { job: jobId }))
    }
    try {
      progress(NOTHING_YET)
      LOG.info(`${entity}: ${data.trigger} ${mode} sync job started`, { job: jobId })
      const task = TASKS[entity]
      if (task) return { outcome: 'synced', message: await task() }
      const [summary] = await runSync(entity, mode, progress, data.pageSize)
      if (summary.status === 'failed') throw new Error(`${entity}: ${summary.mode} sync run ${summary.runId} failed: ${summary.message}`)
      return { outcome: 'synced', message: `${summary.mode} sync read ${summary.rowsRead} rows`, syncRunId: summary.runId }
    } catch (error) {
      const retrying = attempt < maxAttempts
      LOG[retrying ? 'warn' : 'error'](
        `${entity}: ${mode} sync job failed, attempt ${attempt} of ${maxAttempts}${retrying ? ', will retry' : ''}: ${(error as Error).message}`,
        { job: jobId }
      )
      throw error
    } finally {
      await reporting
      await lease.release()
    }
  }, correlationId)
}
