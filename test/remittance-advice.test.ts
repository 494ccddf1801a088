// A remittance advice attached to "I've paid" through the customer's link: a PDF or an image, recognised by its first
// bytes whatever its name says, stored byte for byte with the reported payment, and handed to finance only as a
// download; anything else (a page of HTML named .pdf, a file too large, no base64, no payment reported, a second
// file) refused with a clear 4xx and nothing stored.
import cds from '@sap/cds'
import { createHash } from 'node:crypto'
import { issueLink } from '../srv/links'

const INVOICE = '90000888'
const K = 'invoicecrm.collections'
const RESPOND = '/rest/respond'

// A one-pixel PNG, and the start of a PDF.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1')

describe('remittance advice of a reported payment', () => {
  const { POST, GET, expect, axios } = cds.test(__dirname + '/..')
  let token: string

  const answer = (body: object, language = 'en') =>
    POST(`${RESPOND}/attachRemittanceAdvice`, { token, ...body }, { headers: { 'accept-language': language } }).then(
      r => ({ status: r.status, message: '' }),
      (e: { response: { status: number; data?: { error?: { message?: string } } } }) => ({ status: e.response.status, message: e.response.data?.error?.message ?? '' })
    )
  const stored = () => SELECT.from(`${K}.RemittanceAdvices`).columns('ID')

  before(async () => {
    await INSERT.into('invoicecrm.mirror.Customers').entries({ ID: 'C888', name: 'Remit AG', billingEmail: 'ap@remit.example', language: 'DE' })
    await INSERT.into('invoicecrm.mirror.BillingDocuments').entries({
      ID: INVOICE, type: 'F2', payer_ID: 'C888', soldTo_ID: 'C888', grossAmount: 250, netAmount: 250, openAmount: 250, currency: 'EUR', companyCode: '1710',
      isCancelled: false, isCleared: false, createdOn: '2026-11-01', documentDate: '2026-11-01', netDueDate: '2026-12-01', openDueDate: '2026-12-01',
    })
    ;({ token } = await issueLink({ purpose: 'invoiceResponse', invoice: INVOICE, contactEmail: 'ap@remit.example' }))
  })

  it('refuses a file before the payment is reported, and stores nothing', async () => {
    expect(await answer({ fileName: 'advice.pdf', content: PDF.toString('base64') })).to.deep.equal({ status: 409, message: 'Report the payment first, then attach its remittance advice.' })
    expect(await stored()).to.have.length(0)
  })

  it('refuses what is not a PDF or an image, what is not base64, and what is too large, in the customer\u2019s language', async () => {
    await POST(`${RESPOND}/reportPayment`, { token, paidOn: '2026-11-20', amount: 250, reference: 'TRF-888' })
    const html = Buffer.from('<html><script>alert(1)</script></html>').toString('base64')
    expect(await answer({ fileName: 'advice.pdf', content: html })).to.deep.equal({ status: 400, message: 'Attach a PDF or an image (PNG or JPEG).' })
    expect(await answer({ fileName: 'advice.pdf', content: 'not base64!' })).to.deep.equal({ status: 400, message: 'The file could not be read. Please choose it again.' })
    const limit = cds.env.requires.collections.remittanceAdviceMaxBytes as number
    const tooLarge = Buffer.concat([PDF, Buffer.alloc(limit)]).toString('base64')
    expect(await answer({ fileName: 'big.pdf', content: tooLarge }, 'de')).to.deep.equal({ status: 400, message: 'Die Datei ist zu groß: Bitte hängen Sie eine Datei mit höchstens 5 MB an.' })
    // Beyond what the endpoint reads at all: refused before it is parsed.
    const huge = await answer({ fileName: 'huge.pdf', content: 'A'.repeat(Math.ceil((limit * 4) / 3) + 64 * 1024) })
    expect(huge.status).to.equal(413)
    expect(await stored()).to.have.length(0)
  })

  it('stores a PNG named .pdf as the PNG it is, byte for byte, and takes no second file', async () => {
    expect((await answer({ fileName: 'C:\\Users\\ap\\Überweisung "Nov".pdf', content: PNG.toString('base64') })).status).to.equal(200)
    const advice = (await SELECT.one.from(`${K}.RemittanceAdvices`).columns('ID', 'fileName', 'mediaType', 'size', 'sha256', 'createdBy', 'report.reference as reference', 'invoice_ID', 'customer_ID')) as Record<string, unknown>
    expect(advice).to.deep.include({
      fileName: 'Überweisung Nov.png',
      mediaType: 'image/png',
      size: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
      createdBy: 'ap@remit.example',
      reference: 'TRF-888',
      invoice_ID: INVOICE,
      customer_ID: 'C888',
    })
    expect(await answer({ fileName: 'again.pdf', content: PDF.toString('base64') })).to.deep.equal({ status: 409, message: 'A remittance advice is attached to this payment already.' })
    // The page shows which file came with the payment.
    const { data: view } = await POST(`${RESPOND}/view`, { token })
    expect(view.paymentReport).to.include({ remittanceAdvice: 'Überweisung Nov.png' })
  })

  it('gives finance the file only as a download, exactly as it came, and nobody else', async () => {
    const { ID } = (await SELECT.one.from(`${K}.RemittanceAdvices`).columns('ID')) as { ID: string }
    const url = `/odata/v4/collections/RemittanceAdvices(${ID})/content`
    const response = await axios.get(url, { auth: { username: 'clerk', password: 'clerk' }, responseType: 'arraybuffer' })
    expect(Buffer.from(response.data as ArrayBuffer).equals(PNG)).to.equal(true)
    expect(response.headers['content-type']).to.match(/^image\/png/)
    expect(response.headers['content-disposition']).to.match(/^attachment;/)
    expect(response.headers['x-content-type-options']).to.equal('nosniff')
    const refused = (auth?: { username: string; password: string }) => GET(url, auth && { auth }).then(() => 200, (e: { response: { status: number } }) => e.response.status)
    expect(await refused({ username: 'admin', password: 'admin' })).to.equal(403)
    expect(await refused()).to.equal(401)
  })
})
