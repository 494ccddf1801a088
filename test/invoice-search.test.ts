// $search on Manage Invoices (srv/invoice-search.ts): on SQLite by the FTS5 trigram tables db/init.js keeps in step
// with the invoices and customers, on PostgreSQL by pg_trgm's indexes, for short terms by a containment test. Each
// search must answer the invoices whose number, PO number or payer's name contain the term, case-insensitively and
// literally (no wildcards), as computed here from the rows themselves, also after the writes the sync makes.
import path from 'node:path'
import cds from '@sap/cds'
import { writeJson } from '../srv/sync/json-rows'
import { Customers } from '#cds-models/invoicecrm/mirror'

const M = 'invoicecrm.mirror'
const BD = `${M}.BillingDocuments`

interface Invoice {
  ID: string
  purchaseOrderByCustomer: string | null
  payer_ID: string | null
}

const CUSTOMERS = [
  { ID: 'SRCH000001', name: 'Acme 100% Widgets' },
  { ID: 'SRCH000002', name: 'Acme 1000 Tools' },
  { ID: 'SRCH000003', name: 'Under_Score Ltd' },
  { ID: 'SRCH000004', name: 'UnderXScore Ltd' },
  { ID: 'SRCH000005', name: `O'Brien "Quoted" Co` },
  { ID: 'SRCH000006', name: 'Back\\slash AG' },
  { ID: 'SRCH000007', name: 'Plain Trading' },
]
const INVOICES: Invoice[] = [
  { ID: '0098100001', purchaseOrderByCustomer: 'PO_77X', payer_ID: 'SRCH000001' },
  { ID: '0098100002', purchaseOrderByCustomer: 'PO-77X', payer_ID: 'SRCH000002' },
  { ID: '0098100003', purchaseOrderByCustomer: 'po-abc-77-x', payer_ID: 'SRCH000003' },
  { ID: '0098100004', purchaseOrderByCustomer: 'ORDER 4711', payer_ID: 'SRCH000004' },
  { ID: '0098100005', purchaseOrderByCustomer: null, payer_ID: 'SRCH000005' },
  { ID: '0098100006', purchaseOrderByCustomer: 'Rush 50%', payer_ID: 'SRCH000006' },
  { ID: '0098100007', purchaseOrderByCustomer: 'RUSH 500', payer_ID: 'SRCH000007' },
  { ID: '0098200008', purchaseOrderByCustomer: 'widgets spare', payer_ID: 'SRCH000007' },
  { ID: '0098200009', purchaseOrderByCustomer: 'x', payer_ID: null },
]

describe('$search on Manage Invoices', () => {
  const { GET, expect } = cds.test(path.join(__dirname, '..'))
  const as = { auth: { username: 'clerk', password: 'clerk' }, headers: { 'accept-language': 'en' }, validateStatus: () => true }

  before(async () => {
    await INSERT.into(`${M}.Customers`).entries(CUSTOMERS)
    await INSERT.into(BD).entries(INVOICES.map(i => ({ ...i, documentDate: '2026-01-15', grossAmount: 100, currency: 'EUR' })))
  })

  /** The invoices the search must answer, from the rows themselves (JavaScript's case folding, plain substring). */
  async function expected(term: string, only: (i: Invoice) => boolean = () => true): Promise<string[]> {
    const invoices = (await SELECT.from(BD).columns('ID', 'purchaseOrderByCustomer', 'payer_ID')) as Invoice[]
    const names = new Map(((await SELECT.from(`${M}.Customers`).columns('ID', 'name')) as { ID: string; name: string | null }[]).map(c => [c.ID, c.name]))
    const has = (text: string | null | undefined) => Boolean(text?.toLowerCase().includes(term.trim().toLowerCase()))
    return invoices
      .filter(i => only(i) && (has(i.ID) || has(i.purchaseOrderByCustomer) || has(i.payer_ID ? names.get(i.payer_ID) : null)))
      .map(i => i.ID)
      .sort()
  }

  /** The term as typed: CAP's OData parser hands the whole of $search to the search as one value, quotes included. */
  async function search(term: string, query = '') {
    const url = `/odata/v4/receivables/Invoices?$select=ID&$count=true&$search=${encodeURIComponent(term)}${query}`
    const { status, data } = await GET(url, as)
    expect(status, JSON.stringify(data)).to.equal(200)
    const body = data as { value: { ID: string }[]; '@odata.count': number }
    return { ids: body.value.map(r => r.ID).sort(), count: body['@odata.count'] }
  }

  async function expectSearch(term: string, atLeast: string[]) {
    const want = await expected(term)
    // The rows named here are among the answer: the reference itself is checked against the data.
    expect(want, `reference for ${term}`).to.include.members(atLeast)
    const { ids, count } = await search(term)
    expect(ids, `$search=${term}`).to.deep.equal(want)
    expect(count, `$count of $search=${term}`).to.equal(want.length)
    return ids
  }

  it('finds invoices by number', async () => {
    expect(await expectSearch('0098100', ['0098100001', '0098100007'])).to.not.include('0098200008')
    expect(await expectSearch('100004', ['0098100004'])).to.have.length(1)
  })

  it('finds invoices by PO number', async () => {
    expect(await expectSearch('order 47', ['0098100004'])).to.deep.equal(['0098100004'])
    await expectSearch('abc-77', ['0098100003'])
  })

  it("finds invoices by their payer's name", async () => {
    expect(await expectSearch('plain trad', ['0098100007', '0098200008'])).to.deep.equal(['0098100007', '0098200008'])
  })

  it('matches in any case', async () => {
    for (const term of ['WIDGETS', 'wIdGeTs', 'widgets']) expect(await expectSearch(term, ['0098100001', '0098200008'])).to.deep.equal(['0098100001', '0098200008'])
    expect(await expectSearch('PO-ABC', ['0098100003'])).to.deep.equal(['0098100003'])
  })

  it('takes %, _, quotes and backslashes literally', async () => {
    // As wildcards, 100% would also find 1000 Tools, r_s UnderXScore, 50% RUSH 500.
    expect(await expectSearch('100%', ['0098100001'])).to.deep.equal(['0098100001'])
    expect(await expectSearch('r_s', ['0098100003'])).to.deep.equal(['0098100003'])
    expect(await expectSearch('po_77', ['0098100001'])).to.deep.equal(['0098100001'])
    expect(await expectSearch('50%', ['0098100006'])).to.deep.equal(['0098100006'])
    expect(await expectSearch('"quoted"', ['0098100005'])).to.deep.equal(['0098100005'])
    expect(await expectSearch(`o'brien`, ['0098100005'])).to.deep.equal(['0098100005'])
    expect(await expectSearch('k\\sl', ['0098100006'])).to.deep.equal(['0098100006'])
    expect(await expectSearch('%', ['0098100001', '0098100006'])).to.deep.equal(['0098100001', '0098100006'])
    expect(await expectSearch('_', ['0098100001', '0098100003'])).to.deep.equal(['0098100001', '0098100003'])
    // FTS5 query syntax in a term is text too.
    expect(await expectSearch('"a" OR NEAR(b*', [])).to.deep.equal([])
    expect(await expectSearch('{name} : acme', [])).to.deep.equal([])
  })

  it('finds terms of one and two characters (fewer than a trigram)', async () => {
    expect(await expectSearch('7x', ['0098100001', '0098100002'])).to.have.length(2)
    expect(await expectSearch('X', ['0098100001', '0098200009'])).to.include('0098100004')
  })

  it('counts all matches while returning a page, and combines with $filter', async () => {
    const want = await expected('00981')
    expect(want.length).to.be.greaterThan(3)
    const page = await search('00981', '&$top=2&$orderby=ID')
    expect(page.ids).to.deep.equal(want.slice(0, 2))
    expect(page.count).to.equal(want.length)
    const filtered = await search('acme', `&$filter=${encodeURIComponent("payer_ID eq 'SRCH000002'")}`)
    expect(await expected('acme', i => i.payer_ID === 'SRCH000002')).to.deep.equal(['0098100002'])
    expect(filtered).to.deep.equal({ ids: ['0098100002'], count: 1 })
  })

  it('keeps up with updates and deletes of invoices and renames of customers', async () => {
    await UPDATE(BD).set({ purchaseOrderByCustomer: 'Renewed PO 123' }).where({ ID: '0098100004' })
    expect(await expectSearch('renewed po', ['0098100004'])).to.deep.equal(['0098100004'])
    expect(await expectSearch('order 47', [])).to.deep.equal([])

    // The sync's writes: CAP's UPSERT, and its JSON rows (the path of its pages).
    await UPSERT.into(BD).entries({ ID: '0098100004', purchaseOrderByCustomer: 'Upserted 9876', payer_ID: 'SRCH000004' })
    expect(await expectSearch('upserted 98', ['0098100004'])).to.deep.equal(['0098100004'])
    expect(await expectSearch('renewed po', [])).to.deep.equal([])
    await cds.tx(tx => writeJson(tx as never, 'UPSERT', BD, [{ ID: '0098100004', purchaseOrderByCustomer: 'Json 5555' } as never, { ID: '0098300010', purchaseOrderByCustomer: 'Json 6666' } as never]))
    expect(await expectSearch('json 5555', ['0098100004'])).to.deep.equal(['0098100004'])
    expect(await expectSearch('json 6666', ['0098300010'])).to.deep.equal(['0098300010'])
    expect(await expectSearch('upserted', [])).to.deep.equal([])

    await DELETE.from(BD).where({ ID: '0098100007' })
    expect(await expectSearch('plain trad', ['0098200008'])).to.deep.equal(['0098200008'])
    expect(await expectSearch('100007', [])).to.deep.equal([])

    await UPDATE(Customers).set({ name: 'Renamed Trading' }).where({ ID: 'SRCH000007' })
    expect(await expectSearch('renamed trad', ['0098200008'])).to.deep.equal(['0098200008'])
    expect(await expectSearch('plain trad', [])).to.deep.equal([])
    await DELETE.from(`${M}.Customers`).where({ ID: 'SRCH000007' })
    expect(await expectSearch('renamed trad', [])).to.deep.equal([])
    await INSERT.into(`${M}.Customers`).entries({ ID: 'SRCH000007', name: 'Plain Again' })
    expect(await expectSearch('plain again', ['0098200008'])).to.deep.equal(['0098200008'])
  })
})
