// The counts the database keeps per day (db/counts.cds, triggers of db/counts.js) follow every kind of write to
// invoices and conversations, and what the apps read from them (the list's $count, the overdue filter's $count,
// the launchpad's KPI tiles) is what counting the rows says, at the edges of the days too.
import cds from '@sap/cds'
import { expectCountsAsRowsSay } from './counted-rows'
import { InvoiceConversations } from '#cds-models/invoicecrm/crm'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import type { CdsDate } from '#cds-models/_'

const M = 'invoicecrm.mirror'
const C = 'invoicecrm.crm'
const DAY_MS = 24 * 60 * 60 * 1000
const UNCONFIRMED_AFTER_DAYS = 7

const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10) as CdsDate
const invoiceIds = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(91_000_000 + from + i))

describe('counts kept by the database per day', () => {
  const { GET, expect } = cds.test(__dirname + '/..')

  const invoice = (ID: string, i: number) => ({ ID, type: 'F2', currency: 'EUR', companyCode: '1710', isCancelled: false, openDueDate: i % 7 === 6 ? null : day((i % 5) - 3) })

  it('follow invoices inserted in bulk and one by one, upserted, updated in a set, deleted', async () => {
    await INSERT.into(`${M}.BillingDocuments`).entries(invoiceIds(0, 40).map(invoice))
    await INSERT.into(`${M}.BillingDocuments`).entries(invoice(invoiceIds(40, 1)[0], 1))
    await expectCountsAsRowsSay()
    // An upsert of existing and new rows, one that moves its due date and one that keeps it (as the sync's).
    await UPSERT.into(`${M}.BillingDocuments`).entries([...invoiceIds(35, 10).map((ID, i) => ({ ...invoice(ID, i), openDueDate: day(i) })), { ID: invoiceIds(0, 1)[0], netAmount: 5 }])
    await expectCountsAsRowsSay()
    // What the receivable status does: a set of invoices to one date, some of them there already.
    await UPDATE(BillingDocuments).set({ openDueDate: '9999-12-31' }).where({ ID: { in: invoiceIds(5, 12) } })
    await UPDATE(BillingDocuments).set({ netAmount: 7 }).where({ ID: { in: invoiceIds(0, 20) } })
    await expectCountsAsRowsSay()
    await DELETE.from(`${M}.BillingDocuments`).where({ ID: { in: invoiceIds(30, 8) } })
    await expectCountsAsRowsSay()
  })

  it('change only with the writer\'s transaction: a write rolled back (as by a crash before the commit) leaves them', async () => {
    const kept = async () => JSON.stringify(await SELECT.from('invoicecrm.counts.OpenDueDates').columns('bucket', 'invoices').orderBy('bucket'))
    const before = await kept()
    const failure = new Error('the writer dies before its commit')
    await expect(
      cds.tx(async tx => {
        await tx.run(INSERT.into(`${M}.BillingDocuments`).entries(invoiceIds(100, 5).map(invoice)))
        await tx.run(UPDATE(BillingDocuments).set({ openDueDate: day(9) }).where({ ID: { in: invoiceIds(0, 10) } }))
        await tx.run(DELETE.from(`${M}.BillingDocuments`).where({ ID: { in: invoiceIds(10, 3) } }))
        // Inside the transaction the triggers have counted the moves already.
        const moved = (await tx.run(SELECT.one.from('invoicecrm.counts.OpenDueDates').columns('invoices').where({ bucket: day(9) }))) as { invoices: string }
        expect(Number(moved.invoices)).to.be.at.least(10)
        throw failure
      })
    ).to.be.rejectedWith(failure)
    expect(await kept()).to.equal(before)
    await expectCountsAsRowsSay()
  })

  it('follow conversations as they are sent, confirmed, cleared, sent again and deleted', async () => {
    const ids = invoiceIds(0, 24)
    const sentAt = (i: number) => new Date(Date.now() - (i % 12) * DAY_MS - i * 60_000).toISOString()
    await INSERT.into(`${C}.InvoiceConversations`).entries(ids.map(invoice_ID => ({ invoice_ID, dispatchStatus: 'pending' })))
    await expectCountsAsRowsSay()
    for (const [i, invoice_ID] of ids.entries()) await UPDATE(InvoiceConversations, { invoice_ID }).with({ dispatchStatus: i % 6 === 5 ? 'failed' : 'sent', sentAt: sentAt(i) })
    await expectCountsAsRowsSay()
    await UPDATE(InvoiceConversations).set({ confirmedAt: new Date().toISOString() }).where({ invoice_ID: { in: ids.slice(0, 4) } })
    await UPDATE(InvoiceConversations).set({ invoiceCleared: true }).where({ invoice_ID: { in: ids.slice(3, 8) } })
    await UPSERT.into(`${C}.InvoiceConversations`).entries([{ invoice_ID: ids[9], sentAt: sentAt(20) }, { invoice_ID: invoiceIds(24, 1)[0], dispatchStatus: 'sent', sentAt: sentAt(3) }])
    await expectCountsAsRowsSay()
    await DELETE.from(`${C}.InvoiceConversations`).where({ invoice_ID: { in: ids.slice(10, 14) } })
    await expectCountsAsRowsSay()
  })

  it('give the launchpad tiles and the list counts what counting the rows gives, at the edges of the days', async () => {
    // Sent just before and just after the moment from which an unsent answer counts, on the same day.
    const cutoff = Date.now() - UNCONFIRMED_AFTER_DAYS * DAY_MS
    const edges = invoiceIds(60, 4)
    await INSERT.into(`${M}.BillingDocuments`).entries(edges.map(invoice))
    await INSERT.into(`${C}.InvoiceConversations`).entries(
      [cutoff - 60_000, cutoff + 60 * 60_000, cutoff - 30 * DAY_MS, cutoff - (cutoff % DAY_MS)].map((at, i) => ({ invoice_ID: edges[i], dispatchStatus: 'sent', sentAt: new Date(at).toISOString() }))
    )
    await expectCountsAsRowsSay()
    const count = async (query: unknown) => Number(((await query) as { n: number }).n)
    const overdue = await count(SELECT.one.from(`${M}.BillingDocuments`).columns('count(1) as n').where`openDueDate < ${day(0)}`)
    const unconfirmed = await count(
      SELECT.one
        .from(`${C}.InvoiceConversations`)
        .columns('count(1) as n')
        .where`dispatchStatus = 'sent' and confirmedAt is null and invoiceCleared = false and sentAt < ${new Date(Date.now() - UNCONFIRMED_AFTER_DAYS * DAY_MS).toISOString()}`
    )
    const all = await count(SELECT.one.from(`${M}.BillingDocuments`).columns('count(1) as n'))
    expect(overdue).to.be.greaterThan(0).and.lessThan(all)
    expect(unconfirmed).to.be.greaterThan(2)

    const auth = { username: 'clerk', password: 'clerk' }
    const { data: kpis } = await GET('/odata/v4/launchpad/kpis()', { auth })
    expect({ overdue: kpis.overdueInvoices, unconfirmed: kpis.unconfirmedInvoices }).to.deep.equal({ overdue, unconfirmed })
    const listCount = async (filter: string) =>
      (await GET(`/odata/v4/receivables/Invoices?$count=true&$top=2${filter}`, { auth })).data['@odata.count']
    expect(await listCount('')).to.equal(all)
    expect(await listCount('&$filter=daysOverdue gt 0')).to.equal(overdue)
    expect(await listCount('&$filter=daysOverdue ge 2')).to.equal(await count(SELECT.one.from(`${M}.BillingDocuments`).columns('count(1) as n').where`openDueDate <= ${day(-2)}`))
  })
})
