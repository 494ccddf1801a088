import cds from '@sap/cds'
import { SyncEntities, SyncState, SyncStates, SyncJobs, WriteBackOperation, WriteBackOperations, CustomFieldMappings, runNow, pause, resume } from '#cds-models/IntegrationService'
import { customFieldChecks, discardOperation, retryOperation } from '../writeback'
import { entityName, entityNames, entityStatus, jobRunner, pauseSchedules, resumeSchedules, type JobRunner, type RunRequest } from '../jobs'
import type { SyncMode } from '../sync'

/** Operations on the sync: what the database knows, completed by what the job runner knows right now. */
export default class IntegrationService extends cds.ApplicationService {
  init() {
    this.after('READ', SyncStates, async result => {
      const rows = [result ?? []].flat() as SyncState[]
      if (!rows.length) return
      const status = await entityStatus()
      for (const row of rows) {
        const s = status.get(row.entity!)
        if (!s) continue
        Object.assign(row, {
          enabled: s.enabled,
          cron: s.cron,
          fullCron: s.fullCron,
          nextRunAt: row.paused ? null : (s.nextRunAt?.toISOString() ?? null),
          running: Boolean(s.running),
          queued: s.queued,
          runningJob: s.running?.ID ?? null,
          runningSince: s.running?.startedAt ?? null,
          pages: s.running?.pages ?? null,
          rowsRead: s.running?.rowsRead ?? null,
          rowsUpserted: s.running?.rowsUpserted ?? null,
          rowsRejected: s.running?.rowsRejected ?? null,
        })
      }
    })

    this.on('READ', SyncJobs, async req => {
      const jobs = await this.runner(req).jobs()
      const { ID } = req.data
      return ID === undefined ? jobs : jobs.find(job => job.ID === ID)
    })

    this.on(runNow, req => this.queueSyncs(req, this.entitiesOf(req.data.entity!), req.data.full ? 'full' : 'delta'))
    this.on(pause, req => this.switchSchedules(this.entitiesOf(req.data.entity!), true))
    this.on(resume, req => this.switchSchedules(this.entitiesOf(req.data.entity!), false))

    // The same on the row of a sync state (the monitor app's buttons); each answers with the row as it is now.
    this.on(SyncState.actions.runDelta, req => this.queueSyncOfRow(req, 'delta'))
    this.on(SyncState.actions.runFull, req => this.queueSyncOfRow(req, 'full'))
    this.on(SyncState.actions.pauseSchedule, async req => (await this.switchSchedules([this.entityOfRow(req)], true))[0])
    this.on(SyncState.actions.resumeSchedule, async req => (await this.switchSchedules([this.entityOfRow(req)], false))[0])

    this.on(WriteBackOperation.actions.retry, async req => {
      const ID = this.keyOf(req, 'ID')
      if (!(await retryOperation(ID))) {
        const op = (await SELECT.one.from(WriteBackOperations).columns('status', 'supersededBy_ID').where({ ID })) as { status: string; supersededBy_ID: string } | undefined
        // Sending an older state again would overwrite the newer one S/4HANA has (or is about to get).
        if (op?.status === 'Superseded') return req.reject({ status: 409, message: 'WRITEBACK_SUPERSEDED', args: [ID, op.supersededBy_ID] })
        return req.reject({ status: 409, message: 'WRITEBACK_NOT_RETRYABLE', args: [ID] })
      }
      return SELECT.one.from(WriteBackOperations).where({ ID })
    })

    this.on(WriteBackOperation.actions.discard, async req => {
      const ID = this.keyOf(req, 'ID')
      if (!req.data.reason?.trim()) return req.reject(400, 'WRITEBACK_DISCARD_NEEDS_REASON')
      if (!(await discardOperation(ID, req.data.reason, req.user.id)))
        return req.reject({ status: 409, message: 'WRITEBACK_NOT_DISCARDABLE', args: [ID] })
      return SELECT.one.from(WriteBackOperations).where({ ID })
    })

    this.on('READ', CustomFieldMappings, () =>
      (customFieldChecks() ?? []).map(c => ({ entity: c.mapping.entity, field: c.mapping.field, usable: c.usable, reason: c.reason ?? null }))
    )

    return super.init()
  }

  /** The key of the row a bound action was called on. */
  private keyOf(req: cds.Request, name: 'ID' | 'entity'): string {
    const key = (req.params[0] as Record<string, string> | string | undefined) ?? ''
    return typeof key === 'string' ? key : (key[name] ?? '')
  }

  /** The synced entity of the SyncStates row a bound action was called on; 404 for a row that does not exist. */
  private entityOfRow(req: cds.Request): string {
    const entity = this.keyOf(req, 'entity')
    return entityNames().includes(entity) ? entity : req.reject({ status: 404, message: 'SYNC_STATE_NOT_FOUND', args: [entity] })
  }

  private async queueSyncs(req: cds.Request, entities: string[], mode: SyncMode): Promise<RunRequest[]> {
    const runner = this.runner(req)
    const requests = []
    // One after the other, so that 'all' queues customers before the documents that name them.
    for (const name of entities) requests.push(await runner.runNow(name, mode))
    return requests
  }

  /**
   * Queues a sync of the row's entity and says so: a success message (Fiori elements shows it as a toast), or a
   * warning when the request is skipped because the entity syncs already.
   */
  private async queueSyncOfRow(req: cds.Request, mode: SyncMode): Promise<SyncState> {
    const entity = this.entityOfRow(req)
    const [request] = await this.queueSyncs(req, [entity], mode)
    // The toast in the admin's language, the entity by its name there (CAP 10.1.1 translates sap-messages into the
    // default language only); the request's own message stays the API's English for scripts.
    const [named] = await SELECT.localized.from(SyncEntities).columns('name').where({ code: entity })
    const text = (key: string) => cds.i18n.messages.at(key, req.locale, [named?.name ?? entity, request.jobId]) ?? key
    if (request.status === 'queued') req.notify(text(request.mode === 'full' ? 'SYNC_FULL_QUEUED' : 'SYNC_DELTA_QUEUED'))
    else req.warn(text('SYNC_ALREADY_RUNNING'))
    return (await this.statesOf([entity]))[0]
  }

  private async switchSchedules(entities: string[], paused: boolean): Promise<SyncState[]> {
    await (paused ? pauseSchedules : resumeSchedules)(entities)
    return this.statesOf(entities)
  }

  /** Read through this service, so that the schedule and the running job are filled in. */
  private async statesOf(entities: string[]): Promise<SyncState[]> {
    return this.read(SyncStates).where({ entity: { in: entities } })
  }

  /** The entities an action's `entity` names: one (spelled as in the sync descriptions), or all of them. An unknown one throws UnknownEntity, which CAP answers with 400. */
  private entitiesOf(entity: string): string[] {
    if (entity?.toLowerCase() === 'all') return entityNames()
    return [entityName(entity)]
  }

  private runner(req: cds.Request): JobRunner {
    return jobRunner() ?? req.reject(503, 'NO_JOB_RUNNER')
  }
}
