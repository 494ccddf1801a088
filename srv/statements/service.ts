import cds from '@sap/cds'
import { Statement, StatementSchedules, WeComGroups } from '#cds-models/StatementsService'
import { Statements, StatementSchedules as ScheduleRows } from '#cds-models/invoicecrm/statements'
import type { StatementStatus } from '#cds-models/invoicecrm/statements'
import { recordFinanceUser } from '../crm/finance-users'
import { declaredStep } from '../status-flow'
import { monthOf } from './figures'
import { generateStatements } from './generate'
import { approvePeriod, sendPeriod, takeStep, type StatementAction } from './review'
import { setWeComGroup, type WeComGroupInput } from '../notify/wecom-groups'

/** AR's monthly statements: who gets them, the month's drafts, their review and sending. */
export default class StatementsService extends cds.ApplicationService {
  async init() {
    this.before('*', req => recordFinanceUser(req))
    // The schedule is one row, there before anyone reads it, so that AR edits it rather than creating it.
    this.before('READ', StatementSchedules, ensureSchedule)

    this.on(Statement.actions.approve, req => this.step(req, 'approve'))
    this.on(Statement.actions.sendToCustomer, req => this.step(req, 'send'))
    this.on('generateStatements', req => generateStatements(monthOf((req.data as { period: string }).period)))
    this.on('approveStatements', req => approvePeriod(monthOf((req.data as { period: string }).period), req.user.id))
    this.on('sendStatements', req => sendPeriod(monthOf((req.data as { period: string }).period), req.user.id))
    this.on('setWeComGroup', async req => {
      const outcome = await setWeComGroup(req.data as WeComGroupInput)
      if ('refused' in outcome) return req.reject(outcome.refused)
      return this.run(SELECT.one.from(WeComGroups).where({ customer_ID: outcome.customer }))
    })
    return super.init()
  }

  /** A step of the status flow (srv/statements/service.cds), guarded against a second user taking it meanwhile. */
  private async step(req: cds.Request, action: StatementAction) {
    const [key] = req.params as (string | { ID: string })[]
    const id = typeof key === 'object' ? key.ID : key
    const step = declaredStep<StatementStatus>(req.target as cds.entity, req.event)
    if (action === 'send' && !(await SELECT.one.from(Statements).columns('recipientEmail').where({ ID: id }))?.recipientEmail)
      return req.reject(400, 'STATEMENT_NO_RECIPIENT')
    if (!(await takeStep(id, step, action, req.user.id))) return req.reject(409, 'STATEMENT_STEP_TAKEN')
    return this.run(SELECT.one.from(req.target as cds.entity).where({ ID: id }))
  }
}

async function ensureSchedule() {
  const exists = await SELECT.one.from(ScheduleRows).columns('ID').where({ ID: 'default' })
  // An upsert: two first readers at the same time both write the same row with its defaults.
  if (!exists) await UPSERT.into(ScheduleRows).entries({ ID: 'default' })
}
