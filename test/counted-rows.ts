// What the counts the database keeps per day (db/counts.cds) must say: the same as counting the rows.
import { expect } from 'chai'

const DAY_MS = 24 * 60 * 60 * 1000

type Counted = Record<string, number>
const byDay = (rows: unknown[], day: string, n: string): Counted =>
  Object.fromEntries((rows as Record<string, unknown>[]).filter(r => Number(r[n]) !== 0).map(r => [String(r[day] ?? 'none').slice(0, 10), Number(r[n])]))

/** The invoices per open due date and the unconfirmed conversations per day sent, as kept and as counted. */
export async function expectCountsAsRowsSay() {
  const invoices = await SELECT.from('invoicecrm.mirror.BillingDocuments').columns('openDueDate', 'count(1) as n').groupBy('openDueDate')
  const keptInvoices = await SELECT.from('invoicecrm.counts.OpenDueDates').columns('openDueDate', 'invoices')
  expect(byDay(keptInvoices, 'openDueDate', 'invoices'), 'invoices per open due date').to.deep.equal(byDay(invoices, 'openDueDate', 'n'))

  const conversations = (await SELECT.from('invoicecrm.crm.InvoiceConversations')
    .columns('sentAt')
    .where`dispatchStatus = 'sent' and confirmedAt is null and invoiceCleared = false and sentAt is not null`) as { sentAt: string }[]
  const sentPerDay: Counted = {}
  for (const { sentAt } of conversations) {
    const day = new Date(Math.floor(new Date(sentAt).getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10)
    sentPerDay[day] = (sentPerDay[day] ?? 0) + 1
  }
  const keptConversations = await SELECT.from('invoicecrm.counts.UnconfirmedSentDays').columns('sentOn', 'conversations')
  expect(byDay(keptConversations, 'sentOn', 'conversations'), 'unconfirmed conversations per day sent').to.deep.equal(sentPerDay)
}
