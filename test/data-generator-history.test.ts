/**
 * The data generator's year of postings (option postingHistory): payments that clear what they pay, several invoices
 * at once, partial payments, credit memos, payers on time, late or slow. Monthly statements of account rely on what
 * is checked here: every clearing nets to zero, so what is open on a day sums to everything posted by then.
 * Also: without the option, the generator's output is the one the other suites were written against.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import { DAY, generate, type Dataset } from '@invoice-crm/s4-simulator/data-generator'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'

type Row = Dataset[string][number]

const REF = '2026-06-30'
const ref = Date.parse(REF)
const YEAR = { customers: 200, salesOrders: 600, billingDocuments: 2000 }
const SPECS = path.join(__dirname, '../../shared/s4-specs')
const BD = '/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV'
const FI = '/sap/opu/odata/sap/API_OPLACCTGDOCITEMCUBE_SRV'

const cents = (fi: Row) => Math.round((fi.AmountInTransactionCurrency as number) * 100)
const isInvoice = (fi: Row) => fi.AccountingDocumentType === 'RV' && fi.PostingKey === '01'
const isPartialPayment = (fi: Row) => fi.AccountingDocumentType === 'DZ' && fi.InvoiceReference !== ''

/** The property names of every entity type in SAP's published metadata (../shared/s4-specs/*.edmx). */
function sapEntityTypes(): Map<string, Set<string>> {
  const types = new Map<string, Set<string>>()
  for (const file of fs.readdirSync(SPECS).filter((f) => f.endsWith('.edmx'))) {
    const xml = fs.readFileSync(path.join(SPECS, file), 'utf8')
    for (const [entityType, name] of xml.matchAll(/<EntityType Name="(\w+)"[\s\S]*?<\/EntityType>/g)) {
      types.set(name, new Set([...entityType.matchAll(/<Property Name="(\w+)"/g)].map(([, property]) => property)))
    }
  }
  return types
}

/** The last day of each of the twelve months before the reference date's, and the day before the reference date. */
function monthEnds(): number[] {
  const month = new Date(ref)
  const days = [ref - DAY]
  for (let back = 0; back < 12; back++) days.push(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - back, 0))
  return days
}

describe('data generator: a year of postings (postingHistory)', () => {
  let data: Dataset
  let items: Row[]
  let groups: Map<string, Row[]>

  before(() => {
    data = generate({ volume: YEAR, seed: 5, referenceDate: REF, postingHistory: true })
    items = data.A_OperationalAcctgDocItemCube.filter((fi) => fi.FinancialAccountType === 'D')
    groups = new Map()
    for (const fi of items.filter((i) => i.IsCleared)) {
      const key = `${String(fi.ClearingAccountingDocument)}|${String(fi.ClearingDate)}`
      groups.set(key, [...(groups.get(key) ?? []), fi])
    }
  })
  const groupOf = (fi: Row) => groups.get(`${String(fi.ClearingAccountingDocument)}|${String(fi.ClearingDate)}`)!

  it('leaves the output without the option as it was: same rows, same order, same random sequence', () => {
    // sha256 of JSON.stringify(generate(…)) by the generator before postingHistory existed
    const json = JSON.stringify(generate({ volume: 'small', seed: 11, referenceDate: REF }))
    expect(crypto.createHash('sha256').update(json).digest('hex')).to.equal('496608aa8f856f7ce202e4f11176f4442ddb6628849e2266f5873ec7b791fe4c')
  })

  it('keeps the documents of the output without the option and adds credit memos after them', () => {
    const plain = generate({ volume: YEAR, seed: 5, referenceDate: REF })
    for (const set of ['A_BusinessPartner', 'A_Customer', 'A_SalesOrder', 'A_SalesOrderItem']) expect(data[set]).to.deep.equal(plain[set])
    const documents = data.A_BillingDocument
    expect(documents.slice(0, plain.A_BillingDocument.length)).to.deep.equal(plain.A_BillingDocument)
    expect(documents.slice(plain.A_BillingDocument.length).every((b) => b.BillingDocumentType === 'G2')).to.equal(true)
  })

  it('nets every clearing to zero, on or after every posting it clears, and posts nothing on or after the reference date', () => {
    expect(groups.size).to.be.greaterThan(300)
    for (const group of groups.values()) {
      expect(group.reduce((sum, fi) => sum + cents(fi), 0), `clearing ${String(group[0].ClearingAccountingDocument)}`).to.equal(0)
      for (const fi of group) expect(fi.ClearingDate as number).to.be.at.least(fi.PostingDate as number)
      expect(new Set(group.map((fi) => `${String(fi.Customer)}|${String(fi.TransactionCurrency)}`)).size).to.equal(1)
    }
    for (const fi of items) {
      expect(fi.PostingDate as number).to.be.below(ref)
      if (fi.IsCleared) expect(fi.ClearingDate as number).to.be.below(ref)
    }
  })

  it('gives each customer and currency, on every month end, open items that sum to all its postings by then', () => {
    for (const day of monthEnds()) {
      const open = new Map<string, number>()
      const posted = new Map<string, number>()
      for (const fi of items) {
        if ((fi.PostingDate as number) > day) continue
        const account = `${String(fi.Customer)}|${String(fi.TransactionCurrency)}`
        posted.set(account, (posted.get(account) ?? 0) + cents(fi))
        if (!fi.IsCleared || (fi.ClearingDate as number) > day) open.set(account, (open.get(account) ?? 0) + cents(fi))
      }
      for (const [account, sum] of posted) expect(open.get(account) ?? 0, `${account} on ${new Date(day).toISOString().slice(0, 10)}`).to.equal(sum)
    }
  })

  it('posts payments (DZ, key 15, credit, no billing document) that clear themselves with what they pay, often several invoices', () => {
    const payments = items.filter((fi) => fi.AccountingDocumentType === 'DZ' && !isPartialPayment(fi))
    expect(payments.length).to.be.greaterThan(300)
    for (const payment of payments) {
      expect(payment).to.include({ PostingKey: '15', DebitCreditCode: 'H', BillingDocument: '', IsCleared: true, ClearingAccountingDocument: payment.AccountingDocument })
      expect(payment.AccountingDocument as string).to.match(/^14\d{8}$/)
      expect(payment.FiscalYear).to.equal(String(new Date(payment.PostingDate as number).getUTCFullYear()))
      expect(cents(payment)).to.be.below(0)
      expect(groupOf(payment).filter((fi) => fi.AccountingDocumentType === 'DZ' && !isPartialPayment(fi))).to.have.length(1)
    }
    expect(payments.filter((payment) => groupOf(payment).filter(isInvoice).length >= 2).length).to.be.greaterThan(20)
    expect(new Set(items.map((fi) => `${String(fi.FiscalYear)}|${String(fi.AccountingDocument)}`)).size).to.equal(items.length)
  })

  it('posts partial payments referring to their invoice, cleared with it by the final payment or still open', () => {
    const partials = items.filter(isPartialPayment)
    const byDocument = new Map(items.map((fi) => [fi.AccountingDocument, fi]))
    for (const partial of partials) {
      const invoice = byDocument.get(partial.InvoiceReference)!
      expect(invoice).to.include({ AccountingDocumentType: 'RV', PostingKey: '01' })
      expect(partial).to.include({
        PostingKey: '15', DebitCreditCode: 'H', BillingDocument: invoice.BillingDocument, NetDueDate: invoice.NetDueDate,
        InvoiceReferenceFiscalYear: invoice.FiscalYear, InvoiceItemReference: invoice.AccountingDocumentItem,
      })
      expect(-cents(partial)).to.be.within(1, cents(invoice) - 1)
      expect(partial.PostingDate as number).to.be.above(invoice.PostingDate as number)
      if (partial.IsCleared) {
        const group = groupOf(partial)
        expect(group).to.include(invoice)
        expect(group.filter((fi) => fi.AccountingDocumentType === 'DZ' && !isPartialPayment(fi))).to.have.length(1)
      } else expect(invoice.IsCleared).to.equal(false)
    }
    expect(partials.filter((fi) => fi.IsCleared).length).to.be.greaterThan(20)
    expect(partials.filter((fi) => !fi.IsCleared).length).to.be.greaterThan(5)
  })

  it('posts G2 credit memos referring to an invoice, cleared with its payment or open', () => {
    const creditMemos = data.A_BillingDocument.filter((b) => b.BillingDocumentType === 'G2')
    const invoices = new Map(data.A_BillingDocument.map((b) => [b.BillingDocument, b]))
    const fiOf = new Map(items.map((fi) => [fi.BillingDocument, fi]))
    let open = 0, cleared = 0
    for (const creditMemo of creditMemos) {
      expect(creditMemo).to.include({ SDDocumentCategory: 'O', BillingDocumentCategory: 'A', BillingDocumentIsCancelled: false })
      const [item] = data.A_BillingDocumentItem.filter((i) => i.BillingDocument === creditMemo.BillingDocument)
      expect(item).to.include({ ReferenceSDDocumentCategory: 'M', NetAmount: creditMemo.TotalNetAmount })
      const invoice = invoices.get(item.ReferenceSDDocument)!
      expect(invoice).to.include({ BillingDocumentType: 'F2', BillingDocumentIsCancelled: false, PayerParty: creditMemo.PayerParty })
      expect(creditMemo.TotalGrossAmount as number).to.be.below(invoice.TotalGrossAmount as number)
      const fi = fiOf.get(creditMemo.BillingDocument)!
      const invoiceFi = fiOf.get(invoice.BillingDocument)!
      expect(fi).to.include({
        AccountingDocumentType: 'RV', PostingKey: '11', DebitCreditCode: 'H', AccountingDocument: creditMemo.AccountingDocument,
        InvoiceReference: invoiceFi.AccountingDocument, NetDueDate: invoiceFi.NetDueDate,
      })
      expect(-cents(fi)).to.equal(Math.round((creditMemo.TotalGrossAmount as number) * 100))
      if (fi.IsCleared) { cleared++; expect(groupOf(fi)).to.include(invoiceFi) } else open++
    }
    expect(open).to.be.greaterThan(5)
    expect(cleared).to.be.greaterThan(5)
  })

  it('keeps cancellations clearing their original', () => {
    const cancellations = data.A_BillingDocument.filter((b) => b.BillingDocumentType === 'S1')
    expect(cancellations.length).to.be.greaterThan(10)
    const fiOf = new Map(items.map((fi) => [fi.BillingDocument, fi]))
    for (const cancellation of cancellations) {
      const fi = fiOf.get(cancellation.BillingDocument)!
      expect(groupOf(fi).map((i) => i.BillingDocument)).to.have.members([cancellation.BillingDocument, cancellation.CancelledBillingDocument])
    }
  })

  it('has payers that pay on time and payers that pay late', () => {
    const daysLate = new Map<string, number[]>()
    for (const invoice of items.filter((fi) => isInvoice(fi) && fi.IsCleared && String(fi.ClearingAccountingDocument).startsWith('14'))) {
      const days = ((invoice.ClearingDate as number) - (invoice.NetDueDate as number)) / DAY
      daysLate.set(invoice.Customer as string, [...(daysLate.get(invoice.Customer as string) ?? []), days])
    }
    const habitual = [...daysLate.values()].filter((days) => days.length >= 3)
    expect(habitual.filter((days) => days.every((d) => d <= 3)).length).to.be.greaterThan(10)
    expect(habitual.filter((days) => days.every((d) => d >= 14)).length).to.be.greaterThan(3)
  })

  it("uses only properties of SAP's metadata", () => {
    const types = sapEntityTypes()
    for (const [set, rows] of Object.entries(data)) {
      const properties = types.get(`${set}Type`)
      expect(properties, set).to.not.equal(undefined)
      const unknown = new Set(rows.flatMap((row) => Object.keys(row).filter((name) => !properties!.has(name))))
      expect([...unknown], set).to.deep.equal([])
    }
  })

  describe('served by the simulator', () => {
    let sim: Simulator
    let url: string
    before(async () => {
      sim = createSimulator({ volume: YEAR, seed: 5, referenceDate: REF, postingHistory: true })
      url = await sim.listen(0)
    })
    after(async () => { await sim.close() })

    const get = async (resource: string) => {
      const response = await fetch(url + resource, { headers: { accept: 'application/json' } })
      expect(response.status, resource).to.equal(200)
      return (await response.json() as { d: { results: Row[]; __count?: string } }).d
    }
    const filter = (expression: string) => `$filter=${encodeURIComponent(expression)}&$inlinecount=allpages`

    it('serves the payments without billing document and the partial payments with their invoice', async () => {
      const payments = await get(`${FI}/A_OperationalAcctgDocItemCube?${filter("FinancialAccountType eq 'D' and AccountingDocumentType eq 'DZ' and BillingDocument eq ''")}&$top=3`)
      expect(Number(payments.__count)).to.equal(items.filter((fi) => fi.AccountingDocumentType === 'DZ' && !isPartialPayment(fi)).length)
      expect(payments.results[0]).to.include({ BillingDocument: '', DebitCreditCode: 'H', IsCleared: true, ClearingAccountingDocument: payments.results[0].AccountingDocument })
      const partials = await get(`${FI}/A_OperationalAcctgDocItemCube?${filter("AccountingDocumentType eq 'DZ' and InvoiceReference ne ''")}&$top=3`)
      expect(Number(partials.__count)).to.equal(items.filter(isPartialPayment).length)
      expect(partials.results[0].BillingDocument).to.match(/^9\d{7}$/)
    })

    it('serves the G2 credit memos with their items', async () => {
      const creditMemos = await get(`${BD}/A_BillingDocument?${filter("BillingDocumentType eq 'G2'")}&$expand=to_Item&$top=3`)
      expect(Number(creditMemos.__count)).to.equal(data.A_BillingDocument.filter((b) => b.BillingDocumentType === 'G2').length)
      const [first] = creditMemos.results
      expect(first).to.include({ SDDocumentCategory: 'O' })
      const invoice = data.A_BillingDocument.find((b) => b.BillingDocument === (first.to_Item as { results: Row[] }).results[0].ReferenceSDDocument)!
      expect(invoice.BillingDocumentType).to.equal('F2')
    })
  })
})
