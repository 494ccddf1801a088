/**
 * The S/4HANA simulator (the workspace package s4-simulator/) over a real socket: OData V2 wire format, query options, paging,
 * CSRF, ETags, write restrictions, fault injection, GetPDF, simulated changes and the data generator.
 */
import { expect } from 'chai'
import { createSimulator, OMIT, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { generate } from '@invoice-crm/s4-simulator/data-generator'
import { msFromIso } from '@invoice-crm/s4-simulator/edm-values'
import { pdfText } from './pdf-text'

const REF = '2025-06-01'
const BP = '/sap/opu/odata/sap/API_BUSINESS_PARTNER'
const SO = '/sap/opu/odata/sap/API_SALES_ORDER_SRV'
const BD = '/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV'
const FI = '/sap/opu/odata/sap/API_OPLACCTGDOCITEMCUBE_SRV'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe('S/4HANA simulator', function () {
  let sim: Simulator
  let url: string

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(url + path, { headers: { accept: 'application/json', ...headers } })
    const text = await r.text()
    let body: Json = {}
    try { body = JSON.parse(text) } catch { body = { text } }
    return { status: r.status, headers: r.headers, body }
  }
  const q = (s: string) => encodeURIComponent(s)

  /** CSRF token + session cookie, like a client that fetched them first. */
  const session = async () => {
    const r = await fetch(url + SO, { method: 'HEAD', headers: { 'x-csrf-token': 'Fetch' } })
    const token = r.headers.get('x-csrf-token')!
    const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    return { token, cookie }
  }
  const send = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(url + path, {
      method, headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await r.text()
    return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) as Json : {} }
  }

  before(async () => {
    sim = createSimulator({ pageSize: 7, referenceDate: REF, seed: 42 })
    url = await sim.listen(0)
  })
  after(async () => { await sim.close() })
  afterEach(() => { sim.faults.reset() })

  describe('OData V2 wire format', () => {
    it('serves a billing document with __metadata, ETag, V2 dates, decimals as strings and deferred navigation', async () => {
      const { status, headers, body } = await get(`${BD}/A_BillingDocument('90000001')`)
      expect(status).to.equal(200)
      const d = body.d
      expect(d.__metadata.type).to.equal('API_BILLING_DOCUMENT_SRV.A_BillingDocumentType')
      expect(d.__metadata.uri).to.equal(`${url}${BD}/A_BillingDocument('90000001')`)
      expect(d.__metadata.id).to.equal(d.__metadata.uri)
      expect(d.__metadata.etag).to.match(/^W\/"datetimeoffset'\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{7}Z'"$/)
      expect(headers.get('etag')).to.equal(d.__metadata.etag)
      expect(d.BillingDocumentDate).to.match(/^\/Date\(\d+\)\/$/)
      expect(Number(/\d+/.exec(d.BillingDocumentDate)![0]) % 86_400_000).to.equal(0)
      expect(d.LastChangeDateTime).to.match(/^\/Date\(\d+\+0000\)\/$/)
      const stored = sim.get('A_BillingDocument', '90000001')!
      expect(Number(/\d+/.exec(d.LastChangeDateTime)![0])).to.equal(msFromIso(stored.LastChangeDateTime as string))
      expect(d.TotalNetAmount).to.be.a('string').and.match(/^\d+\.\d{3}$/)
      expect(d.BillingDocumentIsCancelled).to.be.a('boolean')
      expect(d.to_Item.__deferred.uri).to.equal(`${url}${BD}/A_BillingDocument('90000001')/to_Item`)
    })

    it('serves Edm.Time as PT..H..M..S and DateTimeOffset addresses validity', async () => {
      const { body } = await get(`${BP}/A_BusinessPartner('17100001')`)
      expect(body.d.LastChangeTime).to.match(/^PT\d\dH\d\dM\d\dS$/)
      expect(body.d.BusinessPartnerIsBlocked).to.equal(false)
      const a = await get(`${BP}/A_BusinessPartner('17100001')/to_BusinessPartnerAddress`)
      expect(a.body.d.results[0].ValidityEndDate).to.equal('/Date(253402300799000+0000)/')
    })

    it('supports composite keys, navigation, single properties, $count and $format=json', async () => {
      const item = await get(`${SO}/A_SalesOrderItem(SalesOrder='1',SalesOrderItem='10')?$format=json`)
      expect(item.status).to.equal(200)
      expect(item.body.d.__metadata.uri).to.match(/A_SalesOrderItem\(SalesOrder='1',SalesOrderItem='10'\)$/)
      const nav = await get(`${SO}/A_SalesOrder('1')/to_Item`)
      expect(nav.body.d.results.length).to.be.greaterThan(0)
      expect(nav.body.d.results.every((r: Json) => r.SalesOrder === '1')).to.equal(true)
      const prop = await get(`${SO}/A_SalesOrder('1')/SoldToParty`)
      expect(prop.body.d.SoldToParty).to.equal(sim.get('A_SalesOrder', '1')!.SoldToParty)
      const count = await fetch(`${url}${BD}/A_BillingDocument/$count`)
      expect(await count.text()).to.equal(String(sim.stats().A_BillingDocument))
      const svc = await get(`${BD}/`)
      expect(svc.body.d.EntitySets).to.include('A_BillingDocument')
    })

    it('generates $metadata from the CDS model', async () => {
      const r = await fetch(`${url}${SO}/$metadata`)
      expect(r.headers.get('content-type')).to.contain('xml')
      const xml = await r.text()
      expect(xml).to.contain('<EntityType Name="A_SalesOrderType"')
      expect(xml).to.match(/<Property Name="LastChangeDateTime" Type="Edm.DateTimeOffset"[^>]*ConcurrencyMode="Fixed"/)
      expect(xml).to.contain('<NavigationProperty Name="to_Item"')
      expect(xml).to.contain('<EntitySet Name="A_SalesOrder"')
      const bd = await (await fetch(`${url}${BD}/$metadata`)).text()
      expect(bd).to.match(/<FunctionImport Name="GetPDF" ReturnType="API_BILLING_DOCUMENT_SRV.GetPDFResult" m:HttpMethod="GET"/)
      expect(bd).to.contain('sap:creatable="false"')
    })
  })

  describe('query options', () => {
    const docs = () => [...sim.store.table('A_BillingDocument').rows]

    it('$filter with datetimeoffset and a keyset (or/and) condition selects exactly the rows after (X, K)', async () => {
      // a stamp shared by two documents exercises the tie-break on the key
      const rows = docs().sort((a, b) => (a.LastChangeDateTime as string).localeCompare(b.LastChangeDateTime as string) || (a.BillingDocument as string).localeCompare(b.BillingDocument as string))
      const tie = rows.findIndex((r, i) => i > 0 && r.LastChangeDateTime === rows[i - 1].LastChangeDateTime)
      expect(tie, 'generator produces identical stamps').to.be.greaterThan(0)
      const X = rows[tie - 1].LastChangeDateTime as string
      const K = rows[tie - 1].BillingDocument as string
      const f = `(LastChangeDateTime gt datetimeoffset'${X}') or (LastChangeDateTime eq datetimeoffset'${X}' and BillingDocument gt '${K}')`
      const { status, body } = await get(`${BD}/A_BillingDocument?$filter=${q(f)}&$orderby=LastChangeDateTime,BillingDocument&$top=5&$select=BillingDocument`)
      expect(status).to.equal(200)
      expect(body.d.results.map((r: Json) => r.BillingDocument)).to.deep.equal(rows.slice(tie, tie + 5).map((r) => r.BillingDocument))
    })

    it('keeps sub-millisecond ticks: a millisecond-precision literal is before a stamp with ticks', async () => {
      const withTicks = docs().find((r) => !(r.LastChangeDateTime as string).endsWith('0000Z'))!
      const msOnly = (withTicks.LastChangeDateTime as string).slice(0, 23) + 'Z'
      const f = `LastChangeDateTime gt datetimeoffset'${msOnly}' and BillingDocument eq '${withTicks.BillingDocument}'`
      expect((await get(`${BD}/A_BillingDocument?$filter=${q(f)}`)).body.d.results).to.have.length(1)
      const eq = `LastChangeDateTime eq datetimeoffset'${withTicks.LastChangeDateTime}'`
      expect((await get(`${BD}/A_BillingDocument?$filter=${q(eq)}`)).body.d.results.map((r: Json) => r.BillingDocument)).to.include(withTicks.BillingDocument)
    })

    it('$filter with datetime, booleans, decimals, not, parentheses and string functions', async () => {
      const all = docs()
      const cut = Date.UTC(2025, 0, 10)
      const r1 = await get(`${BD}/A_BillingDocument?$filter=${q("BillingDocumentDate ge datetime'2025-01-10T00:00:00' and not (BillingDocumentIsCancelled eq true)")}&$inlinecount=allpages&$select=BillingDocument`)
      const expected = all.filter((r) => (r.BillingDocumentDate as number) >= cut && !r.BillingDocumentIsCancelled)
      expect(expected.length).to.be.greaterThan(7)
      expect(r1.body.d.__count).to.equal(String(expected.length))
      expect(r1.body.d.results).to.have.length(7)
      expect(r1.body.d.__next).to.be.a('string')
      const r2 = await get(`${BD}/A_BillingDocument?$filter=${q('TotalNetAmount gt 1000.5M')}&$inlinecount=allpages&$top=1`)
      expect(r2.body.d.__count).to.equal(String(all.filter((r) => (r.TotalNetAmount as number) > 1000.5).length))
      const name = sim.get('A_BusinessPartner', '17100002')!.BusinessPartnerFullName as string
      const r3 = await get(`${BP}/A_BusinessPartner?$filter=${q(`substringof('${name.slice(1, 6).replace(/'/g, "''")}', BusinessPartnerFullName) and startswith(BusinessPartner, '1710')`)}`)
      expect(r3.body.d.results.map((r: Json) => r.BusinessPartner)).to.include('17100002')
    })

    it('$orderby (multiple, asc/desc) with $top and $skip', async () => {
      const expected = docs().sort((a, b) => (b.TotalGrossAmount as number) - (a.TotalGrossAmount as number)).slice(2, 6).map((r) => r.BillingDocument)
      const { body } = await get(`${BD}/A_BillingDocument?$orderby=TotalGrossAmount desc&$skip=2&$top=4&$select=BillingDocument,TotalGrossAmount`)
      expect(body.d.results.map((r: Json) => r.BillingDocument)).to.deep.equal(expected)
      expect(Object.keys(body.d.results[0])).to.deep.equal(['__metadata', 'BillingDocument', 'TotalGrossAmount'])
      const two = await get(`${BD}/A_BillingDocument?$orderby=SoldToParty asc,BillingDocument desc&$top=50&$select=SoldToParty,BillingDocument`)
      const keys = two.body.d.results.map((r: Json) => [r.SoldToParty, r.BillingDocument])
      const sorted = [...keys].sort((a, b) => a[0].localeCompare(b[0]) || b[1].localeCompare(a[1]))
      expect(keys).to.deep.equal(sorted)
    })

    it('server-driven paging: __next with $skiptoken delivers every row exactly once', async () => {
      const seen: string[] = []
      let next: string | undefined = `${url}${BD}/A_BillingDocument?$orderby=LastChangeDateTime,BillingDocument&$select=BillingDocument`
      let pages = 0
      while (next) {
        const r = await fetch(next)
        const body = await r.json() as Json
        expect(body.d.results.length).to.be.at.most(7)
        seen.push(...body.d.results.map((x: Json) => x.BillingDocument))
        next = body.d.__next
        if (next) expect(next).to.match(/\$skiptoken=\d+$/)
        pages++
      }
      const total = sim.stats().A_BillingDocument
      expect(pages).to.equal(Math.ceil(total / 7))
      expect(new Set(seen).size).to.equal(seen.length)
      expect(seen.sort()).to.deep.equal(docs().map((r) => r.BillingDocument as string).sort())
    })

    it('server-driven paging honours a $top larger than the page size', async () => {
      let next: string | undefined = `${url}${BD}/A_BillingDocument?$top=16&$select=BillingDocument`
      const sizes: number[] = []
      while (next) {
        const body = await (await fetch(next)).json() as Json
        sizes.push(body.d.results.length)
        next = body.d.__next
      }
      expect(sizes).to.deep.equal([7, 7, 2])
    })

    it('$expand one and two levels, with $select of navigation properties', async () => {
      const { body } = await get(`${BP}/A_BusinessPartner('17100003')?$expand=to_BusinessPartnerAddress/to_EmailAddress,to_Customer`)
      const addr = body.d.to_BusinessPartnerAddress.results
      expect(addr).to.have.length(1)
      const mails = addr[0].to_EmailAddress.results
      expect(mails.filter((m: Json) => m.IsDefaultEmailAddress)).to.have.length(1)
      expect(mails[0].EmailAddress).to.match(/@[a-z0-9.-]+\.example\.(com|org)$/)
      expect(body.d.to_Customer.Customer).to.equal('17100003')
      const sel = await get(`${BP}/A_BusinessPartner('17100003')?$select=BusinessPartner,to_BusinessPartnerAddress/CityName&$expand=to_BusinessPartnerAddress`)
      expect(Object.keys(sel.body.d)).to.deep.equal(['__metadata', 'BusinessPartner', 'to_BusinessPartnerAddress'])
      expect(Object.keys(sel.body.d.to_BusinessPartnerAddress.results[0])).to.deep.equal(['__metadata', 'CityName'])
      const bd = await get(`${BD}/A_BillingDocument?$top=3&$expand=to_Item,to_Partner`)
      for (const d of bd.body.d.results) {
        expect(d.to_Item.results.length).to.be.within(1, 5)
        expect(d.to_Partner.results.map((p: Json) => p.PartnerFunction).sort()).to.deep.equal(['AG', 'RE', 'RG'])
        const net = d.to_Item.results.reduce((s: number, i: Json) => s + Math.round(Number(i.NetAmount) * 100), 0)
        expect(net).to.equal(Math.round(Number(d.TotalNetAmount) * 100))
      }
    })

    it('$inlinecount=allpages returns __count as a string', async () => {
      const open = sim.store.table('A_OperationalAcctgDocItemCube').rows.filter((r) => r.IsCleared === false).length
      const { body } = await get(`${FI}/A_OperationalAcctgDocItemCube?$filter=${q("FinancialAccountType eq 'D' and IsCleared eq false")}&$inlinecount=allpages&$top=2`)
      expect(body.d.__count).to.equal(String(open))
      expect(body.d.results).to.have.length(2)
    })

    it('answers bad syntax, unknown properties and unknown resources with SAP Gateway errors', async () => {
      const bad = await get(`${BD}/A_BillingDocument?$filter=${q('BillingDocument eq')}`)
      expect(bad.status).to.equal(400)
      const unknown = await get(`${BD}/A_BillingDocument?$filter=${q("Foo eq 'x'")}`)
      expect(unknown.status).to.equal(400)
      const e = unknown.body.error
      expect(e.code).to.be.a('string')
      expect(e.message).to.deep.include({ lang: 'en' })
      expect(e.message.value).to.contain('Foo')
      expect(e.innererror.application.service_id).to.equal('API_BILLING_DOCUMENT_SRV')
      expect(e.innererror.transactionid).to.match(/^[0-9A-F]{32}$/)
      expect(e.innererror.errordetails[0]).to.include({ severity: 'error', transition: false })
      expect((await get(`${BD}/A_BillingDocument?$select=Nope`)).status).to.equal(400)
      expect((await get(`${BD}/A_BillingDocument?$orderby=${q('Nope desc')}`)).status).to.equal(400)
      expect((await get(`${BD}/A_BillingDocument?$top=abc`)).status).to.equal(400)
      expect((await get(`${BD}/A_Nope`)).status).to.equal(404)
      expect((await get(`${BD}/A_BillingDocument('99999999')`)).status).to.equal(404)
    })
  })

  describe('CSRF, ETags and write restrictions', () => {
    it('requires a fetched CSRF token and the matching session cookie; expired tokens must be re-fetched', async () => {
      const text = { Language: 'DE', LongTextID: '0002', LongText: 'Bitte Rechnung per E-Mail.' }
      const none = await send('POST', `${SO}/A_SalesOrder('3')/to_Text`, text)
      expect(none.status).to.equal(403)
      expect(none.headers.get('x-csrf-token')).to.equal('Required')
      expect(none.body.error.message.value).to.contain('CSRF')
      const { token, cookie } = await session()
      expect(token).to.be.a('string').and.not.equal('Required')
      expect(cookie).to.contain('SAP_SESSIONID_SIM=')
      expect((await send('POST', `${SO}/A_SalesOrder('3')/to_Text`, text, { 'x-csrf-token': token })).status, 'token without cookie').to.equal(403)
      const ok = await send('POST', `${SO}/A_SalesOrder('3')/to_Text`, text, { 'x-csrf-token': token, cookie })
      expect(ok.status).to.equal(201)
      expect(ok.body.d.SalesOrder).to.equal('3')
      expect(ok.headers.get('location')).to.match(/A_SalesOrderText\(SalesOrder='3',Language='DE',LongTextID='0002'\)$/)
      sim.expireCsrfTokens()
      const expired = await send('PATCH', `${SO}/A_SalesOrderText(SalesOrder='3',Language='DE',LongTextID='0002')`, { LongText: 'x' }, { 'x-csrf-token': token, cookie })
      expect(expired.status).to.equal(403)
      expect(expired.headers.get('x-csrf-token')).to.equal('Required')
      const fresh = await session()
      expect(fresh.token).to.not.equal(token)
      const textUri = `${SO}/A_SalesOrderText(SalesOrder='3',Language='DE',LongTextID='0002')`
      expect((await send('PATCH', textUri, { LongText: 'x' }, { 'x-csrf-token': fresh.token, cookie: fresh.cookie })).status).to.equal(204)
      expect((await send('PUT', textUri, { SalesOrder: '3', Language: 'DE', LongTextID: '0002', LongText: 'replaced' }, { 'x-csrf-token': fresh.token, cookie: fresh.cookie })).status).to.equal(204)
      expect((await get(textUri)).body.d.LongText).to.equal('replaced')
      expect((await send('DELETE', textUri, undefined, { 'x-csrf-token': fresh.token, cookie: fresh.cookie })).status).to.equal(204)
      expect((await get(textUri)).status).to.equal(404)
    })

    it('ETag: 428 without If-Match, 412 when stale, 204 with the current ETag (new stamp) or *', async () => {
      const s = await session()
      const h = { 'x-csrf-token': s.token, cookie: s.cookie }
      const path = `${SO}/A_SalesOrder('2')`
      const before = await get(path)
      const etag = before.headers.get('etag')!
      expect((await send('PATCH', path, { PurchaseOrderByCustomer: 'PO-NEW' }, h)).status).to.equal(428)
      const stale = etag.replace(/\d{7}Z/, '0000001Z')
      expect((await send('PATCH', path, { PurchaseOrderByCustomer: 'PO-NEW' }, { ...h, 'if-match': stale })).status).to.equal(412)
      const ok = await send('PATCH', path, { PurchaseOrderByCustomer: 'PO-NEW' }, { ...h, 'if-match': etag })
      expect(ok.status).to.equal(204)
      expect(ok.headers.get('etag')).to.not.equal(etag)
      const after = await get(path)
      expect(after.body.d.PurchaseOrderByCustomer).to.equal('PO-NEW')
      expect(after.body.d.__metadata.etag).to.equal(ok.headers.get('etag'))
      expect(sim.get('A_SalesOrder', '2')!.LastChangeDateTime as string > decodeURIComponent(/'(.*)'/.exec(etag)![1])).to.equal(true)
      expect((await send('PATCH', path, { PurchaseOrderByCustomer: 'PO-OLD' }, { ...h, 'if-match': etag })).status, 'old etag is stale now').to.equal(412)
      expect((await send('POST', path, { HeaderBillingBlockReason: '01' }, { ...h, 'if-match': '*', 'x-http-method': 'MERGE' })).status).to.equal(204)
      expect(sim.get('A_SalesOrder', '2')!.HeaderBillingBlockReason).to.equal('01')
    })

    it('refuses non-updatable properties, read-only entity sets and duplicate keys', async () => {
      const s = await session()
      const h = { 'x-csrf-token': s.token, cookie: s.cookie, 'if-match': '*' }
      const prop = await send('PATCH', `${SO}/A_SalesOrder('4')`, { TotalNetAmount: '1.000' }, h)
      expect(prop.status).to.equal(400)
      expect(prop.body.error.message.value).to.contain('TotalNetAmount')
      expect((await send('PATCH', `${BD}/A_BillingDocument('90000002')`, { PurchaseOrderByCustomer: 'x' }, h)).status).to.equal(405)
      expect((await send('DELETE', `${BD}/A_BillingDocument('90000002')`, undefined, h)).status).to.equal(405)
      expect((await send('POST', `${BP}/A_Customer`, { Customer: '17199999' }, h)).status).to.equal(405)
      expect((await send('DELETE', `${BP}/A_BusinessPartner('17100005')`, undefined, h)).status).to.equal(405)
      const dup = await send('POST', `${SO}/A_SalesOrderItem`, { SalesOrder: '1', SalesOrderItem: '10', Material: 'TG11' }, h)
      expect(dup.status).to.equal(400)
      expect(dup.body.error.innererror.errordetails).to.have.length(1)
    })

    it('creates sales orders with items (deep insert, number assignment) and deletes them with their children', async () => {
      const s = await session()
      const h = { 'x-csrf-token': s.token, cookie: s.cookie }
      const created = await send('POST', `${SO}/A_SalesOrder`, {
        SalesOrderType: 'OR', SoldToParty: '17100001', TransactionCurrency: 'EUR', SalesOrderDate: '/Date(1748736000000)/',
        to_Item: [{ Material: 'TG11', RequestedQuantity: '2', RequestedQuantityUnit: 'PC' }, { Material: 'TG12', RequestedQuantity: '1.5' }],
      }, h)
      expect(created.status).to.equal(201)
      const no = created.body.d.SalesOrder
      expect(Number(no)).to.equal(sim.stats().A_SalesOrder)
      expect(created.body.d.SalesOrderDate).to.equal('/Date(1748736000000)/')
      const items = await get(`${SO}/A_SalesOrder('${no}')/to_Item`)
      expect(items.body.d.results.map((r: Json) => r.SalesOrderItem)).to.deep.equal(['10', '20'])
      expect(items.body.d.results[1].RequestedQuantity).to.equal('1.500')
      expect((await send('DELETE', `${SO}/A_SalesOrder('${no}')`, undefined, { ...h, 'if-match': created.headers.get('etag')! })).status).to.equal(204)
      expect((await get(`${SO}/A_SalesOrder('${no}')`)).status).to.equal(404)
      expect(sim.store.table('A_SalesOrderItem').rows.some((r) => r.SalesOrder === no)).to.equal(false)
    })
  })

  describe('fault injection', () => {
    it('failNext: the next two requests get 503 with Retry-After, then normal service', async () => {
      sim.faults.failNext(2, 503, 1)
      sim.resetRequests()
      const a = await get(`${BD}/A_BillingDocument?$top=1`)
      const b = await get(`${BD}/A_BillingDocument?$top=1`)
      const c = await get(`${BD}/A_BillingDocument?$top=1`)
      expect([a.status, b.status, c.status]).to.deep.equal([503, 503, 200])
      expect(a.headers.get('retry-after')).to.equal('1')
      expect(a.body.error.message.value).to.be.a('string')
      expect(sim.requestCount('A_BillingDocument', 'GET')).to.equal(3)
      expect(sim.requests.map((r) => r.status)).to.deep.equal([503, 503, 200])
    })

    it('dropNext: the connection is destroyed without a response', async () => {
      sim.faults.dropNext(1, 'A_SalesOrder')
      let error: unknown
      try { await fetch(`${url}${SO}/A_SalesOrder?$top=1`) } catch (e) { error = e }
      expect(error, 'fetch fails').to.be.instanceOf(Error)
      expect((await get(`${SO}/A_SalesOrder?$top=1`)).status).to.equal(200)
      expect(sim.requests.filter((r) => r.fault === 'drop')).to.have.length.greaterThan(0)
    })

    it('rates and latency are configurable over HTTP (POST /__sim/faults)', async () => {
      const set = await send('POST', '/__sim/faults', { errorRate: 1, status503Share: 0, retryAfterSeconds: 3 })
      expect(set.body.errorRate).to.equal(1)
      const r = await get(`${BD}/A_BillingDocument?$top=1`)
      expect(r.status).to.equal(429)
      expect(r.headers.get('retry-after')).to.equal('3')
      await send('POST', '/__sim/faults', { reset: true, latencyMs: 120 })
      const t = performance.now()
      expect((await get(`${BD}/A_BillingDocument?$top=1`)).status).to.equal(200)
      expect(performance.now() - t).to.be.at.least(115)
      await send('POST', '/__sim/faults', { failNext: { n: 1, status: 503, retryAfterSeconds: 2 } })
      expect((await get(`${FI}/A_OperationalAcctgDocItemCube?$top=1`)).headers.get('retry-after')).to.equal('2')
    })
  })

  describe('GetPDF', () => {
    it('returns a base64 PDF naming the invoice', async () => {
      const { status, body } = await get(`${BD}/GetPDF?BillingDocument='90000001'`)
      expect(status).to.equal(200)
      const pdf = Buffer.from(body.d.GetPDF.BillingDocumentBinary, 'base64')
      expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-')
      expect(await pdfText(pdf)).to.contain('Invoice 90000001')
      expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).to.equal(true)
      expect((await get(`${BD}/GetPDF?BillingDocument='99999999'`)).status).to.equal(404)
    })
  })

  describe('simulated changes', () => {
    const maxStamp = () => sim.store.table('A_BillingDocument').rows.reduce((m, r) => ((r.LastChangeDateTime as string) > m ? r.LastChangeDateTime as string : m), '')

    it('touch gives strictly increasing new stamps that a delta query picks up', async () => {
      const before = maxStamp()
      const keys = sim.touch('A_BillingDocument', 3, { mutate: true })
      expect(keys).to.have.length(3)
      const stamps = keys.map((k) => sim.get('A_BillingDocument', k)!.LastChangeDateTime as string)
      expect(stamps.every((s) => s > before)).to.equal(true)
      expect(new Set(stamps).size).to.equal(3)
      const { body } = await get(`${BD}/A_BillingDocument?$filter=${q(`LastChangeDateTime gt datetimeoffset'${before}'`)}&$orderby=LastChangeDateTime`)
      expect(body.d.results.map((r: Json) => r.BillingDocument).sort()).to.deep.equal([...keys].sort())
      expect(body.d.results.every((r: Json) => / R\d+$/.test(r.PurchaseOrderByCustomer))).to.equal(true)
      const bpBefore = sim.get('A_BusinessPartner', '17100004')!
      const old = `${bpBefore.LastChangeDate}/${bpBefore.LastChangeTime}`
      const admin = await send('POST', '/__sim/touch', { entitySet: 'A_BusinessPartner', keys: ['17100004'] })
      expect(admin.body.keys).to.deep.equal(['17100004'])
      const bp = sim.get('A_BusinessPartner', '17100004')!
      expect(`${bp.LastChangeDate}/${bp.LastChangeTime}`).to.not.equal(old)
    })

    it('cancel creates an S1 document and clears the original receivable; clear pays an invoice', async () => {
      const fiOf = (no: string) => sim.store.table('A_OperationalAcctgDocItemCube').rows.find((r) => r.BillingDocument === no)!
      const open = sim.store.table('A_BillingDocument').rows.find((r) => r.BillingDocumentType === 'F2' && !r.BillingDocumentIsCancelled && fiOf(r.BillingDocument as string).IsCleared === false)!
      const no = open.BillingDocument as string
      const s1 = (await send('POST', '/__sim/cancel', { billingDocument: no })).body.cancellation as string
      const c = (await get(`${BD}/A_BillingDocument('${s1}')?$expand=to_Item`)).body.d
      expect(c.BillingDocumentType).to.equal('S1')
      expect(c.CancelledBillingDocument).to.equal(no)
      expect(c.to_Item.results.length).to.be.greaterThan(0)
      expect((await get(`${BD}/A_BillingDocument('${no}')`)).body.d.BillingDocumentIsCancelled).to.equal(true)
      const fi = (await get(`${FI}/A_OperationalAcctgDocItemCube?$filter=${q(`BillingDocument eq '${no}'`)}`)).body.d.results[0]
      expect(fi.IsCleared).to.equal(true)
      expect(fi.ClearingAccountingDocument).to.equal(c.AccountingDocument)
      const other = sim.store.table('A_BillingDocument').rows.find((r) => r.BillingDocumentType === 'F2' && !r.BillingDocumentIsCancelled && fiOf(r.BillingDocument as string).IsCleared === false)!
      const doc = sim.clear(other.BillingDocument as string)
      expect(doc).to.match(/^14\d{8}$/)
      expect(fiOf(other.BillingDocument as string)).to.include({ IsCleared: true, ClearingAccountingDocument: doc })
    })

    it('insert posts new invoices with FI items; remove deletes a document with its items', async () => {
      const [no] = (await send('POST', '/__sim/insert', { entitySet: 'A_BillingDocument', n: 1 })).body.keys as string[]
      const d = (await get(`${BD}/A_BillingDocument('${no}')?$expand=to_Item,to_Partner`)).body.d
      expect(d.to_Item.results.length).to.be.greaterThan(0)
      expect((await get(`${FI}/A_OperationalAcctgDocItemCube?$filter=${q(`BillingDocument eq '${no}'`)}`)).body.d.results[0].AmountInTransactionCurrency).to.equal(d.TotalGrossAmount)
      expect(sim.remove('A_BillingDocument', no)).to.equal(true)
      expect((await get(`${BD}/A_BillingDocument('${no}')`)).status).to.equal(404)
      expect((await get(`${BD}/A_BillingDocumentItem?$filter=${q(`BillingDocument eq '${no}'`)}`)).body.d.results).to.have.length(0)
      const stats = (await get('/__sim/stats')).body
      expect(stats.counts.A_BillingDocument).to.equal(sim.stats().A_BillingDocument)
    })

    it('corrupt serves malformed records (bad date, missing key, wrong type) until repaired', async () => {
      sim.corrupt('A_BillingDocument', '90000005', 'BillingDocumentDate', '/Date(notanumber)/')
      sim.corrupt('A_BillingDocument', '90000005', 'TotalNetAmount', 12.5)
      await send('POST', '/__sim/corrupt', { entitySet: 'A_BillingDocument', key: '90000006', property: 'BillingDocument', omit: true })
      const { body } = await get(`${BD}/A_BillingDocument?$filter=${q("BillingDocument eq '90000005' or BillingDocument eq '90000006'")}`)
      const [a, b] = body.d.results
      expect(a.BillingDocumentDate).to.equal('/Date(notanumber)/')
      expect(a.TotalNetAmount).to.equal(12.5)
      expect(b).to.not.have.property('BillingDocument')
      expect(b.__metadata.uri).to.contain("'90000006'")
      sim.repair('A_BillingDocument', '90000005')
      sim.corrupt('A_BillingDocument', '90000006', 'BillingDocument', OMIT)
      sim.repair('A_BillingDocument', '90000006')
      expect((await get(`${BD}/A_BillingDocument('90000005')`)).body.d.BillingDocumentDate).to.match(/^\/Date\(\d+\)\/$/)
      expect((await get(`${BD}/A_BillingDocument('90000006')`)).body.d.BillingDocument).to.equal('90000006')
    })
  })

  describe('data generator', () => {
    it('is deterministic: same seed and reference date give the same data, another seed differs', () => {
      const a = JSON.stringify(generate({ seed: 7, referenceDate: REF }))
      const b = JSON.stringify(generate({ seed: 7, referenceDate: REF }))
      const c = JSON.stringify(generate({ seed: 8, referenceDate: REF }))
      expect(a).to.equal(b)
      expect(a).to.not.equal(c)
    })

    it('produces consistent relations and amounts', () => {
      const d = generate({ seed: 3, referenceDate: REF })
      expect(d.A_Customer).to.have.length(20)
      expect(d.A_SalesOrder).to.have.length(40)
      expect(d.A_BillingDocument).to.have.length(60)
      for (const c of d.A_Customer) {
        const bp = d.A_BusinessPartner.find((b) => b.BusinessPartner === c.Customer)!
        expect(bp.Customer).to.equal(c.Customer)
        expect(['EN', 'DE', 'ZH']).to.include(bp.Language)
        const addr = d.A_BusinessPartnerAddress.filter((x) => x.BusinessPartner === c.Customer)
        expect(addr).to.have.length(1)
        const mails = d.A_AddressEmailAddress.filter((m) => m.AddressID === addr[0].AddressID && m.IsDefaultEmailAddress)
        expect(mails).to.have.length(1)
        expect(mails[0].EmailAddress).to.match(/\.example\.(com|org)$/)
        expect(d.A_CustomerCompany.filter((x) => x.Customer === c.Customer && x.CompanyCode === '1710')).to.have.length(1)
        expect(d.A_CustomerDunning.filter((x) => x.Customer === c.Customer)[0].DunningArea).to.be.oneOf(['', '01'])
        expect(d.A_CustomerSalesArea.some((x) => x.Customer === c.Customer && x.SalesOrganization === '1710' && x.DistributionChannel === '10' && x.Division === '00')).to.equal(true)
      }
      const cents = (v: unknown) => Math.round((v as number) * 100)
      for (const h of d.A_BillingDocument) {
        const items = d.A_BillingDocumentItem.filter((i) => i.BillingDocument === h.BillingDocument)
        expect(items.length).to.be.within(1, 5)
        expect(items.reduce((s, i) => s + cents(i.NetAmount), 0)).to.equal(cents(h.TotalNetAmount))
        expect(cents(h.TotalGrossAmount)).to.equal(cents(h.TotalNetAmount) + cents(h.TaxAmount))
        expect(Math.abs(cents(h.TaxAmount) - cents(h.TotalNetAmount) * 0.19)).to.be.at.most(items.length)
        for (const i of items) expect(d.A_SalesOrderItem.some((s) => s.SalesOrder === i.SalesDocument && s.SalesOrderItem === i.SalesDocumentItem)).to.equal(true)
        const fi = d.A_OperationalAcctgDocItemCube.filter((f) => f.BillingDocument === h.BillingDocument)
        expect(fi).to.have.length(1)
        expect(fi[0]).to.include({ FinancialAccountType: 'D', AccountingDocument: h.AccountingDocument, FiscalYear: h.FiscalYear, CompanyCode: '1710' })
        expect(Math.abs(fi[0].AmountInTransactionCurrency as number)).to.equal(h.TotalGrossAmount)
      }
      const big = generate({ seed: 3, referenceDate: REF, volume: { customers: 200, salesOrders: 1000, billingDocuments: 3000 } })
      const fis = big.A_OperationalAcctgDocItemCube.filter((f) => f.DebitCreditCode === 'S')
      const cleared = fis.filter((f) => f.IsCleared).length / fis.length
      const ref = Date.parse(REF)
      const overdue = fis.filter((f) => !f.IsCleared && (f.NetDueDate as number) < ref).length / fis.length
      expect(cleared).to.be.within(0.2, 0.45)
      expect(overdue).to.be.within(0.1, 0.3)
      const s1 = big.A_BillingDocument.filter((b) => b.BillingDocumentType === 'S1')
      expect(s1.length).to.be.greaterThan(10)
      for (const c of s1) expect(big.A_BillingDocument.find((b) => b.BillingDocument === c.CancelledBillingDocument)!.BillingDocumentIsCancelled).to.equal(true)
      const stamps = big.A_BillingDocument.map((b) => b.LastChangeDateTime as string)
      expect(new Set(stamps).size).to.be.lessThan(stamps.length)
      expect(new Set(stamps).size).to.be.greaterThan(stamps.length * 0.9)
    })

    it('generates the bench volume (timing printed, not asserted)', function () {
      this.timeout(120_000)
      const heap0 = process.memoryUsage().heapUsed
      const t0 = performance.now()
      const d = generate({ volume: 'bench', referenceDate: REF })
      const ms = performance.now() - t0
      const heapMB = (process.memoryUsage().heapUsed - heap0) / 1e6
      console.log(`      bench volume generated in ${ms.toFixed(0)} ms (heap +${heapMB.toFixed(0)} MB): ${d.A_BillingDocument.length} billing documents, ${d.A_BillingDocumentItem.length} items, ${d.A_SalesOrder.length} sales orders, ${d.A_Customer.length} customers, ${d.A_OperationalAcctgDocItemCube.length} FI items`)
      expect(d.A_BillingDocument).to.have.length(100_000)
      expect(d.A_BillingDocumentItem.length).to.be.within(270_000, 330_000)
      expect(d.A_SalesOrder).to.have.length(50_000)
      expect(d.A_Customer).to.have.length(10_000)
      expect(d.A_OperationalAcctgDocItemCube).to.have.length(100_000)
    })
  })
})
