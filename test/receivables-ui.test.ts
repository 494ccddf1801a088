// What the Fiori apps of AR read and do through ReceivablesService, over OData: the CRM state of invoices as
// filterable columns, aging per customer, resending an invoice mail, draft editing of disputes and contact
// corrections, and who may do what. The mirror is seeded directly, so every amount and date is known.
import cds from '@sap/cds'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { eventually, sleep } from './support'
import { refreshReceivableStatus } from '../srv/sync/receivable-status'
import { refreshCustomerBalances } from '../srv/sync/customer-balances'
import { totalsOnTable } from '../srv/invoice-totals'
import { Disputes, type DisputeOutcome, type DisputeReason, type DisputeStatus } from '#cds-models/invoicecrm/crm'

const M = 'invoicecrm.mirror'
const C = 'invoicecrm.crm'
const API = '/odata/v4/receivables'

const as = (user: string) => ({ auth: { username: user, password: user } })
const clerk = as('clerk')
const day = 86_400_000
/** A date so many days before today (negative: after), as S/4HANA's net due dates are. */
const daysAgo = (n: number) => new Date(Date.now() - n * day).toISOString().slice(0, 10)

let docNo = 0
/** One FI item of an invoice; a cleared one was paid `paidDaysLate` days after its due date (negative: before). */
const fiItem = (invoice: string, customer: string, amount: number, dueDaysAgo: number, isCleared = false, paidDaysLate = 0) => ({
  companyCode: '1710',
  fiscalYear: '2026',
  accountingDocument: String(1_400_000_000 + ++docNo),
  item: '001',
  customer_ID: customer,
  billingDocument_ID: invoice,
  netDueDate: daysAgo(dueDaysAgo),
  isCleared,
  clearingDate: isCleared ? daysAgo(dueDaysAgo - paidDaysLate) : null,
  amount,
  debitCredit: amount < 0 ? 'H' : 'S',
  currency: 'EUR',
})

const invoice = (ID: string, payer: string, grossAmount = 100) => ({
  ID,
  type: 'F2',
  payer_ID: payer,
  soldTo_ID: payer,
  grossAmount,
  netAmount: grossAmount,
  currency: 'EUR',
  companyCode: '1710',
  isCancelled: false,
  documentDate: daysAgo(40),
  createdOn: daysAgo(40),
})

describe('ReceivablesService for the Fiori apps', () => {
  const { GET, POST, PATCH, expect, axios } = cds.test(__dirname + '/..')
  const queued: { event: string; data: Record<string, unknown> }[] = []

  /** The status of a request that may fail, and the error message if it did. */
  const outcome = (request: Promise<{ status: number }>) =>
    request.then(
      r => ({ status: r.status, message: '' }),
      (e: { response: { status: number; data?: { error?: { message?: string } } } }) => ({ status: e.response.status, message: e.response.data?.error?.message ?? '' })
    )

  before(async () => {
    // What the actions queue is recorded here, not sent: sending is test/conversation.test.ts's business.
    const notifications = await cds.connect.to('customer-mail')
    notifications.prepend(() => notifications.on('*', req => void queued.push({ event: req.event, data: req.data as Record<string, unknown> })))

    await INSERT.into(`${M}.Customers`).entries(
      { ID: 'C1', name: 'Aging GmbH', billingEmail: 'ap@aging.example', language: 'DE' },
      { ID: 'C2', name: 'No Mail Ltd', billingEmail: null, language: 'EN' },
      { ID: 'C3', name: 'Blocked AG', billingEmail: 'ap@blocked.example', language: 'DE' }
    )
    await INSERT.into(`${M}.CustomerDunning`).entries(
      { customer_ID: 'C3', companyCode: '1710', dunningArea: '01', dunningBlock: '' },
      { customer_ID: 'C3', companyCode: '1710', dunningArea: '02', dunningBlock: 'R' },
      { customer_ID: 'C1', companyCode: '1710', dunningArea: '01', dunningBlock: '' }
    )
    await INSERT.into(`${M}.BillingDocuments`).entries(
      invoice('90000101', 'C1'), // open, due in the future
      invoice('90000102', 'C1'), // partially paid
      invoice('90000103', 'C1'), // cleared
      invoice('90000104', 'C1'), // no FI item yet
      invoice('90000105', 'C1'),
      invoice('90000106', 'C1'),
      invoice('90000107', 'C1'),
      invoice('90000201', 'C2'),
      invoice('90000301', 'C3', 80)
    )
    await INSERT.into(`${M}.ReceivableItems`).entries(
      fiItem('90000101', 'C1', 100, -10),
      fiItem('90000102', 'C1', 60, 5, true, 3),
      fiItem('90000102', 'C1', 40, 5),
      fiItem('90000103', 'C1', 100, 20, true, -9),
      fiItem('90000105', 'C1', 100, 45),
      fiItem('90000106', 'C1', 100, 75),
      fiItem('90000107', 'C1', 100, 120),
      // a credit memo's item, not due yet, lowers what is open
      fiItem('90000107', 'C1', -30, 0),
      fiItem('90000201', 'C2', 250, 3),
      fiItem('90000301', 'C3', 80, 8)
    )
    // What the sync does after writing FI items: their invoices' receivable status and their customers' balances.
    await refreshReceivableStatus(cds.db, 'all')
    await refreshCustomerBalances(cds.db, 'all')
    await INSERT.into(`${C}.InvoiceConversations`).entries(
      { invoice_ID: '90000101', customer_ID: 'C1', dispatchStatus: 'sent', sentAt: new Date().toISOString() },
      { invoice_ID: '90000102', customer_ID: 'C1', dispatchStatus: 'bounced', dispatchAttempts: 1, dispatchError: '550 mailbox unavailable' },
      { invoice_ID: '90000105', customer_ID: 'C1', dispatchStatus: 'pending' },
      { invoice_ID: '90000106', customer_ID: 'C1', dispatchStatus: 'sent', confirmedAt: new Date().toISOString(), confirmedBy: 'clerk', confirmationChannel: 'phone' },
      { invoice_ID: '90000201', customer_ID: 'C2', dispatchStatus: 'noEmail' }
    )
  })

  describe('labels', () => {
    const root = join(__dirname, '..')
    const keysOf = (file: string, dir = 'db/_i18n') =>
      new Set(readFileSync(join(root, dir, file), 'utf8').split(/\r?\n/).filter(l => /^[^#\s][^=]*=/.test(l)).map(l => l.split('=')[0]))
    const cdsFiles = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap(e =>
        e.isDirectory() ? (e.name === 'node_modules' ? [] : cdsFiles(join(dir, e.name))) : e.name.endsWith('.cds') ? [join(dir, e.name)] : []
      )

    it('has an English, German and Chinese text for every label the model uses', () => {
      const used = new Set(['db', 'srv', 'app'].flatMap(cdsFiles).flatMap(f => [...readFileSync(join(root, f), 'utf8').matchAll(/\{i18n>(\w+)\}/g)].map(m => m[1])))
      for (const file of ['i18n.properties', 'i18n_de.properties', 'i18n_zh_CN.properties']) {
        const keys = keysOf(file)
        expect([...used].filter(k => !keys.has(k)), file).to.deep.equal([])
      }
      const english = keysOf('i18n.properties')
      for (const file of ['i18n_de.properties', 'i18n_zh_CN.properties']) expect([...english].filter(k => !keysOf(file).has(k)), file).to.deep.equal([])
    })

    it('has every message in English, German and Chinese, and an English one for every timeline sentence the code writes', () => {
      const messageKeys = (file: string) => keysOf(file, '_i18n')
      const english = messageKeys('messages.properties')
      for (const file of ['messages_de.properties', 'messages_zh_CN.properties']) expect([...english].filter(k => !messageKeys(file).has(k)), file).to.deep.equal([])
      const sources = (dir: string): string[] =>
        readdirSync(join(root, dir), { withFileTypes: true }).flatMap(e => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
      const written = new Set(sources('srv').flatMap(f => [...readFileSync(join(root, f), 'utf8').matchAll(/'(TIMELINE_[A-Z_]+)'/g)].map(m => m[1])))
      expect(written.size).to.be.greaterThan(20)
      expect([...written].filter(k => !english.has(k))).to.deep.equal([])
    })
  })

  describe('Manage Invoices', () => {
    it('derives the payment state from FI: open, partially paid, cleared', async () => {
      const { data } = await GET(`${API}/Invoices?$select=ID,paymentState,openAmount,grossAmount&$filter=payer_ID eq 'C1'&$orderby=ID`, clerk)
      const states = Object.fromEntries(data.value.map((i: { ID: string; paymentState: string }) => [i.ID, i.paymentState]))
      expect(states).to.deep.include({ '90000101': 'open', '90000102': 'partiallyPaid', '90000103': 'cleared', '90000104': 'open' })
      const { data: partial } = await GET(`${API}/Invoices?$select=ID&$filter=paymentState eq 'partiallyPaid'&$orderby=ID`, clerk)
      // 90000107: a credit memo's item settled part of it.
      expect(partial.value.map((i: { ID: string }) => i.ID)).to.deep.equal(['90000102', '90000107'])
    })

    it('shows the payment state as text in the user language', async () => {
      const text = async (language: string) =>
        (await GET(`${API}/Invoices('90000102')?$select=ID&$expand=paymentStateText`, { ...clerk, headers: { 'accept-language': language } })).data.paymentStateText.name
      expect(await text('en')).to.equal('Partially Paid')
      expect(await text('de')).to.equal('Teilweise bezahlt')
      expect(await text('zh-CN')).to.equal('部分付款')
    })

    it("sums the list per currency for its totals, from the table where the filter reads only the invoice's columns", async () => {
      type Sum = { currency: string; grossAmount: number | string; openAmount: number | string }
      const round = (rows: Sum[]) => rows.map(r => ({ currency: r.currency, gross: Number(Number(r.grossAmount).toFixed(2)), open: Number(Number(r.openAmount).toFixed(2)) }))
      const totals = async (filter: string) =>
        round(
          (await GET(`${API}/Invoices?$apply=${filter ? `filter(${filter})/` : ''}groupby((currency),aggregate(grossAmount with sum as grossAmount,openAmount with sum as openAmount))&$orderby=currency`, clerk))
            .data.value
        )
      const expected = async (where: object) =>
        round((await SELECT.from('ReceivablesService.Invoices').columns('currency', 'sum(grossAmount) as grossAmount', 'sum(openAmount) as openAmount').where(where).groupBy('currency').orderBy('currency')) as Sum[])
      const cases: [string, object][] = [
        ['', {}],
        ['daysOverdue gt 0', { daysOverdue: { '>': 0 } }],
        ["payer_ID eq 'C1'", { payer_ID: 'C1' }],
        ['hasOpenDispute eq false', { hasOpenDispute: false }],
      ]
      for (const [filter, where] of cases) {
        const sums = await expected(where)
        expect(sums.length, `invoices for ${filter || 'no filter'}`).to.be.greaterThan(0)
        expect(await totals(filter), filter || 'no filter').to.deep.equal(sums)
      }
      // Which of them the table answers: the invoice's own columns, not the CRM state nor a search.
      const query = (where: object) => SELECT.from('ReceivablesService.Invoices').columns('currency', 'sum(openAmount) as openAmount').where(where).groupBy('currency').SELECT as Parameters<typeof totalsOnTable>[0]
      expect(totalsOnTable(query({}))).to.equal(true)
      expect(totalsOnTable(query({ openDueDate: { '<': daysAgo(0) }, payer_ID: 'C1' }))).to.equal(true)
      expect(totalsOnTable(query({ hasOpenDispute: false }))).to.equal(false)
      expect(totalsOnTable({ ...query({}), search: [{ val: 'C1' }] })).to.equal(false)
      expect(totalsOnTable({ ...query({}), columns: ['*' as never, { func: 'sum', args: [{ ref: ['openAmount'] }], as: 'openAmount' }] }), "'*'").to.equal(false)
    })

    it('filters by delivery, confirmation, dispute and dunning block', async () => {
      const ids = async (filter: string) =>
        (await GET(`${API}/Invoices?$select=ID&$orderby=ID&$filter=${encodeURIComponent(filter)}`, clerk)).data.value.map((i: { ID: string }) => i.ID)
      expect(await ids(`dispatchStatus eq 'bounced'`)).to.deep.equal(['90000102'])
      expect(await ids(`isConfirmed eq true`)).to.deep.equal(['90000106'])
      expect(await ids(`hasDunningBlock eq true`)).to.deep.equal(['90000301'])
      expect(await ids(`dunningBlock eq 'R'`)).to.deep.equal(['90000301'])
      expect(await ids(`hasOpenDispute eq true and payer_ID eq 'C3'`)).to.deep.equal([])
      await POST(`${API}/Invoices('90000301')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'wrongPrice' }, clerk)
      expect(await ids(`hasOpenDispute eq true and payer_ID eq 'C3'`)).to.deep.equal(['90000301'])
      expect(await ids(`disputeStatus eq 'Open' and payer_ID eq 'C3'`)).to.deep.equal(['90000301'])
    })

    it('resends an invoice mail that bounced: queued again, with a timeline entry and a fresh retry budget', async () => {
      const before = queued.length
      const { data } = await POST(`${API}/Invoices('90000102')/ReceivablesService.resendInvoice`, {}, clerk)
      expect(data).to.include({ dispatchStatus: 'pending', dispatchAttempts: 0, dispatchError: null })
      // The queue delivers the message once the action's transaction has committed.
      await eventually('the invoice mail queued', async () => queued.slice(before).some(q => q.event === 'invoiceMail' && q.data.invoice === '90000102'))
      const timeline = await SELECT.from(`${C}.TimelineEntries`).where({ invoice_ID: '90000102', kind: 'resendRequested' })
      expect(timeline).to.have.length(1)
      expect(timeline[0]).to.include({ actor: 'clerk', customer_ID: 'C1' })
    })

    it("tells the timeline in the reader's language, codes by their names; an entry without a message as it was written", async () => {
      const inLanguage = (language: string) => ({ ...clerk, headers: { 'Accept-Language': language } })
      await POST(`${API}/Invoices('90000201')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'wrongPrice' }, clerk)
      await INSERT.into(`${C}.TimelineEntries`).entries({ ID: cds.utils.uuid(), invoice_ID: '90000201', customer_ID: 'C2', at: '2026-01-01T00:00:00Z', kind: 'comment', text: 'Called the buyer' })
      const texts = async (language: string) =>
        (await GET(`${API}/Invoices('90000201')/timeline?$select=text&$orderby=at desc`, inLanguage(language))).data.value.map((entry: { text: string }) => entry.text)
      expect(await texts('en')).to.deep.equal(['Disputed: Wrong Price (Phone)', 'Called the buyer'])
      expect(await texts('de')).to.deep.equal(['Beanstandet: Falscher Preis (Telefon)', 'Called the buyer'])
      expect(await texts('zh-CN')).to.deep.equal(['已提出争议：价格错误（电话）', 'Called the buyer'])
      // Asked for alone, the text brings what it is rendered from; the database is not asked to sort by it.
      const { data } = await GET(`${API}/Timeline?$select=text&$filter=invoice_ID eq '90000201' and kind eq 'disputed'`, inLanguage('de'))
      expect(data.value.map((entry: { text: string }) => entry.text)).to.deep.equal(['Beanstandet: Falscher Preis (Telefon)'])
    })

    it('keeps an invoice answered on the phone before any mail unsent, and sends it on Resend', async () => {
      const delivery = async (id: string) => (await GET(`${API}/Invoices('${id}')?$select=dispatchStatus,canResend`, clerk)).data
      expect(await delivery('90000104')).to.include({ dispatchStatus: null, canResend: false })
      await POST(`${API}/Invoices('90000104')/ReceivablesService.recordConfirmation`, { source: 'phone' }, clerk)
      // Answered, not mailed: no delivery state (never "queued"), and Resend is offered.
      expect(await delivery('90000104')).to.include({ dispatchStatus: null, canResend: true })
      // The satisfaction survey the confirmation brings waits for the invoice mail to come first.
      const { data: survey } = await GET(`${API}/Invoices('90000104')/timeline?$filter=kind eq 'surveySent'&$select=text`, clerk)
      expect(survey.value).to.have.length(1)
      expect(survey.value[0].text).to.match(/^Satisfaction survey planned \(after the confirmation\) for .+ UTC, not sooner after the invoice mail$/)
      const before = queued.length
      const { data } = await POST(`${API}/Invoices('90000104')/ReceivablesService.resendInvoice`, {}, clerk)
      expect(data).to.include({ dispatchStatus: 'pending', confirmationChannel: 'phone' })
      await eventually('the invoice mail queued', async () => queued.slice(before).some(q => q.event === 'invoiceMail' && q.data.invoice === '90000104'))
    })

    it('offers Resend only where it can send: taken up or answered, not cancelled, the payer has an address', async () => {
      const { data } = await GET(`${API}/Invoices?$select=ID,canResend&$filter=startswith(ID,'900001') or startswith(ID,'900002') or startswith(ID,'900003')&$orderby=ID`, clerk)
      const offered = Object.fromEntries((data.value as { ID: string; canResend: boolean }[]).map(i => [i.ID, i.canResend]))
      expect(offered).to.include({ '90000101': true, '90000102': true, '90000103': false, '90000201': false, '90000301': true })
      const { data: metadata } = await GET(`${API}/$metadata`, clerk)
      expect(metadata).to.match(/<Annotations Target="ReceivablesService\.resendInvoice\(ReceivablesService\.Invoices\)">\s*<Annotation Term="Core\.OperationAvailable" Path="in\/canResend"\/>/)
    })

    it('refuses to resend what cannot be sent, with the reason', async () => {
      const resend = (id: string, user = clerk) => outcome(POST(`${API}/Invoices('${id}')/ReceivablesService.resendInvoice`, {}, user))
      const before = queued.length
      expect(await resend('90000201')).to.deep.include({ status: 409 })
      expect((await resend('90000201')).message).to.match(/no billing e-mail address/)
      // A mail the queue will still deliver (its next attempt in an hour) is not queued twice; one whose message is
      // gone (stuck) may be resent: see queue-recovery.test.ts.
      const notifications = (await cds.connect.to('customer-mail')) as unknown as { schedule(event: string, data: object): { after(ms: number): Promise<unknown> } }
      await notifications.schedule('invoiceMail', { invoice: '90000105' }).after(3_600_000)
      expect((await resend('90000105')).message).to.match(/queued for sending already/)
      expect((await resend('90000103')).message).to.match(/never taken up/)
      expect((await resend('99999999')).status).to.equal(404)
      expect((await resend('90000101', as('admin'))).status).to.equal(403)
      expect((await resend('90000101', as('outsider'))).status).to.equal(403)
      // Give a wrongly queued message the time to arrive.
      await sleep(300)
      expect(queued.length).to.equal(before)
      expect((await SELECT.one.from(`${C}.InvoiceConversations`).where({ invoice_ID: '90000101' })).dispatchStatus).to.equal('sent')
    })

    it("lists the invoice's write-back operations to AR, and not to others", async () => {
      await INSERT.into('invoicecrm.writeback.WriteBackOperations').entries({
        ID: cds.utils.uuid(),
        target: 'salesOrderText',
        event: 'confirmed',
        invoice_ID: '90000106',
        status: 'Failed',
        attempts: 3,
        errorMessage: 'Sales order 4711 is locked',
        payload: '{}',
      })
      const { data } = await GET(`${API}/Invoices('90000106')/writeBackOperations`, clerk)
      expect(data.value).to.have.length(1)
      expect(data.value[0]).to.include({ target: 'salesOrderText', status: 'Failed', attempts: 3, errorMessage: 'Sales order 4711 is locked' })
      expect(data.value[0]).not.to.have.property('payload')
      const { data: german } = await GET(`${API}/Invoices('90000106')/writeBackOperations?$expand=statusText`, { ...clerk, headers: { 'accept-language': 'de' } })
      expect(german.value[0].statusText.name).to.equal('Fehlgeschlagen')
      expect((await outcome(GET(`${API}/WriteBackOperations`, as('admin')))).status).to.equal(403)
      expect((await outcome(GET(`${API}/WriteBackOperations`, as('outsider')))).status).to.equal(403)
    })
  })

  describe('Customer 360', () => {
    it("names a customer's country and language in the reader's language", async () => {
      await UPDATE.entity(`${M}.Customers`).set({ country: 'DE' }).where({ ID: 'C1' })
      const names = async (language: string) => {
        const { data } = await GET(`${API}/Customers('C1')?$select=country,countryName,language,languageName`, { ...clerk, headers: { 'Accept-Language': language } })
        return [data.country, data.countryName, data.language, data.languageName]
      }
      expect(await names('en')).to.deep.equal(['DE', 'Germany', 'DE', 'German'])
      expect(await names('de')).to.deep.equal(['DE', 'Deutschland', 'DE', 'Deutsch'])
      expect(await names('zh-CN')).to.deep.equal(['DE', '德国', 'DE', '德语'])
      // Filtered and sorted by the code, as S/4HANA has it.
      const { data } = await GET(`${API}/Customers?$select=ID,countryName&$filter=country eq 'DE'&$orderby=country`, clerk)
      expect(data.value.map((c: { ID: string; countryName: string }) => [c.ID, c.countryName])).to.deep.equal([['C1', 'Germany']])
    })

    it("offers the customers' countries for the country filter, by name in the reader's language, sorted by name", async () => {
      await UPDATE.entity(`${M}.Customers`).set({ country: 'DE' }).where({ ID: 'C1' })
      await UPDATE.entity(`${M}.Customers`).set({ country: 'AT' }).where({ ID: 'C2' })
      await UPDATE.entity(`${M}.Customers`).set({ country: 'CN' }).where({ ID: 'C3' })
      const countries = async (language: string, query = '') =>
        (await GET(`${API}/Countries${query}`, { ...clerk, headers: { 'Accept-Language': language } })).data as { value: { code: string; name: string }[]; '@odata.count'?: number }
      expect((await countries('en')).value).to.deep.equal([
        { code: 'AT', name: 'Austria' },
        { code: 'CN', name: 'China' },
        { code: 'DE', name: 'Germany' },
      ])
      expect((await countries('de')).value.map(c => c.name)).to.deep.equal(['China', 'Deutschland', 'Österreich'])
      expect((await countries('zh-CN')).value.map(c => c.code)).to.have.members(['AT', 'CN', 'DE'])
      const page = await countries('en', '?$top=1&$skip=1&$count=true')
      expect(page.value).to.deep.equal([{ code: 'CN', name: 'China' }])
      expect(page['@odata.count']).to.equal(3)
      expect((await outcome(GET(`${API}/Countries`, as('admin')))).status).to.equal(403)
    })

    it('sums the open items of a customer into aging buckets', async () => {
      const { data } = await GET(`${API}/Customers('C1')?$expand=aging`, clerk)
      expect(data.aging).to.have.length(1)
      const aging = data.aging[0]
      // 90000101 (100, due in 10 days) and the credit (-30, due today) are not due; 40 of 90000102 is 5 days over.
      const buckets = { notDue: 70, overdue1to30: 40, overdue31to60: 100, overdue61to90: 100, overdueOver90: 100 }
      for (const [bucket, amount] of Object.entries(buckets)) expect(Number(aging[bucket]), bucket).to.equal(amount)
      expect(Number(aging.totalOpen)).to.equal(Object.values(buckets).reduce((a, b) => a + b))
      expect(aging.currency).to.equal('EUR')
      const { data: over } = await GET(`${API}/CustomerAging?$filter=overdue1to30 gt 100`, clerk)
      expect(over.value.map((a: { customer: string }) => a.customer)).to.deep.equal(['C2'])
    })

    it('drills the aging down by bucket to the invoices in it', async () => {
      const { data } = await GET(`${API}/Customers('C1')/agingBuckets?$select=bucket,amount,criticality,currency&$expand=bucketText($select=name)&$orderby=bucket`, clerk)
      expect(data.value.map((b: { bucket: number; amount: string; criticality: number; bucketText: { name: string } }) => [b.bucket, Number(b.amount), b.criticality, b.bucketText.name])).to.deep.equal([
        [0, 70, 3, 'Not Due'],
        [1, 40, 2, '1–30 Days Overdue'],
        [2, 100, 2, '31–60 Days Overdue'],
        [3, 100, 1, '61–90 Days Overdue'],
        [4, 100, 1, 'Over 90 Days Overdue'],
      ])
      // Each bucket's invoices, as the drill-down asks for them (the credit of 90000107 due today leaves it over 90).
      const expected = [['90000101'], ['90000102'], ['90000105'], ['90000106'], ['90000107']]
      for (const [bucket, invoices] of expected.entries()) {
        const { data: list } = await GET(`${API}/Invoices?$filter=payer_ID eq 'C1' and agingBucket eq ${bucket}&$select=ID,agingBucket&$count=true`, clerk)
        expect(list.value.map((i: { ID: string }) => i.ID), `bucket ${bucket}`).to.deep.equal(invoices)
        expect(list['@odata.count']).to.equal(invoices.length)
        expect(list.value.every((i: { agingBucket: number }) => i.agingBucket === bucket)).to.equal(true)
      }
      // Cleared, or without FI items: in no bucket.
      const { data: none } = await GET(`${API}/Invoices?$filter=payer_ID eq 'C1' and agingBucket eq null&$select=ID&$orderby=ID`, clerk)
      expect(none.value.map((i: { ID: string }) => i.ID)).to.deep.equal(['90000103', '90000104'])
      const { data: german } = await GET(`${API}/AgingBuckets?$filter=code eq 4&sap-locale=de`, clerk)
      expect(german.value[0].name).to.equal('Über 90 Tage überfällig')
    })

    it("shows what each customer owes, is overdue with and disputes, sorted by it, and how it pays", async () => {
      const amounts = async () => {
        const { data } = await GET(`${API}/Customers?$select=ID,openAmount,overdueAmount,disputedAmount,balanceCurrency&$orderby=openAmount desc`, clerk)
        return data.value.map((c: Record<string, unknown>) => [c.ID, Number(c.openAmount), Number(c.overdueAmount), Number(c.disputedAmount), c.balanceCurrency])
      }
      // What the tests before disputed (by phone, from the customer's page) stays; C2 disputes 120 more here.
      const disputedBefore = Object.fromEntries((await amounts()).map(([ID, , , disputed]: [string, number, number, number]) => [ID, disputed]))
      const dispute = { ID: cds.utils.uuid(), customer_ID: 'C2', invoice_ID: '90000201', reason: 'wrongPrice' as DisputeReason, disputedAmount: 120, currency: 'EUR' }
      const disputes = [dispute, { ...dispute, ID: cds.utils.uuid(), disputedAmount: 99, status: 'Closed' as DisputeStatus }]
      await INSERT.into(Disputes).entries(disputes)
      try {
        // C1: 70 not due (see the aging) and 340 overdue; a closed dispute no longer counts.
        expect(await amounts()).to.deep.equal([
          ['C1', 410, 340, disputedBefore.C1, 'EUR'],
          ['C2', 250, 250, disputedBefore.C2 + 120, 'EUR'],
          ['C3', 80, 80, disputedBefore.C3, 'EUR'],
        ])
        // Page by page as the list scrolls: the pages among the customers who owe something come from the balances'
        // index (srv/receivables/customer-pages.ts), the rest as CAP sorts; together the order of the whole list, and
        // each page counts every customer.
        // Two customers who owe nothing (no FI items): the pages that reach them are sorted by CAP.
        await INSERT.into(`${M}.Customers`).entries([{ ID: 'C8', name: 'Owes Nothing' }, { ID: 'C9', name: 'Owes Nothing Either' }])
        const { data: whole } = await GET(`${API}/Customers?$select=ID,overdueAmount&$orderby=overdueAmount desc&$count=true`, clerk)
        const customers = ((await SELECT.one.from(`${M}.Customers`).columns('count(1) as n')) as { n: number }).n
        expect(whole['@odata.count']).to.equal(Number(customers)).and.to.be.above(3)
        expect(whole.value.map((c: { ID: string }) => c.ID)).to.deep.equal(['C1', 'C2', 'C3', 'C8', 'C9'])
        for (const top of [1, 2]) {
          const paged: string[] = []
          for (let skip = 0; skip < whole.value.length; skip += top) {
            const { data: page } = await GET(`${API}/Customers?$select=ID,overdueAmount&$orderby=overdueAmount desc&$count=true&$top=${top}&$skip=${skip}`, clerk)
            expect(page['@odata.count'], `count with page ${skip / top + 1} of ${top}`).to.equal(Number(customers))
            paged.push(...page.value.map((c: { ID: string }) => c.ID))
          }
          expect(paged, `pages of ${top}`).to.deep.equal(whole.value.map((c: { ID: string }) => c.ID))
        }
        await DELETE.from(`${M}.Customers`).where({ ID: { in: ['C8', 'C9'] } })
        const { data: overdue } = await GET(`${API}/Customers?$select=ID&$orderby=overdueAmount asc&$filter=overdueAmount gt 100`, clerk)
        expect(overdue.value.map((c: { ID: string }) => c.ID)).to.deep.equal(['C2', 'C1'])
        // DSO: 410 open of 700 billed in 90 days, × 90 = 52.7; late: paid 3 days late and 9 days early (0), 1.5 days.
        const { data: c1 } = await GET(`${API}/Customers('C1')?$select=daysSalesOutstanding,averageDaysLate`, clerk)
        expect(c1).to.include({ daysSalesOutstanding: 53, averageDaysLate: 1.5 })
        // C2 and C3 paid nothing yet: no lateness to tell; C2 owes 250 of 100 billed (225 days), C3 80 of 80 (90).
        const { data: all } = await GET(`${API}/Customers?$select=ID,daysSalesOutstanding,averageDaysLate&$filter=ID ne 'C1'`, clerk)
        expect(all.value).to.deep.equal([
          { ID: 'C2', daysSalesOutstanding: 225, averageDaysLate: null },
          { ID: 'C3', daysSalesOutstanding: 90, averageDaysLate: null },
        ])
        const refused = await outcome(GET(`${API}/Customers?$orderby=daysSalesOutstanding`, clerk))
        expect(refused.status).to.equal(400)
      } finally {
        await DELETE.from(`${M}.Customers`).where({ ID: { in: ['C8', 'C9'] } })
        await DELETE.from(Disputes).where({ ID: { in: disputes.map(d => d.ID) } })
      }
    })

    it('takes a contact correction in draft and keeps the mirror as S/4HANA has it', async () => {
      const { data: draft } = await POST(`${API}/CustomerContacts`, { customer_ID: 'C2', name: 'Pat Payables', email: 'pat@nomail.example', phone: '+44 20 7946 0000' }, clerk)
      expect(draft.IsActiveEntity).to.equal(false)
      expect((await GET(`${API}/Customers('C2')/contacts`, clerk)).data.value).to.have.length(0)
      await POST(`${API}/CustomerContacts(ID=${draft.ID},IsActiveEntity=false)/ReceivablesService.draftActivate`, {}, clerk)
      const { data } = await GET(`${API}/Customers('C2')?$expand=contacts`, clerk)
      expect(data.contacts).to.have.length(1)
      expect(data.contacts[0]).to.include({ name: 'Pat Payables', email: 'pat@nomail.example', isBillingContact: true })
      expect(data.billingEmail).to.equal(null)
      expect((await SELECT.one.from(`${M}.Customers`).where({ ID: 'C2' })).billingEmail).to.equal(null)
    })

    it('refuses invalid contact data and contact edits by non-AR users', async () => {
      const { data: draft } = await POST(`${API}/CustomerContacts`, { customer_ID: 'C2', name: 'Bad Mail', email: 'not-an-address' }, clerk)
      const activate = await outcome(POST(`${API}/CustomerContacts(ID=${draft.ID},IsActiveEntity=false)/ReceivablesService.draftActivate`, {}, clerk))
      expect(activate.status).to.equal(400)
      expect((await outcome(POST(`${API}/CustomerContacts`, { customer_ID: 'C2', name: 'X' }, as('admin')))).status).to.equal(403)
      expect((await outcome(POST(`${API}/CustomerContacts`, { customer_ID: 'C2', name: 'X' }, as('outsider')))).status).to.equal(403)
      // Contact corrections are personal data of the conversation, not the sync's: the integration admin does not read them.
      expect((await outcome(GET(`${API}/CustomerContacts`, as('admin')))).status).to.equal(403)
    })

    it("takes a customer's contact proposal as a contact correction, once, and only from AR", async () => {
      const ID = cds.utils.uuid()
      await INSERT.into(`${C}.ContactProposals`).entries({ ID, customer_ID: 'C1', invoice_ID: '90000101', proposedName: 'Erika Mustermann', proposedEmail: 'erika@aging.example', proposedBy: 'ap@aging.example' })
      const accept = (user: object) => outcome(POST(`${API}/ContactProposals(${ID})/ReceivablesService.accept`, {}, user))
      expect((await accept(as('admin'))).status).to.equal(403)
      expect((await GET(`${API}/ContactProposals(${ID})?$select=canAccept`, clerk)).data.canAccept).to.equal(true)
      const { data } = await POST(`${API}/ContactProposals(${ID})/ReceivablesService.accept`, {}, clerk)
      expect(data).to.include({ customer_ID: 'C1', name: 'Erika Mustermann', email: 'erika@aging.example', proposal_ID: ID, IsActiveEntity: true })
      expect((await GET(`${API}/ContactProposals(${ID})?$select=canAccept`, clerk)).data.canAccept).to.equal(false)
      const again = await accept(clerk)
      expect(again.status).to.equal(409)
      expect(again.message).to.match(/accepted already/)
      expect((await SELECT.from(`${C}.CustomerContacts`).where({ proposal_ID: ID })).length).to.equal(1)
    })

    it('shows aging, code lists and contacts to the finance roles only', async () => {
      for (const path of ['CustomerAging', 'PaymentStates', 'DisputeStatuses', 'CustomerContacts', "Customers('C1')/aging"]) {
        expect((await outcome(GET(`${API}/${path}`, as('outsider')))).status, path).to.equal(403)
        expect((await outcome(GET(`${API}/${path}`, as('manager')))).status, path).to.equal(200)
      }
    })

    it('keeps the mirror read-only for everyone', async () => {
      expect((await outcome(PATCH(`${API}/Customers('C1')`, { billingEmail: 'x@y.example' }, clerk))).status).to.be.oneOf([403, 405])
      expect((await outcome(POST(`${API}/Invoices`, { ID: '1' }, as('manager')))).status).to.be.oneOf([403, 405])
    })
  })

  describe('Manage Disputes', () => {
    let dispute: string
    const url = (active: boolean) => `${API}/Disputes(ID=${dispute},IsActiveEntity=${active})`

    before(async () => {
      const { data } = await POST(`${API}/Invoices('90000105')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'notReceived' }, clerk)
      dispute = data.ID
    })

    it('offers the status actions in the statuses the flow starts them from, and refuses them elsewhere', async () => {
      // The apps enable an action by its Core.OperationAvailable, which CAP derives from srv/receivables/flows.cds.
      const { data: metadata } = await GET(`${API}/$metadata`, clerk)
      const availability = (action: string) => {
        const annotations = metadata.match(new RegExp(`<Annotations Target="ReceivablesService\\.${action}\\(ReceivablesService\\.Disputes\\)">([\\s\\S]*?)</Annotations>`))?.[1] ?? ''
        const available = annotations.match(/<Annotation Term="Core.OperationAvailable"[^/]*?>([\s\S]*?)<\/Annotation>/)?.[1] ?? ''
        return [...available.matchAll(/<Path>in\/status<\/Path>\s*<String>(\w+)<\/String>/g)].map(m => m[1])
      }
      expect(availability('startProcessing')).to.deep.equal(['Open'])
      expect(availability('resolveDispute')).to.deep.equal(['InProcess'])
      expect(availability('close')).to.deep.equal(['Resolved'])
      expect(availability('addComment')).to.deep.equal(['Open', 'InProcess', 'Resolved'])

      const status = async () => (await GET(`${url(true)}?$select=status`, clerk)).data.status
      expect((await outcome(POST(`${url(true)}/ReceivablesService.close`, {}, clerk))).status).to.equal(409)
      expect(await status()).to.equal('Open')
      await POST(`${url(true)}/ReceivablesService.startProcessing`, {}, clerk)
      expect(await status()).to.equal('InProcess')
      expect((await outcome(POST(`${url(true)}/ReceivablesService.startProcessing`, {}, clerk))).status).to.equal(409)
    })

    it("names the status and outcome in the reader's language, also in an action's answer", async () => {
      const inLanguage = (language?: string) => ({ ...clerk, ...(language && { headers: { 'Accept-Language': language } }) })
      const before = (await SELECT.one.from(`${C}.Disputes`).columns('status', 'outcome').where({ ID: dispute })) as { status: DisputeStatus; outcome: DisputeOutcome | null }
      await UPDATE(Disputes).set({ status: 'InProcess', outcome: 'rejected' }).where({ ID: dispute })
      const names = async (language?: string) => {
        const { data } = await GET(`${url(true)}?$select=statusName,outcomeName`, inLanguage(language))
        return [data.statusName, data.outcomeName]
      }
      const texts = async (language: string) =>
        Promise.all(
          [`${API}/DisputeStatuses('InProcess')`, `${API}/DisputeOutcomes('rejected')`].map(async code => (await GET(`${code}?$select=name`, inLanguage(language))).data.name)
        )
      expect(await names()).to.deep.equal(['In Process', 'Rejected'])
      for (const language of ['de', 'zh-CN']) {
        const localized = await texts(language)
        expect(localized, language).to.not.deep.equal(['In Process', 'Rejected'])
        expect(await names(language), language).to.deep.equal(localized)
      }
      const { data: answer } = await POST(`${url(true)}/ReceivablesService.addComment`, { text: 'Checked with logistics' }, inLanguage('de'))
      expect(answer.statusName).to.equal((await texts('de'))[0])
      await UPDATE(Disputes).set(before).where({ ID: dispute })
    })

    it('offers escalation to AR managers only, and only while the dispute is open or in process', async () => {
      const canEscalate = async (user: string) => (await GET(`${url(true)}?$select=canEscalate`, as(user))).data.canEscalate
      expect(await canEscalate('clerk')).to.equal(false)
      expect(await canEscalate('manager')).to.equal(true)
      await UPDATE(Disputes).set({ status: 'Resolved' }).where({ ID: dispute })
      expect(await canEscalate('manager')).to.equal(false)
      await UPDATE(Disputes).set({ status: 'InProcess' }).where({ ID: dispute })
    })

    it('marks the SLA red when past, yellow within a day, green before; neutral once resolved', async () => {
      const sla = async (dueInHours: number, status: DisputeStatus = 'Open') => {
        await UPDATE(Disputes).set({ slaDueAt: new Date(Date.now() + dueInHours * 3_600_000).toISOString(), status }).where({ ID: dispute })
        return (await GET(`${url(true)}?$select=slaCriticality`, clerk)).data.slaCriticality
      }
      const status = (await SELECT.one.from(`${C}.Disputes`).columns('status', 'slaDueAt').where({ ID: dispute })) as { status: DisputeStatus; slaDueAt: string }
      expect(await sla(-1)).to.equal(1)
      expect(await sla(12)).to.equal(2)
      expect(await sla(50)).to.equal(3)
      expect(await sla(-1, 'Resolved')).to.equal(0)
      await UPDATE(Disputes).set(status).where({ ID: dispute })
    })

    it('assigns disputes to finance users who have worked in the apps, several at once, never one edited in draft', async () => {
      // Both have worked in the apps by now (recorded with their names); the integration admin has no dispute to
      // process, the outsider no app.
      await GET(`${API}/Invoices?$top=1`, as('manager'))
      await outcome(GET(`${API}/Invoices?$top=1`, as('admin')))
      const { data: processors } = await GET(`${API}/Processors?$orderby=ID`, clerk)
      expect(processors.value.map((p: { ID: string; name: string }) => [p.ID, p.name])).to.deep.equal([
        ['clerk', 'Clara Clerk'],
        ['manager', 'Max Manager'],
      ])
      // The worklist's Assign runs the action on each selected dispute.
      const { data: second } = await POST(`${API}/Invoices('90000106')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'wrongPrice' }, clerk)
      const assign = (id: string, processor: string, language?: string) =>
        outcome(POST(`${API}/Disputes(ID=${id},IsActiveEntity=true)/ReceivablesService.assign`, { processor }, { ...clerk, ...(language && { headers: { 'Accept-Language': language } }) }))
      for (const id of [dispute, second.ID]) expect((await assign(id, 'manager')).status).to.equal(200)
      const assigned = await SELECT.from(Disputes).columns('ID', 'processor').where({ ID: { in: [dispute, second.ID] } })
      expect(assigned.map(d => d.processor)).to.deep.equal(['manager', 'manager'])

      // Not to someone the app does not know, in the clerk's language; and not past an open draft.
      expect(await assign(second.ID, 'somebody')).to.deep.equal({ status: 400, message: 'The processor is not a finance user of this app. Pick the processor from the list: a colleague appears there once they have opened one of the apps.' })
      expect((await assign(second.ID, 'admin', 'de')).message).to.match(/^Der Bearbeiter ist kein Finanzbenutzer/)
      await POST(`${API}/Disputes(ID=${second.ID},IsActiveEntity=true)/ReceivablesService.draftEdit`, { PreserveChanges: true }, clerk)
      expect((await assign(second.ID, 'clerk')).status).to.equal(409)
      await PATCH(`${API}/Disputes(ID=${second.ID},IsActiveEntity=false)`, { processor: 'somebody' }, clerk)
      const activation = await outcome(POST(`${API}/Disputes(ID=${second.ID},IsActiveEntity=false)/ReceivablesService.draftActivate`, {}, clerk))
      expect(activation.status).to.equal(400)
      expect((await SELECT.one.from(Disputes).columns('processor').where({ ID: second.ID }))?.processor).to.equal('manager')
      await axios.delete(`${API}/Disputes(ID=${second.ID},IsActiveEntity=false)`, clerk)
      // Value help of the field and of the action's parameter: the processors, shown by name.
      const { data: metadata } = await GET(`${API}/$metadata`, clerk)
      expect(metadata.match(/<Annotation Term="Common.ValueList">\s*<Record Type="Common.ValueListType">\s*<PropertyValue Property="CollectionPath" String="Processors"\/>/g)).to.have.length(2)
    })

    it('saves the processing data edited in draft, and keeps what actions did meanwhile', async () => {
      await POST(`${url(true)}/ReceivablesService.draftEdit`, { PreserveChanges: true }, clerk)
      const slaDueAt = new Date(Date.now() + 3 * day).toISOString().replace(/\.\d+Z$/, 'Z')
      await PATCH(url(false), { processor: 'manager', priority: 'high', internalNote: 'Carrier says delivered', slaDueAt, status: 'Closed', reason: 'other' }, clerk)
      // While the draft is open, the dispute moves on and takes a comment.
      await POST(`${url(true)}/ReceivablesService.resolveDispute`, { outcome: 'accepted', resolution: 'Credit memo follows' }, clerk)
      await POST(`${url(true)}/ReceivablesService.addComment`, { text: 'Credit memo requested', internal: true }, clerk)
      await POST(`${url(false)}/ReceivablesService.draftActivate`, {}, clerk)

      const { data } = await GET(`${url(true)}?$expand=comments`, clerk)
      expect(data).to.include({ processor: 'manager', priority: 'high', internalNote: 'Carrier says delivered', status: 'Resolved', outcome: 'accepted', reason: 'notReceived' })
      expect(Date.parse(data.slaDueAt)).to.equal(Date.parse(slaDueAt))
      expect(data.comments.map((c: { text: string }) => c.text)).to.include('Credit memo requested')
      expect((await outcome(GET(url(false), clerk))).status).to.equal(404)
    })

    it('changes the active dispute by draft and actions only, never by PATCH or PUT', async () => {
      const before = await SELECT.one.from(`${C}.Disputes`).where({ ID: dispute })
      for (const write of [PATCH, axios.put.bind(axios)]) {
        const answer = await outcome(write(url(true), { priority: 'low', internalNote: 'written past the draft', status: 'Closed' }, clerk))
        expect(answer.status).to.equal(405)
        expect(answer.message).to.match(/draft/)
      }
      expect(await SELECT.one.from(`${C}.Disputes`).where({ ID: dispute })).to.deep.equal(before)
    })

    it('takes no more edits once a dispute is closed', async () => {
      await POST(`${url(true)}/ReceivablesService.close`, {}, clerk)
      const edit = await outcome(POST(`${url(true)}/ReceivablesService.draftEdit`, { PreserveChanges: true }, clerk))
      expect(edit).to.deep.equal({ status: 409, message: 'A closed dispute is not edited any more' })
      // The apps hide Edit for it: UI.UpdateHidden is the condition on the status.
      const { data: metadata } = await GET(`${API}/$metadata`, clerk)
      expect(metadata).to.match(/<Annotations Target="ReceivablesService\.EntityContainer\/Disputes">(?:(?!<\/Annotations>)[\s\S])*<Annotation Term="UI.UpdateHidden">\s*<Eq>\s*<Path>status<\/Path>\s*<String>Closed<\/String>/)
    })

    it("answers a refusal in the clerk's language: English by default, German, Simplified Chinese", async () => {
      const inLanguage = (language?: string) => ({ ...clerk, ...(language && { headers: { 'Accept-Language': language } }) })
      const refusals = async (language?: string) => ({
        // CAP's refusal of a step the status flow does not allow, with our texts, and a req.reject of the service.
        close: await outcome(POST(`${url(true)}/ReceivablesService.close`, {}, inLanguage(language))),
        edit: await outcome(POST(`${url(true)}/ReceivablesService.draftEdit`, { PreserveChanges: true }, inLanguage(language))),
      })
      expect(await refusals()).to.deep.equal({
        close: { status: 409, message: 'Not possible in the current status: "close" needs the status ["Resolved"]' },
        edit: { status: 409, message: 'A closed dispute is not edited any more' },
      })
      expect(await refusals('de-DE,de;q=0.9,en;q=0.8')).to.deep.equal({
        close: { status: 409, message: 'Im aktuellen Status nicht möglich: „close“ setzt den Status ["Resolved"] voraus' },
        edit: { status: 409, message: 'Eine abgeschlossene Reklamation wird nicht mehr bearbeitet' },
      })
      expect(await refusals('zh-CN')).to.deep.equal({
        close: { status: 409, message: '当前状态下无法执行：“close”需要状态 ["Resolved"]' },
        edit: { status: 409, message: '已关闭的异议不能再编辑' },
      })
    })

    it('lets only AR edit a dispute, and no one create or delete one directly', async () => {
      const edit = (user: object) => outcome(POST(`${url(true)}/ReceivablesService.draftEdit`, { PreserveChanges: true }, user))
      expect((await edit(as('admin'))).status).to.equal(403)
      expect((await edit(as('outsider'))).status).to.equal(403)
      expect((await outcome(GET(`${API}/Disputes`, as('admin')))).status).to.equal(403)
      expect((await outcome(POST(`${API}/Disputes`, { reason: 'other', invoice_ID: '90000104' }, clerk))).status).to.equal(405)
      expect((await outcome(axios.delete(url(true), clerk))).status).to.equal(405)
      expect((await outcome(POST(`${url(true)}/ReceivablesService.close`, {}, as('admin')))).status).to.equal(403)
    })
  })
})
