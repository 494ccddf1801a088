// The receivable status kept on each invoice (srv/sync/receivable-status.ts) is what its FI items say, after every
// kind of change the sync brings: invoices arriving before or after their FI items, new invoices, clearings and
// cancellations, FI items deleted in S/4HANA and found missing by the reconciliation. And the apps' sorts and
// filters by days overdue, answered through the open due date (srv/days-overdue.ts), select what the rows say.
import cds from '@sap/cds'
import { eventually } from './support'
import { followUpsDone } from '../srv/crm/workflows'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { runSync } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'
import { NOTHING_OPEN, refreshReceivableStatus } from '../srv/sync/receivable-status'
import { expectCountsAsRowsSay } from './counted-rows'
import { ReceivableItems } from '#cds-models/invoicecrm/mirror'
import type { CdsDate } from '#cds-models/_'

const M = 'invoicecrm.mirror'
const FI = 'A_OperationalAcctgDocItemCube'
const DAY_MS = 24 * 60 * 60 * 1000

interface FiItem {
  companyCode: string
  fiscalYear: string
  accountingDocument: string
  item: string
  customer_ID: string | null
  currency: string
  billingDocument_ID: string | null
  isCleared: boolean | null
  amount: string | number
  netDueDate: string | null
  clearingDate: string | null
}
interface Status {
  ID: string
  openAmount: string | number | null
  netDueDate: string | null
  isCleared: boolean | null
  clearingDate: string | null
  openDueDate: string | null
}

/** Milli-units: amounts compared exactly, whether the database answers them as text or as numbers. */
const milli = (amount: string | number | null) => (amount === null ? null : Math.round(Number(amount) * 1000))
const maxOf = (dates: (string | null)[]) => dates.filter((d): d is string => Boolean(d)).sort().at(-1) ?? null
const minOf = (dates: (string | null)[]) => dates.filter((d): d is string => Boolean(d)).sort()[0] ?? null

/** The status of an invoice as its FI items say it, computed here independently of the SQL that maintains it. */
function expectedStatus(items: FiItem[]) {
  if (!items.length) return { openAmount: null, netDueDate: null, isCleared: null, clearingDate: null, openDueDate: NOTHING_OPEN }
  const openItems = items.filter(i => !i.isCleared)
  const openAmount = openItems.reduce((sum, i) => sum + (milli(i.amount) ?? 0), 0)
  const isCleared = openItems.length === 0
  const openDue = minOf(openItems.map(i => i.netDueDate))
  return {
    openAmount,
    netDueDate: openDue ?? maxOf(items.map(i => i.netDueDate)),
    isCleared,
    clearingDate: maxOf(items.map(i => i.clearingDate)),
    openDueDate: !isCleared && openAmount > 0 && openDue ? openDue : NOTHING_OPEN,
  }
}

describe('receivable status of invoices, maintained by the sync from their FI items', () => {
  const { GET, POST, expect, axios } = cds.test(__dirname + '/..')
  const settings = s4Settings()
  const original = { ...settings, retry: { ...settings.retry } }
  let sim: Simulator

  /** Every invoice's maintained status equals what its FI items say; returns how many invoices have FI items. */
  async function expectStatusAsFiSays(): Promise<number> {
    const items = (await SELECT.from(`${M}.ReceivableItems`)) as FiItem[]
    const byInvoice = new Map<string | null, FiItem[]>()
    for (const item of items) byInvoice.set(item.billingDocument_ID, [...(byInvoice.get(item.billingDocument_ID) ?? []), item])
    const invoices = (await SELECT.from(`${M}.BillingDocuments`).columns('ID', 'openAmount', 'netDueDate', 'isCleared', 'clearingDate', 'openDueDate')) as Status[]
    expect(invoices.length).to.be.greaterThan(0)
    for (const invoice of invoices) {
      const { ID, openAmount, isCleared, ...dates } = invoice
      const actual = { openAmount: milli(openAmount), isCleared: isCleared === null ? null : Boolean(isCleared), ...dates }
      expect(actual, `invoice ${ID}`).to.deep.equal(expectedStatus(byInvoice.get(ID) ?? []))
    }
    // The conversation's copy of the cleared flag, for the launchpad (false while FI has no item).
    const cleared = new Map(invoices.map(i => [i.ID, Boolean(i.isCleared)]))
    for (const c of (await SELECT.from('invoicecrm.crm.InvoiceConversations').columns('invoice_ID', 'invoiceCleared')) as { invoice_ID: string; invoiceCleared: boolean }[])
      expect(Boolean(c.invoiceCleared), `conversation of ${c.invoice_ID}`).to.equal(cleared.get(c.invoice_ID) ?? false)
    // And what each customer owes as of today (db/mirror.cds CustomerBalances), computed here from the items.
    const today = new Date().toISOString().slice(0, 10)
    const owed = new Map<string, FiItem[]>()
    for (const item of items) if (!item.isCleared && item.customer_ID) owed.set(item.customer_ID, [...(owed.get(item.customer_ID) ?? []), item])
    type Balance = { customer: string; currency: string | null; openAmount: string | null; overdueAmount: string | null; asOf: string }
    const balances = (await SELECT.from(`${M}.CustomerBalances`)) as Balance[]
    expect(balances.map(b => b.customer).sort(), 'the customers with open items').to.deep.equal([...owed.keys()].sort())
    const sum = (some: FiItem[]) => some.reduce((total, i) => total + (milli(i.amount) ?? 0), 0)
    for (const b of balances) {
      const open = owed.get(b.customer)!
      const one = new Set(open.map(i => i.currency)).size === 1
      expect({ currency: b.currency, open: milli(b.openAmount), overdue: milli(b.overdueAmount), asOf: b.asOf }, `balance of ${b.customer}`).to.deep.equal({
        currency: one ? open[0].currency : null,
        open: one ? sum(open) : null,
        overdue: one ? sum(open.filter(i => i.netDueDate !== null && i.netDueDate < today)) : null,
        asOf: today,
      })
    }
    // And the counts per day the database keeps from both (db/counts.js), through every path the sync writes by.
    await expectCountsAsRowsSay()
    return invoices.filter(i => byInvoice.has(i.ID)).length
  }

  const fiItemsOf = async (invoice: string) => (await SELECT.from(`${M}.ReceivableItems`).where({ billingDocument_ID: invoice })) as FiItem[]
  const removeInS4 = (item: FiItem) =>
    sim.remove(FI, { CompanyCode: item.companyCode, FiscalYear: item.fiscalYear, AccountingDocument: item.accountingDocument, AccountingDocumentItem: item.item })

  before(async () => {
    sim = createSimulator({ volume: 'small', seed: 11, pageSize: 50 })
    Object.assign(settings, { url: await sim.listen(0), retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 50 } })
    cds.env.requires.sync.pageSize = 40
    axios.defaults.auth = { username: 'clerk', password: 'clerk' }
  })
  after(async () => {
    Object.assign(settings, original)
    cds.env.requires.sync.pageSize = 1000
    await sim?.close()
  })

  it('is indexed for the apps\' sorts and filters, beside every association (db/init.js at deployment)', async () => {
    const indexesOf = async (table: string) =>
      (
        (cds.db.kind === 'postgres'
          ? await cds.db.run(`SELECT indexname AS name FROM pg_indexes WHERE tablename = '${table}'`)
          : await cds.db.run(`SELECT name FROM sqlite_master WHERE type = 'index' AND lower(tbl_name) = '${table}'`)) as { name: string }[]
      ).map(i => i.name.toLowerCase())
    const table = 'invoicecrm_mirror_billingdocuments'
    expect(await indexesOf(table)).to.include.members([`${table}_opendue`, `${table}_payeropendue`, `${table}_soldto`])
    // The customer list's sort by number: on PostgreSQL an index of its own (nulls first), on SQLite the primary key.
    const customers = 'invoicecrm_mirror_customers'
    if (cds.db.kind === 'postgres') expect(await indexesOf(customers)).to.include(`${customers}_list`)
    else expect(await indexesOf(customers)).to.not.include(`${customers}_list`)
  })

  it('is what the FI items say when the FI items arrive before their invoices', async () => {
    await runSync('Customers')
    await runSync('ReceivableItems')
    expect(await SELECT.one.from(`${M}.BillingDocuments`).columns('count(1) as n')).to.deep.equal({ n: 0 })
    await runSync('BillingDocuments')
    expect(await expectStatusAsFiSays()).to.be.greaterThan(10)
  })

  it('is what the FI items say for new invoices, a clearing and a cancellation, after the invoices or after the FI items', async () => {
    const open = (await SELECT.from(`${M}.BillingDocuments`).columns('ID').where({ isCleared: false, isCancelled: false, type: 'F2' }).orderBy('ID').limit(3)) as { ID: string }[]
    const [paid, cancelled, partlyPaid] = open.map(o => o.ID)
    // Conversations about them begin before FI clears them.
    for (const id of [paid, cancelled]) await POST(`/odata/v4/receivables/Invoices('${id}')/ReceivablesService.recordConfirmation`, { source: 'phone' })
    expect(await SELECT.one.from('invoicecrm.crm.InvoiceConversations').columns('invoiceCleared').where({ invoice_ID: paid })).to.deep.equal({ invoiceCleared: false })
    sim.changes.clear(paid)
    sim.changes.cancel(cancelled)
    // A partial payment: a second, cleared FI item of the invoice lowers what is open.
    const [fi] = sim.store.table(FI).lookup(['BillingDocument'], [partlyPaid])
    const payment = typeof fi.AmountInTransactionCurrency === 'number' ? -10 : '-10.00'
    sim.store.table(FI).insert({ ...fi, AccountingDocumentItem: '002', DebitCreditCode: 'H', AmountInTransactionCurrency: payment, IsCleared: true, ClearingDate: fi.PostingDate })
    const added = sim.changes.insert('A_BillingDocument', 3)
    // FI items first: the new invoices' items find no invoice yet, the cleared ones find theirs.
    await runSync('ReceivableItems')
    expect(await SELECT.one.from(`${M}.BillingDocuments`).columns('isCleared').where({ ID: paid })).to.deep.equal({ isCleared: true })
    await runSync('BillingDocuments')
    for (const id of added) expect((await fiItemsOf(id)).length, `FI items of the new invoice ${id}`).to.be.greaterThan(0)
    await expectStatusAsFiSays()
    expect(await fiItemsOf(partlyPaid)).to.have.length(2)
    expect(await SELECT.one.from('invoicecrm.crm.InvoiceConversations').columns('invoiceCleared').where({ invoice_ID: paid })).to.deep.equal({ invoiceCleared: true })
    const today = new Date().toISOString().slice(0, 10)
    expect(await SELECT.one.from('ReceivablesService.Invoices').columns('isCleared', 'clearingDate', 'daysOverdue').where({ ID: paid })).to.deep.equal({
      isCleared: true,
      clearingDate: today,
      daysOverdue: 0,
    })
  })

  it('is what the FI items say after the reconciliation deleted FI items S/4HANA no longer has', async () => {
    // One invoice loses one of several FI items, another one all of its items.
    const [partly] = (await SELECT.from(`${M}.ReceivableItems`).columns('billingDocument_ID as ID', 'count(1) as n').groupBy('billingDocument_ID').having('count(1) > 1').limit(1)) as { ID: string }[]
    const [whole] = (await SELECT.from(`${M}.BillingDocuments`).columns('ID').where({ isCleared: false, ID: { '!=': partly?.ID ?? '' } }).limit(1)) as { ID: string }[]
    expect(partly, 'an invoice with several FI items').to.not.equal(undefined)
    const partlyItems = await fiItemsOf(partly.ID)
    expect(removeInS4(partlyItems.find(i => !i.isCleared) ?? partlyItems[0])).to.equal(true)
    for (const item of await fiItemsOf(whole.ID)) expect(removeInS4(item)).to.equal(true)
    const [run] = await runSync('ReceivableItems', 'full')
    expect(run).to.include({ status: 'succeeded' })
    expect(run.rowsDeleted).to.be.greaterThan(1)
    expect((await fiItemsOf(partly.ID)).length).to.equal(partlyItems.length - 1)
    await expectStatusAsFiSays()
    expect(await SELECT.one.from(`${M}.BillingDocuments`).columns('openAmount', 'isCleared', 'openDueDate').where({ ID: whole.ID })).to.deep.equal({
      openAmount: null,
      isCleared: null,
      openDueDate: NOTHING_OPEN,
    })
    const { data } = await GET(`/odata/v4/receivables/Invoices('${whole.ID}')?$select=ID,daysOverdue,paymentState`)
    expect(data).to.include({ daysOverdue: null, paymentState: 'open' })
  })

  it('reads an invoice\'s and a customer\'s sections by navigation as by their foreign key', async () => {
    const [{ ID: invoice, payer_ID: customer }] = (await SELECT.from(`${M}.BillingDocuments`).columns('ID', 'payer_ID').where({ isCleared: false }).limit(1)) as {
      ID: string
      payer_ID: string
    }[]
    const read = async (path: string) => ((await GET(`/odata/v4/receivables/${path}`)).data as { value: Record<string, unknown>[]; '@odata.count'?: number })
    const items = await read(`Invoices('${invoice}')/items?$count=true&$orderby=item`)
    expect(items.value.map(i => i.item)).to.deep.equal(((await SELECT.from(`${M}.BillingDocumentItems`).columns('item').where({ billingDocument_ID: invoice }).orderBy('item')) as { item: string }[]).map(i => i.item))
    expect(items.value.length).to.be.greaterThan(0).and.equal(items['@odata.count'])
    expect((await read(`Invoices('${invoice}')/partners`)).value.every(p => p.billingDocument_ID === invoice)).to.equal(true)
    const invoices = await read(`Customers('${customer}')/invoices?$select=ID,payer_ID&$count=true`)
    expect(invoices.value.map(i => i.ID).sort()).to.deep.equal(((await SELECT.from(`${M}.BillingDocuments`).columns('ID').where({ payer_ID: customer })) as { ID: string }[]).map(i => i.ID).sort())
    expect(invoices['@odata.count']).to.equal(invoices.value.length)
    const open = (await SELECT.from(`${M}.ReceivableItems`).columns('amount').where({ customer_ID: customer, isCleared: false })) as { amount: string }[]
    const [aging] = (await read(`Customers('${customer}')/aging`)).value
    expect(milli(aging.totalOpen as string)).to.equal(open.reduce((sum, i) => sum + milli(i.amount)!, 0))
    expect((await read(`Customers('${customer}')/aging?$filter=currency eq 'XXX'`)).value).to.deep.equal([])
    expect((await read(`Invoices('no such')/items`)).value).to.deep.equal([])
  })

  it('finds invoices by a part of their number, their PO number or their payer\'s name, in any case, and counts them', async () => {
    type Found = { value: { ID: string }[]; '@odata.count': number }
    const invoices = (await SELECT.from(`${M}.BillingDocuments`).columns('ID', 'purchaseOrderByCustomer', 'payer.name as payerName', 'isCleared')) as {
      ID: string
      purchaseOrderByCustomer: string | null
      payerName: string | null
      isCleared: boolean | null
    }[]
    const withPo = invoices.find(i => i.purchaseOrderByCustomer && i.purchaseOrderByCustomer.length > 4)!
    const withPayer = invoices.find(i => i.payerName)!
    const terms = [invoices[0].ID.slice(2, 6), withPo.purchaseOrderByCustomer!.slice(1, -1).toLowerCase(), withPayer.payerName!.split(' ')[0].toUpperCase()]
    for (const term of terms) {
      const t = term.toLowerCase()
      const expected = invoices.filter(i => [i.ID, i.purchaseOrderByCustomer, i.payerName].some(v => v?.toLowerCase().includes(t)))
      expect(expected.length, term).to.be.greaterThan(0)
      const found = (await GET(`/odata/v4/receivables/Invoices?$count=true&$select=ID&$search=${encodeURIComponent(term)}&$top=1000`)).data as Found
      expect(found.value.map(i => i.ID).sort(), term).to.deep.equal(expected.map(i => i.ID).sort())
      expect(found['@odata.count'], term).to.equal(expected.length)
      const open = (await GET(`/odata/v4/receivables/Invoices?$count=true&$select=ID&$filter=isCleared eq false&$search=${encodeURIComponent(term)}&$top=1`)).data as Found
      expect(open['@odata.count'], term).to.equal(expected.filter(i => i.isCleared === false).length)
    }
  })

  describe('sorts and filters by days overdue, through the open due date', () => {
    type Row = { ID: string; daysOverdue: number | null; isCleared: boolean | null }
    let all: Row[]
    const invoices = async (query: string) => ((await GET(`/odata/v4/receivables/Invoices?$select=ID,daysOverdue,isCleared&${query}`)).data as { value: Row[] }).value

    before(async () => {
      // Due dates around today, so that every comparison below has invoices on both sides.
      const ids = ((await SELECT.from(`${M}.BillingDocuments`).columns('ID').where({ isCleared: false }).orderBy('ID')) as { ID: string }[]).map(r => r.ID)
      for (const [i, id] of ids.entries())
        await UPDATE(ReceivableItems)
          .set({ netDueDate: new Date(Date.now() + ((i % 9) - 5) * 7 * DAY_MS).toISOString().slice(0, 10) as CdsDate })
          .where({ billingDocument_ID: id })
      await refreshReceivableStatus(cds.db, ids)
      all = await invoices('$top=100000')
      expect(all.filter(r => r.daysOverdue! > 30).length).to.be.greaterThan(1)
      expect(all.filter(r => r.daysOverdue === 0).length).to.be.greaterThan(1)
    })

    const cases: [string, (days: number) => boolean][] = [
      ['daysOverdue gt 0', d => d > 0],
      ['daysOverdue gt -1', d => d > -1],
      ['daysOverdue ge 14', d => d >= 14],
      ['daysOverdue ge 0', d => d >= 0],
      ['daysOverdue lt 14', d => d < 14],
      ['daysOverdue lt 0', d => d < 0],
      ['daysOverdue le 7', d => d <= 7],
      ['daysOverdue eq 0', d => d === 0],
      ['daysOverdue eq 14', d => d === 14],
      ['daysOverdue ne 0', d => d !== 0],
      ['30 lt daysOverdue', d => 30 < d],
      ['daysOverdue ge 1 and daysOverdue le 30', d => d >= 1 && d <= 30],
      ['not (daysOverdue gt 30) and isCleared eq false', d => !(d > 30)],
    ]
    for (const [filter, holds] of cases)
      it(`$filter=${filter} selects the invoices whose days overdue say so`, async () => {
        const selected = await invoices(`$filter=${encodeURIComponent(filter)}&$top=100000`)
        const scope = filter.includes('isCleared') ? all.filter(r => r.isCleared === false) : all
        // Invoices without FI items (days overdue null) have 0 days overdue for the comparison: nothing of them is overdue.
        const expected = scope.filter(r => holds(r.daysOverdue ?? 0))
        expect(selected.map(r => r.ID).sort()).to.deep.equal(expected.map(r => r.ID).sort())
      })

    it('puts each open invoice in the aging bucket of its days overdue, and $filter=agingBucket eq n selects those in it', async () => {
      type Bucketed = { ID: string; daysOverdue: number | null; isCleared: boolean | null; agingBucket: number | null }
      const read = async (query: string) => ((await GET(`/odata/v4/receivables/Invoices?$select=ID,daysOverdue,isCleared,openAmount,agingBucket&${query}`)).data as { value: Bucketed[] }).value
      const rows = await read('$top=100000')
      const bucketOf = (days: number) => (days <= 0 ? 0 : days <= 30 ? 1 : days <= 60 ? 2 : days <= 90 ? 3 : 4)
      for (const row of rows) expect(row.agingBucket, row.ID).to.equal(row.isCleared === false ? bucketOf(row.daysOverdue ?? 0) : null)
      expect(new Set(rows.map(r => r.agingBucket)).size, 'invoices in several buckets').to.be.greaterThan(2)
      for (const bucket of [0, 1, 2, 3, 4]) {
        const selected = await read(`$filter=agingBucket eq ${bucket}&$top=100000`)
        expect(selected.map(r => r.ID).sort(), `bucket ${bucket}`).to.deep.equal(rows.filter(r => r.agingBucket === bucket).map(r => r.ID).sort())
      }
    })

    it('$orderby=daysOverdue desc lists the most overdue first, page after page, and asc the other way round', async () => {
      const desc = [...(await invoices('$orderby=daysOverdue desc&$top=15')), ...(await invoices('$orderby=daysOverdue desc&$skip=15&$top=100000'))]
      expect(desc.map(r => r.ID).sort()).to.deep.equal(all.map(r => r.ID).sort())
      // An invoice without FI items has nothing overdue: it sorts with those of 0 days.
      const days = desc.map(r => r.daysOverdue ?? 0)
      expect(days).to.deep.equal([...days].sort((a, b) => b - a))
      expect(days[0]).to.equal(Math.max(...all.map(r => r.daysOverdue ?? 0)))
      const asc = (await invoices('$orderby=daysOverdue asc&$top=100000')).map(r => r.daysOverdue ?? 0)
      expect(asc).to.deep.equal([...asc].sort((a, b) => a - b))
    })

    it('counts with $count what it lists, for a customer too', async () => {
      const { data } = await GET(`/odata/v4/receivables/Invoices?$count=true&$filter=daysOverdue gt 0&$top=1`)
      expect(data['@odata.count']).to.equal(all.filter(r => r.daysOverdue! > 0).length)
      expect((await GET(`/odata/v4/receivables/Invoices?$count=true&$top=1`)).data['@odata.count']).to.equal(all.length)
      // A filter on the CRM state beside the invoice's own columns is counted through the view. The invoice mails
      // the syncs above queued change the dispatch status while they are delivered (and a sync's dispatch may still
      // queue more): the count is compared with the rows once both are read between two deliveries.
      const sentCounts = async () => {
        const sent = (await SELECT.from('ReceivablesService.Invoices').columns('ID').where({ dispatchStatus: 'sent', isCleared: false })) as unknown[]
        const crm = await GET(`/odata/v4/receivables/Invoices?$count=true&$filter=dispatchStatus eq 'sent' and isCleared eq false&$top=1`)
        const again = (await SELECT.from('ReceivablesService.Invoices').columns('ID').where({ dispatchStatus: 'sent', isCleared: false })) as unknown[]
        return { rows: sent.length, counted: crm.data['@odata.count'] as number, stable: sent.length === again.length }
      }
      await followUpsDone()
      const counts = await eventually('no delivery between the reads', async () => {
        const c = await sentCounts()
        return c.stable && c
      })
      expect(counts.counted, 'the sent, uncleared invoices').to.equal(counts.rows)
      const payer = ((await SELECT.one.from(`${M}.BillingDocuments`).columns('payer_ID').where({ isCleared: false })) as { payer_ID: string }).payer_ID
      const mine = ((await SELECT.from(`${M}.BillingDocuments`).columns('ID').where({ payer_ID: payer })) as { ID: string }[]).map(r => r.ID)
      const page = await GET(`/odata/v4/receivables/Customers('${payer}')/invoices?$count=true&$select=ID,daysOverdue&$orderby=daysOverdue desc&$filter=daysOverdue ge 0`)
      // `ge 0` holds for every invoice: one without FI items has nothing overdue, as for the comparisons above.
      expect(page.data['@odata.count'], `the invoices of ${payer}`).to.equal(all.filter(r => mine.includes(r.ID)).length)
      const days = (page.data.value as Row[]).map(r => r.daysOverdue!)
      expect(days).to.deep.equal([...days].sort((a, b) => b - a))
    })
  })
})
