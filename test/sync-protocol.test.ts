// HTTP-level S/4HANA behaviour of the sync, with nock standing in for S/4HANA: V2 payload translation,
// continuation when S/4HANA caps a page with __next, retries that honour Retry-After, no retry on other 4xx.
import cds from '@sap/cds'
import nock from 'nock'
import { runSync } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'
import { S4, collection } from './support'

const BILLING = '/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument'
const BP = '/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner'

const v2Date = (iso: string) => `/Date(${Date.parse(iso)})/`
const v2Offset = (iso: string) => `/Date(${Date.parse(iso)}+0000)/`

function billingDocument(id: string, overrides: Record<string, unknown> = {}) {
  return {
    __metadata: { uri: `${S4}${BILLING}('${id}')`, type: 'API_BILLING_DOCUMENT_SRV.A_BillingDocumentType', etag: `W/"datetimeoffset'x'"` },
    BillingDocument: id,
    BillingDocumentType: 'F2',
    BillingDocumentCategory: 'M',
    SDDocumentCategory: 'M',
    BillingDocumentDate: v2Date('2026-03-15T00:00:00Z'),
    CreationDate: v2Date('2026-03-15T00:00:00Z'),
    LastChangeDateTime: v2Offset('2026-03-16T08:30:05.123Z'),
    BillingDocumentIsCancelled: false,
    CancelledBillingDocument: '',
    SalesOrganization: '1710',
    DistributionChannel: '10',
    Division: '00',
    SoldToParty: '17100001',
    PayerParty: '17100001',
    TotalNetAmount: '1000.50',
    TaxAmount: '190.10',
    TotalGrossAmount: '1190.60',
    TransactionCurrency: 'EUR',
    CustomerPaymentTerms: '0001',
    CompanyCode: '1710',
    FiscalYear: '2026',
    AccountingDocument: '9400000001',
    PurchaseOrderByCustomer: 'PO-1',
    OverallBillingStatus: 'C',
    AccountingPostingStatus: 'C',
    to_Item: {
      results: [
        {
          BillingDocument: id,
          BillingDocumentItem: '10',
          BillingDocumentItemText: 'Pump',
          Material: 'P-100',
          BillingQuantity: '2.000',
          BillingQuantityUnit: 'PC',
          NetAmount: '1000.50',
          TaxAmount: '190.10',
          GrossAmount: '1190.60',
          TransactionCurrency: 'EUR',
          SalesDocument: '4711',
          SalesDocumentItem: '10',
        },
      ],
    },
    to_Partner: { results: [{ BillingDocument: id, PartnerFunction: 'RG', Customer: '17100001', ContactPerson: '' }] },
    ...overrides,
  }
}

const isNewestStampQuery = (q: Record<string, string>) => q.$top === '1' && /desc/.test(q.$orderby ?? '')

describe('sync over the OData V2 protocol (nock as S/4HANA)', () => {
  const { expect } = cds.test(__dirname + '/..')
  const settings = s4Settings()
  const original = { ...settings, retry: { ...settings.retry } }

  before(() => {
    nock.disableNetConnect()
    nock.enableNetConnect(host => /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host))
    Object.assign(settings, { url: S4, timeoutMs: 500, retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 5000 } })
  })
  after(() => {
    Object.assign(settings, original)
    nock.cleanAll()
    nock.enableNetConnect()
  })
  beforeEach(async () => {
    await DELETE.from('invoicecrm.integration.SyncStates')
    await DELETE.from('invoicecrm.mirror.BillingDocuments')
    await DELETE.from('invoicecrm.mirror.BillingDocumentItems')
    cds.env.requires.sync.pageSize = 1000
  })
  afterEach(() => {
    const pending = nock.pendingMocks()
    nock.cleanAll()
    expect(pending, 'every expected S/4HANA request was made').to.deep.equal([])
  })

  it('translates V2 dates, date-times, decimals and booleans into the mirror', async () => {
    nock(S4).get(BILLING).query(isNewestStampQuery).reply(200, collection([billingDocument('90000001')]))
    nock(S4).get(BILLING).query(true).reply(200, collection([billingDocument('90000001')]))

    const [run] = await runSync('BillingDocuments')
    expect(run).to.include({ status: 'succeeded', mode: 'full', rowsUpserted: 1, rowsRejected: 0 })
    const doc = await SELECT.one.from('invoicecrm.mirror.BillingDocuments', '90000001')
    expect(doc).to.include({ documentDate: '2026-03-15', changedInS4At: '2026-03-16T08:30:05.123Z', isCancelled: false, payer_ID: '17100001' })
    expect(doc.grossAmount).to.equal('1190.600')
    const items = await SELECT.from('invoicecrm.mirror.BillingDocumentItems').where({ billingDocument_ID: '90000001' })
    expect(items).to.have.length(1)
    expect(items[0]).to.include({ item: '10', salesOrder_ID: '4711', quantity: '2.000' })
  })

  it('turns a business partner change date plus Edm.Time into one timestamp and filters deltas on both', async () => {
    const partner = {
      BusinessPartner: '17100009',
      Customer: '17100009',
      BusinessPartnerCategory: '2',
      BusinessPartnerFullName: 'Nock Industries',
      CorrespondenceLanguage: 'DE',
      BusinessPartnerIsBlocked: false,
      IsMarkedForArchiving: false,
      LastChangeDate: v2Date('2026-05-02T00:00:00Z'),
      LastChangeTime: 'PT10H15M07S',
      to_Customer: { Customer: '17100009', OrderIsBlockedForCustomer: '01', BillingIsBlockedForCustomer: '', DeliveryIsBlocked: '', PostingIsBlocked: false },
      to_BusinessPartnerAddress: {
        results: [{ BusinessPartner: '17100009', AddressID: '1', Country: 'DE', CityName: 'Walldorf', to_EmailAddress: { results: [{ AddressID: '1', Person: '', OrdinalNumber: '1', IsDefaultEmailAddress: true, EmailAddress: 'ap@example.com' }] } }],
      },
    }
    nock(S4).get(BP).query(isNewestStampQuery).reply(200, collection([partner]))
    nock(S4).get(BP).query(q => !isNewestStampQuery(q)).reply(200, collection([partner]))
    const [full] = await runSync('Customers')
    expect(full).to.include({ status: 'succeeded', rowsUpserted: 1 })
    const customer = await SELECT.one.from('invoicecrm.mirror.Customers', '17100009')
    expect(customer).to.include({ changedInS4At: '2026-05-02T10:15:07.000Z', language: 'DE', country: 'DE', billingEmail: 'ap@example.com', orderBlock: '01' })

    // The delta starts the overlap window (10 minutes) before the checkpoint, on date and time together.
    let filter = ''
    nock(S4).get(BP).query(q => ((filter = String(q.$filter)), true)).reply(200, collection([]))
    const [delta] = await runSync('Customers')
    expect(delta).to.include({ mode: 'delta', status: 'succeeded', rowsRead: 0 })
    expect(filter).to.contain("LastChangeDate gt datetime'2026-05-02T00:00:00'")
    expect(filter).to.contain("LastChangeTime ge time'PT10H05M07S'")
    expect(filter).to.contain("Customer ne ''")
  })

  it('continues with the next keyset page when S/4HANA caps a page below $top with __next', async () => {
    cds.env.requires.sync.pageSize = 1000
    const queries: Record<string, string>[] = []
    nock(S4).get(BILLING).query(isNewestStampQuery).reply(200, collection([billingDocument('90000005')]))
    nock(S4)
      .get(BILLING)
      .query(q => (queries.push(q as Record<string, string>), true))
      .times(3)
      .reply(() => {
        const pages = [['90000001', '90000002'], ['90000003', '90000004'], ['90000005']]
        const ids = pages[queries.length - 1]
        const next = queries.length < 3 ? `${S4}${BILLING}?$skiptoken=${queries.length * 2}` : undefined
        return [200, collection(ids.map(id => billingDocument(id)), next)]
      })

    const [run] = await runSync('BillingDocuments')
    expect(run).to.include({ status: 'succeeded', pages: 3, rowsRead: 5, rowsUpserted: 5 })
    expect(queries.map(q => q.$filter)).to.deep.equal([undefined, "((BillingDocument gt '90000002'))", "((BillingDocument gt '90000004'))"])
    expect(await SELECT.from('invoicecrm.mirror.BillingDocuments')).to.have.length(5)
  })

  it('retries 503 and 429 after the time Retry-After asks for, and records each failed attempt on the run', async () => {
    nock(S4).get(BILLING).query(isNewestStampQuery).reply(503, { error: { code: 'SY/530', message: { lang: 'en', value: 'Service unavailable' } } }, { 'Retry-After': '1' })
    nock(S4).get(BILLING).query(isNewestStampQuery).reply(200, collection([billingDocument('90000001')]))
    nock(S4).get(BILLING).query(true).reply(429, '', { 'Retry-After': '1' })
    nock(S4).get(BILLING).query(true).reply(200, collection([billingDocument('90000001')]))

    const started = Date.now()
    const [run] = await runSync('BillingDocuments')
    const elapsed = Date.now() - started
    expect(run).to.include({ status: 'succeeded', errorCount: 2, rowsUpserted: 1 })
    expect(elapsed, 'waited Retry-After (1 s) twice, not the 10 ms backoff').to.be.at.least(2000)
    const errors = await SELECT.from('invoicecrm.integration.SyncRunErrors').where({ run_ID: run.runId }).orderBy('at')
    expect(errors.map((e: { httpStatus: number }) => e.httpStatus)).to.deep.equal([503, 429])
    expect(errors[0].message).to.contain('SY/530: Service unavailable')
    expect(errors.every((e: { retried: boolean }) => e.retried)).to.equal(true)
  })

  it('retries a request that times out', async () => {
    nock(S4).get(BILLING).query(isNewestStampQuery).delay(1500).reply(200, collection([]))
    nock(S4).get(BILLING).query(isNewestStampQuery).reply(200, collection([]))
    nock(S4).get(BILLING).query(true).reply(200, collection([billingDocument('90000001')]))
    const [run] = await runSync('BillingDocuments')
    expect(run).to.include({ status: 'succeeded', errorCount: 1, rowsUpserted: 1 })
  })

  it('does not retry a 4xx other than 429, and fails the run with S/4HANA’s message', async () => {
    nock(S4)
      .get(BILLING)
      .query(isNewestStampQuery)
      .reply(403, { error: { code: '/IWFND/CM_CONSUMER/101', message: { lang: 'en', value: 'No authorization for API_BILLING_DOCUMENT_SRV' } } })
    const [run] = await runSync('BillingDocuments')
    expect(run).to.include({ status: 'failed', errorCount: 1 })
    expect(run.message).to.contain('HTTP 403').and.to.contain('No authorization')
    const stored = await SELECT.one.from('invoicecrm.integration.SyncRuns', run.runId)
    expect(stored).to.include({ status: 'failed', errorCount: 1 })
    const [error] = await SELECT.from('invoicecrm.integration.SyncRunErrors').where({ run_ID: run.runId })
    expect(error).to.include({ httpStatus: 403, retried: false })
  })
})
