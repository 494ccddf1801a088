// The collectors' worklist through CollectionsService, over OData: customers with something to collect ranked by a
// score whose reasons are given in the reader's language, assignment to a collector and "my worklist", and contacts
// recorded with their outcome (a promise, a dispute), their follow-up date and their timeline entry. The mirror and
// the conversation are seeded directly, so every score is computed here by hand from the scoring rules
// (srv/collections/priority-score.ts): points per signal, each capped.
import cds from '@sap/cds'
import { refreshReceivableStatus } from '../srv/sync/receivable-status'
import { loadBatchFacts, loadPolicies, policyOf } from '../srv/collections/reminder-facts'

const M = 'invoicecrm.mirror'
const C = 'invoicecrm.crm'
const K = 'invoicecrm.collections'
const API = '/odata/v4/collections'

const as = (user: string, language = 'en') => ({ auth: { username: user, password: user }, headers: { 'accept-language': language } })
const DAY = 86_400_000
const daysFromToday = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10)

let docNo = 0
const invoice = (ID: string, payer: string, amount: number, dueInDays: number) => ({
  document: { ID, type: 'F2', payer_ID: payer, soldTo_ID: payer, grossAmount: amount, netAmount: amount, currency: 'EUR', companyCode: '1710', isCancelled: false, documentDate: daysFromToday(dueInDays - 30), createdOn: daysFromToday(dueInDays - 30) },
  item: { companyCode: '1710', fiscalYear: '2026', accountingDocument: String(1_500_000_000 + ++docNo), item: '001', customer_ID: payer, billingDocument_ID: ID, netDueDate: daysFromToday(dueInDays), isCleared: false, amount, debitCredit: 'S', currency: 'EUR' },
})

describe('the collectors\u2019 worklist', () => {
  const { GET, POST, expect } = cds.test(__dirname + '/..')

  const failure = (request: Promise<unknown>) =>
    request.then(
      () => ({ status: 200, message: '' }),
      (e: { response: { status: number; data?: { error?: { message?: string } } } }) => ({ status: e.response.status, message: e.response.data?.error?.message ?? '' })
    )

  before(async () => {
    await INSERT.into(`${M}.Customers`).entries(
      { ID: 'W1', name: 'Late Payer GmbH', billingEmail: 'ap@late.example', language: 'DE' },
      { ID: 'W2', name: 'Unhappy Ltd', billingEmail: 'ap@unhappy.example', language: 'EN' },
      { ID: 'W3', name: 'Said Paid AG', billingEmail: 'ap@paid.example', language: 'DE' },
      { ID: 'W4', name: 'Just Late Co', billingEmail: 'ap@just.example', language: 'EN' },
      { ID: 'W5', name: 'On Time SA', billingEmail: 'ap@ontime.example', language: 'EN' }
    )
    const invoices = [
      invoice('94100001', 'W1', 20_000, -90),
      invoice('94100002', 'W1', 30_000, -40),
      invoice('94200001', 'W2', 300, -12),
      invoice('94300001', 'W3', 500, 10),
      invoice('94400001', 'W4', 1_000, -2),
      invoice('94500001', 'W5', 700, 20),
    ]
    await INSERT.into(`${M}.BillingDocuments`).entries(invoices.map(i => i.document))
    await INSERT.into(`${M}.ReceivableItems`).entries(invoices.map(i => i.item))
    await refreshReceivableStatus(cds.db, 'all')
    const settled = new Date(Date.now() - 5 * DAY).toISOString()
    await INSERT.into(`${K}.PaymentPromises`).entries({ ID: cds.utils.uuid(), invoice_ID: '94100001', customer_ID: 'W1', promisedDate: daysFromToday(-10), status: 'broken', settledAt: settled })
    await INSERT.into(`${K}.PaymentReports`).entries({ ID: cds.utils.uuid(), invoice_ID: '94300001', customer_ID: 'W3', paidOn: daysFromToday(-20), amount: 500, status: 'notReceived', settledAt: settled })
    await INSERT.into(`${C}.Disputes`).entries({ ID: cds.utils.uuid(), invoice_ID: '94200001', customer_ID: 'W2', reason: 'wrongPrice', status: 'Open' })
    const invitation = cds.utils.uuid()
    await INSERT.into(`${C}.SurveyInvitations`).entries({ ID: invitation, customer_ID: 'W2', contactEmail: 'ap@unhappy.example', trigger: 'confirmation', sentAt: settled })
    await INSERT.into(`${C}.SurveyAnswers`).entries({ invitation_ID: invitation, csat: 2, answeredAt: settled })
    // Both finance users have opened an app, and so can be collectors.
    await GET(`${API}/Worklist`, as('clerk'))
    await GET(`${API}/Worklist`, as('manager'))
  })

  it('ranks the customers with something to collect by a score, with its largest reasons in the reader\u2019s language', async () => {
    const { data: count } = await POST(`${API}/refreshWorklist`, {}, as('clerk'))
    expect(count.value).to.equal(4)
    const { data } = await GET(`${API}/Worklist?$select=customer_ID,score,reasons,overdueAmount,oldestDaysOverdue&$orderby=score desc`, as('clerk'))
    // W1: 50,000 overdue: round(8 · log10(50,001)) = 38; oldest 90 days: 30; one broken promise: 15.
    // W2: 300 overdue: round(8 · log10(301)) = 20; 12 days: 4; one open dispute: 5; CSAT 2: 10.
    // W4: 1,000 overdue: round(8 · log10(1,001)) = 24; 2 days: 0.  W3: nothing overdue, a payment not received: 10.
    expect(data.value.map((r: { customer_ID: string; score: number }) => [r.customer_ID, r.score])).to.deep.equal([
      ['W1', 83],
      ['W2', 39],
      ['W4', 24],
      ['W3', 10],
    ])
    expect([Number(data.value[0].overdueAmount), data.value[0].oldestDaysOverdue]).to.deep.equal([50000, 90])
    expect(data.value[0].reasons).to.equal('€50,000.00 overdue (2 invoices) · Oldest invoice 90 days overdue · Broken promises: 1')
    expect(data.value[1].reasons).to.equal('€300.00 overdue (1 invoices) · Dissatisfied (CSAT 2) · Open disputes: 1')
    expect(data.value[3].reasons).to.equal('Payments reported, not received: 1')
    const german = await GET(`${API}/Worklist('W1')?$select=reasons`, as('manager', 'de'))
    expect(german.data.reasons).to.equal('50.000,00\u00a0€ überfällig (2 Rechnungen) · Älteste Rechnung 90 Tage überfällig · Gebrochene Zahlungsversprechen: 1')
    const chinese = await GET(`${API}/Worklist('W3')?$select=reasons`, as('manager', 'zh-CN'))
    expect(chinese.data.reasons).to.equal('已报告但未到账的付款：1')
  })

  it('rebuilds the same list when several ask for it at the same moment', async () => {
    const answers = await Promise.all(['clerk', 'manager', 'clerk', 'manager'].map(user => failure(POST(`${API}/refreshWorklist`, {}, as(user)))))
    expect(answers.map(a => a.status)).to.deep.equal([200, 200, 200, 200])
    const { data } = await GET(`${API}/Worklist?$select=customer_ID,score&$orderby=score desc`, as('clerk'))
    expect(data.value.map((r: { customer_ID: string }) => r.customer_ID)).to.deep.equal(['W1', 'W2', 'W4', 'W3'])
  })

  it('gives a customer to a collector, whose worklist it is then, and refuses a collector nobody knows', async () => {
    await POST(`${API}/Worklist('W2')/CollectionsService.assign`, { collector: 'clerk' }, as('manager'))
    const mine = async (user: string) => (await GET(`${API}/Worklist?$filter=isMine eq true&$select=customer_ID`, as(user))).data.value.map((r: { customer_ID: string }) => r.customer_ID)
    expect(await mine('clerk')).to.deep.equal(['W2'])
    expect(await mine('manager')).to.deep.equal([])
    const unknown = await failure(POST(`${API}/Worklist('W1')/CollectionsService.assign`, { collector: 'nobody' }, as('manager')))
    expect(unknown).to.deep.equal({ status: 400, message: 'There is no finance user "nobody" to assign.' })
  })

  it("sets a customer's own policy, risk class and time zone, which the reminder run's choice of policy follows", async () => {
    // A rule for the high-risk customers: earlier and firmer than the default.
    const highRisk = cds.utils.uuid()
    await INSERT.into(`${K}.ReminderPolicies`).entries({ ID: highRisk, name: 'High risk', riskClass: 'high', rulePriority: 10 })
    await INSERT.into(`${K}.ReminderSteps`).entries({ ID: cds.utils.uuid(), policy_ID: highRisk, offsetDays: 1, level: 1, tone: 'firm' })
    const policyOfW4 = async () => {
      const candidate = { ID: '94400001', customer: 'W4', currency: 'EUR', openAmount: 1000, netDueDate: daysFromToday(-2), isCleared: false, itemDunningBlock: false, companyCode: '1710', paymentTerms: null }
      const facts = await loadBatchFacts([candidate])
      const policy = policyOf(await loadPolicies(), candidate, facts.customers.get('W4'))
      return (await SELECT.one.from(`${K}.ReminderPolicies`).columns('name').where({ ID: policy?.ID }))?.name
    }
    const terms = async (language = 'en') => {
      const { data } = await GET(`${API}/Worklist('W4')?$select=policyName,riskClass,timeZone&$expand=riskClassText($select=name)`, as('manager', language))
      const { policyName, timeZone, riskClassText } = data as { policyName: string | null; timeZone: string | null; riskClassText: { name: string } | null }
      return { policyName, timeZone, riskClassName: riskClassText?.name ?? null }
    }
    const set = (body: object, user = 'manager') => POST(`${API}/Worklist('W4')/CollectionsService.setCollectionTerms`, body, as(user))
    try {
      expect(await policyOfW4(), 'no risk class: the default').to.equal('Standard')
      await set({ riskClass: 'high', timeZone: 'Europe/Berlin' })
      expect(await terms()).to.include({ policyName: null, riskClassName: 'High Risk', timeZone: 'Europe/Berlin' })
      expect((await terms('de')).riskClassName).to.equal('Hohes Risiko')
      expect((await terms('zh-CN')).riskClassName).to.equal('高风险')
      expect(await policyOfW4(), 'the rule of its risk class').to.equal('High risk')
      await set({ riskClass: 'low', timeZone: '' })
      expect(await terms()).to.include({ riskClassName: 'Low Risk', timeZone: null })
      expect(await policyOfW4(), 'a risk class no rule names: the default').to.equal('Standard')
      // A policy of its own wins over every rule.
      await set({ policy: highRisk, riskClass: 'low' })
      expect((await terms()).policyName).to.equal('High risk')
      expect(await policyOfW4(), 'its own policy').to.equal('High risk')

      const refused = await Promise.all([
        failure(set({ riskClass: 'extreme' })),
        failure(set({ timeZone: 'Mars/Olympus_Mons' })),
        failure(set({ policy: cds.utils.uuid() })),
      ])
      expect(refused.map(r => r.status)).to.deep.equal([400, 400, 400])
      expect(refused[0].message).to.equal('There is no risk class "extreme"; choose one of the list.')
      expect(refused[1].message).to.equal('"Mars/Olympus_Mons" is not a time zone. Use a name like Europe/Berlin or Asia/Shanghai.')
      expect((await failure(set({ riskClass: 'high' }, 'clerk'))).status, 'a clerk').to.equal(403)
      expect(await terms(), 'nothing of the refused').to.include({ policyName: 'High risk', riskClassName: 'Low Risk', timeZone: null })
    } finally {
      await set({})
      await DELETE.from(`${K}.ReminderPolicies`).where({ ID: highRisk })
    }
  })

  it('records a call with a promise to pay: the promise on the invoice, the contact, its follow-up date, the timeline', async () => {
    const promisedDate = daysFromToday(7)
    const followUpOn = daysFromToday(8)
    await POST(
      `${API}/Worklist('W1')/CollectionsService.recordContact`,
      { channel: 'phone', outcome: 'promise', invoice: '94100002', promisedDate, followUpOn, note: 'Pays after the board meets' },
      as('clerk')
    )
    expect(await SELECT.one.from(`${K}.PaymentPromises`).columns('promisedDate', 'source', 'promisedBy').where({ invoice_ID: '94100002', status: 'open' })).to.deep.equal({
      promisedDate,
      source: 'phone',
      promisedBy: 'clerk',
    })
    expect(await SELECT.one.from(`${K}.CollectionContacts`).columns('channel', 'outcome', 'invoice_ID', 'followUpOn', 'createdBy').where({ customer_ID: 'W1' })).to.deep.equal({
      channel: 'phone',
      outcome: 'promise',
      invoice_ID: '94100002',
      followUpOn,
      createdBy: 'clerk',
    })
    const { data } = await GET(`${API}/Worklist('W1')?$select=nextActionOn`, as('clerk'))
    expect(data.nextActionOn).to.equal(followUpOn)
    const timeline = await GET(`/odata/v4/receivables/Timeline?$filter=customer_ID eq 'W1'&$select=kind,text&$orderby=at`, as('clerk'))
    expect(timeline.data.value.map((t: { kind: string }) => t.kind)).to.deep.equal(['promised', 'contactRecorded'])
    expect(timeline.data.value[1].text).to.equal('Contact by Phone: Promise to Pay (Pays after the board meets)')
  })

  it('records a dispute a customer raised in a meeting, through the dispute flow', async () => {
    await POST(`${API}/Worklist('W4')/CollectionsService.recordContact`, { channel: 'meeting', outcome: 'dispute', invoice: '94400001', disputeReason: 'wrongQuantity', note: 'Two pallets missing' }, as('manager'))
    expect(await SELECT.one.from(`${C}.Disputes`).columns('reason', 'source', 'status').where({ invoice_ID: '94400001' })).to.deep.equal({ reason: 'wrongQuantity', source: 'meeting', status: 'Open' })
  })

  it('refuses a contact that lacks what its outcome needs, or names another customer\u2019s invoice, and records nothing of it', async () => {
    const before = await SELECT.from(`${K}.CollectionContacts`).columns('ID')
    const contact = (body: object) => failure(POST(`${API}/Worklist('W3')/CollectionsService.recordContact`, body, as('clerk')))
    expect(await contact({ channel: 'phone', outcome: 'promise', promisedDate: daysFromToday(3) })).to.deep.equal({ status: 400, message: "Name the invoice the customer's promise, dispute or payment is about." })
    expect(await contact({ channel: 'phone', outcome: 'promise', invoice: '94100001', promisedDate: daysFromToday(3) })).to.deep.equal({ status: 400, message: "Invoice 94100001 is not one of this customer's invoices." })
    expect(await contact({ channel: 'phone', outcome: 'promise', invoice: '94300001' })).to.deep.equal({ status: 400, message: 'Enter the date the customer promised to pay by.' })
    expect(await contact({ channel: 'email', outcome: 'reached', followUpOn: daysFromToday(-1) })).to.deep.equal({ status: 400, message: 'The follow-up date cannot be in the past.' })
    expect(await SELECT.from(`${K}.CollectionContacts`).columns('ID')).to.have.length(before.length)
    expect(await SELECT.from(`${K}.PaymentPromises`).where({ invoice_ID: '94300001' })).to.deep.equal([])
  })

  it('takes one of two promises for the same invoice made at the same moment, and tells the other why not', async () => {
    const promise = (user: string, days: number) =>
      failure(POST(`${API}/Worklist('W3')/CollectionsService.recordContact`, { channel: 'phone', outcome: 'promise', invoice: '94300001', promisedDate: daysFromToday(days) }, as(user)))
    const answers = await Promise.all([promise('clerk', 5), promise('manager', 6)])
    expect(answers.map(a => a.status).sort()).to.deep.equal([200, 409])
    expect(await SELECT.from(`${K}.PaymentPromises`).where({ invoice_ID: '94300001', status: 'open' })).to.have.length(1)
  })

  it('counts the promises due today, the broken ones and each collector\u2019s worklist on the launchpad as the lists its tiles open count them', async () => {
    // Due today: one open promise (W3 holds one due in five or six days, above). Broken: W1's on an open invoice,
    // and one on an invoice cleared since, which is history.
    const cleared = invoice('94500002', 'W5', 400, -15)
    await INSERT.into(`${M}.BillingDocuments`).entries(cleared.document)
    await INSERT.into(`${M}.ReceivableItems`).entries({ ...cleared.item, isCleared: true, clearingDate: daysFromToday(-1) })
    await refreshReceivableStatus(cds.db, 'all')
    await INSERT.into(`${K}.PaymentPromises`).entries(
      { ID: cds.utils.uuid(), invoice_ID: '94400001', customer_ID: 'W4', promisedDate: daysFromToday(0), status: 'open' },
      { ID: cds.utils.uuid(), invoice_ID: '94500002', customer_ID: 'W5', promisedDate: daysFromToday(-20), status: 'broken', settledAt: new Date().toISOString() }
    )
    await POST(`${API}/Worklist('W4')/CollectionsService.assign`, { collector: 'manager' }, as('manager'))
    await POST(`${API}/Worklist('W1')/CollectionsService.assign`, { collector: 'manager' }, as('manager'))

    const count = async (list: string, filter: string, user: string) => (await GET(`${API}/${list}?$count=true&$top=0&$filter=${filter}`, as(user))).data['@odata.count']
    for (const [user, mine] of [['clerk', 1], ['manager', 2]] as const) {
      const { data: kpis } = await GET('/odata/v4/launchpad/kpis()', as(user))
      expect({ promisesDueToday: kpis.promisesDueToday, brokenPromises: kpis.brokenPromises, myWorklist: kpis.myWorklist }, user).to.deep.equal({ promisesDueToday: 1, brokenPromises: 1, myWorklist: mine })
      expect(await count('PaymentPromises', `status eq 'open' and promisedDate eq ${daysFromToday(0)}`, user)).to.equal(kpis.promisesDueToday)
      expect(await count('PaymentPromises', `status eq 'broken' and invoiceCleared eq false`, user)).to.equal(kpis.brokenPromises)
      expect(await count('Worklist', 'isMine eq true', user)).to.equal(kpis.myWorklist)
    }
  })

  it('is for AR only', async () => {
    for (const user of ['admin', 'outsider']) expect((await failure(GET(`${API}/Worklist`, as(user)))).status, user).to.equal(403)
    expect((await failure(POST(`${API}/Worklist('W1')/CollectionsService.assign`, { collector: 'clerk' }, as('admin')))).status).to.equal(403)
  })
})
