// The customer's side of a monthly statement, through its link (RespondService: statement, statementPdf,
// confirmStatement, disagreeWithStatement): what the page gets (this statement and nothing of another customer), the
// PDF, "the balance is right" and "something differs" with flagged lines, the customer's own balance, a comment and a
// file. The answer is final; flagged invoice lines become disputes through the invoice's dispute flow, one per invoice;
// every refusal is a translated 4xx. Seeded directly (test/statement-seed.ts): runs on SQLite and PostgreSQL.
import cds from '@sap/cds'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { issueLink, revokeLinks } from '../srv/links'
import { resetFailures } from '../srv/links/rate-limit'
import { pdfText, plain } from './pdf-text'
import { seedCustomer, seedStatement, type SeededCustomer } from './statement-seed'

const S = 'invoicecrm.statements'
const C = 'invoicecrm.crm'
const STATEMENTS = 'invoicecrm.statements.Statements'
const STATEMENT_LINES = 'invoicecrm.statements.StatementLines'
const RESPOND = '/rest/respond'
const CONTACT = 'ap@kunde.example'

// The start of a PDF, a one-pixel PNG, and a page of HTML that calls itself a PDF.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1')
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const HTML = Buffer.from('<html><script>alert(1)</script></html>')

const KUNDE: SeededCustomer = { ID: 'C7101', name: 'Kontoauszug Kunde AG', language: 'DE', invoices: ['90071001', '90071002', '90071003'] }
const FREMD: SeededCustomer = { ID: 'C7202', name: 'Fremdfirma Handels GmbH', language: 'EN', invoices: ['90072001', '90072002', '90072003'] }

interface Answer {
  status: number
  data: Record<string, unknown> & { error?: { message?: string; code?: string } }
}

describe("the customer's answer to a monthly statement", function () {
  this.timeout(120_000)
  const { POST, expect } = cds.test(__dirname + '/..')

  const call = (action: string, body: object, language?: string): Promise<Answer> =>
    POST(`${RESPOND}/${action}`, body, language ? { headers: { 'accept-language': language } } : {}).then(
      r => ({ status: r.status, data: r.data as Answer['data'] }),
      (e: { response: { status: number; data: Answer['data'] } }) => ({ status: e.response.status, data: e.response.data })
    )
  const message = (a: Answer) => a.data?.error?.message ?? ''
  const linkTo = async (statement: string, validDays?: number) => (await issueLink({ purpose: 'statement', statement, contactEmail: CONTACT, ...(validDays !== undefined && { validDays }) })).token
  const statementRow = async (ID: string) => (await SELECT.one.from(`${S}.Statements`).where({ ID })) as Record<string, unknown>
  const linesOf = async (ID: string) => (await SELECT.from(STATEMENT_LINES).columns('lineNo', 'flagged', 'flagReason', 'flagComment', 'dispute_ID').where({ statement_ID: ID }).orderBy('lineNo')) as Record<string, unknown>[]
  const disputesOf = async (invoices: string[]) => (await SELECT.from(`${C}.Disputes`).where({ invoice_ID: { in: invoices } }).orderBy('invoice_ID')) as Record<string, unknown>[]

  before(async () => {
    await seedCustomer(KUNDE)
    await seedCustomer(FREMD)
    // Other suites in this process may have used up the failed-link allowance of 127.0.0.1.
    await resetFailures()
  })

  it("shows the statement to its customer: figures, lines, open items and aging, and nothing of another customer's", async () => {
    const mine = await seedStatement(KUNDE, '2026-10')
    const theirs = await seedStatement(FREMD, '2026-10')
    const token = await linkTo(mine.ID)
    const { status, data } = await call('statement', { token })
    expect(status).to.equal(200)
    // The page opens every link with view: for a statement's, it answers the same.
    expect((await call('view', { token })).data).to.deep.equal(data)
    expect(data).to.include({ purpose: 'statement', language: 'DE', customerName: KUNDE.name })
    const statement = data.statement as Record<string, unknown> & { lines: Record<string, unknown>[]; openItems: Record<string, unknown>[]; aging: { bucket: number; amount: string }[] }
    expect(statement).to.include({ customer: KUNDE.ID, companyCode: '1710', currency: 'EUR', periodStart: '2026-10-01', periodEnd: '2026-10-28', status: 'sent', answerable: true })
    expect([statement.openingBalance, statement.closingBalance].map(Number)).to.deep.equal([1000, 1800])
    expect(statement.lines.map(l => [l.lineNo, l.documentType, l.billingDocument, l.purchaseOrder, Number(l.amount), l.flagged])).to.deep.equal([
      [1, 'RV', KUNDE.invoices[0], `PO-${KUNDE.invoices[0]}`, 1000, false],
      [2, 'RV', KUNDE.invoices[1], `PO-${KUNDE.invoices[1]}`, 500, false],
      [3, 'DZ', null, null, -700, false],
    ])
    expect(statement.lines[0]).to.include({ postingDate: '2026-10-05', netDueDate: '2026-12-04' })
    expect(statement.openItems.map(i => [i.billingDocument, i.daysOverdue, Number(i.amount)])).to.deep.equal([
      [KUNDE.invoices[2], 27, 300],
      [KUNDE.invoices[0], 0, 1000],
      [KUNDE.invoices[1], 0, 500],
    ])
    expect(statement.aging.map(a => [a.bucket, Number(a.amount)])).to.deep.equal([[0, 1500], [1, 300], [2, 0], [3, 0], [4, 0]])
    expect(data.answer).to.equal(null)
    // The reasons a flagged line may give, in the customer's language (German).
    expect((data.reasons as { code: string; name: string }[]).find(r => r.code === 'wrongPrice')?.name).to.equal('Falscher Preis')
    expect(data.attachmentMaxBytes).to.equal(cds.env.requires.collections.remittanceAdviceMaxBytes)
    // Nothing of the other customer, whose statement of the same month has the same shape; nor who answers from where.
    const text = JSON.stringify(data)
    for (const foreign of [FREMD.ID, FREMD.name, ...FREMD.invoices, theirs.ID, ...theirs.lines.map(l => l.accountingDocument), CONTACT]) expect(text, foreign).not.to.include(foreign)
    expect(text).not.to.include(mine.ID)
  })

  it('gives the statement as its PDF', async () => {
    const statement = await seedStatement(KUNDE, '2026-09')
    const { status, data } = await call('statementPdf', { token: await linkTo(statement.ID) })
    expect(status).to.equal(200)
    expect(data).to.include({ mediaType: 'application/pdf', fileName: `statement-${KUNDE.ID}-1710-EUR-2026-09.pdf` })
    const pdf = Buffer.from(data.content as string, 'base64')
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-')
    const text = plain(await pdfText(pdf))
    expect(text).to.include(KUNDE.ID)
    expect(text).to.match(/1\.800,00/)

    // Once mailed, the PDF that went out is kept with the statement: that one, byte for byte.
    const sent = Buffer.concat([PDF, Buffer.from('% as mailed\n')])
    await UPDATE(STATEMENTS, statement.ID).set({ pdf: Readable.from([sent]), pdfFileName: 'statement-as-mailed.pdf' })
    const kept = await call('statementPdf', { token: await linkTo(statement.ID) })
    expect(kept.data).to.include({ fileName: 'statement-as-mailed.pdf', mediaType: 'application/pdf' })
    expect(Buffer.from(kept.data.content as string, 'base64').equals(sent)).to.equal(true)
  })

  it('confirm: the statement is confirmed, who, when and from where recorded, the write-back planned; a second answer is refused, translated', async () => {
    const statement = await seedStatement(KUNDE, '2026-08')
    const token = await linkTo(statement.ID)
    const before = Date.now()
    const confirmed = await call('confirmStatement', { token })
    expect(confirmed.status).to.equal(200)
    expect(confirmed.data).to.include({ status: 'confirmed' })
    const row = await statementRow(statement.ID)
    expect(row).to.include({ status: 'confirmed', answeredBy: CONTACT })
    expect(row.answeredFrom, 'the client address, as an invoice link records it').to.be.a('string').and.not.equal('')
    expect(new Date(row.answeredAt as string).getTime()).to.be.within(before - 1000, Date.now() + 1000)
    // S/4HANA is to get the confirmed statement (srv/writeback/targets/statement-attachment.ts), when enabled.
    const operations = (await SELECT.from('invoicecrm.writeback.WriteBackOperations').columns('event', 'target', 's4Object').where({ statement_ID: statement.ID })) as Record<string, unknown>[]
    expect(operations).to.deep.equal([{ event: 'statementConfirmed', target: 'statementAttachment', s4Object: `BUS1006 ${KUNDE.ID.replace(/\D/g, '').padStart(10, '0')}` }])
    // On the customer's timeline, with who answered.
    const entries = (await SELECT.from('invoicecrm.crm.TimelineEntries').columns('kind', 'actor', 'params').where({ customer_ID: KUNDE.ID, kind: 'statementConfirmed' })) as { kind: string; actor: string; params: string }[]
    expect(entries.map(e => [e.actor, JSON.parse(e.params).period])).to.deep.equal([[CONTACT, '2026-08']])

    const again = await call('confirmStatement', { token }, 'de')
    expect([again.status, message(again)]).to.deep.equal([409, 'Dieser Kontoauszug wurde bereits beantwortet. Vielen Dank.'])
    const disagreeing = await call('disagreeWithStatement', { token, comment: 'Doch nicht.' }, 'zh-CN')
    expect([disagreeing.status, message(disagreeing)]).to.deep.equal([409, '此对账单已经答复过了。谢谢。'])
    expect(await statementRow(statement.ID)).to.deep.equal(row)

    // The page shows the answer; the PDF now carries the confirmation.
    const { data } = await call('statement', { token })
    expect(data.statement).to.include({ status: 'confirmed', answerable: false })
    expect(data.answer).to.include({ status: 'confirmed', customerBalance: null, comment: null, attachmentName: null })
    const { data: document } = await call('statementPdf', { token })
    expect(plain(await pdfText(Buffer.from(document.content as string, 'base64')))).to.include(CONTACT)
  })

  it('disagree: two invoice lines become a dispute each through the dispute flow, the payment line is flagged only, the balance, comment and file are kept', async () => {
    const statement = await seedStatement(KUNDE, '2026-07')
    const token = await linkTo(statement.ID)
    const [first, second] = KUNDE.invoices
    const answered = await call('disagreeWithStatement', {
      token,
      lines: [
        { lineNo: 1, reason: 'wrongPrice', comment: 'Vereinbart waren 900 EUR.' },
        { lineNo: 2, reason: 'notReceived' },
        { lineNo: 3, reason: 'other', comment: 'Die Zahlung war 750 EUR.' },
      ],
      customerBalance: '1234.560',
      comment: 'Unser Saldo weicht ab.',
      attachmentName: 'Unser Kontoauszug Juli.pdf',
      attachment: PDF.toString('base64'),
    })
    expect(answered.status, message(answered)).to.equal(200)
    expect(answered.data).to.include({ status: 'disagreed' })

    const row = await statementRow(statement.ID)
    expect(row).to.include({ status: 'disagreed', answeredBy: CONTACT, customerComment: 'Unser Saldo weicht ab.' })
    expect(Number(row.customerBalance)).to.equal(1234.56)
    expect(row.answeredFrom).to.be.a('string')
    const [entry] = (await SELECT.from('invoicecrm.crm.TimelineEntries').columns('actor', 'params').where({ customer_ID: row.customer_ID, kind: 'statementDisagreed' })) as { actor: string; params: string }[]
    expect(entry.actor).to.equal(CONTACT)
    expect(JSON.parse(entry.params)).to.include({ lines: 3 })

    const disputes = await disputesOf([first, second])
    expect(disputes.map(d => [d.invoice_ID, d.reason, d.status, d.source, d.raisedBy, d.customer_ID, d.wholeInvoice])).to.deep.equal([
      [first, 'wrongPrice', 'Open', 'web', CONTACT, KUNDE.ID, true],
      [second, 'notReceived', 'Open', 'web', CONTACT, KUNDE.ID, true],
    ])
    expect(disputes[0].customerComment).to.equal('Vereinbart waren 900 EUR.')
    expect(disputes[0].slaDueAt, 'the SLA of the dispute flow').to.be.a('string')
    expect(disputes[0].raisedFrom).to.equal(row.answeredFrom)
    // Through the invoice's flow: on the invoices' timeline, and their write-back planned.
    const timeline = (await SELECT.from(`${C}.TimelineEntries`).columns('invoice_ID', 'kind', 'dispute_ID').where({ invoice_ID: { in: [first, second] } })) as Record<string, unknown>[]
    expect(timeline.filter(t => t.kind === 'disputed').map(t => t.dispute_ID).sort()).to.deep.equal(disputes.map(d => d.ID).sort())
    const planned = (await SELECT.from('invoicecrm.writeback.WriteBackOperations').columns('dispute_ID', 's4Object').where({ event: 'disputed', invoice_ID: { in: [first, second] } })) as { dispute_ID: string; s4Object: string }[]
    for (const [i, dispute] of disputes.entries())
      expect(planned.filter(p => p.dispute_ID === dispute.ID).map(p => p.s4Object), `the write-back of the dispute of ${dispute.invoice_ID}`).to.include(`A_SalesOrderText(SalesOrder='1${[first, second][i].slice(-7)}',Language='EN',LongTextID='0002')`)

    expect(await linesOf(statement.ID)).to.deep.equal([
      { lineNo: 1, flagged: true, flagReason: 'wrongPrice', flagComment: 'Vereinbart waren 900 EUR.', dispute_ID: disputes[0].ID },
      { lineNo: 2, flagged: true, flagReason: 'notReceived', flagComment: null, dispute_ID: disputes[1].ID },
      { lineNo: 3, flagged: true, flagReason: 'other', flagComment: 'Die Zahlung war 750 EUR.', dispute_ID: null },
    ])
    const file = (await SELECT.one.from(`${S}.StatementAnswerAttachments`).columns('fileName', 'mediaType', 'size', 'sha256', 'createdBy').where({ statement_ID: statement.ID })) as Record<string, unknown>
    expect(file).to.deep.equal({ fileName: 'Unser Kontoauszug Juli.pdf', mediaType: 'application/pdf', size: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex'), createdBy: CONTACT })

    // The page shows the answer and the flags; a second answer changes nothing.
    const { data } = await call('statement', { token })
    expect(data.answer).to.include({ status: 'disagreed', comment: 'Unser Saldo weicht ab.', attachmentName: 'Unser Kontoauszug Juli.pdf' })
    expect((data.statement as { lines: { flagged: boolean }[] }).lines.map(l => l.flagged)).to.deep.equal([true, true, true])
    const replay = await call('disagreeWithStatement', { token, lines: [{ lineNo: 1, reason: 'wrongPrice' }] }, 'de')
    expect([replay.status, message(replay)]).to.deep.equal([409, 'Dieser Kontoauszug wurde bereits beantwortet. Vielen Dank.'])
    expect(await disputesOf([first, second])).to.have.length(2)
  })

  it('an invoice in dispute already is linked to its open dispute, not disputed twice; two lines of one invoice make one dispute', async () => {
    const statement = await seedStatement(KUNDE, '2026-06')
    const [first, second] = KUNDE.invoices
    // The second invoice has two lines on this statement (e.g. the invoice and a partial payment with its reference).
    await UPDATE(STATEMENT_LINES).set({ billingDocument: second }).where({ statement_ID: statement.ID, lineNo: 3 })
    const open = (await SELECT.one.from(`${C}.Disputes`).columns('ID').where({ invoice_ID: first, status: { '!=': 'Closed' } })) as { ID: string } | undefined
    expect(open, 'the dispute of the statement before').to.not.equal(undefined)
    const before = await disputesOf([first, second])
    const answered = await call('disagreeWithStatement', {
      token: await linkTo(statement.ID),
      lines: [
        { lineNo: 3, reason: 'duplicate' },
        { lineNo: 1, reason: 'wrongQuantity' },
        { lineNo: 2, reason: 'wrongTax' },
      ],
    })
    expect(answered.status, message(answered)).to.equal(200)
    expect(await disputesOf([first, second]), 'no new dispute: both invoices are in dispute already').to.deep.equal(before)
    const lines = await linesOf(statement.ID)
    expect(lines.map(l => l.dispute_ID)).to.deep.equal([open!.ID, before[1].ID, before[1].ID])
  })

  describe('refusals, translated, and nothing changed', () => {
    let statement: Awaited<ReturnType<typeof seedStatement>>
    let token: string
    before(async () => {
      statement = await seedStatement(KUNDE, '2026-05')
      token = await linkTo(statement.ID)
    })
    afterEach(async () => {
      expect(await statementRow(statement.ID)).to.include({ status: 'sent', answeredAt: null, customerBalance: null })
      expect((await linesOf(statement.ID)).map(l => l.flagged)).to.deep.equal([false, false, false])
      expect(await SELECT.from(`${S}.StatementAnswerAttachments`).where({ statement_ID: statement.ID })).to.have.length(0)
    })

    it("a draft's link: the statement is not the customer's yet (409)", async () => {
      const draft = await seedStatement(KUNDE, '2026-04', 'draft')
      const draftToken = await linkTo(draft.ID)
      for (const action of ['statement', 'statementPdf', 'confirmStatement']) {
        const refused = await call(action, { token: draftToken }, 'de')
        expect([refused.status, message(refused)], action).to.deep.equal([409, 'Dieser Kontoauszug wurde Ihnen noch nicht zugesandt. Bitte verwenden Sie den Link in der E-Mail, mit der Ihr Kontoauszug kam.'])
      }
      expect(await statementRow(draft.ID)).to.include({ status: 'draft', answeredAt: null })
    })

    it("an invoice's link for a statement (403), a statement's link for an invoice's answers (403), an expired (410) and a revoked one (410)", async () => {
      const invoiceLink = (await issueLink({ purpose: 'invoiceResponse', invoice: KUNDE.invoices[0], contactEmail: CONTACT })).token
      const wrong = await call('confirmStatement', { token: invoiceLink }, 'zh-CN')
      expect([wrong.status, message(wrong)]).to.deep.equal([403, '此链接用于其他请求。请使用电子邮件中对应的按钮。'])
      for (const action of ['confirm', 'dispute', 'invoiceDocument', 'answerSurvey'])
        expect((await call(action, { token, ...(action === 'dispute' && { reason: 'other' }), ...(action === 'answerSurvey' && { csat: 3 }) })).status, action).to.equal(403)
      const expired = await call('confirmStatement', { token: await linkTo(statement.ID, -1) }, 'de')
      expect([expired.status, message(expired)]).to.deep.equal([410, 'Dieser Link ist abgelaufen. Bitte wenden Sie sich an uns, wir senden Ihnen gern einen neuen.'])
      const revoked = await issueLink({ purpose: 'statement', statement: statement.ID, contactEmail: CONTACT })
      await revokeLinks({ linkId: revoked.linkId })
      const refused = await call('disagreeWithStatement', { token: revoked.token, comment: 'Stimmt nicht.' })
      expect([refused.status, message(refused)]).to.deep.equal([410, 'This link is no longer valid, as the matter has changed or a newer e-mail was sent. Please use the most recent e-mail or contact us.'])
    })

    it('a malformed balance (400)', async () => {
      const balance = 'Please enter your balance as an amount with at most 3 decimals, from -100,000,000,000,000 to 99,999,999,999,999.999.'
      for (const customerBalance of ['12.3456', '100000000000000', '-100000000000000.001', 1e15, 0.0001]) {
        const refused = await call('disagreeWithStatement', { token, customerBalance })
        expect([refused.status, message(refused)], String(customerBalance)).to.deep.equal([400, balance])
      }
      const german = await call('disagreeWithStatement', { token, customerBalance: '1.2345' }, 'de')
      expect([german.status, message(german)]).to.deep.equal([400, 'Bitte geben Sie Ihren Saldo als Betrag mit höchstens 3 Nachkommastellen ein, von -100.000.000.000.000 bis 99.999.999.999.999,999.'])
      // Not an amount at all: the input check refuses it before the service sees it.
      for (const customerBalance of ['abc', '1e3', '12,50', true, {}]) {
        const refused = await call('disagreeWithStatement', { token, customerBalance }, 'zh-CN')
        expect(refused.status, String(customerBalance)).to.equal(400)
        expect(message(refused)).to.match(/\p{Script=Han}/u)
      }
    })

    it('a file too large or not a PDF or image (400)', async () => {
      const limit = cds.env.requires.collections.remittanceAdviceMaxBytes as number
      const tooLarge = await call('disagreeWithStatement', { token, comment: 'Siehe Anlage.', attachmentName: 'gross.pdf', attachment: Buffer.concat([PDF, Buffer.alloc(limit)]).toString('base64') }, 'de')
      expect([tooLarge.status, message(tooLarge)]).to.deep.equal([400, 'Die Datei ist zu groß: Bitte hängen Sie eine Datei mit höchstens 5 MB an.'])
      const html = await call('disagreeWithStatement', { token, comment: 'Siehe Anlage.', attachmentName: 'auszug.pdf', attachment: HTML.toString('base64') }, 'zh-CN')
      expect([html.status, message(html)]).to.deep.equal([400, '请附加 PDF 文件或图片（PNG 或 JPEG）。'])
      const unreadable = await call('disagreeWithStatement', { token, comment: 'Siehe Anlage.', attachment: 'not base64!' })
      expect([unreadable.status, message(unreadable)]).to.deep.equal([400, 'The file could not be read. Please choose it again.'])
    })

    it('nothing said, lines not of the statement or twice, a comment too long (400)', async () => {
      const disputes = (await SELECT.from(`${C}.Disputes`).columns('ID')).length
      const nothing = await call('disagreeWithStatement', { token, attachment: PNG.toString('base64') }, 'de')
      expect([nothing.status, message(nothing)]).to.deep.equal([400, 'Bitte sagen Sie uns, was abweicht: Markieren Sie die Positionen, die nicht stimmen, nennen Sie den Saldo in Ihren Büchern oder schreiben Sie einen Kommentar.'])
      const unknown = await call('disagreeWithStatement', { token, lines: [{ lineNo: 9, reason: 'other' }] }, 'en-GB')
      expect([unknown.status, message(unknown)]).to.deep.equal([400, 'The statement has no line 9.'])
      const twice = await call('disagreeWithStatement', { token, lines: [{ lineNo: 1, reason: 'other' }, { lineNo: 1, reason: 'duplicate' }] }, 'zh-CN')
      expect([twice.status, message(twice)]).to.deep.equal([400, '第 1 行被标出了两次。'])
      const noReason = await call('disagreeWithStatement', { token, lines: [{ lineNo: 2 }] })
      expect(noReason.status).to.equal(400)
      const bogus = await call('disagreeWithStatement', { token, lines: [{ lineNo: 2, reason: 'bogus' }] })
      expect(bogus.status).to.equal(400)
      const long = await call('disagreeWithStatement', { token, comment: 'x'.repeat(2001) })
      expect(long.status).to.equal(400)
      expect(await SELECT.from(`${C}.Disputes`).columns('ID')).to.have.length(disputes)
    })
  })
})
