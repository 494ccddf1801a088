import cds from '@sap/cds'
import { today } from '../days-overdue'
import { countsAreMaintained, countsInOne, invoicesByOpenDueDate, unconfirmedSentBefore } from '../maintained-counts'
import { displayName } from '../crm/finance-users'
import { flexObjectsOf, removeFlexObject, saveFlexObject } from './personalization'
import { Disputes, InvoiceConversations } from '#cds-models/invoicecrm/crm'
import { WriteBackOperations } from '#cds-models/invoicecrm/writeback'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { CollectionWorklist, PaymentPromises } from '#cds-models/invoicecrm/collections'
import { Statements } from '#cds-models/invoicecrm/statements'

/** Sent and still unanswered after this long, an invoice counts as unconfirmed. */
export const UNCONFIRMED_AFTER_DAYS = 7

/** A statement confirmed this long after it was sent counts as confirmed in time. */
export const STATEMENT_CONFIRMED_WITHIN_DAYS = 10
/** The statements of the share: sent in these many days before those whose time to confirm is not over yet. */
export const STATEMENTS_SENT_WITHIN_DAYS = 30

const DAY_MS = 24 * 60 * 60 * 1000

const FINANCE_ROLES = ['ARClerk', 'ARManager', 'IntegrationAdmin']

type Count = 'overdueInvoices' | 'unconfirmedInvoices' | 'disputesPastSla' | 'failedWriteBacks' | 'promisesDueToday' | 'brokenPromises' | 'myWorklist'
/** KPIs that are a share in percent, not work waiting: null when there is nothing to share out. */
type Share = 'statementsConfirmedIn10Days'
type Kpi = Count | Share
type Kpis = Record<Count, number> & Record<Share, number | null>
const SHARES: ReadonlySet<string> = new Set<Share>(['statementsConfirmedIn10Days'])

export default class LaunchpadService extends cds.ApplicationService {
  init() {
    this.on('kpis', req => this.countsFor(req.user.id))
    this.on('me', req => ({ id: req.user.id, name: displayName(req.user), roles: FINANCE_ROLES.filter(role => req.user.is(role)) }))
    this.on('tile', async req => {
      const kpi = (req.data as { kpi: string }).kpi
      const kpis = await this.countsFor(req.user.id)
      if (!Object.hasOwn(kpis, kpi)) return req.reject({ status: 400, message: 'UNKNOWN_KPI', args: [Object.keys(kpis).join(', ')] })
      const number = kpis[kpi as Kpi]
      // A share is neither good nor bad by itself; the others count work that waits: any at all is bad news.
      if (SHARES.has(kpi)) return { number, numberState: 'Neutral', numberUnit: '%' }
      return { number, numberState: number ? 'Negative' : 'Neutral' }
    })
    // The user's own personalization: the user is the request's, whatever the browser sends.
    this.on('flexObjects', req => flexObjectsOf(req.user.id))
    this.on('saveFlexObject', req => saveFlexObject(req.user.id, req.data.id, req.data.content))
    this.on('removeFlexObject', req => removeFlexObject(req.user.id, req.data.id))
    return super.init()
  }

  /** The counts as `user` sees them: the worklist's is of the customers given to that user. */
  async countsFor(user: string): Promise<Kpis> {
    const now = new Date()
    const sentBefore = new Date(now.getTime() - UNCONFIRMED_AFTER_DAYS * DAY_MS)
    // One statement for all (srv/maintained-counts.ts): the first two are sums over the counts the database keeps per
    // day, the others index ranges of a few rows (db/indexes.cds).
    const maintained = await countsAreMaintained(BillingDocuments.name, InvoiceConversations.name)
    // The statements whose time to confirm is over, sent in the 30 days before (an index range on sentAt).
    const statementsSentBefore = new Date(now.getTime() - STATEMENT_CONFIRMED_WITHIN_DAYS * DAY_MS).toISOString()
    const statementsSentFrom = new Date(now.getTime() - (STATEMENT_CONFIRMED_WITHIN_DAYS + STATEMENTS_SENT_WITHIN_DAYS) * DAY_MS).toISOString()
    const { statementsSent, statementsConfirmed, ...counts } = await countsInOne<Count | 'statementsSent' | 'statementsConfirmed'>({
      // Overdue: something open whose due date is before today (days overdue > 0, srv/days-overdue.ts).
      overdueInvoices: [invoicesByOpenDueDate([{ ref: ['openDueDate'] }, '<', { val: today(now) }], maintained)],
      // An invoice without FI items yet has no receivable: it is not cleared either (the conversation's copy of the
      // cleared flag, db/crm.cds).
      unconfirmedInvoices: unconfirmedSentBefore(sentBefore, maintained),
      disputesPastSla: [SELECT.one.from(Disputes).columns('count(1) as n').where`status in ('Open', 'InProcess') and slaDueAt < ${now.toISOString()}`],
      failedWriteBacks: [SELECT.one.from(WriteBackOperations).columns('count(1) as n').where({ status: 'Failed' })],
      promisesDueToday: [SELECT.one.from(PaymentPromises).columns('count(1) as n').where({ status: 'open', promisedDate: today(now) })],
      // A broken promise on an invoice cleared since is history; the others wait for a collector.
      brokenPromises: [SELECT.one.from(PaymentPromises).columns('count(1) as n').where`status = 'broken' and invoice.isCleared = false`],
      myWorklist: [SELECT.one.from(CollectionWorklist).columns('count(1) as n').where`settings.collector = ${user}`],
      statementsSent: [SELECT.one.from(Statements).columns('count(1) as n').where`sentAt >= ${statementsSentFrom} and sentAt < ${statementsSentBefore}`],
      statementsConfirmed: [
        SELECT.one
          .from(Statements)
          .columns('count(1) as n')
          .where`sentAt >= ${statementsSentFrom} and sentAt < ${statementsSentBefore} and status = 'confirmed' and seconds_between(sentAt, answeredAt) <= ${STATEMENT_CONFIRMED_WITHIN_DAYS * DAY_MS / 1000}`,
      ],
    })
    return { ...counts, statementsConfirmedIn10Days: statementsSent ? Math.round((100 * statementsConfirmed) / statementsSent) : null }
  }
}
