import cds from '@sap/cds'
import { SyncStates, SyncJobs, WriteBackOperation, WriteBackOperations, CustomFieldMappings, runNow, pause, resume, type SyncState } from '#cds-models/IntegrationService'
import { customFieldChecks, discardOperation, retryOperation } from './writeback'
import { entityName, entityNames, entityStatus, jobRunner, pauseSchedules, resumeSchedules, UnknownEntity, type JobRunner } from './jobs'

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

    this.on(runNow, async req => {
      const { entity, full } = req.data
      const entities = this.entitiesOf(req, entity!)
      const runner = this.runner(req)
      const requests = []
      // One after the other, so that 'all' queues customers before the documents that name them.
      for (const name of entities) requests.push(await runner.runNow(name, full ? 'full' : 'delta'))
      return requests
    })

    this.on(pause, async req => {
      const entities = this.entitiesOf(req, req.data.entity!)
      await pauseSchedules(entities)
      return this.read(SyncStates).where({ entity: { in: entities } })
    })

    this.on(resume, async req => {
      const entities = this.entitiesOf(req, req.data.entity!)
      await resumeSchedules(entities)
      return this.read(SyncStates).where({ entity: { in: entities } })
    })

    this.on(WriteBackOperation.actions.retry, async req => {
      const ID = this.operationOf(req)
      if (!(await retryOperation(ID))) return req.reject(409, `Write-back operation ${ID} is not failed; only failed operations are sent again`)
      return SELECT.one.from(WriteBackOperations).where({ ID })
    })

    this.on(WriteBackOperation.actions.discard, async req => {
      const ID = this.operationOf(req)
      if (!req.data.reason?.trim()) return req.reject(400, 'Say why the operation is discarded')
      if (!(await discardOperation(ID, req.data.reason, req.user.id)))
        return req.reject(409, `Write-back operation ${ID} is delivered or discarded already; only failed or pending operations can be discarded`)
      return SELECT.one.from(WriteBackOperations).where({ ID })
    })

    this.on('READ', CustomFieldMappings, () =>
      (customFieldChecks() ?? []).map(c => ({ entity: c.mapping.entity, field: c.mapping.field, usable: c.usable, reason: c.reason ?? null }))
    )

    return super.init()
  }

  private operationOf(req: cds.Request): string {
    const ID = (req.params[0] as { ID?: string } | string | undefined) ?? ''
    return typeof ID === 'string' ? ID : (ID.ID ?? '')
  }

  /** The entities an action's `entity` names: one (spelled as in the sync descriptions), or all of them. */
  private entitiesOf(req: cds.Request, entity: string): string[] {
    if (entity?.toLowerCase() === 'all') return entityNames()
    try {
      return [entityName(entity)]
    } catch (error) {
      if (error instanceof UnknownEntity) return req.reject(400, error.message)
      throw error
    }
  }

  private runner(req: cds.Request): JobRunner {
    return jobRunner() ?? req.reject(503, 'No job runner in this instance: sync jobs are switched off (cds.requires.jobs.autoStart)')
  }
}
