// WeCom (企业微信) as the second channel of statement and reminder notices, with the real parts: the database, the
// persistent queue and its retries, an SMTP server on loopback for the mails, and a local HTTP server standing in for
// WeCom's group robot webhook, which checks each request as WeCom documents it and answers as WeCom does. The webhook
// key is a secret: no log line, no notice's error, no OData answer, no queue message holds it.
import cds from '@sap/cds'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'
import { eventually, sleep } from './support'
import { LinkError, verifyLink } from '../srv/links'
import { sendWeComMarkdown, WeComError } from '../srv/notify/wecom'

const API = '/odata/v4/statements'
const M = 'invoicecrm.mirror'
const NOTICES = 'invoicecrm.crm.WeComNotices'
const LINKS = 'invoicecrm.crm.SecureLinks'

/** Robot keys: what WeCom knows (and accepts), and one it does not (errcode 93000). */
const KEYS = {
  zh: '0f3a9c1e-7b2d-4e8f-9a61-5c2d7e8f9a10',
  de: '5b8e2d4c-1a3f-4c6e-8d2b-7f9e1a3c5d20',
  flaky: 'c4d1e8f2-6a9b-4d3c-b7e5-2a8f6c1d9e30',
  many: '9e7c5a3b-2d4f-4b6a-8c1e-3f5d7b9a1c40',
  unknown: 'd2f4a6c8-3e5b-4a7d-9c1f-6b8d0e2a4c50',
}
const KNOWN = new Set([KEYS.zh, KEYS.de, KEYS.flaky, KEYS.many])

interface Customer {
  ID: string
  name: string
  language: 'EN' | 'DE' | 'ZH'
  key?: string
}

const CUSTOMERS = {
  zh: { ID: 'WC00000001', name: '上海远航贸易有限公司', language: 'ZH', key: KEYS.zh },
  de: { ID: 'WC00000002', name: 'Berliner Werkzeug GmbH', language: 'DE', key: KEYS.de },
  flaky: { ID: 'WC00000003', name: 'Flaky Ltd', language: 'EN', key: KEYS.flaky },
  unknownKey: { ID: 'WC00000004', name: 'Old Robot Ltd', language: 'EN', key: KEYS.unknown },
  noGroup: { ID: 'WC00000005', name: 'Mail Only Ltd', language: 'EN' },
  many: { ID: 'WC00000006', name: 'Many Invoices AG', language: 'DE', key: KEYS.many },
} satisfies Record<string, Customer>

// --- WeCom, as its documentation describes the group robot's webhook -------------------------------------------

interface WeComRequest {
  key: string
  content: string
}

/** What the stand-in answers: HTTP status and body (a string as it is), after a delay if given. */
type Answer = { status: number; body: unknown; delayMs?: number }

interface WeComStandIn {
  url: string
  /** The messages that arrived well-formed, in order. */
  received: WeComRequest[]
  /** What a request did differently from WeCom's documentation. */
  violations: string[]
  /** Answers to give the next requests with this key, before the normal ones. */
  script: Map<string, Answer[]>
  /** Called before a request is answered: what the test wants to see meanwhile. */
  onRequest?: (request: WeComRequest, n: number) => Promise<void>
  messagesFor(key: string): string[]
  close(): Promise<void>
}

async function startWeCom(): Promise<WeComStandIn> {
  const received: WeComRequest[] = []
  const violations: string[] = []
  const script = new Map<string, Answer[]>()
  const standIn: WeComStandIn = {
    url: '',
    received,
    violations,
    script,
    messagesFor: key => received.filter(r => r.key === key).map(r => r.content),
    close: () => new Promise(resolve => server.close(() => resolve())),
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      void (async () => {
        const answer = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' })
          res.end(typeof body === 'string' ? body : JSON.stringify(body))
        }
        const url = new URL(req.url ?? '/', 'http://wecom')
        const wrong = (why: string) => {
          violations.push(why)
          answer(200, { errcode: 40058, errmsg: `invalid parameter: ${why}` })
        }
        if (req.method !== 'POST') return wrong(`method ${req.method}`)
        if (url.pathname !== '/cgi-bin/webhook/send') return wrong(`path ${url.pathname}`)
        const key = url.searchParams.get('key')
        if (!key) return wrong('no key')
        if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return wrong(`content-type ${req.headers['content-type']}`)
        let body: { msgtype?: unknown; markdown?: { content?: unknown } }
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body
        } catch {
          return wrong('body is no JSON')
        }
        if (body.msgtype !== 'markdown') return wrong(`msgtype ${String(body.msgtype)}`)
        if (Object.keys(body).sort().join() !== 'markdown,msgtype') return wrong(`fields ${Object.keys(body).join()}`)
        if (typeof body.markdown !== 'object' || !body.markdown || Object.keys(body.markdown).join() !== 'content') return wrong('markdown is not { content }')
        const content = body.markdown.content
        if (typeof content !== 'string' || !content.trim()) return wrong('empty content')
        if (Buffer.byteLength(content, 'utf8') > 4096) return wrong(`content of ${Buffer.byteLength(content, 'utf8')} bytes`)
        // A well-formed request, but a key WeCom does not know: its answer quotes the key, to prove that we never do.
        if (!KNOWN.has(key)) return answer(200, { errcode: 93000, errmsg: `invalid webhook url, hint: key ${key} unknown, more info at https://open.work.weixin.qq.com/devtool/query?e=93000&key=${key}` })
        const request = { key, content }
        received.push(request)
        await standIn.onRequest?.(request, received.filter(r => r.key === key).length)
        const scripted = script.get(key)?.shift()
        if (scripted?.delayMs) await sleep(scripted.delayMs)
        if (scripted) return answer(scripted.status, scripted.body)
        answer(200, { errcode: 0, errmsg: 'ok' })
      })()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return standIn
}

/** The URL of a port on loopback that nobody listens on (any more). */
async function closedPort(): Promise<string> {
  const server = http.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

// --- the test ---------------------------------------------------------------------------------------------------

describe('WeCom notices of statements and reminders', function () {
  this.timeout(120_000)
  const { GET, POST, expect, axios } = cds.test(__dirname + '/..')
  const as = (user: string, language = 'en') => ({ auth: { username: user, password: user }, headers: { 'Accept-Language': language } })
  const original = { mail: { ...cds.env.requires.mail }, wecom: { ...(cds.env.requires as Record<string, object>).wecom } }
  const logged: string[] = []
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write }
  let smtp: TestSmtpServer
  let wecom: WeComStandIn

  const tokensIn = (content: string) => [...content.matchAll(/\]\(https?:[^)\s]*#t=([A-Za-z0-9_.-]+)\)/g)].map(m => m[1])
  const noticesOf = (customer: string) =>
    SELECT.from(NOTICES).where({ customer_ID: customer }).orderBy('queuedAt') as unknown as Promise<
      { ID: string; kind: string; status: string; attempts: number; lastError: string | null; sentAt: string | null; statement_ID: string | null; reminderMail_ID: string | null }[]
    >
  const messagesTo = (key: string) => {
    const messages = wecom.messagesFor(key)
    return messages.length ? messages : undefined
  }
  const queue = async (event: string, data: object) => cds.tx(async () => cds.queued(await cds.connect.to('customer-mail')).send(event, data))

  async function seedStatement(customer: Customer): Promise<string> {
    const ID = cds.utils.uuid()
    await INSERT.into('invoicecrm.statements.Statements').entries({
      ID, customer_ID: customer.ID, companyCode: '1710', currency: 'EUR', periodStart: '2026-10-01', periodEnd: '2026-10-31', statementDate: '2026-11-03',
      openingBalance: '1000.000', debits: '1500.000', credits: '-700.000', closingBalance: '1800.000', status: 'sent',
      recipientEmail: `ap@${customer.ID.toLowerCase()}.example`, contentHash: 'c'.repeat(64), generatedAt: new Date().toISOString(), generatedBy: 'statement run',
      approvedAt: new Date().toISOString(), approvedBy: 'clerk', sentAt: new Date().toISOString(), sentBy: 'manager',
    })
    return ID
  }

  /** A reminder mail queued for the customer's invoices, as the reminder run leaves it; the invoices overdue by 10 days and more. */
  async function seedReminderMail(customer: Customer, invoices: string[]): Promise<string> {
    const step = (await SELECT.one.from('invoicecrm.collections.ReminderSteps').columns('ID').where({ level: 2 })) as { ID: string }
    const mail = cds.utils.uuid()
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
    await INSERT.into(`${M}.BillingDocuments`).entries(
      invoices.map((ID, i) => ({
        ID, type: 'F2', payer_ID: customer.ID, soldTo_ID: customer.ID, companyCode: '1710', paymentTerms: '0001', currency: 'EUR',
        documentDate: day(-40 - i), createdOn: day(-40 - i), grossAmount: 100 + i, netAmount: 100 + i, openAmount: 100 + i,
        netDueDate: day(-10 - i), openDueDate: day(-10 - i), isCleared: false, isCancelled: false, removedInS4: false,
      }))
    )
    await INSERT.into('invoicecrm.collections.ReminderMails').entries({ ID: mail, customer_ID: customer.ID, contactEmail: `ap@${customer.ID.toLowerCase()}.example`, queuedAt: new Date().toISOString(), status: 'queued' })
    await INSERT.into('invoicecrm.collections.Reminders').entries(
      invoices.map((invoice, i) => ({ invoice_ID: invoice, step_ID: step.ID, customer_ID: customer.ID, mail_ID: mail, level: 2, offsetDays: 10, amount: 100 + i, currency: 'EUR', status: 'queued', decidedAt: new Date().toISOString() }))
    )
    return mail
  }

  before(async () => {
    axios.defaults.validateStatus = () => true
    smtp = await startSmtpServer()
    wecom = await startWeCom()
    cds.env.requires.mail = { ...cds.env.requires.mail, smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true } }
    Object.assign((cds.env.requires as Record<string, object>).wecom, { url: wecom.url })
    // Every line any logger writes, CAP's included (srv/logging.ts writes them all to stdout through winston), with
    // the loggers that see the notices at their most talkative.
    for (const id of ['wecom', 'queue', 'links', 'mail', 'odata']) cds.log(id, 'debug')
    for (const stream of ['stdout', 'stderr'] as const)
      process[stream].write = ((chunk: unknown, ...rest: unknown[]) => (logged.push(String(chunk)), (writes[stream] as (...a: unknown[]) => boolean).call(process[stream], chunk, ...rest))) as typeof process.stdout.write
    await INSERT.into(`${M}.Customers`).entries(
      Object.values(CUSTOMERS).map(c => ({ ID: c.ID, businessPartner: c.ID.replace(/\D/g, ''), name: c.name, language: c.language, country: 'DE', billingEmail: `ap@${c.ID.toLowerCase()}.example`, isBlocked: false, removedInS4: false }))
    )
    // The standard reminder policy (created when the server is served).
    await eventually('the reminder policy', async () => (await SELECT.one.from('invoicecrm.collections.ReminderSteps').columns('ID').where({ level: 2 })) as unknown)
  })

  after(async () => {
    Object.assign(process.stdout, { write: writes.stdout })
    Object.assign(process.stderr, { write: writes.stderr })
    for (const id of ['wecom', 'queue', 'links', 'mail', 'odata']) cds.log(id, cds.env.log.levels[id] ?? 'info')
    cds.env.requires.mail = original.mail
    Object.assign((cds.env.requires as Record<string, object>).wecom, original.wecom)
    await smtp?.close()
    await wecom?.close()
  })

  it('AR sets the groups: a malformed key refused (400, translated, not quoted), only AR managers, the key never read back', async () => {
    const malformed = await POST(`${API}/setWeComGroup`, { customer: CUSTOMERS.zh.ID, webhookKey: 'not-a-key-Zq9Mk7', active: true }, as('manager', 'de'))
    expect(malformed.status).to.equal(400)
    expect(malformed.data.error.message).to.match(/WeCom-Gruppenroboter/)
    expect(JSON.stringify(malformed.data)).to.not.include('Zq9Mk7')
    const firstWithout = await POST(`${API}/setWeComGroup`, { customer: CUSTOMERS.zh.ID, active: true }, as('manager', 'zh-CN'))
    expect([firstWithout.status, firstWithout.data.error.message]).to.deep.equal([400, '请输入该客户企业微信群机器人的 Webhook 密钥：该客户尚未设置企业微信群。'])
    const unknown = await POST(`${API}/setWeComGroup`, { customer: 'NOSUCH', webhookKey: KEYS.zh }, as('manager'))
    expect(unknown.status).to.equal(404)
    const clerk = await POST(`${API}/setWeComGroup`, { customer: CUSTOMERS.zh.ID, webhookKey: KEYS.zh }, as('clerk'))
    expect(clerk.status).to.equal(403)

    // The key as it is, or the robot's whole webhook URL as WeCom shows it.
    for (const customer of Object.values(CUSTOMERS).filter((c: Customer) => c.key) as Required<Customer>[]) {
      const webhookKey = customer === CUSTOMERS.de ? `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${customer.key}` : customer.key
      const set = await POST(`${API}/setWeComGroup`, { customer: customer.ID, webhookKey, active: true }, as('manager'))
      expect(set.status, JSON.stringify(set.data)).to.equal(200)
      expect([set.data.customer_ID, set.data.active, set.data.hasWebhookKey]).to.deep.equal([customer.ID, true, true])
      expect(JSON.stringify(set.data)).to.not.include(customer.key)
    }
    // Switched off and on again without the key: the key set before is kept.
    await POST(`${API}/setWeComGroup`, { customer: CUSTOMERS.zh.ID, active: false }, as('manager'))
    const again = await POST(`${API}/setWeComGroup`, { customer: CUSTOMERS.zh.ID, active: true }, as('manager'))
    expect([again.status, again.data.active, again.data.hasWebhookKey]).to.deep.equal([200, true, true])
    const stored = await SELECT.one.from('invoicecrm.crm.CustomerWeComGroups').columns('webhookKey').where({ customer_ID: CUSTOMERS.de.ID })
    expect(stored.webhookKey).to.equal(KEYS.de)

    const { status, data } = await GET(`${API}/WeComGroups?$orderby=customer_ID`, as('clerk'))
    expect(status).to.equal(200)
    expect(data.value.map((g: { customer_ID: string }) => g.customer_ID)).to.deep.equal([CUSTOMERS.zh.ID, CUSTOMERS.de.ID, CUSTOMERS.flaky.ID, CUSTOMERS.unknownKey.ID, CUSTOMERS.many.ID])
    expect(data.value.every((g: { hasWebhookKey: boolean }) => g.hasWebhookKey)).to.equal(true)
    for (const query of ['$select=webhookKey', `$filter=webhookKey eq '${KEYS.zh}'`, '$orderby=webhookKey']) {
      const answer = await GET(`${API}/WeComGroups?${query}`, as('manager'))
      expect(answer.status, query).to.equal(400)
      expect(JSON.stringify(answer.data), query).to.not.include(KEYS.zh)
    }
  })

  it('a statement mailed: one WeCom message in the customer’s language, with the closing balance and a working statement link', async () => {
    const customer = CUSTOMERS.zh
    const statement = await seedStatement(customer)
    await queue('statementMail', { statement })
    const [message] = await eventually('the WeCom message', async () => messagesTo(customer.key), 20_000)
    expect(smtp.messages.filter(m => m.subject?.includes('2026')).length, 'the mail went too').to.be.greaterThan(0)
    expect(message).to.match(/^### 2026年10月对账单\n/)
    expect(message).to.include(new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'EUR' }).format(1800))
    expect(message).to.include('期末余额')
    const [token] = tokensIn(message)
    const link = await cds.tx(() => verifyLink(token, 'statement'))
    expect(link.statementId).to.equal(statement)
    const [notice] = await eventually('the notice recorded sent', async () => {
      const notices = await noticesOf(customer.ID)
      return notices[0]?.status === 'sent' && notices
    })
    expect([notice.kind, notice.statement_ID, notice.attempts, notice.lastError]).to.deep.equal(['statement', statement, 1, null])
    expect(wecom.messagesFor(customer.key)).to.have.length(1)
  })

  it('a reminder mail sent: a WeCom message with each invoice and its own link', async () => {
    const customer = CUSTOMERS.de
    const invoices = ['9700000021', '9700000022', '9700000023']
    const mail = await seedReminderMail(customer, invoices)
    await queue('reminderMail', { mail })
    const [message] = await eventually('the WeCom message', async () => messagesTo(customer.key), 20_000)
    expect(message).to.match(/^### Zahlungserinnerung: 3 Rechnungen\n/)
    const lines = message.split('\n').filter(line => line.startsWith('> **'))
    expect(lines.map(line => /\*\*(\d+)\*\*/.exec(line)![1]).sort()).to.deep.equal(invoices)
    for (const line of lines) {
      const invoice = /\*\*(\d+)\*\*/.exec(line)![1]
      expect(line).to.include(new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(100 + invoices.indexOf(invoice)))
      expect(line).to.match(/Tage überfällig/)
      const [token] = tokensIn(line)
      const link = await cds.tx(() => verifyLink(token, 'invoiceResponse'))
      expect(link.invoiceId, line).to.equal(invoice)
    }
    const [notice] = await eventually('the notice recorded sent', async () => {
      const notices = await noticesOf(customer.ID)
      return notices[0]?.status === 'sent' && notices
    })
    expect([notice.kind, notice.reminderMail_ID, notice.attempts]).to.deep.equal(['reminder', mail, 1])
  })

  it('a reminder of many invoices lists as many as fit in 4096 bytes, says how many more, and links only those', async () => {
    const customer = CUSTOMERS.many
    const invoices = Array.from({ length: 60 }, (_, i) => `98000001${String(i).padStart(2, '0')}`)
    const mail = await seedReminderMail(customer, invoices)
    await queue('reminderMail', { mail })
    const [message] = await eventually('the WeCom message', async () => messagesTo(customer.key), 20_000)
    const listed = message.split('\n').filter(line => line.startsWith('> **'))
    expect(Buffer.byteLength(message, 'utf8')).to.be.at.most(4096)
    expect(listed.length).to.be.within(10, 59)
    expect(message).to.match(/^### Zahlungserinnerung: 60 Rechnungen\n/)
    expect(message).to.include(`… und ${60 - listed.length} weitere Rechnungen: siehe E-Mail.`)
    // The longest overdue first.
    expect(listed.map(line => /\*\*(\d+)\*\*/.exec(line)![1])).to.deep.equal(invoices.slice().reverse().slice(0, listed.length))
    expect(tokensIn(message)).to.have.length(listed.length)
    // The mail's links (one per invoice) and the notice's: none for the invoices it does not list.
    const links = (await SELECT.from(LINKS).columns('ID').where({ invoice_ID: { in: invoices } })) as unknown[]
    expect(links.length).to.equal(60 + listed.length)
  })

  it('a transient failure (HTTP 500, then errcode 45009) is retried by the queue and ends sent, its attempts recorded', async () => {
    const customer = CUSTOMERS.flaky
    wecom.script.set(customer.key, [
      { status: 500, body: { message: 'internal error' } },
      { status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } },
    ])
    // What the notice says while the next attempt is under way: the failure before, recorded though the queue's
    // transaction was rolled back; and nothing in the queue's messages that holds the key.
    const meanwhile: { attempts: number; status: string; lastError: string | null }[] = []
    const queueRows: string[] = []
    wecom.onRequest = async (request, n) => {
      if (request.key !== customer.key || n < 2) return
      await cds.tx(async () => {
        const [notice] = await noticesOf(customer.ID)
        meanwhile.push({ attempts: notice.attempts, status: notice.status, lastError: notice.lastError })
        queueRows.push(JSON.stringify(await SELECT.from('cds.outbox.Messages')))
      })
    }
    const statement = await seedStatement(customer)
    const started = Date.now()
    await queue('statementMail', { statement })
    const [notice] = await eventually('the notice recorded sent', async () => {
      const notices = await noticesOf(customer.ID)
      return notices[0]?.status === 'sent' && notices
    }, 30_000)
    wecom.onRequest = undefined
    expect([notice.status, notice.attempts, notice.lastError]).to.deep.equal(['sent', 3, null])
    expect(meanwhile.map(m => m.attempts)).to.deep.equal([1, 2])
    expect(meanwhile.every(m => m.status === 'queued')).to.equal(true)
    expect(meanwhile[0].lastError).to.match(/HTTP 500/)
    expect(meanwhile[1].lastError).to.match(/errcode 45009/)
    expect(queueRows.join('\n')).to.not.include(customer.key)
    expect(queueRows.join('\n'), 'the queue saw the failure').to.match(/wecomNotice/)
    expect(Date.now() - started, 'retried within seconds').to.be.below(30_000)
    // Three messages, each with a new link: the two that failed revoked, the last one working.
    const messages = wecom.messagesFor(customer.key)
    expect(messages).to.have.length(3)
    const outcomes = []
    for (const [token] of messages.map(tokensIn))
      outcomes.push(await cds.tx(() => verifyLink(token, 'statement')).then(() => 'works', (e: LinkError) => e.code))
    expect(outcomes).to.deep.equal(['revoked', 'revoked', 'works'])
  })

  it('an invalid key (errcode 93000) fails the notice for good: not retried, its error visible to AR, its link revoked', async () => {
    const customer = CUSTOMERS.unknownKey
    const statement = await seedStatement(customer)
    await queue('statementMail', { statement })
    const [notice] = await eventually('the notice recorded failed', async () => {
      const notices = await noticesOf(customer.ID)
      return notices[0]?.status === 'failed' && notices
    }, 20_000)
    expect(notice.attempts).to.equal(1)
    expect(notice.lastError).to.match(/errcode 93000/)
    expect(notice.lastError).to.not.include(customer.key)
    // Not retried: nothing of it left in the queue, however long one waits for the queue's next attempt.
    await sleep(2000)
    const left = (await SELECT.from('cds.outbox.Messages').columns('msg')) as { msg: string }[]
    expect(left.filter(m => m.msg.includes(notice.ID))).to.deep.equal([])
    expect((await noticesOf(customer.ID)).map(n => [n.status, n.attempts])).to.deep.equal([['failed', 1]])
    // The statement's links: the mail's works, the notice's (never delivered) is revoked.
    const links = (await SELECT.from(LINKS).columns('revokedAt').where({ statement_ID: statement })) as { revokedAt: string | null }[]
    expect(links.map(l => Boolean(l.revokedAt)).sort()).to.deep.equal([false, true])
    // AR sees it, without the key.
    const { status, data } = await GET(`${API}/WeComNotices?$filter=customer_ID eq '${customer.ID}'`, as('clerk'))
    expect(status).to.equal(200)
    expect(data.value.map((n: { status: string; attempts: number; kind: string }) => [n.kind, n.status, n.attempts])).to.deep.equal([['statement', 'failed', 1]])
    expect(data.value[0].lastError).to.match(/93000/)
    expect(JSON.stringify(data)).to.not.include(customer.key)
  })

  it('a reminder mail that fails once is retried by the queue: its error recorded meanwhile, the links of the failed mail dead', async () => {
    const customer = CUSTOMERS.noGroup
    const invoices = ['9700000091', '9700000092']
    const mailsBefore = smtp.messages.length
    const mail = await seedReminderMail(customer, invoices)
    smtp.failNext(1)
    await queue('reminderMail', { mail })
    await smtp.waitFor(mailsBefore + 1, 20_000)
    const sent = await eventually('the mail recorded sent', async () => {
      const row = await SELECT.one.from('invoicecrm.collections.ReminderMails').columns('status', 'error').where({ ID: mail })
      return row?.status === 'sent' && row
    })
    expect(sent.error).to.equal(null)
    for (const invoice of invoices) {
      const links = (await SELECT.from('invoicecrm.crm.SecureLinks').columns('revokedAt').where({ invoice_ID: invoice })) as { revokedAt: string | null }[]
      expect(links.map(l => Boolean(l.revokedAt)).sort(), `links of ${invoice}`).to.deep.equal([false, true])
    }
  })

  it('a customer without a WeCom group gets its mail and no WeCom message', async () => {
    const customer = CUSTOMERS.noGroup
    const before = wecom.received.length
    const mailsBefore = smtp.messages.length
    const statement = await seedStatement(customer)
    await queue('statementMail', { statement })
    await eventually('the mail recorded', async () => (await SELECT.one.from('invoicecrm.statements.Statements').columns('mailedAt').where({ ID: statement }))?.mailedAt)
    expect(smtp.messages.length).to.equal(mailsBefore + 1)
    await sleep(500)
    expect(wecom.received.length).to.equal(before)
    expect(await noticesOf(customer.ID)).to.deep.equal([])
  })

  it('tells a failure that may go away from one that will not, and never throws what the queue takes for a bug', async () => {
    const settings = (cds.env.requires as unknown as Record<string, { url: string; timeoutMs: number }>).wecom
    const outcome = async (answer?: Answer, key = KEYS.zh) => {
      if (answer) wecom.script.set(key, [answer])
      const error = await sendWeComMarkdown(key, '**test**').then(() => undefined, (e: Error) => e)
      if (!error) return 'sent'
      // Not fetch's TypeError: CAP's queue would take it for a programming error, and stop the app.
      expect(error, error.stack).to.be.instanceOf(WeComError)
      expect(error.message + (error.stack ?? '')).to.not.include(key)
      return `${(error as WeComError).permanent ? 'permanent' : 'transient'}: ${error.message}`
    }
    expect(await outcome()).to.equal('sent')
    expect(await outcome({ status: 502, body: '<html>bad gateway</html>' })).to.match(/^transient: .*HTTP 502/)
    expect(await outcome({ status: 429, body: {} })).to.match(/^transient: .*HTTP 429/)
    expect(await outcome({ status: 404, body: '<html>not found</html>' })).to.match(/^permanent: .*HTTP 404/)
    expect(await outcome({ status: 200, body: '<html>a proxy</html>' })).to.match(/^transient: .*without WeCom's answer/)
    expect(await outcome({ status: 200, body: { errcode: -1, errmsg: 'system busy' } })).to.match(/^transient: .*errcode -1/)
    expect(await outcome({ status: 200, body: { errcode: 93004, errmsg: 'robot disabled' } })).to.match(/^permanent: .*errcode 93004/)
    expect(await outcome(undefined, KEYS.unknown)).to.match(/^permanent: .*errcode 93000/)
    expect(await sendWeComMarkdown(KEYS.zh, '字'.repeat(1366)).catch((e: WeComError) => e.permanent)).to.equal(true)
    const before = { ...settings }
    try {
      settings.timeoutMs = 300
      expect(await outcome({ status: 200, body: { errcode: 0, errmsg: 'ok' }, delayMs: 1000 })).to.match(/^transient: WeCom not reached \(timed out\)/)
      // Nobody there: the test profile's own URL (port 9, which fetch never connects to), and a port closed.
      settings.url = 'http://127.0.0.1:9'
      expect(await outcome()).to.match(/^transient: WeCom not reached \(/)
      settings.url = await closedPort()
      expect(await outcome()).to.match(/^transient: WeCom not reached \(ECONNREFUSED/)
    } finally {
      Object.assign(settings, before)
    }
  })

  it('kept the key out of every log line, every notice and every OData answer; every request as WeCom documents it', async () => {
    const keys = Object.values(KEYS)
    expect(wecom.violations).to.deep.equal([])
    expect(logged.length, 'the log was captured').to.be.greaterThan(0)
    expect(logged.join('').match(/WeCom message (not )?sent/g)?.length, 'the notices were logged').to.be.greaterThan(3)
    expect(logged.filter(line => keys.some(key => line.includes(key)))).to.deep.equal([])
    const notices = (await SELECT.from(NOTICES)) as object[]
    expect(keys.filter(key => JSON.stringify(notices).includes(key))).to.deep.equal([])
    for (const entity of ['WeComGroups', 'WeComNotices']) {
      const { data } = await GET(`${API}/${entity}`, as('manager'))
      expect(keys.filter(key => JSON.stringify(data).includes(key)), entity).to.deep.equal([])
    }
    const { data: metadata } = await GET(`${API}/$metadata`, as('manager'))
    expect(String(metadata)).to.not.match(/<Property Name="webhookKey"/)
  })
})
