import cds from '@sap/cds'

/** Sent and still unanswered after this long, an invoice counts as unconfirmed. */
export const UNCONFIRMED_AFTER_DAYS = 7

const DAY_MS = 24 * 60 * 60 * 1000

const count = async (query: cds.ql.SELECT<unknown>) => Number(((await query) as { n?: number } | undefined)?.n ?? 0)

export default class LaunchpadService extends cds.ApplicationService {
  init() {
    this.on('kpis', async () => {
      const now = new Date()
      const sentBefore = new Date(now.getTime() - UNCONFIRMED_AFTER_DAYS * DAY_MS).toISOString()
      // Sequential on purpose: SQLite in tests has one connection, and the four are cheap index reads.
      const overdueInvoices = await count(
        SELECT.one.from('invoicecrm.mirror.BillingDocuments').columns('count(1) as n').where('receivable.isCleared = false and receivable.daysOverdue > 0')
      )
      // An invoice without FI items yet has no receivable: it is not cleared either.
      const unconfirmedInvoices = await count(
        SELECT.one
          .from('invoicecrm.crm.InvoiceConversations')
          .columns('count(1) as n')
          .where`dispatchStatus = 'sent' and confirmedAt is null and sentAt < ${sentBefore} and (invoice.receivable.isCleared is null or invoice.receivable.isCleared = false)`
      )
      const disputesPastSla = await count(
        SELECT.one.from('invoicecrm.crm.Disputes').columns('count(1) as n').where`status in ('Open', 'InProcess') and slaDueAt < ${now.toISOString()}`
      )
      const failedWriteBacks = await count(SELECT.one.from('invoicecrm.writeback.WriteBackOperations').columns('count(1) as n').where({ status: 'Failed' }))
      return { overdueInvoices, unconfirmedInvoices, disputesPastSla, failedWriteBacks }
    })
    return super.init()
  }
}
