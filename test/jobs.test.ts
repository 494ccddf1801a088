// Scheduled sync jobs: BullMQ against the real Redis on 127.0.0.1:6379 (REDIS_URL), the in-process runner, the
// entity lock and the cron schedules. S/4HANA is played by nock; every test works under its own queue, and all
// Redis keys of this run are under one prefix that is deleted afterwards.
import cds from '@sap/cds'
import nock from 'nock'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { format } from 'node:util'
import { nextRun } from '../srv/jobs/cron-schedule'
import { BullmqRunner } from '../srv/jobs/bullmq-runner'
import { InProcessRunner } from '../srv/jobs/in-process-runner'
import { RedisLocks } from '../srv/jobs/locks'
import { jobsSettings, type EntitySchedule, type JobsSettings } from '../srv/jobs/config'
import { jobRunner, pauseSchedules, resumeSchedules, startJobs, stopJobs, type JobRunner } from '../srv/jobs'
import type { SyncJobData } from '../srv/jobs/sync-job'
import { s4Settings } from '../srv/s4/destination'
import { REDIS, S4, DUNNING, collection, dunning, eventually, sleep } from './support'
import { SyncRuns } from '#cds-models/invoicecrm/integration'

/** Log lines of cds.log('jobs') while a test runs. */
function captureJobLog() {
  const log = cds.log('jobs') as unknown as Record<'info' | 'warn' | 'error', (...args: unknown[]) => void>
  const lines: string[] = []
  const originals = { info: log.info, warn: log.warn, error: log.error }
  for (const level of ['info', 'warn', 'error'] as const)
    log[level] = (...args: unknown[]) => {
      lines.push(format(...args))
      originals[level](...args)
    }
  return { lines, restore: () => Object.assign(log, originals) }
}

describe('scheduled sync jobs', () => {
  const { expect } = cds.test(__dirname + '/..')
  const prefix = `test-invoicecrm-${process.pid}-${Date.now()}`
  const redis = new Redis(REDIS)
  const runners: JobRunner[] = []
  let queues = 0
  let queue = ''
  const s4 = s4Settings()
  const original = { ...s4, retry: { ...s4.retry } }

  /** Settings of one test: its own queue, short timings, and only the schedules it names. */
  const settings = (schedules: Record<string, EntitySchedule> = {}, overrides: Partial<JobsSettings> = {}): JobsSettings => ({
    ...jobsSettings(),
    redis: REDIS,
    prefix,
    queue,
    concurrency: 3,
    lockTtlMs: 3000,
    attempts: 2,
    backoff: { type: 'fixed', delay: 100 },
    shutdownGraceMs: 3000,
    schedules,
    ...overrides,
  })

  async function bullmq(s = settings()) {
    const runner = new BullmqRunner(s, REDIS)
    runners.push(runner)
    await runner.start()
    return runner
  }

  /** Adds a job the way a scheduler or runNow does, bypassing runNow's check for a running sync. */
  async function addJobs(count: number, data: Partial<SyncJobData> = {}) {
    const q = new Queue(queue, { connection: redis, prefix })
    for (let i = 0; i < count; i++) await q.add('test', { entity: 'CustomerDunning', mode: 'full', trigger: 'manual', pageSize: 1000, ...data })
    await q.close()
  }

  const runsOf = async (entity = 'CustomerDunning') => SELECT.from(SyncRuns).where({ entity }).orderBy('startedAt')

  before(() => {
    nock.disableNetConnect()
    nock.enableNetConnect(host => /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host))
    Object.assign(s4, { url: S4, timeoutMs: 5000, retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 100 } })
  })
  beforeEach(() => {
    queue = `sync-${++queues}`
  })
  afterEach(async () => {
    await Promise.all(runners.splice(0).map(r => r.stop()))
    await stopJobs()
    nock.cleanAll()
    for (const entity of ['Runs', 'RunErrors', 'Rejections', 'States', 'Schedules', 'SeenKeys']) await DELETE.from(`invoicecrm.integration.Sync${entity}`)
    await DELETE.from('invoicecrm.mirror.CustomerDunning')
  })
  after(async () => {
    Object.assign(s4, original)
    nock.enableNetConnect()
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    await redis.quit()
  })

  describe('cron schedules', () => {
    const at = (iso: string) => new Date(iso)
    const next = (cron: string, after: string) => nextRun(cron, at(after)).toISOString()
    // Schedules are in local time; the expected values are written for the test process's time zone.
    const local = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => new Date(y, mo - 1, d, h, mi, s).toISOString()

    it('finds the next tick of steps, lists, ranges and seconds', () => {
      expect(next('*/15 * * * *', local(2026, 3, 2, 10, 7, 30))).to.equal(local(2026, 3, 2, 10, 15))
      expect(next('*/5 * * * *', local(2026, 3, 2, 10, 55))).to.equal(local(2026, 3, 2, 11, 0))
      expect(next('5,35 1-2 * * *', local(2026, 3, 2, 1, 35))).to.equal(local(2026, 3, 2, 2, 5))
      expect(next('33 2 * * *', local(2026, 3, 2, 2, 33))).to.equal(local(2026, 3, 3, 2, 33))
      expect(next('0 0 1 */3 *', local(2026, 3, 2, 0, 0))).to.equal(local(2026, 4, 1, 0, 0))
      expect(next('*/10 * * * * *', local(2026, 3, 2, 10, 0, 3))).to.equal(local(2026, 3, 2, 10, 0, 10))
      expect(next('* * * * * *', local(2026, 3, 2, 10, 0, 3)), 'strictly after').to.equal(local(2026, 3, 2, 10, 0, 4))
    })

    it('matches either day field when both are restricted, and Sunday as 0 or 7', () => {
      // 2026-03-02 is a Monday: the next Friday is the 6th, before the 13th.
      expect(next('0 8 13 * 5', local(2026, 3, 2, 9, 0))).to.equal(local(2026, 3, 6, 8, 0))
      expect(next('0 8 * * 7', local(2026, 3, 2, 9, 0))).to.equal(local(2026, 3, 8, 8, 0))
      expect(next('0 8 * * 0', local(2026, 3, 2, 9, 0))).to.equal(local(2026, 3, 8, 8, 0))
    })

    it('reads names and the last day of the month as BullMQ does', () => {
      expect(next('0 8 * * MON', local(2026, 3, 3, 9, 0))).to.equal(local(2026, 3, 9, 8, 0))
      expect(next('0 0 L * *', local(2026, 3, 2, 0, 0))).to.equal(local(2026, 3, 31, 0, 0))
    })

    it('rejects what cannot be scheduled, so that both runners accept the same schedules', () => {
      for (const bad of ['', '* * * *', '* * * * * * *', '61 * * * *', '*/0 * * * *', 'x * * * *', '5-1 * * * *', '0 0 31 2 *', '0 0 31 4,6 *'])
        expect(() => nextRun(bad, at('2026-03-02T00:00:00Z')), bad).to.throw(/^cron '/)
    })
  })

  describe('entity lock in Redis', () => {
    it('is held by one holder at a time, extended while held, and released only by its holder', async () => {
      const key = `${prefix}:test-locks`
      const one = new RedisLocks(redis, key, 300)
      const other = new RedisLocks(new Redis(REDIS), key, 300)
      const lease = await one.acquire('SalesOrders', 'job-1')
      expect(lease).to.not.equal(undefined)
      expect(await other.acquire('SalesOrders', 'job-2')).to.equal(undefined)
      expect(await other.holder('SalesOrders')).to.equal('job-1')
      await sleep(700)
      expect(await other.acquire('SalesOrders', 'job-2'), 'still held after twice its time to live').to.equal(undefined)
      await lease!.release()
      const second = await other.acquire('SalesOrders', 'job-2')
      expect(second).to.not.equal(undefined)
      await lease!.release()
      expect(await one.holder('SalesOrders'), "a stale lease does not release the new holder's lock").to.equal('job-2')
      await second!.release()
      expect(await one.holder('SalesOrders')).to.equal(undefined)
      await (other as unknown as { redis: Redis }).redis.quit()
    })
  })

  describe('BullMQ on Redis', () => {
    it('runs a scheduled job: the sync runs, its run is recorded and linked from the job', async () => {
      nock(S4).persist().get(DUNNING).query(true).reply(200, collection([dunning('17100001')]))
      const runner = await bullmq(settings({ CustomerDunning: { fullCron: '* * * * * *' } }))
      expect([...(await runner.nextRuns()).keys()]).to.deep.equal(['CustomerDunning.full'])

      const [run] = await eventually('a scheduled run', async () => {
        const runs = await runsOf()
        return runs.some(r => r.status === 'succeeded') && runs
      })
      expect(run).to.include({ entity: 'CustomerDunning', mode: 'full', rowsUpserted: 1 })
      expect(await SELECT.from('invoicecrm.mirror.CustomerDunning')).to.have.length(1)
      const job = await eventually('the completed job', async () => (await runner.jobs(['completed'])).find(j => j.syncRunId === run.ID))
      expect(job).to.include({ entity: 'CustomerDunning', mode: 'full', trigger: 'schedule', outcome: 'synced' })
      expect(job.correlationId).to.match(/^[0-9a-f-]{36}$/)
    })

    it('shows the progress of a running job, page by page', async () => {
      nock(S4).get(DUNNING).query(true).reply(200, collection([dunning('17100001')]))
      nock(S4).get(DUNNING).query(true).delay(1500).reply(200, collection([]))
      const runner = await bullmq(settings({ CustomerDunning: { pageSize: 1 } }))
      const request = await runner.runNow('CustomerDunning', 'full')
      expect(request).to.include({ status: 'queued' })

      const active = await eventually('progress after the first page', async () =>
        (await runner.jobs(['active'])).find(j => j.ID === request.jobId && j.pages === 1)
      )
      expect(active).to.include({ rowsRead: 1, rowsUpserted: 1 })
      const again = await runner.runNow('CustomerDunning', 'full')
      expect(again, 'a run now while it runs').to.include({ status: 'skipped', jobId: request.jobId })
      await eventually('the job to complete', async () => (await runner.jobs(['completed'])).some(j => j.ID === request.jobId))
    })

    it('never runs the same entity twice at once across two instances; the others skip and say so', async () => {
      const log = captureJobLog()
      let concurrent = 0
      let maxConcurrent = 0
      nock(S4)
        .persist()
        .get(DUNNING)
        .query(true)
        .reply(async () => {
          maxConcurrent = Math.max(maxConcurrent, ++concurrent)
          await sleep(400)
          concurrent--
          return [200, collection([])]
        })
      try {
        // Two instances with 3 worker slots each; 6 jobs for the same entity arrive at once.
        await bullmq()
        await bullmq()
        await addJobs(6)
        const done = await eventually('all six jobs to finish', async () => {
          const jobs = (await Promise.all(runners.map(r => r.jobs(['completed', 'failed'])))).flat()
          const unique = new Map(jobs.map(j => [j.ID, j]))
          return unique.size === 6 && [...unique.values()]
        })
        const runs = await runsOf()
        const skipped = done.filter(j => j.outcome === 'skipped')
        expect(maxConcurrent, 'requests to S/4HANA in parallel').to.equal(1)
        expect(runs.length).to.be.at.least(1)
        expect(runs.length + skipped.length).to.equal(6)
        expect(skipped.length).to.be.at.least(1)
        for (let i = 1; i < runs.length; i++) expect(runs[i].startedAt! >= runs[i - 1].finishedAt!, 'runs do not overlap').to.equal(true)
        expect(log.lines.filter(l => /CustomerDunning: full sync skipped, job \S+ is still syncing it/.test(l))).to.have.length(skipped.length)
      } finally {
        log.restore()
      }
    })

    it('skips a scheduled tick that overlaps the running sync instead of queueing it behind', async () => {
      const log = captureJobLog()
      nock(S4).get(DUNNING).query(true).delay(2300).reply(200, collection([]))
      try {
        const runner = await bullmq(settings({ CustomerDunning: { fullCron: '* * * * * *' } }))
        await eventually('a skipped tick', async () => (await runner.jobs(['completed'])).some(j => j.outcome === 'skipped'))
        await runner.pause('CustomerDunning')
        await eventually('the sync to finish', async () => !(await runner.jobs(['active', 'waiting', 'delayed'])).length)
        const jobs = await runner.jobs()
        const synced = jobs.filter(j => j.outcome === 'synced')
        const skipped = jobs.filter(j => j.outcome === 'skipped')
        expect(synced, 'one sync ran').to.have.length(1)
        expect(skipped.every(j => j.trigger === 'schedule')).to.equal(true)
        expect(jobs.filter(j => j.state === 'waiting'), 'nothing queued up behind the running sync').to.have.length(0)
        expect(log.lines.some(l => /CustomerDunning: full sync skipped, job repeat:CustomerDunning\.full:\d+ is still syncing it/.test(l))).to.equal(true)
      } finally {
        log.restore()
      }
    })

    it('retries a failed sync by policy, then leaves the job failed with its reason', async () => {
      const log = captureJobLog()
      nock(S4).persist().get(DUNNING).query(true).reply(400, { error: { code: 'X/1', message: { lang: 'en', value: 'Property DunningArea is invalid' } } })
      try {
        const runner = await bullmq()
        const { jobId } = await runner.runNow('CustomerDunning', 'full')
        const failed = await eventually('the job to fail', async () => (await runner.jobs(['failed'])).find(j => j.ID === jobId))
        expect(failed).to.include({ attempts: 2, maxAttempts: 2, outcome: undefined })
        expect(failed.message).to.match(/CustomerDunning: full sync run \S+ failed: .*DunningArea is invalid/)
        const runs = await runsOf()
        expect(runs.map(r => r.status)).to.deep.equal(['failed', 'failed'])
        expect(log.lines.filter(l => /failed, attempt 1 of 2, will retry/.test(l))).to.have.length(1)
        expect(log.lines.filter(l => /failed, attempt 2 of 2:/.test(l))).to.have.length(1)
      } finally {
        log.restore()
      }
    })

    it('pauses and resumes a schedule for all instances, and the pause survives a restart', async () => {
      const s = settings({ CustomerDunning: { fullCron: '0 3 1 1 *' }, SalesOrders: { cron: '0 3 1 1 *' } })
      const runner = await startJobs(s)
      expect([...(await runner.nextRuns()).keys()].sort()).to.deep.equal(['CustomerDunning.full', 'SalesOrders.delta'])

      await pauseSchedules(['CustomerDunning'])
      expect([...(await runner.nextRuns()).keys()]).to.deep.equal(['SalesOrders.delta'])
      expect(await SELECT.one.from('invoicecrm.integration.SyncSchedules').where({ entity: 'CustomerDunning' })).to.include({ paused: true })

      await stopJobs()
      const restarted = await startJobs(s)
      expect([...(await restarted.nextRuns()).keys()], 'still paused after a restart').to.deep.equal(['SalesOrders.delta'])
      // A tick already created before the pause is skipped.
      await addJobs(1, { trigger: 'schedule' })
      const skipped = await eventually('the paused tick', async () => (await restarted.jobs(['completed']))[0])
      expect(skipped).to.include({ outcome: 'skipped', message: 'CustomerDunning: full sync skipped, its schedule is paused' })
      expect(await runsOf()).to.have.length(0)

      await resumeSchedules(['CustomerDunning'])
      expect(jobRunner()).to.equal(restarted)
      expect((await restarted.nextRuns()).get('CustomerDunning.full')?.getMonth()).to.equal(0)
      expect(await SELECT.one.from('invoicecrm.integration.SyncSchedules').where({ entity: 'CustomerDunning' })).to.include({ paused: false, pausedAt: null })
    })

    it('on shutdown stops scheduling, lets the running sync finish and closes its Redis connection', async () => {
      nock(S4).get(DUNNING).query(true).delay(800).reply(200, collection([dunning('17100001')]))
      const runner = await startJobs(settings({ CustomerDunning: { fullCron: '0 3 1 1 *' } }))
      const { jobId } = await runner.runNow('CustomerDunning', 'full')
      await eventually('the sync to run', async () => (await runner.jobs(['active'])).some(j => j.ID === jobId && j.startedAt))
      await stopJobs()
      expect(jobRunner()).to.equal(undefined)
      const [run] = await runsOf()
      expect(run).to.include({ status: 'succeeded', rowsUpserted: 1 })
      expect((runner as unknown as { redis: Redis }).redis.status).to.equal('end')
      // The schedule itself stays in Redis: the other instances go on.
      const q = new Queue(queue, { connection: redis, prefix })
      expect(await q.getJobScheduler('CustomerDunning.full')).to.not.equal(undefined)
      await q.close()
    })
  })

  describe('in-process runner (no Redis)', () => {
    it('says once that it schedules in this process, and fires on its schedule', async () => {
      const log = captureJobLog()
      const redisUrl = process.env.REDIS_URL
      delete process.env.REDIS_URL
      nock(S4).persist().get(DUNNING).query(true).reply(200, collection([dunning('17100001')]))
      try {
        const runner = await startJobs(settings({ CustomerDunning: { fullCron: '* * * * * *' } }, { redis: null }))
        expect(runner).to.be.instanceOf(InProcessRunner)
        expect(log.lines.filter(l => /No Redis configured/.test(l))).to.have.length(1)
        const job = await eventually('a scheduled run', async () => (await runner.jobs(['completed'])).find(j => j.outcome === 'synced'))
        expect(job).to.include({ entity: 'CustomerDunning', trigger: 'schedule', pages: 1, rowsUpserted: 1 })
        const [run] = await runsOf()
        expect(run).to.include({ ID: job.syncRunId, status: 'succeeded' })
      } finally {
        if (redisUrl) process.env.REDIS_URL = redisUrl
        log.restore()
      }
    })

    it('is refused where the profile requires Redis', async () => {
      const redisUrl = process.env.REDIS_URL
      delete process.env.REDIS_URL
      try {
        const error = await startJobs(settings({}, { redis: null, requireRedis: true })).catch(e => e)
        expect(error.message).to.match(/this profile needs Redis/)
        expect(jobRunner()).to.equal(undefined)
      } finally {
        if (redisUrl) process.env.REDIS_URL = redisUrl
      }
    })

    it('retries a failed sync by the same policy, then keeps it as failed', async () => {
      nock(S4).persist().get(DUNNING).query(true).reply(400, { error: { code: 'X/1', message: { lang: 'en', value: 'Bad request' } } })
      const runner = new InProcessRunner(settings())
      runners.push(runner)
      await runner.start()
      const { jobId } = await runner.runNow('CustomerDunning', 'full')
      const failed = await eventually('the job to fail', async () => (await runner.jobs(['failed'])).find(j => j.ID === jobId))
      expect(failed).to.include({ attempts: 2, maxAttempts: 2 })
      expect(await runsOf()).to.have.length(2)
    })
  })
})
