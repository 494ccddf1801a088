// The public endpoint's error answers and logs never quote what the customer sent: a marker in every field of every
// action (and as a field's name, and in a body that is no JSON) appears neither in an answer nor in a log line.
import cds from '@sap/cds'
import { issueLink } from '../srv/links'

const MARKER = 'Zq9Mk7' // six characters: fits an invoice line's item, the shortest field
const INVOICE = '90000777'

describe('error answers of /rest/respond', () => {
  const { POST, expect, axios } = cds.test(__dirname + '/..')
  const logged: string[] = []
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write }

  let token: string
  before(async () => {
    axios.defaults.validateStatus = () => true
    await INSERT.into('invoicecrm.mirror.Customers').entries({ ID: 'C777', name: 'Echo GmbH', billingEmail: 'ap@echo.example', language: 'DE' })
    await INSERT.into('invoicecrm.mirror.BillingDocuments').entries({ ID: INVOICE, type: 'F2', payer_ID: 'C777', soldTo_ID: 'C777', grossAmount: 100, netAmount: 100, currency: 'EUR', companyCode: '1710', isCancelled: false, createdOn: '2026-11-01' })
    await INSERT.into('invoicecrm.mirror.BillingDocumentItems').entries({ billingDocument_ID: INVOICE, item: '10', description: 'Widget', quantity: 1, unit: 'PC', netAmount: 100, currency: 'EUR' })
    ;({ token } = await issueLink({ purpose: 'invoiceResponse', invoice: INVOICE, contactEmail: 'ap@echo.example' }))
    // Every line any logger writes, CAP's included (srv/logging.ts writes them all to stdout through winston).
    for (const stream of ['stdout', 'stderr'] as const)
      process[stream].write = ((chunk: unknown, ...rest: unknown[]) => (logged.push(String(chunk)), (writes[stream] as (...a: unknown[]) => boolean).call(process[stream], chunk, ...rest))) as typeof process.stdout.write
  })
  after(() => Object.assign(process.stdout, { write: writes.stdout }) && Object.assign(process.stderr, { write: writes.stderr }))

  /** A request body per field of each action, the marker in that field (or as a field's name), the rest valid. */
  const cases = (): [string, unknown][] => [
    ...['view', 'confirm', 'dispute', 'proposeContact', 'answerSurvey'].flatMap(action => [
      [action, { token: MARKER }] as [string, unknown],
      [action, { token, [MARKER]: 'x' }] as [string, unknown],
    ]),
    ['dispute', { token, reason: MARKER }],
    ['dispute', { token, reason: `${MARKER}${MARKER}${MARKER}${MARKER}` }],
    ['dispute', { token, reason: 'wrongPrice', lines: [{ item: MARKER }] }],
    ['dispute', { token, reason: 'wrongPrice', lines: [{ item: '10', amount: MARKER }] }],
    ['dispute', { token, reason: 'wrongPrice', lines: [{ item: '10', [MARKER]: 1 }] }],
    ['dispute', { token, reason: 'wrongPrice', lines: MARKER }],
    ['dispute', { token, reason: 'wrongPrice', amount: MARKER }],
    ['dispute', { token, reason: 'wrongPrice', comment: `${MARKER}\u0000` }],
    ['dispute', { token, reason: 'wrongPrice', comment: MARKER.repeat(400) }],
    ['proposeContact', { token, name: MARKER, email: MARKER }],
    ['attachRemittanceAdvice', { token, fileName: MARKER, content: MARKER }],
    ['attachRemittanceAdvice', { token, fileName: `${MARKER}\u0000`, content: 'JVBERi0=' }],
    ['proposeContact', { token, name: MARKER, email: `${MARKER}@` }],
    ['proposeContact', { token, name: `${MARKER}\n`, email: 'new@echo.example' }],
    ['answerSurvey', { token, csat: MARKER }],
    ['answerSurvey', { token, csat: 3, nps: MARKER }],
    ['answerSurvey', { token, csat: 3, comment: MARKER }],
  ]

  it('answers every refused field without quoting it, and logs none of it', async () => {
    const echoes: string[] = []
    let scrubbed = 0
    for (const [action, body] of cases()) {
      const { status, data } = await POST(`/rest/respond/${action}`, body)
      expect(status, `${action} ${JSON.stringify(body)}`).to.be.within(400, 499)
      if (JSON.stringify(data).includes(MARKER)) echoes.push(`${action} ${JSON.stringify(body)}: ${JSON.stringify(data)}`)
      // A sentence for the customer, not a message key that was left untranslated.
      expect(data.error.message, `${action} ${JSON.stringify(body)}`).to.not.match(/^[A-Z_]+$/)
      if (data.error.code === 'invalid-answer') scrubbed++
    }
    expect(scrubbed, 'answers replaced by the plain one').to.be.greaterThan(0)
    const raw = await axios.post('/rest/respond/dispute', `{"token":"${MARKER}`, { headers: { 'content-type': 'application/json' } })
    expect(raw.status).to.equal(400)
    if (JSON.stringify(raw.data).includes(MARKER)) echoes.push(`unreadable body: ${JSON.stringify(raw.data)}`)
    expect(echoes).to.deep.equal([])
    expect(logged.filter(line => line.includes(MARKER))).to.deep.equal([])
    expect(logged.length, 'the log was captured').to.be.greaterThan(0)
  })

  it('answers in the language the page asks for, with the code the page reads', async () => {
    const answers: Record<string, unknown> = {}
    for (const language of ['de-DE', 'zh-CN', 'en-GB']) {
      const { status, data } = await POST('/rest/respond/view', { token: 'not.a.token' }, { headers: { 'Accept-Language': language } })
      answers[language] = { status, ...data }
    }
    expect(answers).to.deep.equal({
      'de-DE': { status: 400, error: { code: 'malformed', message: 'Dieser Link ist unvollständig. Bitte öffnen Sie ihn erneut aus der E-Mail, oder kopieren Sie die ganze Adresse in Ihren Browser.' } },
      'zh-CN': { status: 400, error: { code: 'malformed', message: '此链接不完整。请从电子邮件中重新打开，或将完整地址复制到浏览器中。' } },
      'en-GB': { status: 400, error: { code: 'malformed', message: 'This link is incomplete. Please open it again from the e-mail, or copy the whole address into your browser.' } },
    })
  })

  it('refuses malformed input before CAP in the language the page asks for, naming the field', async () => {
    const refusals: Record<string, unknown> = {}
    for (const language of ['de-DE', 'zh-CN', 'en-GB']) {
      const { status, data } = await POST('/rest/respond/dispute', { token, reason: 'notReceived', lines: [{ item: 10 }] }, { headers: { 'Accept-Language': language } })
      refusals[language] = { status, message: data.error.message }
    }
    expect(refusals).to.deep.equal({
      'de-DE': { status: 400, message: 'lines[0].item muss ein Text sein' },
      'zh-CN': { status: 400, message: 'lines[0].item 必须是文本' },
      'en-GB': { status: 400, message: 'lines[0].item must be text' },
    })
  })

  it('still says what is wrong where it quotes nothing', async () => {
    const { data } = await POST('/rest/respond/dispute', { token, reason: MARKER })
    expect(data.error.message).to.match(/reason/)
  })
})
