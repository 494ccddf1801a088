// Requests that stopped the whole server in CAP 10.1.1 (a TypeError inside its OData adapter, and CAP's shutdown on
// uncaught errors): each gets a 400 with a translated message, also inside a $batch, and the server goes on.
import { expect } from 'chai'
import { createAppDatabase } from './app-database'
import { startServer, type ServerProcess } from './server-process'

const APPLY = 'concat(aggregate($count as n),aggregate($count as m))'
const LAMBDA = 'items/any(x:x/a eq 1)'
const q = (options: Record<string, string>) => '?' + Object.entries(options).map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&')

describe('requests that used to end the server', function () {
  this.timeout(120_000)
  let server: ServerProcess

  before(async () => {
    server = await startServer(await createAppDatabase())
  })
  after(() => server?.stop())

  const request = async (method: string, url: string, { body, user = 'clerk', type = 'application/json', language = 'en', prefer = '' }: { body?: string; user?: string; type?: string; language?: string; prefer?: string } = {}) => {
    const response = await fetch(server.url + url, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}`, 'content-type': type, 'accept-language': language, ...(prefer && { prefer }) },
      body,
    })
    return { status: response.status, body: (await response.text()) || '{}' }
  }
  const error = (body: string) => (JSON.parse(body) as { error: { code: string; message: string } }).error

  /** The server still answers, and its process has not ended. */
  async function expectAlive() {
    expect(server.exit, server.output().slice(-3000)).to.equal(undefined)
    const { status } = await request('GET', '/odata/v4/launchpad/me()')
    expect(status).to.equal(200)
  }

  const cases: [name: string, method: string, url: string, body: string | undefined, code: string, codeInJsonBatch?: string][] = [
    ['POST of the JSON body null', 'POST', '/odata/v4/receivables/Customers', 'null', 'BODY_NOT_AN_OBJECT'],
    ['$apply on me()', 'GET', `/odata/v4/launchpad/me()${q({ $apply: APPLY })}`, undefined, 'APPLY_NOT_FOR_OPERATIONS'],
    ['$apply on kpis()', 'GET', `/odata/v4/launchpad/kpis()${q({ $apply: APPLY })}`, undefined, 'APPLY_NOT_FOR_OPERATIONS'],
    ['$apply on tile()', 'GET', `/odata/v4/launchpad/tile(kpi='overdueInvoices')${q({ $apply: APPLY })}`, undefined, 'APPLY_NOT_FOR_OPERATIONS'],
    // Inside a JSON $batch, CAP parses the sub-request first and refuses the lambda itself (400: me's result has no
    // property `items`), before the guard would.
    ['a lambda in $filter on me()', 'GET', `/odata/v4/launchpad/me()${q({ $filter: LAMBDA })}`, undefined, 'LAMBDA_NOT_FOR_OPERATIONS', '400'],
    // Inside a JSON $batch, CAP finds nothing there and answers 404 itself, no 500.
    ['$apply on one entity read by its key, not found', 'GET', `/odata/v4/receivables/SalesOrders('x')${q({ $apply: 'search(x)' })}`, undefined, 'APPLY_ONLY_FOR_COLLECTIONS', '404'],
    ['$apply on a to-one navigation', 'GET', `/odata/v4/receivables/Invoices('x')/payer${q({ $apply: 'search(x)' })}`, undefined, 'APPLY_ONLY_FOR_COLLECTIONS', '404'],
    ['PATCH of a collection with $apply', 'PATCH', `/odata/v4/receivables/WriteBackOperations${q({ $apply: APPLY })}`, '{}', 'APPLY_ONLY_FOR_READS'],
    // Found by test/odata-fuzz: on a draft-enabled entity CAP 10.1.1 answered both searches with broken SQL (500).
    ['$search with search() in $apply', 'GET', `/odata/v4/collections/ReminderPolicies${q({ $apply: 'search(x)', $search: 'x' })}`, undefined, 'SEARCH_TWICE'],
  ]

  for (const [name, method, url, body, code] of cases)
    it(`answers ${name} with 400 and goes on`, async () => {
      const response = await request(method, url, { body })
      expect(response.status, response.body).to.equal(400)
      expect(error(response.body).code).to.equal(code)
      await expectAlive()
    })

  // Found by test/odata-fuzz on PostgreSQL: text with U+0000 in a key of a $batch part failed the database's encoding (500).
  it('answers text with U+0000 with 400, in a key, a $filter and a $batch part, translated, and goes on', async () => {
    for (const url of [`/odata/v4/receivables/Priorities('%00')`, `/odata/v4/receivables/Customers${q({ $filter: "name eq 'a\u0000b'" })}`]) {
      const response = await request('GET', url, { language: 'de' })
      expect(response.status, `${url}: ${response.body}`).to.equal(400)
      expect(error(response.body).message).to.equal('Text mit dem Zeichen U+0000 kann weder gespeichert noch gesucht werden: Bitte entfernen Sie es.')
    }
    const part = { id: '1', method: 'GET', url: "Priorities('\u0000')/localized", atomicityGroup: 'g1', headers: { 'content-type': 'application/json' } }
    const batch = await request('POST', '/odata/v4/receivables/$batch', { body: JSON.stringify({ requests: [part] }) })
    expect(batch.status, batch.body).to.equal(200)
    const [answer] = (JSON.parse(batch.body) as { responses: { status: number; body: { error: { message: string } } }[] }).responses
    expect([answer.status, answer.body.error.message]).to.deep.equal([400, 'Text with the character U+0000 cannot be stored or searched for: please remove it.'])
    await expectAlive()
  })

  // Found by test/odata-fuzz: CAP 10.1.1's URL parser threw a URIError (500) at a lone '%' with a query option.
  it('answers a lone % in the path with 400 and goes on', async () => {
    const response = await request('GET', `/odata/v4/launchpad/tile(kpi='%')${q({ $filter: "numberState ne 'x'" })}`)
    expect(response.status, response.body).to.equal(400)
    expect(error(response.body).code).to.equal('PATH_NOT_PERCENT_ENCODED')
    await expectAlive()
  })

  // Found by test/odata-fuzz on PostgreSQL: a bare value for a text key failed the database's comparison (500).
  it('answers a key of the wrong type with 400, also where draft reads the row first, and goes on', async () => {
    for (const [method, url] of [
      ['DELETE', '/odata/v4/receivables/DisputeLines(ID=true,IsActiveEntity=true)'],
      ['GET', '/odata/v4/receivables/Invoices(ID=42)'],
      // One key, given without its name (found on a grouped view: ReminderEffectiveness(true)).
      ['GET', '/odata/v4/collections/ReminderEffectiveness(true)'],
      ['GET', '/odata/v4/collections/PromiseEffectiveness(7)'],
    ]) {
      const response = await request(method, url, { user: 'admin' })
      expect(response.status, `${method} ${url}: ${response.body}`).to.equal(400)
      expect(error(response.body).code).to.equal('KEY_OF_WRONG_TYPE')
    }
    await expectAlive()
  })

  it('says why in the user language', async () => {
    const german = await request('GET', `/odata/v4/launchpad/me()${q({ $apply: APPLY })}`, { language: 'de' })
    expect(error(german.body).message).to.equal('$apply kann nicht auf das Ergebnis von me angewendet werden.')
    const chinese = await request('POST', '/odata/v4/receivables/Customers', { body: 'null', language: 'zh-CN' })
    expect(error(chinese.body).message).to.equal('请求正文必须是 JSON 对象。')
    await expectAlive()
  })

  it('answers the same requests inside a JSON $batch, each with a 4xx, and goes on', async () => {
    const requests = cases.map(([, method, url, body], i) => ({
      id: String(i + 1),
      method,
      url: url.replace(/^\/odata\/v4\/\w+\//, ''),
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.parse(body) as unknown }),
    }))
    for (const [service, own] of [
      ['receivables', requests.filter((_, i) => cases[i][2].startsWith('/odata/v4/receivables'))],
      ['launchpad', requests.filter((_, i) => cases[i][2].startsWith('/odata/v4/launchpad'))],
    ] as const) {
      const response = await request('POST', `/odata/v4/${service}/$batch`, { body: JSON.stringify({ requests: own }) })
      expect(response.status, response.body).to.equal(200)
      const { responses } = JSON.parse(response.body) as { responses: { id: string; status: number; body: { error: { code: string } } }[] }
      const expected = (c: (typeof cases)[number]) => [c[5] === '404' ? 404 : 400, c[5] ?? c[4]]
      expect(responses.map(r => [r.status, r.body.error.code])).to.deep.equal(own.map(r => expected(cases[Number(r.id) - 1])))
      await expectAlive()
    }
  })

  it('answers them inside a multipart $batch, and goes on', async () => {
    const boundary = 'batch_guard'
    const part = (method: string, url: string, body?: string) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n${method} ${url} HTTP/1.1\r\nContent-Type: application/json\r\n\r\n${body ?? ''}\r\n`
    const body = part('GET', `me()${q({ $apply: APPLY })}`) + part('GET', `kpis()${q({ $filter: LAMBDA })}`) + `--${boundary}--\r\n`
    // A multipart $batch stops at the first failure unless the client prefers otherwise.
    const response = await request('POST', '/odata/v4/launchpad/$batch', { body, type: `multipart/mixed; boundary=${boundary}`, prefer: 'odata.continue-on-error' })
    expect(response.status).to.equal(200)
    expect([...response.body.matchAll(/HTTP\/1\.1 (\d{3})/g)].map(m => m[1])).to.deep.equal(['400', '400'])
    await expectAlive()
  })

  it('logs a refused request as one line: status, method, path without the query, correlation id', async () => {
    const mark = server.output().length
    const { status } = await request('GET', `/odata/v4/integration/SyncRuns${q({ $filter: "startedBy eq 'jane.doe'" })}`, { user: 'outsider' })
    expect(status).to.equal(403)
    const anonymous = await fetch(`${server.url}/odata/v4/receivables/Customers`)
    expect(anonymous.status).to.equal(401)
    await expectAlive()
    const lines = server.output().slice(mark).split('\n').filter(line => / (401|403) - /.test(line))
    expect(lines).to.have.length(2)
    expect(lines[0]).to.match(/WARN .*\([0-9a-f-]{36}\) 403 - refused GET \/odata\/v4\/integration\/SyncRuns \(403\)$/)
    expect(lines[1]).to.match(/WARN .*\([0-9a-f-]{36}\) 401 - refused GET \/odata\/v4\/receivables\/Customers \(401\)$/)
    expect(server.output().slice(mark)).not.to.match(/jane\.doe|\n\s+at /)
  })
})
