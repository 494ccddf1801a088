// IntegrationService over HTTP as the integration administrator, with the BullMQ runner on the real Redis
// (REDIS_URL or 127.0.0.1:6379) and nock as S/4HANA; and the winston logging behind cds.log.
import cds from '@sap/cds'
import nock from 'nock'
import { Redis } from 'ioredis'
import { PassThrough } from 'node:stream'
import { jobsSettings } from '../srv/jobs/config'
import { startJobs, stopJobs } from '../srv/jobs'
import { installLogging, loggerFactory, redact } from '../srv/logging'
import { s4Settings } from '../srv/s4/destination'
import { REDIS, S4, DUNNING, collection, dunning, eventually } from './support'

const NEVER_IN_A_TEST = '0 3 1 1 *'

describe('operations', () => {
  const { GET, POST, expect } = cds.test(__dirname + '/..')
  const admin = { auth: { username: 'admin', password: 'admin' } }

  describe('IntegrationService', () => {
    const clerk = { auth: { username: 'clerk', password: 'clerk' } }
    const prefix = `test-invoicecrm-${process.pid}-${Date.now()}`
    const s4 = s4Settings()
    const original = { ...s4, retry: { ...s4.retry } }

    const statusOf = (request: Promise<{ status: number }>) =>
      request.then(
        (response: { status: number }) => response.status,
        (error: { status: number }) => error.status
      )
    const finished = (jobId: string) =>
      eventually(`job ${jobId} to finish`, async () => {
        const { data: job } = await GET(`/odata/v4/integration/SyncJobs('${jobId}')`, admin)
        return ['completed', 'failed'].includes(job.state) && (job as Record<string, unknown>)
      })

    before(async () => {
      nock.disableNetConnect()
      nock.enableNetConnect(host => /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host))
      Object.assign(s4, { url: S4, timeoutMs: 5000, retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 100 } })
      await startJobs({
        ...jobsSettings(),
        redis: REDIS,
        prefix,
        attempts: 2,
        backoff: { type: 'fixed', delay: 50 },
        shutdownGraceMs: 3000,
        schedules: {
          CustomerDunning: { fullCron: NEVER_IN_A_TEST, pageSize: 1 },
          SalesOrders: { cron: NEVER_IN_A_TEST, fullCron: NEVER_IN_A_TEST },
        },
      })
    })
    afterEach(() => nock.cleanAll())
    after(async () => {
      await stopJobs()
      for (const entity of ['Runs', 'RunErrors', 'Rejections', 'States', 'Schedules', 'SeenKeys']) await DELETE.from(`invoicecrm.integration.Sync${entity}`)
      await DELETE.from('invoicecrm.mirror.CustomerDunning')
      Object.assign(s4, original)
      nock.enableNetConnect()
      const redis = new Redis(REDIS)
      const keys = await redis.keys(`${prefix}:*`)
      if (keys.length) await redis.del(...keys)
      await redis.quit()
    })

    it('is for integration administrators only: 403 for a clerk, 401 without a user', async () => {
      for (const path of ['SyncStates', 'SyncRuns', 'SyncRunErrors', 'SyncRejections', 'SyncJobs'])
        expect(await statusOf(GET(`/odata/v4/integration/${path}`, clerk)), path).to.equal(403)
      expect(await statusOf(POST('/odata/v4/integration/runNow', { entity: 'CustomerDunning' }, clerk))).to.equal(403)
      expect(await statusOf(POST('/odata/v4/integration/pause', { entity: 'CustomerDunning' }, clerk))).to.equal(403)
      expect(await statusOf(GET('/odata/v4/integration/SyncStates'))).to.equal(401)
      expect(await statusOf(GET('/odata/v4/integration/SyncStates', admin))).to.equal(200)
    })

    it('lists every synced entity with its schedule, also before its first sync', async () => {
      const { data } = await GET('/odata/v4/integration/SyncStates', admin)
      expect(data.value.map((s: { entity: string }) => s.entity).sort()).to.deep.equal([
        'BillingDocuments', 'CustomerCompanies', 'CustomerDunning', 'CustomerSalesAreas', 'Customers', 'ReceivableItems', 'SalesOrders',
      ].sort())
      const orders = data.value.find((s: { entity: string }) => s.entity === 'SalesOrders')
      expect(orders).to.include({ enabled: true, paused: false, running: false, cron: NEVER_IN_A_TEST, lastSuccessAt: null })
      expect(new Date(orders.nextRunAt).getMonth(), 'next 1 January').to.equal(0)
      expect(data.value.find((s: { entity: string }) => s.entity === 'Customers')).to.include({ enabled: false, nextRunAt: null })
    })

    it("names every synced entity in the admin's language: English, German, Simplified Chinese", async () => {
      const names = async (language: string) => {
        const { data } = await GET('/odata/v4/integration/SyncStates?$select=entity&$expand=entityText($select=name)&$orderby=entity', { ...admin, headers: { 'Accept-Language': language } })
        return Object.fromEntries(data.value.map((s: { entity: string; entityText: { name: string } | null }) => [s.entity, s.entityText?.name]))
      }
      const english = await names('en')
      expect(english).to.include({ BillingDocuments: 'Billing Documents', ReceivableItems: 'Receivables (FI Items)' })
      const german = await names('de')
      expect(german).to.include({ BillingDocuments: 'Fakturen', SalesOrders: 'Kundenaufträge' })
      const chinese = await names('zh-CN')
      for (const entity of Object.keys(english)) {
        expect(english[entity], entity).to.be.a('string')
        expect(german[entity], entity).to.be.a('string').and.not.equal(english[entity])
        expect(chinese[entity], entity).to.match(/\p{Script=Han}/u)
      }
    })

    it('rejects an unknown entity with 400 and says which ones exist', async () => {
      for (const action of ['runNow', 'pause', 'resume']) {
        const error = await POST(`/odata/v4/integration/${action}`, { entity: 'Invoices' }, admin).catch(e => e)
        expect(error.status, action).to.equal(400)
        expect(error.response.data.error.message).to.equal(
          "Unknown sync entity 'Invoices'. Known: Customers, CustomerSalesAreas, CustomerCompanies, CustomerDunning, SalesOrders, BillingDocuments, ReceivableItems, or 'all'"
        )
      }
    })

    it('runs an entity now, shows its progress while it runs, skips a second request meanwhile, and records the run', async () => {
      nock(S4).get(DUNNING).query(true).reply(200, collection([dunning('17100001')]))
      nock(S4).get(DUNNING).query(true).delay(1200).reply(200, collection([]))
      const { data } = await POST('/odata/v4/integration/runNow', { entity: 'customerdunning', full: true }, admin)
      expect(data.value).to.have.length(1)
      const [queued] = data.value
      expect(queued).to.include({ entity: 'CustomerDunning', mode: 'full', status: 'queued' })

      const running = await eventually('progress in SyncStates', async () => {
        const { data: state } = await GET(`/odata/v4/integration/SyncStates('CustomerDunning')`, admin)
        return state.running && state.pages === 1 && state
      })
      expect(running).to.include({ runningJob: queued.jobId, rowsRead: 1, rowsUpserted: 1 })
      const { data: again } = await POST('/odata/v4/integration/runNow', { entity: 'CustomerDunning', full: true }, admin)
      expect(again.value[0]).to.include({ status: 'skipped', jobId: queued.jobId })
      expect(again.value[0].message).to.match(/already syncing/)

      const job = await finished(queued.jobId)
      expect(job).to.include({ state: 'completed', outcome: 'synced', trigger: 'manual', pages: 1 })
      const { data: state } = await GET(`/odata/v4/integration/SyncStates('CustomerDunning')?$expand=lastRun`, admin)
      expect(state).to.include({ running: false, lastRunStatus: 'succeeded', lastRunID: job.syncRunId })
      expect(state.lastSuccessAt).to.be.a('string')
      expect(state.lastRun).to.include({ ID: job.syncRunId, entity: 'CustomerDunning', rowsUpserted: 1 })
    })

    it("queues 'all' entities in dependency order", async () => {
      nock(S4).persist().get(/.*/).query(true).reply(200, collection([]))
      const { data } = await POST('/odata/v4/integration/runNow', { entity: 'all' }, admin)
      expect(data.value.map((r: { entity: string }) => r.entity)).to.deep.equal([
        'Customers', 'CustomerSalesAreas', 'CustomerCompanies', 'CustomerDunning', 'SalesOrders', 'BillingDocuments', 'ReceivableItems',
      ])
      expect(data.value.every((r: { status: string; mode: string }) => r.status === 'queued' && r.mode === 'delta')).to.equal(true)
      for (const { jobId } of data.value) expect(await finished(jobId)).to.include({ state: 'completed' })
    })

    it('shows a job that failed after its retries, with its reason, and the failed runs with their errors', async () => {
      nock(S4).persist().get(DUNNING).query(true).reply(400, { error: { code: 'X/1', message: { lang: 'en', value: 'Invalid filter' } } })
      const { data } = await POST('/odata/v4/integration/runNow', { entity: 'CustomerDunning' }, admin)
      const job = await finished(data.value[0].jobId)
      expect(job).to.include({ state: 'failed', attempts: 2, maxAttempts: 2 })
      expect(job.message).to.match(/Invalid filter/)
      const { data: runs } = await GET(`/odata/v4/integration/SyncRuns?$filter=status eq 'failed'&$expand=errors`, admin)
      expect(runs.value).to.have.length(2)
      expect(runs.value[0].errors[0]).to.include({ httpStatus: 400, retried: false })
    })

    it('pauses and resumes a schedule', async () => {
      const { data: paused } = await POST('/odata/v4/integration/pause', { entity: 'SalesOrders' }, admin)
      expect(paused.value).to.have.length(1)
      expect(paused.value[0]).to.include({ entity: 'SalesOrders', paused: true, nextRunAt: null })
      expect(paused.value[0].pausedAt).to.be.a('string')
      const { data: resumed } = await POST('/odata/v4/integration/resume', { entity: 'SalesOrders' }, admin)
      expect(resumed.value[0]).to.include({ paused: false, pausedAt: null })
      expect(resumed.value[0].nextRunAt).to.be.a('string')
    })

    it("runs, pauses and resumes the entity of a SyncStates row through its bound actions (the monitor app's buttons)", async () => {
      const row = (entity: string) => `/odata/v4/integration/SyncStates('${entity}')`
      for (const action of ['runDelta', 'runFull', 'pauseSchedule', 'resumeSchedule'])
        expect(await statusOf(POST(`${row('CustomerDunning')}/IntegrationService.${action}`, {}, clerk)), action).to.equal(403)
      expect(await statusOf(POST(`${row('Invoices')}/IntegrationService.runDelta`, {}, admin))).to.equal(404)

      const runsBefore = (await GET(`${row('CustomerDunning')}/runs`, admin)).data.value.length
      // A page size of 1 (see before()): the second page, empty, ends the reconciliation.
      nock(S4).get(DUNNING).query(true).reply(200, collection([dunning('17100002')]))
      nock(S4).get(DUNNING).query(true).reply(200, collection([]))
      const response = await POST(`${row('CustomerDunning')}/IntegrationService.runFull`, {}, { ...admin, headers: { 'Accept-Language': 'de' } })
      expect(response.data).to.include({ entity: 'CustomerDunning' })
      // The app shows the queued job as a message, in the admin's language; its id is how the job is found.
      const [message] = JSON.parse(response.headers['sap-messages'])
      expect(message, 'a success message').to.include({ numericSeverity: 1 })
      const jobId = /^Vollständige Synchronisation von Mahndaten der Kunden als Job (\S+) eingeplant$/.exec(message.message)?.[1]
      expect(jobId, message.message).to.be.a('string')
      const job = await finished(jobId!)
      expect(job).to.include({ state: 'completed', trigger: 'manual', mode: 'full' })
      const { data: state } = await GET(`${row('CustomerDunning')}?$expand=entityText,lastRunStatusText,runs($orderby=startedAt desc;$expand=statusText)`, admin)
      expect(state.entityText).to.include({ name: 'Customer Dunning Data' })
      expect(state.runs).to.have.length(runsBefore + 1)
      expect(state.runs[0]).to.include({ ID: job.syncRunId, mode: 'full', status: 'succeeded' })
      // The monitor shows a status with its code list's text and criticality (3: positive).
      expect(state.runs[0].statusText).to.include({ name: 'Succeeded', criticality: 3 })
      expect(state).to.include({ lastRunID: job.syncRunId })
      expect(state.lastRunStatusText).to.include({ name: 'Succeeded', criticality: 3 })

      const { data: paused } = await POST(`${row('SalesOrders')}/IntegrationService.pauseSchedule`, {}, admin)
      expect(paused).to.include({ entity: 'SalesOrders', paused: true, nextRunAt: null })
      const { data: resumed } = await POST(`${row('SalesOrders')}/IntegrationService.resumeSchedule`, {}, admin)
      expect(resumed).to.include({ entity: 'SalesOrders', paused: false })
      expect(resumed.nextRunAt).to.be.a('string')
    })
  })

  describe('logging', () => {

    const capture = () => {
      const stream = new PassThrough()
      const lines: string[] = []
      stream.on('data', chunk => lines.push(...String(chunk).split('\n').filter(Boolean)))
      return { stream, lines }
    }

    after(() => installLogging())

    it('writes JSON lines in production, with the correlation id of the request and no e-mail address', async () => {
      const { stream, lines } = capture()
      const nodeEnv = process.env.NODE_ENV
      process.env.NODE_ENV = 'production'
      try {
        installLogging({ stream })
      } finally {
        process.env.NODE_ENV = nodeEnv
      }
      // A handler that logs what an S/4HANA message might quote, while serving a request.
      const LOG = cds.log('sync')
      let logging = true
      const srv = cds.services.IntegrationService as cds.Service
      srv.prepend(() => srv.before('READ', 'SyncRuns', () => void (logging && LOG.warn('rejected record BusinessPartner=17100009: contact ap.team@example.com is invalid', { run: 'r-1' }))))
      try {
        await GET(`/odata/v4/integration/SyncRuns?$filter=entity eq 'Jane O''Doe'`, { ...admin, headers: { 'x-correlation-id': 'corr-4711' } })
      } finally {
        logging = false
      }

      const line = lines.map(l => JSON.parse(l)).find(l => /rejected record/.test(l.msg))
      expect(line).to.include({ level: 'warn', logger: 'sync', correlation_id: 'corr-4711', run: 'r-1' })
      expect(line.msg).to.equal('rejected record BusinessPartner=17100009: contact <e-mail> is invalid')
      expect(lines.join('\n')).not.to.match(/@example\.com/)
      const request = lines.map(l => JSON.parse(l)).find(l => l.logger === 'odata')
      expect(request).to.include({ msg: 'GET /odata/v4/integration/SyncRuns', $filter: "entity eq '…'", correlation_id: 'corr-4711' })
      expect(lines.join('\n')).not.to.match(/Jane/)
    })

    it('writes readable lines in development, and masks e-mail addresses there too', async () => {
      const { stream, lines } = capture()
      const LOG = loggerFactory({ json: false, stream })('jobs', 3)
      LOG.info('hello', { job: '42' })
      LOG.debug('not at level info')
      expect(lines).to.have.length(1)
      expect(lines[0]).to.match(/^\d{4}-\d\d-\d\dT\S+Z INFO {2}\[jobs\] hello {2}job=42$/)
      // In a context of its own (setImmediate), so that it does not stick to the tests that follow.
      await new Promise<void>(resolve =>
        setImmediate(() => {
          cds.context = new cds.EventContext({ id: 'corr-0815' } as never)
          LOG.warn('for someone@example.org')
          resolve()
        })
      )
      expect(lines[1]).to.match(/ WARN {2}\[jobs\] \(corr-0815\) for <e-mail>$/)
      expect(redact('a.b-c+d@mail.example.co.uk, x@y.de; not@this')).to.equal('<e-mail>, <e-mail>; not@this')
    })
  })
})
