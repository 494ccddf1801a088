/**
 * Deterministic S/4HANA test data (seeded PRNG: same seed + reference date → same data).
 *
 * Customers 17100001… (business partner = customer number, mostly organisations, one address with a
 * default e-mail at example.com/example.org, language EN/DE/ZH, company code 1710, dunning record,
 * 1–2 sales areas), sales orders 1… with items, billing documents 90000001… (F2 invoices referencing
 * sales order items, partners AG/RE/RG, 19% tax, a few S1 cancellations) and one FI customer item per
 * billing document (≈30% cleared, ≈20% overdue). Option postingHistory: instead of that clearing, a year of
 * incoming payments (clearing, several invoices at once, partial), G2 credit memos and payment habits. Rows are
 * plain objects keyed by CSN element names; elements the model does not have are dropped when the store loads them.
 */
import type { Row } from './odata-query'
import { isoFromMs } from './edm-values'

export interface VolumeSpec { customers: number; salesOrders: number; billingDocuments: number }
export const VOLUMES: Record<'small' | 'bench', VolumeSpec> = {
  small: { customers: 20, salesOrders: 40, billingDocuments: 60 },
  bench: { customers: 10_000, salesOrders: 50_000, billingDocuments: 100_000 },
}

export interface GeneratorOptions {
  volume?: 'small' | 'bench' | Partial<VolumeSpec>
  seed?: number
  /** "today" of the generated world (default: today 00:00 UTC); all stamps lie before it */
  referenceDate?: Date | string | number
  /**
   * A year of FI postings on the same documents: incoming payments (DZ) that clear the invoices they pay (several
   * at once, net of credit memos), partial payments, G2 credit memos, payers on time, late or slow. Without it, a
   * cleared invoice's clearing document is a number that was never posted (and the data is what it always was).
   */
  postingHistory?: boolean
}

export type Dataset = Record<string, Row[]>

export const DAY = 86_400_000
export const COMPANY_CODE = '1710'
export const COMPANY_CURRENCY = 'USD'
export const TAX_RATE = 0.19
export const PAYMENT_TERMS: Record<string, number> = { NT14: 14, NT30: 30, NT60: 60 }
const RATES: Record<string, number> = { USD: 1, EUR: 1.08, GBP: 1.27, CNY: 0.14 }

// ------------------------------------------------------------------------------------------ PRNG

export class Rng {
  private s: number
  constructor(seed: number) { this.s = (seed >>> 0) || 0x9e3779b9 }
  /** mulberry32 */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)) }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)] }
  chance(p: number): boolean { return this.next() < p }
}

// ------------------------------------------------------------------------------------------ vocabulary

const DE_NAMES = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Braun', 'Krüger', 'Hartmann']
const DE_TRADES = ['Maschinenbau', 'Logistik', 'Handel', 'Elektrotechnik', 'Werkzeuge', 'Anlagenbau', 'Metallbau', 'Verpackung', 'Feinmechanik']
const DE_FORMS = ['GmbH', 'AG', 'KG', 'GmbH & Co. KG']
const DE_CITIES: Array<[string, string, string]> = [['Berlin', '10115', 'BE'], ['Hamburg', '20095', 'HH'], ['München', '80331', 'BY'], ['Köln', '50667', 'NW'], ['Frankfurt am Main', '60311', 'HE'], ['Stuttgart', '70173', 'BW'], ['Leipzig', '04109', 'SN'], ['Walldorf', '69190', 'BW']]
const DE_STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Industriestraße', 'Gartenweg', 'Dietmar-Hopp-Allee', 'Lindenallee', 'Schillerstraße']
const EN_NAMES = ['Acme', 'Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Hooli', 'Vandelay', 'Wonka', 'Blue Ridge', 'Silver Lake']
const EN_TRADES = ['Industries', 'Logistics', 'Trading', 'Systems', 'Manufacturing', 'Supplies', 'Components', 'Foods', 'Retail']
const EN_FORMS = ['Inc.', 'Ltd.', 'LLC', 'Corp.']
const US_CITIES: Array<[string, string, string]> = [['Palo Alto', '94304', 'CA'], ['Newtown Square', '19073', 'PA'], ['Chicago', '60601', 'IL'], ['Houston', '77002', 'TX'], ['Boston', '02108', 'MA'], ['Seattle', '98101', 'WA']]
const GB_CITIES: Array<[string, string, string]> = [['London', 'EC1A 1BB', ''], ['Manchester', 'M1 1AE', ''], ['Bristol', 'BS1 4DJ', '']]
const EN_STREETS = ['Main Street', 'Market Street', 'Oak Avenue', 'Park Lane', 'Station Road', 'High Street', 'Hillside Drive']
const ZH_CITIES: Array<[string, string, string]> = [['Shanghai', '200000', '020'], ['Beijing', '100000', '010'], ['Shenzhen', '518000', '030'], ['Hangzhou', '310000', '120'], ['Suzhou', '215000', '100']]
const ZH_NAMES = ['Huaxin', 'Dongfang', 'Jinlong', 'Tianyu', 'Hengtai', 'Xinda', 'Zhongke', 'Baoli', 'Hongda', 'Ruifeng']
const ZH_TRADES = ['Trading Co., Ltd.', 'Technology Co., Ltd.', 'Industrial Co., Ltd.', 'Electronics Co., Ltd.']
const ZH_STREETS = ['Nanjing Road', 'Huaihai Road', 'Century Avenue', 'Shennan Boulevard', 'Wensan Road']
const FIRST_NAMES = ['Anna', 'Lukas', 'Mia', 'John', 'Emma', 'Wei', 'Li', 'Sophie', 'David', 'Laura', 'Jonas', 'Olivia']
const LAST_NAMES = ['Bauer', 'Keller', 'Smith', 'Johnson', 'Brown', 'Wang', 'Zhang', 'Chen', 'Lehmann', 'Taylor']
const MATERIALS: Array<[string, string]> = [
  ['TG11', 'Trading Good 11, PD, Reg. Trading'], ['TG12', 'Trading Good 12, PD, Reg. Trading'], ['TG13', 'Trading Good 13, PD'],
  ['FG126', 'Finished Good 126, MTS'], ['FG129', 'Finished Good 129, MTO'], ['SG23', 'Service Good 23'],
  ['MZ-FG-C900', 'C900 Bike'], ['MZ-FG-M500', 'M500 Mountain Bike'], ['MZ-TG-Y120', 'Y120 Helmet'], ['MZ-TG-Y200', 'Y200 Gloves'],
  ['SRV_01', 'Installation Service'], ['SRV_02', 'Maintenance Service (hours)'],
]
const TEXTS = [
  'Please deliver to gate 3, loading dock B.',
  'Invoice must quote our purchase order number.',
  'Partial deliveries accepted.',
  'Contact the warehouse 24h before delivery.',
  'Bitte Lieferschein in zweifacher Ausfertigung beilegen.',
]

// ------------------------------------------------------------------------------------------ helpers

const cents = (c: number) => c / 100
const midnight = (ms: number) => ms - (((ms % DAY) + DAY) % DAY)
const secondsOfDay = (ms: number) => Math.floor((((ms % DAY) + DAY) % DAY) / 1000)
const slug = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
export const fiscalYear = (ms: number) => String(new Date(ms).getUTCFullYear())
const fiscalPeriod = (ms: number) => String(new Date(ms).getUTCMonth() + 1).padStart(3, '0')

/** A stamp: epoch ms plus sub-millisecond ticks (kept in the ISO string with 7 fractional digits). */
export interface Stamp { ms: number; ticks: number }
export const stampIso = (s: Stamp) => isoFromMs(s.ms, s.ticks)

export interface CustomerMeta {
  customer: string
  language: 'EN' | 'DE' | 'ZH'
  currency: string
  terms: string
  payer: string
  distributionChannels: string[]
}

export interface CustomerBundle { meta: CustomerMeta; rows: Dataset }
export interface SalesOrderBundle { header: Row; items: Row[]; texts: Row[]; prices: number[] }
export interface BillingBundle { header: Row; items: Row[]; partners: Row[]; fi: Row }

// ------------------------------------------------------------------------------------------ FI customer items

interface Clearing { date: number; document: string }
interface Dunning { DunningLevel: string; LastDunningDate: number | null }

const NOT_DUNNED: Dunning = { DunningLevel: '0', LastDunningDate: null }

/** An open item's dunning on the reference day: level 1 from 15 days overdue, 2 from 31, 3 from 61, a notice every 16 days from day 14. */
function dunningOf(due: number, referenceMs: number): Dunning {
  const overdueDays = Math.floor((referenceMs - due) / DAY)
  const level = overdueDays <= 14 ? 0 : overdueDays <= 30 ? 1 : overdueDays <= 60 ? 2 : 3
  return level ? { DunningLevel: String(level), LastDunningDate: due + (14 + 16 * (level - 1)) * DAY } : NOT_DUNNED
}

const clearingFields = (clearing?: Clearing) => ({
  IsCleared: !!clearing,
  ClearingDate: clearing ? clearing.date : null,
  ClearingAccountingDocument: clearing ? clearing.document : '',
  ClearingDocFiscalYear: clearing ? fiscalYear(clearing.date) : '',
})

/** What sets one customer item (account type D) apart from the others. */
interface CustomerItemSpec {
  accountingDocument: string
  postingDate: number
  customer: string
  /** RV: posted by billing, DZ: incoming payment */
  documentType: 'RV' | 'DZ'
  /** 01 invoice, 11 credit memo, 15 incoming payment */
  postingKey: '01' | '11' | '15'
  /** in cents of the transaction currency: debit positive, credit negative */
  amountCents: number
  currency: string
  netDueDate: number
  billingDocument?: string
  salesDocument?: string
  paymentTerms?: string
  documentReference?: string
  assignment?: string
  /** the invoice's accounting document an item with invoice reference belongs to (SAP's REBZG) */
  invoiceReference?: string
  clearing?: Clearing
  dunning?: Dunning
}

/** The only line of a one-line customer document of company code 1710 (A_OperationalAcctgDocItemCube). */
function customerItem(spec: CustomerItemSpec): Row {
  const { postingDate: date, amountCents, clearing } = spec
  const rate = RATES[spec.currency] ?? 1
  const dunning = spec.dunning ?? NOT_DUNNED
  return {
    CompanyCode: COMPANY_CODE,
    FiscalYear: fiscalYear(date),
    AccountingDocument: spec.accountingDocument,
    AccountingDocumentItem: '1',
    FinancialAccountType: 'D',
    Customer: spec.customer,
    BillingDocument: spec.billingDocument ?? '',
    SalesDocument: spec.salesDocument ?? '',
    AccountingDocumentType: spec.documentType,
    PostingKey: spec.postingKey,
    PostingDate: date,
    DocumentDate: date,
    DueCalculationBaseDate: date,
    NetDueDate: spec.netDueDate,
    FiscalPeriod: fiscalPeriod(date),
    ...clearingFields(clearing),
    AmountInTransactionCurrency: cents(amountCents),
    TransactionCurrency: spec.currency,
    AmountInCompanyCodeCurrency: (Math.sign(amountCents) * Math.round(Math.abs(amountCents) * rate)) / 100,
    CompanyCodeCurrency: COMPANY_CURRENCY,
    DebitCreditCode: amountCents < 0 ? 'H' : 'S',
    DunningLevel: dunning.DunningLevel,
    DunningBlockingReason: '',
    DunningArea: '',
    LastDunningDate: dunning.LastDunningDate,
    PaymentTerms: spec.paymentTerms ?? '',
    DocumentReferenceID: spec.documentReference ?? '',
    AssignmentReference: spec.assignment ?? '',
    InvoiceReference: spec.invoiceReference ?? '',
    IsReversal: false,
    IsReversed: false,
    AccountingDocumentCreationDate: date,
    LastChangeDate: clearing ? clearing.date : date,
  }
}

// ------------------------------------------------------------------------------------------ builders

/** A customer: business partner, customer, address + e-mail, company code data, dunning, sales areas. */
export function buildCustomer(rng: Rng, index: number, created: Stamp, changed: Stamp, usedEmails: Set<string>, payer?: string): CustomerBundle {
  const customer = String(17100001 + index)
  const addressId = String(30001 + index)
  const r = rng.next()
  const language: CustomerMeta['language'] = r < 0.5 ? 'EN' : r < 0.85 ? 'DE' : 'ZH'
  const person = rng.chance(0.1)
  let name: string, country: string, city: [string, string, string], street: string, currency: string
  if (language === 'DE') {
    name = `${rng.pick(DE_NAMES)} ${rng.pick(DE_TRADES)} ${rng.pick(DE_FORMS)}`
    country = 'DE'; city = rng.pick(DE_CITIES); street = rng.pick(DE_STREETS); currency = 'EUR'
  } else if (language === 'ZH') {
    name = `${rng.pick(ZH_CITIES)[0]} ${rng.pick(ZH_NAMES)} ${rng.pick(ZH_TRADES)}`
    country = 'CN'; city = rng.pick(ZH_CITIES); street = rng.pick(ZH_STREETS); currency = 'CNY'
  } else {
    const gb = rng.chance(0.2)
    name = `${rng.pick(EN_NAMES)} ${rng.pick(EN_TRADES)} ${rng.pick(EN_FORMS)}`
    country = gb ? 'GB' : 'US'; city = rng.pick(gb ? GB_CITIES : US_CITIES); street = rng.pick(EN_STREETS); currency = gb ? 'GBP' : 'USD'
  }
  const first = person ? rng.pick(FIRST_NAMES) : ''
  const last = person ? rng.pick(LAST_NAMES) : ''
  if (person) name = `${first} ${last}`
  const tr = rng.next()
  const terms = tr < 0.7 ? 'NT30' : tr < 0.9 ? 'NT14' : 'NT60'
  const local = person ? `${slug(first)}.${slug(last)}` : rng.pick(['accounts.payable', 'billing', 'invoices', 'ap', 'finance'])
  let email = `${local}@${slug(name).slice(0, 40)}.example.${rng.chance(0.5) ? 'com' : 'org'}`
  if (usedEmails.has(email)) email = email.replace('@', `.${customer}@`)
  usedEmails.add(email)
  const createdDate = midnight(created.ms)
  const blocked = rng.chance(0.03)
  const channels = rng.chance(0.3) ? ['10', '20'] : ['10']
  const dunningArea = rng.chance(0.8) ? '' : '01'
  const dunningLevel = rng.chance(0.7) ? '0' : String(rng.int(1, 3))

  const rows: Dataset = {
    A_BusinessPartner: [{
      BusinessPartner: customer,
      Customer: customer,
      BusinessPartnerCategory: person ? '1' : '2',
      BusinessPartnerFullName: name,
      BusinessPartnerName: name,
      OrganizationBPName1: person ? '' : name.slice(0, 40),
      FirstName: first,
      LastName: last,
      BusinessPartnerGrouping: 'BP02',
      CorrespondenceLanguage: language,
      Language: language,
      SearchTerm1: (person ? last : name).toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 20),
      BusinessPartnerIsBlocked: false,
      IsMarkedForArchiving: false,
      CreatedByUser: 'CB9980000010',
      CreationDate: createdDate,
      CreationTime: secondsOfDay(created.ms),
      LastChangeDate: midnight(changed.ms),
      LastChangeTime: secondsOfDay(changed.ms),
      LastChangedByUser: 'CB9980000010',
    }],
    A_Customer: [{
      Customer: customer,
      CustomerName: name.slice(0, 80),
      CustomerFullName: name,
      CustomerAccountGroup: 'CUST',
      OrderIsBlockedForCustomer: blocked ? '01' : '',
      BillingIsBlockedForCustomer: blocked ? '01' : '',
      DeliveryIsBlocked: '',
      PostingIsBlocked: false,
      DeletionIndicator: false,
      CreationDate: createdDate,
    }],
    A_BusinessPartnerAddress: [{
      BusinessPartner: customer,
      AddressID: addressId,
      ValidityStartDate: isoFromMs(createdDate),
      ValidityEndDate: '9999-12-31T23:59:59.0000000Z',
      FullName: name.slice(0, 80),
      StreetName: street,
      HouseNumber: String(rng.int(1, 250)),
      PostalCode: city[1],
      CityName: city[0],
      Region: city[2],
      Country: country,
      Language: language,
    }],
    A_AddressEmailAddress: [{
      AddressID: addressId,
      Person: '',
      OrdinalNumber: '1',
      IsDefaultEmailAddress: true,
      EmailAddress: email,
      SearchEmailAddress: email.toUpperCase().slice(0, 20),
    }],
    A_CustomerCompany: [{
      Customer: customer,
      CompanyCode: COMPANY_CODE,
      PaymentTerms: terms,
      PaymentBlockingReason: '',
      AccountingClerk: rng.pick(['01', '02', '03']),
      ReconciliationAccount: '12100000',
      CustomerHeadOffice: payer && payer !== customer ? payer : '',
      DeletionIndicator: false,
    }],
    A_CustomerDunning: [{
      Customer: customer,
      CompanyCode: COMPANY_CODE,
      DunningArea: dunningArea,
      DunningProcedure: '0001',
      DunningBlock: '',
      DunningLevel: dunningLevel,
      LastDunnedOn: dunningLevel === '0' ? null : createdDate + rng.int(30, 300) * DAY,
      DunningRecipient: '',
    }],
    A_CustomerSalesArea: channels.map((dc) => ({
      Customer: customer,
      SalesOrganization: '1710',
      DistributionChannel: dc,
      Division: '00',
      Currency: currency,
      CustomerPaymentTerms: terms,
      OrderIsBlockedForCustomer: blocked ? '01' : '',
      BillingIsBlockedForCustomer: blocked ? '01' : '',
      DeliveryIsBlockedForCustomer: '',
      DeletionIndicator: false,
    })),
  }
  if (rng.chance(0.1)) {
    const second = `${rng.pick(['purchasing', 'orders', 'office'])}@${email.split('@')[1]}`
    rows.A_AddressEmailAddress.push({ AddressID: addressId, Person: '', OrdinalNumber: '2', IsDefaultEmailAddress: false, EmailAddress: second, SearchEmailAddress: second.toUpperCase().slice(0, 20) })
  }
  return { meta: { customer, language, currency, terms, payer: payer ?? customer, distributionChannels: channels }, rows }
}

export function buildSalesOrder(rng: Rng, number: number, c: CustomerMeta, created: Stamp): SalesOrderBundle {
  const salesOrder = String(number)
  const date = midnight(created.ms)
  const items: Row[] = []
  const prices: number[] = []
  let net = 0
  const n = rng.int(1, 5)
  for (let i = 0; i < n; i++) {
    const [material, text] = rng.pick(MATERIALS)
    const qty = rng.int(1, 20)
    const price = rng.int(1000, 200000) // cents
    const amount = qty * price
    net += amount
    prices.push(price)
    items.push({
      SalesOrder: salesOrder,
      SalesOrderItem: String((i + 1) * 10),
      SalesOrderItemCategory: 'TAN',
      SalesOrderItemText: text,
      Material: material,
      RequestedQuantity: qty,
      RequestedQuantityUnit: 'PC',
      NetAmount: cents(amount),
      TransactionCurrency: c.currency,
      SDProcessStatus: 'A',
      ItemBillingBlockReason: '',
      SalesDocumentRjcnReason: '',
    })
  }
  const iso = stampIso(created)
  const header: Row = {
    SalesOrder: salesOrder,
    SalesOrderType: 'OR',
    SalesOrganization: '1710',
    DistributionChannel: rng.pick(c.distributionChannels),
    OrganizationDivision: '00',
    SoldToParty: c.customer,
    PurchaseOrderByCustomer: `PO-${c.customer.slice(-4)}-${String(rng.int(1, 99999)).padStart(5, '0')}`,
    CustomerPurchaseOrderDate: date,
    SalesOrderDate: date,
    TotalNetAmount: cents(net),
    TransactionCurrency: c.currency,
    CustomerPaymentTerms: c.terms,
    OverallSDProcessStatus: 'A',
    OverallTotalDeliveryStatus: 'A',
    OverallOrdReltdBillgStatus: 'A',
    HeaderBillingBlockReason: '',
    DeliveryBlockReason: '',
    CreatedByUser: 'CB9980000010',
    CreationDate: date,
    LastChangeDate: date,
    LastChangeDateTime: iso,
  }
  const texts = rng.chance(0.3)
    ? [{ SalesOrder: salesOrder, Language: 'EN', LongTextID: '0001', LongText: rng.pick(TEXTS) }]
    : []
  return { header, items, texts, prices }
}

export interface InvoiceStatus { cleared: boolean; clearingMs?: number; clearingDoc?: string }

/** An F2 invoice billing the given sales order items (quantities up to the ordered ones). */
export function buildInvoice(
  rng: Rng, billingNo: string, acctNo: string, so: Row, soItems: Row[], prices: number[], payer: string,
  created: Stamp, referenceMs: number, status: InvoiceStatus,
): BillingBundle {
  const date = midnight(created.ms)
  const currency = so.TransactionCurrency as string
  const terms = (so.CustomerPaymentTerms as string) || 'NT30'
  const days = PAYMENT_TERMS[terms] ?? 30
  const items: Row[] = []
  let net = 0, tax = 0
  soItems.forEach((soi, i) => {
    const qtyOrdered = soi.RequestedQuantity as number
    const qty = rng.chance(0.7) ? qtyOrdered : rng.int(1, qtyOrdered)
    const price = prices[i] ?? Math.round(((soi.NetAmount as number) * 100) / Math.max(1, qtyOrdered))
    const itemNet = qty * price
    const itemTax = Math.round(itemNet * TAX_RATE)
    net += itemNet
    tax += itemTax
    items.push({
      BillingDocument: billingNo,
      BillingDocumentItem: String((i + 1) * 10),
      SalesDocumentItemCategory: 'TAN',
      BillingDocumentItemText: soi.SalesOrderItemText,
      Material: soi.Material,
      BillingQuantity: qty,
      BillingQuantityUnit: 'PC',
      NetAmount: cents(itemNet),
      GrossAmount: cents(itemNet + itemTax),
      TaxAmount: cents(itemTax),
      TransactionCurrency: currency,
      SalesDocument: so.SalesOrder,
      SalesDocumentItem: soi.SalesOrderItem,
      ReferenceSDDocument: so.SalesOrder,
      ReferenceSDDocumentItem: soi.SalesOrderItem,
      ReferenceSDDocumentCategory: 'C',
    })
  })
  const gross = net + tax
  const soldTo = so.SoldToParty as string
  const iso = stampIso(created)
  const fy = fiscalYear(date)
  const header: Row = {
    BillingDocument: billingNo,
    BillingDocumentType: 'F2',
    SDDocumentCategory: 'M',
    BillingDocumentCategory: 'L',
    BillingDocumentDate: date,
    CreationDate: date,
    CreationTime: secondsOfDay(created.ms),
    LastChangeDate: date,
    LastChangeDateTime: iso,
    BillingDocumentIsCancelled: false,
    CancelledBillingDocument: '',
    SalesOrganization: so.SalesOrganization,
    DistributionChannel: so.DistributionChannel,
    Division: '00',
    SoldToParty: soldTo,
    PayerParty: payer,
    TotalNetAmount: cents(net),
    TaxAmount: cents(tax),
    TotalGrossAmount: cents(gross),
    TransactionCurrency: currency,
    CustomerPaymentTerms: terms,
    CompanyCode: COMPANY_CODE,
    FiscalYear: fy,
    AccountingDocument: acctNo,
    DocumentReferenceID: billingNo,
    PurchaseOrderByCustomer: so.PurchaseOrderByCustomer,
    OverallBillingStatus: 'C',
    AccountingPostingStatus: 'C',
    AccountingTransferStatus: 'C',
    OverallSDProcessStatus: 'C',
  }
  const partners: Row[] = [
    { BillingDocument: billingNo, PartnerFunction: 'AG', Customer: soldTo, ContactPerson: '' },
    { BillingDocument: billingNo, PartnerFunction: 'RE', Customer: payer === soldTo ? soldTo : payer, ContactPerson: '' },
    { BillingDocument: billingNo, PartnerFunction: 'RG', Customer: payer, ContactPerson: '' },
  ]
  const due = date + days * DAY
  const fi = customerItem({
    accountingDocument: acctNo, postingDate: date, customer: payer, documentType: 'RV', postingKey: '01', amountCents: gross,
    currency, netDueDate: due, billingDocument: billingNo, salesDocument: so.SalesOrder as string, paymentTerms: terms,
    documentReference: billingNo, assignment: billingNo,
    clearing: status.cleared ? { date: status.clearingMs!, document: status.clearingDoc! } : undefined,
    dunning: status.cleared ? NOT_DUNNED : dunningOf(due, referenceMs),
  })
  return { header, items, partners, fi }
}

/** The header of a billing document that follows `orig` (a cancellation, a credit memo), created at `created`. */
function followOnHeader(orig: Row, billingNo: string, acctNo: string, created: Stamp, differences: Row): Row {
  const date = midnight(created.ms)
  return {
    ...orig,
    BillingDocument: billingNo,
    BillingDocumentDate: date,
    CreationDate: date,
    CreationTime: secondsOfDay(created.ms),
    LastChangeDate: date,
    LastChangeDateTime: stampIso(created),
    BillingDocumentIsCancelled: false,
    FiscalYear: fiscalYear(date),
    AccountingDocument: acctNo,
    DocumentReferenceID: billingNo,
    ...differences,
  }
}

const renumbered = (rows: Row[], billingNo: string) => rows.map((r) => ({ ...r, BillingDocument: billingNo }))

/** Clears the items together: one clearing document and date; a cleared item is no longer dunned. */
function clearTogether(items: Row[], clearing: Clearing) {
  for (const fi of items) Object.assign(fi, clearingFields(clearing), NOT_DUNNED, { LastChangeDate: clearing.date })
}

/** S1 cancellation of an invoice; marks the original cancelled and clears its FI item. */
export function buildCancellation(orig: BillingBundle, billingNo: string, acctNo: string, created: Stamp): BillingBundle {
  const date = midnight(created.ms)
  const header = followOnHeader(orig.header, billingNo, acctNo, created, {
    BillingDocumentType: 'S1', SDDocumentCategory: 'N', BillingDocumentCategory: 'L', CancelledBillingDocument: orig.header.BillingDocument,
  })
  const amount = orig.fi.AmountInTransactionCurrency as number
  const clearing = { date, document: acctNo }
  // the reversal mirrors the original item
  const fi: Row = {
    ...orig.fi,
    FiscalYear: fiscalYear(date),
    AccountingDocument: acctNo,
    BillingDocument: billingNo,
    PostingKey: '11',
    PostingDate: date,
    DocumentDate: date,
    DueCalculationBaseDate: date,
    NetDueDate: date,
    FiscalPeriod: fiscalPeriod(date),
    ...clearingFields(clearing),
    AmountInTransactionCurrency: -amount,
    AmountInCompanyCodeCurrency: -(orig.fi.AmountInCompanyCodeCurrency as number),
    DebitCreditCode: 'H',
    ...NOT_DUNNED,
    DocumentReferenceID: billingNo,
    AssignmentReference: orig.header.BillingDocument,
    InvoiceReference: orig.fi.AccountingDocument,
    IsReversal: true,
    AccountingDocumentCreationDate: date,
    LastChangeDate: date,
  }
  // the original: cancelled, its receivable cleared by the cancellation
  Object.assign(orig.header, { BillingDocumentIsCancelled: true, LastChangeDate: date, LastChangeDateTime: header.LastChangeDateTime })
  clearTogether([orig.fi], clearing)
  orig.fi.IsReversed = true
  return { header, items: renumbered(orig.items, billingNo), partners: renumbered(orig.partners, billingNo), fi }
}

/**
 * G2 credit memo with reference to an invoice: a price reduction by `share` on one of its items. The item refers to
 * the invoice's (SD document category M); the receivable item refers to the invoice's accounting document and so,
 * as in SAP, is due with the invoice.
 */
function buildCreditMemo(
  invoice: BillingBundle, creditedItem: Row, share: number, billingNo: string, acctNo: string, created: Stamp,
): BillingBundle {
  const net = Math.round(Math.round((creditedItem.NetAmount as number) * 100) * share)
  const tax = Math.round(net * TAX_RATE)
  // SAP keeps a credit memo's SD amounts positive; its category says they are credits
  const header = followOnHeader(invoice.header, billingNo, acctNo, created, {
    BillingDocumentType: 'G2', SDDocumentCategory: 'O', BillingDocumentCategory: 'A', CancelledBillingDocument: '',
    TotalNetAmount: cents(net), TaxAmount: cents(tax), TotalGrossAmount: cents(net + tax),
  })
  const item: Row = {
    ...creditedItem,
    BillingDocument: billingNo,
    BillingDocumentItem: '10',
    NetAmount: cents(net),
    GrossAmount: cents(net + tax),
    TaxAmount: cents(tax),
    ReferenceSDDocument: invoice.header.BillingDocument,
    ReferenceSDDocumentItem: creditedItem.BillingDocumentItem,
    ReferenceSDDocumentCategory: 'M',
  }
  const fi = customerItem({
    accountingDocument: acctNo, postingDate: header.BillingDocumentDate as number, customer: invoice.fi.Customer as string,
    documentType: 'RV', postingKey: '11', amountCents: -(net + tax), currency: header.TransactionCurrency as string,
    netDueDate: invoice.fi.NetDueDate as number, billingDocument: billingNo, salesDocument: invoice.fi.SalesDocument as string,
    paymentTerms: invoice.fi.PaymentTerms as string, documentReference: billingNo, assignment: billingNo,
    invoiceReference: invoice.fi.AccountingDocument as string,
  })
  return { header, items: [item], partners: renumbered(invoice.partners, billingNo), fi }
}

// ------------------------------------------------------------------------------------------ a year of postings

/** How a payer pays: days after the net due date, its payment run's cadence, how often in parts and how often not at all. */
interface PaymentHabit { daysAfterDue: [number, number]; runEveryDays: number[]; partialShare: number; unpaidShare: number }
const ON_TIME: PaymentHabit = { daysAfterDue: [-12, -3], runEveryDays: [7], partialShare: 0.02, unpaidShare: 0.01 }
const LATE: PaymentHabit = { daysAfterDue: [0, 25], runEveryDays: [7, 14], partialShare: 0.08, unpaidShare: 0.03 }
const SLOW: PaymentHabit = { daysAfterDue: [20, 75], runEveryDays: [14, 28], partialShare: 0.3, unpaidShare: 0.08 }

/** A payer's habit and payment run: every `runEveryDays` days, on the days since 1970 ≡ `runPhase` (a weekday). */
interface Payer { habit: PaymentHabit; runEveryDays: number; runPhase: number }

function newPayer(rng: Rng): Payer {
  const r = rng.next()
  const habit = r < 0.6 ? ON_TIME : r < 0.85 ? LATE : SLOW
  const runEveryDays = rng.pick(habit.runEveryDays)
  // 1970-01-01 was a Thursday: day n is a Monday…Friday for n % 7 = 4, 5, 6, 0, 1
  const weekday = rng.int(0, 4)
  return { habit, runEveryDays, runPhase: ((weekday + 4) % 7) + 7 * rng.int(0, runEveryDays / 7 - 1) }
}

/** The payer's first payment run on or after `day` (midnight). */
function paymentRun(payer: Payer, day: number): number {
  const n = day / DAY
  return (n + (((payer.runPhase - n) % payer.runEveryDays) + payer.runEveryDays) % payer.runEveryDays) * DAY
}

const CREDIT_MEMO_SHARE = 0.05
/** Incoming payments have their own number range (DZ, 14…), apart from the billing documents' (94…). */
const FIRST_PAYMENT_DOCUMENT = 1400000001

interface PlannedCreditMemo { invoice: BillingBundle; creditedItem: Row; share: number; created: Stamp; bundle?: BillingBundle }

/** A partial payment: its item refers to the invoice and stays open until the invoice is cleared. */
interface PartialPayment { kind: 'partial'; date: number; cents: number; invoice: Row; item?: Row }
/** A payment of everything open of the invoices of one payer and currency on one payment run, which it clears. */
interface ClearingPayment {
  kind: 'clearing'; date: number; customer: string; currency: string
  invoices: Row[]; creditMemos: PlannedCreditMemo[]; partials: PartialPayment[]
}

const amountCents = (fi: Row) => Math.round((fi.AmountInTransactionCurrency as number) * 100)

/**
 * A year of postings on the invoices: each payer pays by its habit; an invoice is paid on one of its payment runs,
 * together with every other invoice due for that run (one payment, one item, for the sum); some invoices are first
 * paid in part (SAP's partial payment method: the payment's item stays open with an invoice reference), some get a
 * credit memo (deducted from the payment when it comes before it, else left open), some are never paid. Nothing is
 * posted on or after the reference day. Replaces the clearing that the invoices were generated with.
 * Returns the credit memos and the payments' items.
 */
function postYearOfPayments(rng: Rng, bundles: BillingBundle[], ref: number, firstNewDocument: number): { creditMemos: BillingBundle[]; paymentItems: Row[] } {
  const payers = new Map<string, Payer>()
  const plannedCreditMemos: PlannedCreditMemo[] = []
  const partials: PartialPayment[] = []
  const clearingRuns = new Map<string, ClearingPayment>()
  for (const invoice of bundles) {
    if (invoice.header.BillingDocumentType !== 'F2' || invoice.header.BillingDocumentIsCancelled) continue
    const fi = invoice.fi
    const posted = fi.PostingDate as number
    const customer = fi.Customer as string
    const currency = fi.TransactionCurrency as string
    // open until a payment below clears it
    Object.assign(fi, clearingFields(), dunningOf(fi.NetDueDate as number, ref), { LastChangeDate: posted })
    let payer = payers.get(customer)
    if (!payer) payers.set(customer, payer = newPayer(rng))

    let creditMemo: PlannedCreditMemo | undefined
    if (rng.chance(CREDIT_MEMO_SHARE)) {
      const date = posted + rng.int(3, 40) * DAY
      const created = { ms: date + rng.int(6 * 3600, 20 * 3600) * 1000, ticks: rng.int(0, 9999) }
      const creditedItem = rng.pick(invoice.items)
      const share = rng.int(5, 30) / 100
      if (date < ref) plannedCreditMemos.push(creditMemo = { invoice, creditedItem, share, created })
    }
    if (rng.chance(payer.habit.unpaidShare)) continue

    const [earliest, latest] = payer.habit.daysAfterDue
    let run = paymentRun(payer, Math.max(posted + 2 * DAY, (fi.NetDueDate as number) + rng.int(earliest, latest) * DAY))
    // partial payments only on invoices without a credit memo, so that what is left to pay stays positive
    const partCount = !creditMemo && rng.chance(payer.habit.partialShare) ? rng.int(1, 2) : 0
    const invoicePartials: PartialPayment[] = []
    let openCents = amountCents(fi)
    for (let i = 0; i < partCount && run < ref; i++) {
      const paid = Math.round((openCents * rng.int(20, 60)) / 100)
      invoicePartials.push({ kind: 'partial', date: run, cents: paid, invoice: fi })
      openCents -= paid
      run = paymentRun(payer, run + rng.int(14, 45) * DAY)
    }
    partials.push(...invoicePartials)
    if (run >= ref) continue
    const key = `${customer}|${currency}|${run}`
    let clearing = clearingRuns.get(key)
    if (!clearing) clearingRuns.set(key, clearing = { kind: 'clearing', date: run, customer, currency, invoices: [], creditMemos: [], partials: [] })
    clearing.invoices.push(fi)
    clearing.partials.push(...invoicePartials)
    // a credit memo posted before the payment run is deducted from the payment
    if (creditMemo && creditMemo.created.ms < run) clearing.creditMemos.push(creditMemo)
  }

  // numbered in the order of their dates, as S/4HANA's number ranges count
  plannedCreditMemos.sort((a, b) => a.created.ms - b.created.ms)
  const creditMemos = plannedCreditMemos.map((planned, i) => planned.bundle = buildCreditMemo(
    planned.invoice, planned.creditedItem, planned.share, String(90000001 + firstNewDocument + i), String(9400000001 + firstNewDocument + i), planned.created,
  ))
  const payments = [...partials, ...clearingRuns.values()].sort((a, b) => a.date - b.date)
  const paymentItems = payments.map((payment, i) => {
    const document = String(FIRST_PAYMENT_DOCUMENT + i)
    if (payment.kind === 'partial') {
      const { invoice } = payment
      return payment.item = paymentItem(document, payment.date, -payment.cents, invoice.Customer as string, invoice.TransactionCurrency as string, invoice)
    }
    // a partial payment comes at least 14 days before the payment that clears it, so its item exists by now
    const cleared = [...payment.invoices, ...payment.creditMemos.map((c) => c.bundle!.fi), ...payment.partials.map((p) => p.item!)]
    const item = paymentItem(document, payment.date, -cleared.reduce((sum, fi) => sum + amountCents(fi), 0), payment.customer, payment.currency)
    clearTogether([...cleared, item], { date: payment.date, document })
    return item
  })
  return { creditMemos, paymentItems }
}

/**
 * The customer item of an incoming payment (posting key 15). A partial payment refers to its invoice (document and
 * billing document, so that the invoice's open amount nets) and, as in SAP, is due with it.
 */
function paymentItem(document: string, date: number, amount: number, customer: string, currency: string, invoice?: Row): Row {
  return customerItem({
    accountingDocument: document, postingDate: date, customer, documentType: 'DZ', postingKey: '15',
    amountCents: amount, currency, netDueDate: invoice ? (invoice.NetDueDate as number) : date,
    billingDocument: invoice?.BillingDocument as string | undefined, paymentTerms: invoice?.PaymentTerms as string | undefined,
    invoiceReference: invoice?.AccountingDocument as string | undefined,
  })
}

/**
 * SAP's invoice reference is the invoice's document, fiscal year and item: every item gets the year and item too
 * (empty without a reference), as the store takes the fields of a set from its first row. Accounting document numbers
 * are unique across fiscal years here.
 */
function addInvoiceReferenceYearAndItem(fiItems: Row[]) {
  const byDocument = new Map(fiItems.map((fi) => [fi.AccountingDocument, fi]))
  for (const fi of fiItems) {
    const invoice = fi.InvoiceReference ? byDocument.get(fi.InvoiceReference) : undefined
    fi.InvoiceReferenceFiscalYear = invoice ? invoice.FiscalYear : ''
    fi.InvoiceItemReference = invoice ? invoice.AccountingDocumentItem : ''
  }
}

const compareText = (a: unknown, b: unknown) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)

// ------------------------------------------------------------------------------------------ the world

export function resolveVolume(v: GeneratorOptions['volume']): VolumeSpec {
  if (!v || v === 'small') return VOLUMES.small
  if (v === 'bench') return VOLUMES.bench
  return { ...VOLUMES.small, ...v }
}

export function referenceMs(d: GeneratorOptions['referenceDate']): number {
  return midnight(d === undefined ? Date.now() : new Date(d).getTime())
}

/** Sorted random stamps: half in the last 30 days, half in the 11 months before; ~5% repeat their predecessor. */
function stamps(rng: Rng, n: number, ref: number, shiftDays = 0): Stamp[] {
  const ms: number[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const day = rng.chance(0.5) ? rng.int(1, 30) : rng.int(31, 364)
    const workSecond = rng.int(6 * 3600, 20 * 3600)
    ms[i] = ref - (day + shiftDays) * DAY + workSecond * 1000 + rng.int(0, 999)
  }
  ms.sort((a, b) => a - b)
  const out: Stamp[] = new Array(n)
  for (let i = 0; i < n; i++) {
    if (i > 0 && rng.chance(0.05)) { out[i] = out[i - 1]; continue }
    out[i] = { ms: ms[i], ticks: rng.chance(0.5) ? rng.int(0, 9999) : 0 }
  }
  return out
}

function laterStamp(rng: Rng, s: Stamp, ref: number): Stamp {
  const ms = Math.min(ref - 60_000, s.ms + rng.int(1, 20) * DAY + rng.int(0, 3_600_000))
  return ms > s.ms ? { ms, ticks: rng.int(0, 9999) } : s
}

/** Generates the whole data set: entity set name → rows in key order. */
export function generate(opts: GeneratorOptions = {}): Dataset {
  const vol = resolveVolume(opts.volume)
  const seed = opts.seed ?? 4711
  const rng = new Rng(seed)
  const ref = referenceMs(opts.referenceDate)
  const out: Dataset = {}
  const add = (set: string, rows: Row[]) => { const t = out[set] ?? (out[set] = []); for (const r of rows) t.push(r) }

  // customers (about 5% pay through a head office = a different payer)
  const metas: CustomerMeta[] = []
  const emails = new Set<string>()
  let prevChanged: Stamp | undefined
  for (let i = 0; i < vol.customers; i++) {
    const created = { ms: ref - rng.int(400, 1500) * DAY + rng.int(6 * 3600, 20 * 3600) * 1000, ticks: 0 }
    let changed = rng.chance(0.6) ? { ms: ref - rng.int(1, 364) * DAY + rng.int(6 * 3600, 20 * 3600) * 1000, ticks: 0 } : created
    // ~3% share LastChangeDate/Time with the previous partner (ties for keyset paging)
    if (prevChanged && rng.chance(0.03)) changed = prevChanged
    prevChanged = changed
    const payer = i > 10 && rng.chance(0.05) ? metas[rng.int(0, Math.min(i - 1, 50))].customer : undefined
    const b = buildCustomer(rng, i, created, changed, emails, payer)
    metas.push(b.meta)
    for (const [set, rows] of Object.entries(b.rows)) add(set, rows)
  }

  // sales orders, dated a few days before the invoices that bill them
  const soStamps = stamps(rng, vol.salesOrders, ref, 5)
  const orders: SalesOrderBundle[] = []
  for (let i = 0; i < vol.salesOrders; i++) orders.push(buildSalesOrder(rng, i + 1, rng.pick(metas), soStamps[i]))
  const metaOf = new Map(metas.map((m) => [m.customer, m]))

  // billing documents with FI items; ~2% are cancellations (S1) of a recent open invoice
  const bdStamps = stamps(rng, vol.billingDocuments, ref)
  const bundles: BillingBundle[] = []
  const billedOrders = new Set<Row>()
  let soCursor = 0
  let clearingNo = 1400000001
  for (let i = 0; i < vol.billingDocuments; i++) {
    const created = bdStamps[i]
    const billingNo = String(90000001 + i)
    const acctNo = String(9400000001 + i)
    if (i > 20 && rng.chance(0.02)) {
      let orig: BillingBundle | undefined
      for (let tries = 0; tries < 10 && !orig; tries++) {
        const cand = bundles[rng.int(Math.max(0, bundles.length - 200), bundles.length - 1)]
        if (cand.header.BillingDocumentType === 'F2' && !cand.header.BillingDocumentIsCancelled && !cand.fi.IsCleared) orig = cand
      }
      if (orig) { bundles.push(buildCancellation(orig, billingNo, acctNo, created)); continue }
    }
    // a sales order created before the invoice (prefer recent ones)
    while (soCursor < orders.length && soStamps[soCursor].ms < created.ms - DAY) soCursor++
    const hi = Math.max(0, soCursor - 1)
    const so = orders[rng.int(Math.max(0, hi - 30), hi)]
    const meta = metaOf.get(so.header.SoldToParty as string)!
    const days = PAYMENT_TERMS[so.header.CustomerPaymentTerms as string] ?? 30
    const due = midnight(created.ms) + days * DAY
    let status: InvoiceStatus = { cleared: false }
    const clearedP = due < ref ? 0.58 : 0.1
    if (rng.chance(clearedP)) {
      const clearingMs = Math.min(ref - DAY, midnight(created.ms) + rng.int(3, days + 10) * DAY)
      status = { cleared: true, clearingMs: Math.max(clearingMs, midnight(created.ms)), clearingDoc: String(clearingNo++) }
    }
    const b = buildInvoice(rng, billingNo, acctNo, so.header, so.items, so.prices, meta.payer, created, ref, status)
    if (rng.chance(0.1)) {
      const later = laterStamp(rng, created, ref)
      b.header.LastChangeDateTime = stampIso(later)
      b.header.LastChangeDate = midnight(later.ms)
    }
    billedOrders.add(so.header)
    bundles.push(b)
  }
  // on a sequence of its own, so that the documents stay those generated without it
  const history = opts.postingHistory ? postYearOfPayments(new Rng(seed ^ 0x2545f491), bundles, ref, vol.billingDocuments) : undefined
  if (history) bundles.push(...history.creditMemos)
  for (const so of orders) {
    if (billedOrders.has(so.header)) {
      Object.assign(so.header, { OverallSDProcessStatus: 'C', OverallTotalDeliveryStatus: 'C', OverallOrdReltdBillgStatus: 'C' })
      for (const it of so.items) it.SDProcessStatus = 'C'
    }
    add('A_SalesOrder', [so.header])
    add('A_SalesOrderItem', so.items)
    if (so.texts.length) add('A_SalesOrderText', so.texts)
  }
  for (const b of bundles) {
    add('A_BillingDocument', [b.header])
    add('A_BillingDocumentItem', b.items)
    add('A_BillingDocumentPartner', b.partners)
    add('A_OperationalAcctgDocItemCube', [b.fi])
  }
  if (history) {
    const fiItems = out.A_OperationalAcctgDocItemCube
    add('A_OperationalAcctgDocItemCube', history.paymentItems)
    addInvoiceReferenceYearAndItem(fiItems)
    // key order (one company code, one item per document), which the payments' number range breaks
    fiItems.sort((a, b) => compareText(a.FiscalYear, b.FiscalYear) || compareText(a.AccountingDocument, b.AccountingDocument))
  }
  return out
}
