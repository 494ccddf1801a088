// The invoice PDF on the customer's page (RespondService invoiceDocument, srv/respond/invoice-document.ts): read from
// S/4HANA's GetPDF when the customer asks, for the link's own invoice only; none in S/4HANA is a 404 and S/4HANA not
// answering a 503, each with a message in the page's language.
import cds from '@sap/cds'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { issueLink } from '../srv/links'
import { s4Settings } from '../srv/s4/destination'

describe('the invoice PDF on the customer page', () => {
  const { POST, expect, axios } = cds.test(__dirname + '/..')
  const settings = s4Settings()
  const original = { ...settings, retry: { ...settings.retry } }
  let sim: Simulator
  /** An invoice the simulator has, and one it does not know. */
  let known: string
  const unknown = '99999991'

  const linkTo = async (invoice: string) => (await issueLink({ purpose: 'invoiceResponse', invoice, contactEmail: 'ap@pdf.example' })).token
  const ask = (token: string, language = 'en') => POST('/rest/respond/invoiceDocument', { token }, { headers: { 'accept-language': language } })

  before(async () => {
    axios.defaults.validateStatus = () => true
    sim = createSimulator({ volume: 'small', seed: 5 })
    Object.assign(settings, { url: await sim.listen(0), retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 } })
    known = String(sim.get('A_BillingDocument', '90000001')?.BillingDocument ?? '')
    expect(known, 'the simulator has invoice 90000001').to.equal('90000001')
    await INSERT.into('invoicecrm.mirror.Customers').entries({ ID: 'C901', name: 'Pdf GmbH', billingEmail: 'ap@pdf.example', language: 'DE' })
    await INSERT.into('invoicecrm.mirror.BillingDocuments').entries(
      [known, unknown].map(ID => ({ ID, type: 'F2', payer_ID: 'C901', soldTo_ID: 'C901', grossAmount: 100, netAmount: 100, currency: 'EUR', companyCode: '1710', isCancelled: false, createdOn: '2026-11-01' }))
    )
  })
  after(async () => {
    Object.assign(settings, original)
    await sim?.close()
  })

  it("gives the link's invoice as S/4HANA prints it", async () => {
    const { status, data } = await ask(await linkTo(known))
    expect(status).to.equal(200)
    expect(data).to.include({ fileName: `${known}.pdf`, mediaType: 'application/pdf' })
    expect(Buffer.from(data.content, 'base64').subarray(0, 5).toString()).to.equal('%PDF-')
  })

  it('says so when S/4HANA has no PDF of the invoice (404), in the language of the page', async () => {
    const { status, data } = await ask(await linkTo(unknown), 'de')
    expect(status).to.equal(404)
    expect(data.error.message).to.equal(`Zu Rechnung ${unknown} gibt es noch kein PDF. Bitte wenden Sie sich an uns, wir senden es Ihnen gerne zu.`)
  })

  it('asks to try again later while S/4HANA does not answer (503)', async () => {
    const url = settings.url
    await sim.close()
    try {
      const { status, data } = await ask(await linkTo(known))
      expect(status).to.equal(503)
      expect(data.error.message).to.equal('The invoice PDF cannot be loaded right now. Please try again in a few minutes.')
    } finally {
      settings.url = await sim.listen(Number(new URL(url!).port))
    }
  })

  it('gives nothing for a link of another purpose or a forged one', async () => {
    const { token: survey } = await issueLink({ purpose: 'survey', invitation: cds.utils.uuid(), contactEmail: 'ap@pdf.example' })
    for (const token of [survey, 'forged.token.value']) {
      const { status, data } = await ask(token)
      expect(status, token).to.be.oneOf([400, 401, 403, 404])
      expect(data).not.to.have.property('content')
    }
  })
})
