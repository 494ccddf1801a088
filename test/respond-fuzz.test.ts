// Fuzzing the customers' public REST service (/rest/respond: no login, anyone on the internet can call it) with
// 1,200+ malformed requests from a seeded PRNG (FUZZ_SEED), against the real app: the mirror filled from the
// S/4HANA simulator, real secure links from issueLink. Wrong HTTP methods, content types and encodings, broken,
// huge and deeply nested JSON, every parameter with wrong types, over-long, control-character, SQL-ish and markup
// values, malformed/forged/truncated/expired/revoked/foreign tokens, unknown actions and paths, extra properties,
// out-of-range numbers, invalid reasons and e-mail addresses, unknown and duplicated dispute lines, impossible and
// out-of-window dates, amounts of 0 or less, above the open amount or beyond their type, a promise or a payment report
// the invoice cannot take (one is open already, or it is cleared), and valid links with malformed fields; the same for
// a monthly statement's link (flagged lines, balances, comments and files that do not fit), and an account link's
// (the invoice actions naming an invoice of the link's customer, another customer's or none; a statement PDF naming
// another customer's statement or none; the answers to a statement refused). Every answer must be a
// 4xx with a readable JSON error, and the tables of the CRM, of collections (promises to pay, reported payments) and of
// statements must not change.
//
// Throttling must not answer in the handlers' place: the failed-link allowance is lifted for the test
// (cds.requires.links.failures, resetFailures() between batches). The per-client limit of srv/server.ts (60
// requests a minute per IP) cannot be configured, so the requests come from many loopback source addresses
// (127.77.x.y; on Linux all of 127.0.0.0/8 is the loopback interface), PER_ADDRESS each: to the server, many
// clients within their limits. The server trusts no proxy in tests, so X-Forwarded-For would not help (some
// requests carry one anyway, to show that it changes nothing).
//
// The valid links come in pools, one link (and invoice or survey invitation) after the other: a request that
// changes something uses its link up, and the next request of that pool gets a fresh one, so that one accepted
// request does not hide the next behind "alreadyDisputed". The statement pool's links are of sent statements seeded
// for a customer of the mirror, with a line of one of its invoices and a payment. The account pool's links are each
// of the payer of an invoice of its own (with lines 10 and 20, made open), which its requests name. The invoices of
// the promise and payment pools are made
// open first (the simulator clears some): on a cleared one a promise or a payment report is refused for that
// alone, and a malformed field would not be what is judged. FUZZ_DUMP=<file> writes every request and answer.
import cds from '@sap/cds'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import http from 'node:http'
import nock from 'nock'
import { gzipSync } from 'node:zlib'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { runSync } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'
import { followUpsDone } from '../srv/crm/workflows'
import { issueLink, linkSecret, revokeLinks } from '../srv/links'
import { encodeToken } from '../srv/links/token-format'
import { resetFailures } from '../srv/links/rate-limit'
import { promiseToPay, promiseWindow, reportPayment } from '../srv/collections/commitments'
import { addDays } from '../srv/collections/reminder-rules'
import { SecureLinks } from '#cds-models/invoicecrm/crm'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'

const M = 'invoicecrm.mirror'
const C = 'invoicecrm.crm'
const COLLECTIONS = 'invoicecrm.collections'
const CONTACT = 'ap@example.com'

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed)
/** Generated requests; the rate-limit probe comes on top. */
const REQUESTS = 1250
const MIN_REQUESTS = 1000
/** Requests that must get past the per-client rate limiter (answered other than 429). */
const MIN_REACHED = 700
/** Requests per source address: below the 60 a minute srv/server.ts allows a client. */
const PER_ADDRESS = 50
/** Sent from one address, to see the limiter's own 429 answers among the rest. */
const LIMITER_PROBE = 65
const TIMEOUT_MS = 15_000
const SURVEY_INVITATIONS = 20

/** The tables that must not change (the brief's list); every other entity of these namespaces is hashed as well. */
const NAMED_TABLES = [
  ...['InvoiceConversations', 'Disputes', 'DisputeLines', 'DisputeComments', 'ContactProposals', 'SurveyAnswers', 'FollowUpTasks', 'TimelineEntries', 'SecureLinks'].map(t => `${C}.${t}`),
  ...['PaymentPromises', 'PaymentReports'].map(t => `${COLLECTIONS}.${t}`),
]
const STATEMENTS = 'invoicecrm.statements'
const HASHED_NAMESPACES = [C, COLLECTIONS, STATEMENTS]
/** Columns that legitimately change on a refused request: verifying a valid link stamps it. */
const IGNORED_COLUMNS: Record<string, string[]> = { [`${C}.SecureLinks`]: ['lastUsedAt'] }

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]
  const chance = (p: number) => next() < p
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = int(i + 1)
      ;[items[i], items[j]] = [items[j], items[i]]
    }
    return items
  }
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('')
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(4)]}${hex(3)}-${hex(12)}`
  return { next, int, pick, chance, shuffle, uuid }
}
type Random = ReturnType<typeof prng>

// ---------------------------------------------------------------------------------------------------------------
// Links: pools of valid ones, written as placeholders until a request is sent

const STATEMENT_ACTIONS = ['statement', 'statementPdf', 'confirmStatement', 'disagreeWithStatement'] as const
const ACTIONS = ['view', 'confirm', 'dispute', 'proposeContact', 'promiseToPay', 'reportPayment', 'answerSurvey', ...STATEMENT_ACTIONS] as const
type Action = (typeof ACTIONS)[number]
type Pool = 'dispute' | 'propose' | 'confirm' | 'promise' | 'payment' | 'survey' | 'statement' | 'account'
/** The actions about an invoice: through an invoice link, or through an account link naming the invoice. */
const INVOICE_ACTIONS: readonly Action[] = ['view', 'confirm', 'dispute', 'proposeContact', 'promiseToPay', 'reportPayment']
const takesInvoice = (action: Action) => INVOICE_ACTIONS.includes(action)
const POOL_OF: Record<Action, Pool> = {
  view: 'confirm',
  confirm: 'confirm',
  dispute: 'dispute',
  proposeContact: 'propose',
  promiseToPay: 'promise',
  reportPayment: 'payment',
  answerSurvey: 'survey',
  statement: 'statement',
  statementPdf: 'statement',
  confirmStatement: 'statement',
  disagreeWithStatement: 'statement',
}
const isStatementAction = (action: Action) => (STATEMENT_ACTIONS as readonly string[]).includes(action)
/** Where a request carries the current valid link of a pool (or, of the account pool, its invoice); tokens never contain '@'. */
const placeholder = (pool: Pool) => `@@${pool}@@`
const ACCOUNT_INVOICE = '@@account.invoice@@'
const PLACEHOLDER = /@@(dispute|propose|confirm|promise|payment|survey|statement|account)(\.invoice)?@@/g
/** Links in the account pool: one per invoice, of its payer. */
const ACCOUNT_POOL = 2

interface Link {
  token: string
  label: string
  /** Of an account link: the invoice of its customer that its requests name. */
  invoice?: string
}

interface Fixture {
  pools: Record<Pool, Link[]>
  expired: string
  revoked: string
  /** A statement link whose statement does not exist. */
  statement: string
  expiredStatement: string
  revokedStatement: string
  expiredSurvey: string
  /** An account link, and what its requests may name: another customer's invoice and statement, none of its own. */
  account: { token: string; expired: string; revoked: string; foreignInvoice: string; foreignStatement: string }
  /** Account links of the payers of the committed and the cleared invoice (below). */
  committedAccount: string
  clearedAccount: string
  /** An invoice of no pool: named through an invoice link of another one, it is not that link's. */
  otherInvoice: string
  /** A link of an open invoice with an open promise to pay and a reported payment: neither may come twice. */
  committed: string
  /** A link of an invoice FI has cleared: nothing left to promise or report. */
  cleared: string
  committedInvoice: string
  clearedInvoice: string
  /** Two lines every invoice of the dispute and account pools has. */
  items: [string, string]
  /** Larger than the gross amount of every invoice of the dispute and account pools, and than every amount and quantity of their lines. */
  aboveGross: number
  aboveLineAmount: number
  aboveLineQuantity: number
  /** Larger than the open amount of every invoice of the promise and account pools. */
  aboveOpen: number
  /** Less than the open amount of every invoice of the promise, payment and account pools. */
  partOfOpen: number
}

// ---------------------------------------------------------------------------------------------------------------
// Requests, answers, verdicts

type Kind = 'method' | 'contentType' | 'invalidJson' | 'huge' | 'nested' | 'path' | 'token' | 'validToken' | 'state' | 'random' | 'limiter'

interface Case {
  kind: Kind
  /** What is wrong with it, for the report. */
  what: string
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Buffer
  /** Sent without Content-Length, in chunks. */
  chunked?: boolean
  /** The statuses this request may get besides a 429 of the limiter; any 4xx if not given. */
  expect?: number[]
  /** The JSON payload, if it is one: its strings are the client's own, and may be quoted back. */
  payload?: unknown
}

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  error?: string
  ms: number
}

interface Outcome {
  index: number
  /** As sent: the placeholders replaced by the links of the moment. */
  c: Case
  from: string
  answer: Answer
  /** What changed in the CRM, collections and statements tables with this request, if anything. */
  changed?: string[]
}

const json = (value: unknown) => JSON.stringify(value)
const JSON_TYPE = { 'content-type': 'application/json' }

function send(port: number, c: Case, localAddress: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let settled = false
    const finish = (answer: Omit<Answer, 'ms'>) => {
      if (settled) return
      settled = true
      resolve({ ...answer, ms: performance.now() - started })
    }
    const body = typeof c.body === 'string' ? Buffer.from(c.body, 'utf8') : c.body
    const headers: Record<string, string> = { ...c.headers }
    if (body && !c.chunked) headers['content-length'] = String(body.length)
    let req: http.ClientRequest
    try {
      req = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, localAddress, agent: false, timeout: TIMEOUT_MS }, res => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          if (size < 1 << 20) chunks.push(chunk)
          size += chunk.length
        })
        const done = (error?: Error) => finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ...(error && { error: error.message }) })
        res.on('end', () => done())
        res.on('error', done)
        res.on('aborted', () => done(new Error('answer aborted')))
      })
    } catch (error) {
      // The client refused to send it (e.g. an invalid character in the path): a mistake in this test.
      return reject(new Error(`cannot send ${c.method} ${c.path}: ${(error as Error).message}`))
    }
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)))
    req.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, headers: {}, body: '', error: error.code ?? error.message }))
    if (body) {
      if (c.chunked) for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024))
      else req.write(body)
    }
    req.end()
  })
}

/** What is wrong with the status of an answer; undefined if nothing is. */
function statusProblem({ c, answer: { status } }: Outcome): string | undefined {
  if (!status) return 'no HTTP answer'
  if (status >= 500) return `status ${status}`
  if (status < 400) return `status ${status}: accepted`
  if (status !== 429 && c.expect && !c.expect.includes(status)) return `status ${status}, expected ${c.expect.join(' or ')}`
  return undefined
}

/** Every string in a JSON value, keys included, for telling the client's own words from the server's. */
function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value)
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, into)
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      into.push(k)
      stringsIn(v, into)
    }
  return into
}

const STACK = /\n\s*at\s|\bat\s+[\w.<>$]+\s+\(.*:\d+:\d+\)|:\d+:\d+\)/
const SQL = /\bSQLITE_\w+|\bsqlite\b|no such (?:table|column)|syntax error|constraint failed|\binvoicecrm_\w+|\b(?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\b[\s\S]*\b(?:FROM|VALUES|SET|WHERE)\b/i
const INTERNAL_PATH = /\/work\/|node_modules|\/(?:srv|test|db|app|home|usr|tmp)\/|\b[\w-]+\.(?:ts|js|cjs|mjs|cds)\b(?::\d+)?/
const JS_INTERNALS = /\[object \w+\]|is not a valid undefined|is not a function|Cannot read propert|\bof (?:undefined|null)\b|\b(?:TypeError|ReferenceError|RangeError)\b|Maximum call stack/

/** Why an answer's body is not a readable JSON error; undefined if it is one. */
function unreadable(c: Case, answer: Answer): string | undefined {
  if (c.method === 'HEAD') return answer.body ? 'a body in the answer to HEAD' : undefined
  if (!/^application\/json\b/i.test(String(answer.headers['content-type'] ?? ''))) return `content type ${answer.headers['content-type'] ?? '(none)'}, not JSON`
  let parsed: unknown
  try {
    parsed = JSON.parse(answer.body)
  } catch {
    return 'a body that is not JSON'
  }
  const error = (parsed as { error?: unknown } | null)?.error as { message?: unknown; details?: unknown; stack?: unknown } | undefined
  if (!error || typeof error !== 'object') return 'no error object'
  if ('stack' in error) return 'a stack property'
  // The client's own strings may be quoted back ("Value <script> is not a valid String(200)"): not the server's.
  const own = [...new Set(stringsIn(c.payload))].filter(s => s.length >= 3).sort((a, b) => b.length - a.length)
  const scrub = (text: string) => own.reduce((t, s) => t.split(s).join('…'), text)
  const messages: unknown[] = [error.message, ...(Array.isArray(error.details) ? (error.details as { message?: unknown }[]).map(d => d?.message) : [])]
  for (const message of messages) if (typeof message !== 'string' || !/\p{L}{2}/u.test(message)) return `no readable message: ${json(message)}`
  for (const text of stringsIn(error).map(scrub)) {
    if (STACK.test(text)) return `a stack trace: ${text.slice(0, 200)}`
    if (SQL.test(text)) return `SQL or database internals: ${text.slice(0, 200)}`
    if (INTERNAL_PATH.test(text)) return `an internal path: ${text.slice(0, 200)}`
    if (JS_INTERNALS.test(text)) return `JavaScript internals: ${text.slice(0, 200)}`
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------------------------
// State of the CRM, collections and statements tables

interface Snapshot {
  counts: Record<string, number>
  hashes: Record<string, string>
  hash: string
  /** Each row as stable JSON, sorted. */
  rows: Record<string, string[]>
}

const stable = (value: unknown): string =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? `{${Object.keys(value)
        .sort()
        .map(k => `${json(k)}:${stable((value as Record<string, unknown>)[k])}`)
        .join(',')}}`
    : json(value)

/** The entities of HASHED_NAMESPACES, by their full names (not views, not generated texts or drafts). */
function hashedEntities(): string[] {
  return Object.entries(cds.model!.definitions)
    .filter(([name, def]) => def.kind === 'entity' && !(def as { query?: unknown }).query && HASHED_NAMESPACES.some(ns => name.startsWith(`${ns}.`) && !name.slice(ns.length + 1).includes('.')))
    .map(([name]) => name)
    .sort()
}

async function snapshot(tables: string[]): Promise<Snapshot> {
  const counts: Record<string, number> = {}
  const hashes: Record<string, string> = {}
  const all: Record<string, string[]> = {}
  // One transaction, its reads all at once: a snapshot follows every request, and two dozen reads on one connection
  // take a third of the time they take on a connection each (PostgreSQL).
  const contents = (await cds.tx(tx => Promise.all(tables.map(table => tx.run(SELECT.from(table)))))) as Record<string, unknown>[][]
  for (const [i, table] of tables.entries()) {
    const rows = contents[i]
    const ignored = IGNORED_COLUMNS[table] ?? []
    const lines = rows.map(row => stable(Object.fromEntries(Object.entries(row).filter(([k]) => !ignored.includes(k))))).sort()
    counts[table] = rows.length
    hashes[table] = createHash('sha256').update(lines.join('\n')).digest('hex')
    all[table] = lines
  }
  return { counts, hashes, hash: createHash('sha256').update(stable(hashes)).digest('hex'), rows: all }
}

const differences = (before: Snapshot, after: Snapshot) =>
  Object.keys(before.hashes)
    .filter(t => before.hashes[t] !== after.hashes[t])
    .map(t => (before.counts[t] === after.counts[t] ? `${t} (contents)` : `${t} (${before.counts[t]} → ${after.counts[t]} rows)`))

/** The differing tables with the rows that are new or changed in after (a few, shortened). */
function changedRows(before: Snapshot, after: Snapshot): string[] {
  return differences(before, after).map(d => {
    const table = d.split(' ')[0]
    const old = new Set(before.rows[table])
    const rows = after.rows[table].filter(r => !old.has(r))
    return `${d}${rows.length ? `: ${rows.slice(0, 2).map(r => (r.length > 300 ? `${r.slice(0, 300)}…` : r)).join(' ')}` : ''}`
  })
}

// ---------------------------------------------------------------------------------------------------------------

describe('public respond endpoints under 1,200 malformed requests (fuzz)', function () {
  this.timeout(600_000)
  const test = cds.test(__dirname + '/..')
  const { expect } = test
  const settings = s4Settings()
  const originalUrl = settings.url
  let sim: Simulator

  const links = () => (cds.env.requires as unknown as { links: { failures?: { max?: number; windowMs?: number } } }).links
  const crm = () => (cds.env.requires as unknown as { crm: { dispatch: Record<string, unknown> } }).crm
  let failures: { max?: number; windowMs?: number } | undefined
  let dispatch: Record<string, unknown> | undefined
  let restLevel: number | undefined

  let tables: string[] = []
  let baseline: Snapshot
  let final: Snapshot
  const outcomes: Outcome[] = []
  const labels = new Map<string, string>()
  let usedUp = 0

  before(async () => {
    // Suites before this one may have left nock's interceptor on the HTTP client; it would decode the deliberately
    // wrong Content-Encoding of some requests on the client side. The raw requests must go out as written.
    nock.restore()
    dispatch = { ...crm().dispatch }
    Object.assign(crm().dispatch, { since: null, sinceDays: null })
    sim = createSimulator({ volume: 'small' })
    settings.url = await sim.listen(0)
    const summaries = await runSync('all')
    if (summaries.some(s => s.status !== 'succeeded')) throw new Error(`sync failed: ${json(summaries.map(s => [s.entity, s.status]))}`)
    await followUpsDone()

    // No blocking for failed verifications: the requests are to reach the handlers, not the guard.
    failures = links().failures
    links().failures = { max: 1e9, windowMs: 1 }
    await resetFailures()
    // CAP logs every refused request with its stack at warn: 1,200 of them say nothing here (errors still show).
    restLevel = (cds.log('rest') as unknown as { level: number }).level
    setLogLevel('rest', 'error')

    const fixture = await prepare()
    for (const pool of Object.values(fixture.pools)) for (const link of pool) labels.set(link.token, link.label)
    labels.set(fixture.expired, '<expired invoiceResponse link>')
    labels.set(fixture.revoked, '<revoked invoiceResponse link>')
    labels.set(fixture.statement, '<statement link, no such statement>')
    labels.set(fixture.expiredStatement, '<expired statement link>')
    labels.set(fixture.revokedStatement, '<revoked statement link>')
    labels.set(fixture.expiredSurvey, '<expired survey link>')
    labels.set(fixture.account.token, '<account link>')
    labels.set(fixture.account.expired, '<expired account link>')
    labels.set(fixture.account.revoked, '<revoked account link>')
    labels.set(fixture.committedAccount, '<account link of the payer of the invoice with an open promise and a reported payment>')
    labels.set(fixture.clearedAccount, '<account link of the payer of the cleared invoice>')
    labels.set(fixture.committed, '<invoiceResponse link, invoice with an open promise and a reported payment>')
    labels.set(fixture.cleared, '<invoiceResponse link, cleared invoice>')

    tables = hashedEntities()
    const random = prng(SEED)
    const cases = generate(random, fixture)
    const port = Number(new URL(test.axios.defaults.baseURL!).port)
    await checkSourceAddresses(port)

    baseline = await snapshot(tables)
    // Nothing else may write meanwhile, or a change would be blamed on a request.
    await new Promise(resolve => setTimeout(resolve, 200))
    const settled = await snapshot(tables)
    if (settled.hash !== baseline.hash) throw new Error(`The CRM, collections and statements tables change by themselves (${differences(baseline, settled).join(', ')}): cannot tell what the requests change`)

    const started = performance.now()
    const all = cases.map((c, i) => ({ c, from: address(Math.floor(i / PER_ADDRESS)) }))
    // The limiter probe: one client sending more than its minute's worth.
    const probe = { token: 'not-a-token' }
    for (let i = 0; i < LIMITER_PROBE; i++)
      all.push({ c: { kind: 'limiter', what: 'one client above 60 requests a minute', method: 'POST', path: '/rest/respond/view', headers: { ...JSON_TYPE }, body: json(probe), payload: probe, expect: [400] }, from: '127.78.0.1' })

    const current: Record<Pool, number> = { dispute: 0, propose: 0, confirm: 0, promise: 0, payment: 0, survey: 0, statement: 0, account: 0 }
    let state = baseline
    let batch = ''
    for (const [index, { c, from }] of all.entries()) {
      // Between batches (a new source address), forget the failed verifications.
      if (from !== batch) {
        await resetFailures()
        batch = from
      }
      const used = new Set<Pool>()
      const resolve = (text: string) =>
        text.replace(PLACEHOLDER, (_, pool: Pool, field?: string) => {
          used.add(pool)
          const link = fixture.pools[pool][current[pool]]
          return field ? link.invoice! : link.token
        })
      const sent: Case = {
        ...c,
        path: resolve(c.path),
        ...(typeof c.body === 'string' && { body: resolve(c.body) }),
        ...(c.payload !== undefined && { payload: JSON.parse(resolve(json(c.payload))) as unknown }),
      }
      const answer = await send(port, sent, from)
      const now = await snapshot(tables)
      const outcome: Outcome = { index, c: sent, from, answer }
      if (now.hash !== state.hash) {
        outcome.changed = changedRows(state, now)
        // That link has done its damage: the pool's next requests get a fresh one, if there is one.
        for (const pool of used)
          if (current[pool] < fixture.pools[pool].length - 1) {
            current[pool]++
            usedUp++
          }
      }
      state = now
      outcomes.push(outcome)
    }
    const seconds = (performance.now() - started) / 1000
    final = await snapshot(tables)

    const histogram: Record<string, number> = {}
    for (const { answer } of outcomes) histogram[answer.status || 'none'] = (histogram[answer.status || 'none'] ?? 0) + 1
    const byKind: Record<string, number> = {}
    for (const { c } of outcomes) byKind[c.kind] = (byKind[c.kind] ?? 0) + 1
    const reached = outcomes.filter(o => o.answer.status !== 429).length
    const changing = outcomes.filter(o => o.changed).length
    // cds.test silences console.log under mocha: the summary goes to stdout directly.
    process.stdout.write(
      `      fuzz seed=${SEED}: ${outcomes.length} requests in ${seconds.toFixed(1)} s from ${new Set(outcomes.map(o => o.from)).size} source addresses, ` +
        `${reached} reached the handlers (not 429); status histogram ${json(histogram)}; by kind ${json(byKind)}; ` +
        `${changing} changed the CRM, collections and statements tables (${usedUp} valid links used up)\n`
    )
    if (process.env.FUZZ_DUMP)
      writeFileSync(
        process.env.FUZZ_DUMP,
        outcomes.map(o => json({ request: describeRequest(o), status: o.answer.status, error: o.answer.error, answer: o.answer.body.slice(0, 2000), changed: o.changed, problems: [statusProblem(o), o.answer.status >= 400 && unreadable(o.c, o.answer)].filter(Boolean) })).join('\n') + '\n'
      )
  })

  after(async () => {
    nock.activate()
    await sim?.close()
    settings.url = originalUrl
    if (dispatch) Object.assign(crm().dispatch, dispatch)
    links().failures = failures
    await resetFailures()
    if (restLevel !== undefined) setLogLevel('rest', restLevel)
  })

  /** A request as sent, with the tokens named instead of spelled out. */
  function describeRequest(o: Outcome): string {
    const { c } = o
    const name = (text: string) => [...labels].reduce((t, [token, label]) => t.split(token).join(label), text)
    const body =
      c.body === undefined
        ? '(no body)'
        : Buffer.isBuffer(c.body)
          ? `<${c.body.length} bytes: ${json(name(c.body.subarray(0, 120).toString('latin1')))}…>`
          : c.body.length > 400
            ? `${name(c.body.slice(0, 300))}… (${c.body.length} characters)`
            : name(c.body)
    const headers = Object.entries(c.headers)
      .map(([k, v]) => `${k}: ${v.length > 80 ? `${v.slice(0, 80)}…` : v}`)
      .join('; ')
    return `#${o.index} [${c.kind}: ${c.what}] ${c.method} ${name(c.path.length > 200 ? `${c.path.slice(0, 200)}…` : c.path)} {${headers}}${c.chunked ? ' chunked' : ''} from ${o.from} body ${body}`
  }
  const answerText = (a: Answer) => `${a.status || 'none'}${a.error ? ` (${a.error})` : ''} ${a.body.length > 300 ? `${a.body.slice(0, 300)}…` : a.body}`
  const report = (found: { o: Outcome; why: string }[], max = 30) =>
    found
      .slice(0, max)
      .map(({ o, why }) => `\n  ${why}\n    request: ${describeRequest(o)}\n    answer:  ${answerText(o.answer)}`)
      .join('') + (found.length > max ? `\n  … and ${found.length - max} more` : '')
  const changes = () => outcomes.filter(o => o.changed).map(o => ({ o, why: `changed ${o.changed!.join(', ')}` }))

  it(`sent at least ${MIN_REQUESTS} malformed requests, at least ${MIN_REACHED} of which got past the per-client rate limiter`, () => {
    const reached = outcomes.filter(o => o.answer.status !== 429)
    expect(outcomes.length, 'requests sent').to.be.at.least(MIN_REQUESTS)
    expect(reached.length, `requests not answered 429 (of ${outcomes.length})`).to.be.at.least(MIN_REACHED)
  })

  it('answered every request, none with a 5xx', () => {
    const found = outcomes.filter(o => !o.answer.status || o.answer.status >= 500).map(o => ({ o, why: o.answer.status ? `status ${o.answer.status}` : 'no HTTP answer' }))
    expect(found.length, `requests answered with 5xx or not at all:${report(found)}`).to.equal(0)
  })

  it('answered every request with a 4xx, and with the status its kind of malformation calls for', () => {
    const found = outcomes.flatMap(o => {
      const why = o.answer.status && o.answer.status < 500 && statusProblem(o) // 5xx and no answer: the test above
      return why ? [{ o, why }] : []
    })
    expect(found.length, `requests not refused as expected:${report(found)}`).to.equal(0)
  })

  it('refused every request with a valid link but a malformed field with 400', () => {
    const valid = outcomes.filter(o => o.c.kind === 'validToken')
    expect(valid.length, 'requests with a valid link and malformed fields').to.be.at.least(300)
    expect(new Set(valid.map(o => o.c.path.slice('/rest/respond/'.length))), 'the actions with a valid link and malformed fields').to.have.all.keys(...ACTIONS)
    const found = valid.filter(o => o.answer.status !== 400 && o.answer.status !== 429).map(o => ({ o, why: `status ${o.answer.status}` }))
    expect(found.length, `valid link, malformed field, not refused with 400:${report(found)}`).to.equal(0)
  })

  it('refused a second promise, a second payment report and either on a cleared invoice with 409', () => {
    const state = outcomes.filter(o => o.c.kind === 'state')
    expect(state.length, 'well-formed promises and payment reports the invoice cannot take (through its link and its account)').to.equal(8)
    const found = state.filter(o => o.answer.status !== 409 && o.answer.status !== 429).map(o => ({ o, why: `status ${o.answer.status}` }))
    expect(found.length, `not refused with 409:${report(found)}`).to.equal(0)
  })

  it('refused with a JSON error whose message is human-readable, without stack traces, SQL or internal paths', () => {
    const found = outcomes
      .filter(o => o.answer.status >= 400)
      .flatMap(o => {
        const why = unreadable(o.c, o.answer)
        return why ? [{ o, why }] : []
      })
    expect(found.length, `answers without a readable JSON error:${report(found)}`).to.equal(0)
  })

  it('said when to come back on every 429', () => {
    const found = outcomes.filter(o => o.answer.status === 429 && !/^\d+$/.test(String(o.answer.headers['retry-after'] ?? ''))).map(o => ({ o, why: 'no Retry-After' }))
    expect(found.length, `429 without Retry-After:${report(found)}`).to.equal(0)
  })

  it('left the row counts of the CRM, collections and statements tables as they were', () => {
    expect(tables, 'the tables hashed').to.include.members([...NAMED_TABLES, `${STATEMENTS}.Statements`, `${STATEMENTS}.StatementLines`, `${STATEMENTS}.StatementAnswerAttachments`])
    expect(final.counts, `row counts before and after; the requests that changed something:${report(changes())}`).to.deep.equal(baseline.counts)
  })

  it('left the contents of the CRM, collections and statements tables as they were (SecureLinks.lastUsedAt aside)', () => {
    expect(final.hash, `hash of the CRM, collections and statements tables (${differences(baseline, final).join(', ') || 'no table differs'}); the requests that changed something:${report(changes())}`).to.equal(
      baseline.hash
    )
  })

  it('notices a changed row (the snapshot can fail) and ignores only SecureLinks.lastUsedAt', async () => {
    const link = (await SELECT.one.from(`${C}.SecureLinks`).columns('ID', 'contactEmail', 'lastUsedAt')) as { ID: string; contactEmail: string; lastUsedAt: string | null }
    const base = await snapshot(tables)
    await UPDATE(SecureLinks, link.ID).with({ lastUsedAt: new Date(Date.now() + 1000).toISOString() })
    expect((await snapshot(tables)).hash, 'lastUsedAt is ignored').to.equal(base.hash)
    await UPDATE(SecureLinks, link.ID).with({ contactEmail: 'changed@example.com' })
    const changed = await snapshot(tables)
    await UPDATE(SecureLinks, link.ID).with({ contactEmail: link.contactEmail, lastUsedAt: link.lastUsedAt })
    expect(changed.hash, 'a changed contact e-mail changes the hash').not.to.equal(base.hash)
    expect(differences(base, changed)).to.deep.equal([`${C}.SecureLinks (contents)`])
    expect((await snapshot(tables)).hash).to.equal(base.hash)
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Fixture: real links, on invoices nobody answered about yet

async function prepare(): Promise<Fixture> {
  type Item = { billingDocument_ID: string; item: string; netAmount: string; quantity: string }
  const docs = (await SELECT.from(`${M}.BillingDocuments`).columns('ID', 'grossAmount').where({ type: 'F2', isCancelled: false }).orderBy('ID')) as { ID: string; grossAmount: string }[]
  const items = (await SELECT.from(`${M}.BillingDocumentItems`).columns('billingDocument_ID', 'item', 'netAmount', 'quantity').orderBy('item')) as Item[]
  const answered = new Set(((await SELECT.from(`${C}.InvoiceConversations`).columns('invoice_ID')) as { invoice_ID: string }[]).map(r => r.invoice_ID))
  const lines = (id: string) => items.filter(i => i.billingDocument_ID === id)
  // Every invoice with lines 10 and 20, so that the malformed dispute lines fit any of them.
  const candidates = docs.filter(d => !answered.has(d.ID) && Number(d.grossAmount) > 0 && ['10', '20'].every(n => lines(d.ID).some(i => i.item === n && Number(i.netAmount) > 0 && Number(i.quantity) > 0)))
  if (candidates.length < 8 + ACCOUNT_POOL) throw new Error(`The simulator's small volume has only ${candidates.length} usable invoices; ${8 + ACCOUNT_POOL} are needed`)
  const [other, ...all] = candidates
  // The last few for the account pool; the rest as before.
  const accounts = all.slice(-ACCOUNT_POOL)
  const rest = all.slice(0, -ACCOUNT_POOL)
  const disputes = rest.slice(0, Math.ceil(rest.length * 0.4))
  const proposals = rest.slice(disputes.length, disputes.length + Math.ceil(rest.length * 0.3))
  const confirmations = rest.slice(disputes.length + proposals.length)
  const invoiceLink = async (d: { ID: string }) => (await issueLink({ purpose: 'invoiceResponse', invoice: d.ID, contactEmail: CONTACT })).token
  const invoiceLinks = (docs: { ID: string }[], prefix: string) => Promise.all(docs.map(async (d, i) => ({ token: await invoiceLink(d), label: `<valid link ${prefix}${i} (invoice ${d.ID})>` })))
  const invitations = Array.from({ length: SURVEY_INVITATIONS + 1 }, () => cds.utils.uuid())
  for (const ID of invitations) await INSERT.into(`${C}.SurveyInvitations`).entries({ ID, contactEmail: CONTACT, invoice_ID: other.ID, trigger: 'confirmation', sentAt: new Date().toISOString() })
  const revoked = await issueLink({ purpose: 'invoiceResponse', invoice: other.ID, contactEmail: CONTACT })
  await revokeLinks({ linkId: revoked.linkId })
  const disputeLines = items.filter(i => [...disputes, ...accounts].some(d => d.ID === i.billingDocument_ID))

  // A promise or a payment report names no line: the invoices without lines 10 and 20 do for them.
  const others = docs.filter(d => !answered.has(d.ID) && Number(d.grossAmount) > 0 && !candidates.includes(d))
  if (others.length < 4) throw new Error(`The simulator's small volume has only ${others.length} invoices besides those with lines 10 and 20; 4 are needed`)
  const [committed, cleared, ...open] = others
  const promises = open.slice(0, Math.ceil(open.length / 2))
  const payments = open.slice(promises.length)
  // Open or cleared whatever FI said of them in the simulator, as test/respond-page.test.ts makes its invoice open.
  for (const d of [committed, ...open, ...accounts]) await UPDATE(BillingDocuments, d.ID).set({ isCleared: false, openAmount: Number(d.grossAmount) })
  await UPDATE(BillingDocuments, cleared.ID).set({ isCleared: true, openAmount: 0 })
  const { earliest: today } = promiseWindow()
  const speaker = { by: CONTACT, channel: 'web' } as const
  // Not the day the requests promise (a week ahead): the refusal names the open promise's day, which srv/respond-errors.ts
  // would take for an echo of the request's and answer with its plain message instead.
  await promiseToPay(committed.ID, { promisedDate: addDays(today, 14) }, speaker)
  await reportPayment(committed.ID, { paidOn: today, amount: committed.grossAmount }, speaker)

  // Sent statements of the payer of an invoice nobody answers about here, one a month: line 1 that invoice, line 2 a payment.
  const payer = ((await SELECT.one.from(BillingDocuments).columns('payer_ID').where({ ID: other.ID })) as { payer_ID: string }).payer_ID
  const statementLink = async (month: number) => {
    const ID = cds.utils.uuid()
    const first = `2025-${String(month).padStart(2, '0')}-01`
    await INSERT.into(`${STATEMENTS}.Statements`).entries({
      ID, customer_ID: payer, companyCode: '1710', currency: 'EUR', periodStart: first, periodEnd: `${first.slice(0, 8)}28`, statementDate: `${first.slice(0, 8)}28`,
      openingBalance: '0.000', debits: '100.000', credits: '-40.000', closingBalance: '60.000', status: 'sent', recipientEmail: CONTACT, contentHash: 'f'.repeat(64),
    })
    await INSERT.into(`${STATEMENTS}.StatementLines`).entries([
      { statement_ID: ID, lineNo: 1, fiscalYear: '2025', accountingDocument: '9400000001', accountingItem: '1', documentType: 'RV', postingDate: first, billingDocument: other.ID, amount: '100.000' },
      { statement_ID: ID, lineNo: 2, fiscalYear: '2025', accountingDocument: '1400000001', accountingItem: '1', documentType: 'DZ', postingDate: first, amount: '-40.000' },
    ])
    return (await issueLink({ purpose: 'statement', statement: ID, contactEmail: CONTACT, ...(month === 12 && { validDays: -1 }) })).token
  }
  const statements = await Promise.all(Array.from({ length: 10 }, (_, i) => statementLink(i + 1)))
  const statementOfPayer = ((await SELECT.one.from(`${STATEMENTS}.Statements`).columns('ID').where({ customer_ID: payer })) as { ID: string }).ID

  // Account links: of the payer of each account pool invoice; and one more, of a customer that is not the statements'
  // payer, with an invoice of another customer to name.
  const payerOf = async (ID: string) => ((await SELECT.one.from(BillingDocuments).columns('payer_ID').where({ ID })) as { payer_ID: string }).payer_ID
  const accountLink = async (customer: string, validDays?: number) => (await issueLink({ purpose: 'account', customer, contactEmail: CONTACT, ...(validDays !== undefined && { validDays }) })).token
  const accountPool = await Promise.all(accounts.map(async (d, i) => ({ token: await accountLink(await payerOf(d.ID)), invoice: d.ID, label: `<valid account link A${i} (invoice ${d.ID})>` })))
  const payers = await Promise.all(docs.map(async d => ({ ID: d.ID, payer: await payerOf(d.ID) })))
  const someone = payers.find(p => p.payer !== payer)!.payer
  const foreignInvoice = payers.find(p => p.payer !== someone)!.ID
  const revokedAccount = await issueLink({ purpose: 'account', customer: someone, contactEmail: CONTACT })
  await revokeLinks({ linkId: revokedAccount.linkId })
  const revokedStatement = await issueLink({ purpose: 'statement', statement: cds.utils.uuid(), contactEmail: CONTACT })
  await revokeLinks({ linkId: revokedStatement.linkId })

  return {
    pools: {
      dispute: await invoiceLinks(disputes, 'D'),
      propose: await invoiceLinks(proposals, 'P'),
      confirm: await invoiceLinks(confirmations, 'C'),
      promise: await invoiceLinks(promises, 'PP'),
      payment: await invoiceLinks(payments, 'PR'),
      survey: await Promise.all(invitations.slice(1).map(async (invitation, i) => ({ token: (await issueLink({ purpose: 'survey', invitation, contactEmail: CONTACT })).token, label: `<valid survey link S${i}>` }))),
      statement: statements.map((token, i) => ({ token, label: `<valid statement link ST${i}>` })),
      account: accountPool,
    },
    account: { token: await accountLink(someone), expired: await accountLink(someone, -1), revoked: revokedAccount.token, foreignInvoice, foreignStatement: statementOfPayer },
    committedAccount: await accountLink(await payerOf(committed.ID)),
    clearedAccount: await accountLink(await payerOf(cleared.ID)),
    otherInvoice: other.ID,
    committedInvoice: committed.ID,
    clearedInvoice: cleared.ID,
    expired: (await issueLink({ purpose: 'invoiceResponse', invoice: other.ID, contactEmail: CONTACT, validDays: -1 })).token,
    revoked: revoked.token,
    statement: (await issueLink({ purpose: 'statement', statement: cds.utils.uuid(), contactEmail: CONTACT })).token,
    expiredStatement: await statementLink(12),
    revokedStatement: revokedStatement.token,
    expiredSurvey: (await issueLink({ purpose: 'survey', invitation: invitations[0], contactEmail: CONTACT, validDays: -1 })).token,
    committed: await invoiceLink(committed),
    cleared: await invoiceLink(cleared),
    items: ['10', '20'],
    aboveGross: Math.ceil(Math.max(...[...disputes, ...accounts].map(d => Number(d.grossAmount)))) + 1,
    aboveLineAmount: Math.ceil(Math.max(...disputeLines.map(i => Number(i.netAmount)))) + 1,
    aboveLineQuantity: Math.ceil(Math.max(...disputeLines.map(i => Number(i.quantity)))) + 1,
    aboveOpen: Math.ceil(Math.max(...[...promises, ...accounts].map(d => Number(d.grossAmount)))) + 1,
    partOfOpen: Math.floor(Math.min(...[...open, ...accounts].map(d => Number(d.grossAmount))) * 50) / 100,
  }
}

/** cds.log(id, level) sets the level of a logger, also of one created before. */
const setLogLevel = (id: string, level: string | number) => (cds.log as unknown as (id: string, level: string | number) => unknown)(id, level)

/** Loopback source addresses, a new one every PER_ADDRESS requests. */
const address = (n: number) => `127.77.${Math.floor(n / 250)}.${(n % 250) + 1}`

async function checkSourceAddresses(port: number) {
  const probe: Case = { kind: 'path', what: 'probe', method: 'POST', path: '/rest/respond/nope', headers: { ...JSON_TYPE }, body: '{}' }
  const answer = await send(port, probe, '127.79.0.1')
  if (answer.status === 0)
    throw new Error(
      `Cannot send from the loopback address 127.79.0.1 (${answer.error}): this test spreads its requests over 127.77.x.y so that the ` +
        `per-client limit of srv/server.ts (60 a minute) does not answer them. On macOS only 127.0.0.1 exists unless aliased ` +
        `(sudo ifconfig lo0 alias 127.77.0.1 …), or the limit would have to be configurable (e.g. cds.requires.links.requestsPerMinute).`
    )
}

// ---------------------------------------------------------------------------------------------------------------
// The malformations

const REASONS = ['wrongPrice', 'wrongQuantity', 'notReceived', 'wrongTax', 'wrongAddress', 'duplicate', 'other']

const LONG = 'x'.repeat(10_000)
/** Strings that are wrong anywhere a token, a reason, a name or an e-mail address is expected. */
const WEIRD_STRINGS: string[] = [
  '',
  ' ',
  LONG,
  'ä'.repeat(10_000),
  '𝕏'.repeat(5_000),
  "' OR '1'='1",
  "1'; DROP TABLE Disputes; --",
  '" OR 1=1 --',
  "') UNION SELECT tokenHash FROM SecureLinks --",
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(1)">',
  '"><svg/onload=alert(1)>',
  '${7*7}{{7*7}}#{7*7}',
  '😀🔥💥👩‍👩‍👧‍👦🏳️‍🌈',
  '\u202Egnp.exe',
  'Z̴̡̢̛a̷̧l̵g̶o̸',
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u0003\u0007\u0008\u001b[31m',
  '\r\n\t\v\f',
  '\uD800',
  '\uDFFF\uD800',
  '\uFEFF',
  '\u200B\u200C\u200D',
  'NaN',
  'Infinity',
  '-1',
  '1e308',
  'null',
  'true',
  '__proto__',
  '../../../etc/passwd',
  '%00%0d%0a',
  '{"token":"x"}',
]
/** Values of every JSON type that are wrong for some parameter or other. */
const WEIRD_VALUES: unknown[] = [0, -1, 1, 1e308, -1e308, 3.5, 2 ** 53 + 2, -0, true, false, null, [], ['x'], [1, 2], [[[]]], {}, { a: 1 }, { $ne: null }, { token: 'x' }, ...WEIRD_STRINGS]

/** Not a calendar day as OData writes one (YYYY-MM-DD): spoilt forms of a valid day, impossible days, other types. */
const notADay = (day: string): unknown[] => [
  ...['2027-02-30', '2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32', '0000-00-00', '2026-1-5', '26-01-05', '2026/01/05', '05.01.2026', '20260105', '2026-W02-1', '2026-005'],
  ...['+002026-01-05', '-000001-01-01', '10000-01-01', 'today', 'tomorrow', '', '   ', "2026-01-05' OR '1'='1", '<script>alert(1)</script>', LONG],
  ...[`${day}T00:00:00Z`, `${day}T00:00:00.000Z`, `${day}T12:00:00+02:00`, `${day} 00:00`, `${day}Z`, ` ${day}`, `${day} `, `${day}\u0000`, `${day}\n`],
  ...[Date.parse(day), Date.parse(day) / 1000, 20260105, true, false, null, [], [day], {}, { date: day }, { $gt: '2000-01-01' }],
]

/** Days, but no invoice's: for a promise before today, for a payment long before any invoice. */
const FAR_PAST = ['1970-01-01', '1900-01-01', '0001-01-01', '0000-01-01']

/** Not more than 0, out of Decimal(24, 3)'s range or scale, or not a number in JSON or in the text OData allows. */
const NOT_AN_AMOUNT: unknown[] = [
  ...[0, -0.001, -1, -1e308, 1e308, 1e15, 1.0001, 0.0001, true, false, [], [5], {}, { value: 5 }, { $gt: 0 }],
  ...['0', '0.000', '-5', '1.0001', '12.3456', 'NaN', 'Infinity', '-Infinity', '1e3', '1e400', '12,50', '1.2.3', '0x10', '€5', '5 EUR', ' 5', '5 ', '', 'abc', '1'.repeat(35), '9'.repeat(30)],
]

/** A PDF's first bytes and a page of HTML, as a customer's own statement: the one accepted, the other not. */
const PDF_BASE64 = Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1').toString('base64')
const HTML_BASE64 = Buffer.from('<html><script>alert(1)</script></html>').toString('base64')

const UNKNOWN_ACTIONS = ['delete', 'Confirm', 'CONFIRM', 'confirmInvoice', 'raiseDispute', 'Disputes', 'SecureLinks', 'InvoiceConversations', 'view2', 'answer', '$batch', '$metadata', 'undefined', 'null', '__proto__', 'constructor', 'toString', 'hasOwnProperty']

function preview(value: unknown): string {
  const text = json(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 30)}…(${text.length})` : text
}

function generate(random: Random, f: Fixture): Case[] {
  const { pick, chance, int } = random
  const cases: Case[] = []
  const add = (c: Case) => cases.push(c)
  const post = (kind: Kind, what: string, action: string, payload: unknown, expect?: number[]): Case => ({
    kind,
    what,
    method: 'POST',
    path: `/rest/respond/${action}`,
    headers: { ...JSON_TYPE },
    body: json(payload),
    payload,
    ...(expect && { expect }),
  })

  // The days as the service counts them (its clock, its promise window).
  const { earliest: today, latest } = promiseWindow()
  const promiseDay = addDays(today, 7)
  const paidDay = addDays(today, -3)
  const validFields = (action: Action): Record<string, unknown> => {
    switch (action) {
      case 'dispute':
        return { reason: pick(REASONS) }
      case 'proposeContact':
        return { name: 'Erika Mustermann', email: 'erika.mustermann@kunde.example' }
      case 'promiseToPay':
        return { promisedDate: promiseDay, ...(chance(0.5) && { amount: f.partOfOpen }) }
      case 'reportPayment':
        return { paidOn: paidDay, amount: f.partOfOpen, ...(chance(0.5) && { reference: 'RF18 5390 0754 7034' }) }
      case 'answerSurvey':
        return { csat: 1 + int(5) }
      case 'disagreeWithStatement':
        // Any one of them makes a disagreement; more of them at once as well.
        return pick([
          { comment: 'Die Zahlung vom 1. fehlt.' },
          { customerBalance: '60.500' },
          { lines: [{ lineNo: 1, reason: pick(REASONS) }] },
          { lines: [{ lineNo: 2, reason: 'other', comment: 'Wir haben 50 gezahlt.' }], customerBalance: -12.5, comment: 'Siehe Anlage.', attachmentName: 'auszug.pdf', attachment: PDF_BASE64 },
        ])
      default:
        return {}
    }
  }
  /** The current valid link for the action, filled in when the request is sent. */
  const validToken = (action: Action) => placeholder(POOL_OF[action])
  /** Some valid link for the action, spelled out now (to be taken apart). */
  const someToken = (action: Action) => pick(f.pools[POOL_OF[action]]).token
  const concrete = (text: string) => text.replace(PLACEHOLDER, (_, pool: Pool, field?: string) => (field ? f.pools[pool][0].invoice! : f.pools[pool][0].token))

  // --- Tokens: every way a token can be wrong, with otherwise valid fields, so that the token alone decides
  const secret = linkSecret()
  const future = Math.floor(Date.now() / 1000) + 86_400
  const [idText, expiryText, signature] = f.pools.confirm[0].token.split('.')
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  // The last of 22 base64url characters carries 2 spare bits: the same link ID, spelled differently.
  const respelled = `${idText.slice(0, 21)}${b64[b64.indexOf(idText[21]) ^ 1]}.${expiryText}.${signature}`
  const flip = (t: string, at: number) => `${t.slice(0, at)}${t[at] === 'A' ? 'B' : 'A'}${t.slice(at + 1)}`
  const purposeOf = (a: Action) => (a === 'answerSurvey' ? 'survey' : isStatementAction(a) ? 'statement' : 'invoiceResponse')
  // The view takes every purpose's link: for it, "another purpose" is a statement link whose statement does not exist.
  const tokenCases: { what: string; token: (action: Action) => unknown; expect: number[] | ((action: Action) => number[]) }[] = [
    { what: 'signature changed in its last character (forged)', token: a => flip(someToken(a), someToken(a).length - 1), expect: [403] },
    { what: 'signature changed in its first character (forged)', token: a => { const t = someToken(a); return flip(t, t.lastIndexOf('.') + 1) }, expect: [403] },
    { what: 'expiry changed (forged)', token: a => { const [i, , s] = someToken(a).split('.'); return `${i}.${(future + 999_999).toString(36)}.${s}` }, expect: [403] },
    { what: 'link ID changed (forged)', token: a => flip(someToken(a), 3), expect: [403] },
    { what: 'signed with another secret', token: a => encodeToken('not-the-secret-of-this-app-at-all-0123456789', random.uuid(), purposeOf(a), future), expect: [403] },
    { what: 'correctly signed, for a link that does not exist', token: a => encodeToken(secret, random.uuid(), purposeOf(a), future), expect: [403] },
    { what: 'correctly signed, unknown link, expired', token: a => encodeToken(secret, random.uuid(), purposeOf(a), 1_000_000), expect: [410] },
    { what: 'expired link', token: a => (a === 'answerSurvey' ? f.expiredSurvey : isStatementAction(a) ? f.expiredStatement : f.expired), expect: [410] },
    { what: 'revoked link', token: a => (a === 'answerSurvey' ? encodeToken(secret, random.uuid(), 'survey', future) : isStatementAction(a) ? f.revokedStatement : f.revoked), expect: [403, 410] },
    { what: 'link for another purpose (statement ↔ invoice)', token: a => (isStatementAction(a) ? someToken('confirm') : f.statement), expect: a => (a === 'view' ? [404] : [403]) },
    { what: 'link for another purpose (survey ↔ invoice, statement)', token: a => (a === 'answerSurvey' ? someToken('confirm') : a === 'view' ? f.statement : someToken('answerSurvey')), expect: a => (a === 'view' ? [404] : [403]) },
    { what: 'truncated by one character', token: a => someToken(a).slice(0, -1), expect: [400] },
    { what: 'truncated to 30 characters', token: a => someToken(a).slice(0, 30), expect: [400] },
    { what: 'truncated to the link ID', token: a => someToken(a).split('.')[0], expect: [400] },
    { what: 'one character too many', token: a => `${someToken(a)}A`, expect: [400] },
    { what: 'link ID spelled non-canonically', token: () => respelled, expect: [400] },
    { what: 'upper-cased', token: a => someToken(a).toUpperCase(), expect: [400, 403] },
    { what: 'surrounded by blanks', token: a => ` ${someToken(a)} `, expect: [400] },
    { what: 'followed by a line break', token: a => `${someToken(a)}\n`, expect: [400] },
    { what: 'followed by NUL', token: a => `${someToken(a)}\u0000`, expect: [400] },
    { what: 'dots percent-encoded', token: a => someToken(a).replace(/\./g, '%2E'), expect: [400] },
    { what: 'with base64 padding', token: a => `${someToken(a)}==`, expect: [400] },
    { what: 'the hash of a token', token: a => createHash('sha256').update(someToken(a)).digest('hex'), expect: [400] },
    { what: 'expiry overflowing', token: a => { const [i, , s] = someToken(a).split('.'); return `${i}.zzzzzzzzzz.${s}` }, expect: [400, 403] },
    { what: 'three dots only', token: () => '...', expect: [400] },
    { what: 'empty', token: () => '', expect: [400] },
    { what: 'missing', token: () => undefined, expect: [400] },
    { what: 'null', token: () => null, expect: [400] },
    { what: 'a number', token: () => 42, expect: [400] },
    { what: 'a huge number', token: () => 1e308, expect: [400] },
    { what: 'a boolean', token: () => true, expect: [400] },
    { what: 'an array with the valid token', token: a => [validToken(a)], expect: [400] },
    { what: 'an object with the valid token', token: a => ({ token: validToken(a) }), expect: [400] },
    { what: '10,000 characters', token: () => LONG, expect: [400] },
    { what: 'SQL', token: () => "' OR 1=1 --", expect: [400] },
    { what: 'markup', token: () => '<script>alert(document.cookie)</script>', expect: [400] },
    { what: 'emoji', token: () => '😀'.repeat(40), expect: [400] },
    { what: 'NUL', token: () => '\u0000', expect: [400] },
  ]
  const tokenCase = (t: (typeof tokenCases)[number], action: Action) => {
    const token = t.token(action)
    return post('token', `token ${t.what}`, action, { ...(token !== undefined && { token }), ...validFields(action) }, typeof t.expect === 'function' ? t.expect(action) : t.expect)
  }
  for (const t of tokenCases) for (const action of ACTIONS) add(tokenCase(t, action))

  // --- An account link (and an invoice link) naming what it may not act on, or nothing where it must name something
  const a = f.account
  const accountCases: [string, Action, Record<string, unknown>, number[]][] = [
    ...INVOICE_ACTIONS.flatMap((action): [string, Action, Record<string, unknown>, number[]][] => [
      ['account link, an invoice of another customer', action, { token: a.token, invoice: a.foreignInvoice }, [404]],
      ['account link, an invoice that does not exist', action, { token: a.token, invoice: '99999999' }, [404]],
      ['expired account link', action, { token: a.expired, invoice: a.foreignInvoice }, [410]],
      ['revoked account link', action, { token: a.revoked, invoice: a.foreignInvoice }, [410]],
      ['invoice link, another invoice named', action, { token: validToken(action), invoice: f.otherInvoice }, [404]],
      ...(action === 'view' ? [] : ([['account link, no invoice named', action, { token: a.token }, [400]]] as [string, Action, Record<string, unknown>, number[]][])),
    ]),
    ['account link, no statement named', 'statementPdf', { token: a.token }, [400]],
    ['account link, a statement of another customer', 'statementPdf', { token: a.token, statement: a.foreignStatement }, [404]],
    ['account link, a statement that does not exist', 'statementPdf', { token: a.token, statement: random.uuid() }, [404]],
    ['statement link, another statement named', 'statementPdf', { token: validToken('statementPdf'), statement: random.uuid() }, [404]],
    ...(['statement', 'confirmStatement', 'disagreeWithStatement', 'answerSurvey'] as const).map((action): [string, Action, Record<string, unknown>, number[]] => [
      'account link, for the answers to a statement or a survey',
      action,
      { token: a.token },
      [403],
    ]),
  ]
  for (const [what, action, fields, expect] of accountCases) add(post('token', what, action, { ...validFields(action), ...fields }, expect))

  // --- A valid link and valid fields, but the invoice takes no promise or payment report (any more)
  const stateCases: [string, string][] = [
    ['with an open promise and a reported payment', f.committed],
    ['cleared', f.cleared],
  ]
  const accountStateCases: [string, string, string][] = [
    ['with an open promise and a reported payment', f.committedAccount, f.committedInvoice],
    ['cleared', f.clearedAccount, f.clearedInvoice],
  ]
  for (const [what, token] of stateCases)
    for (const action of ['promiseToPay', 'reportPayment'] as const) add(post('state', `invoice ${what}`, action, { token, ...validFields(action) }, [409]))
  for (const [what, token, invoice] of accountStateCases)
    for (const action of ['promiseToPay', 'reportPayment'] as const) add(post('state', `invoice ${what}, through the account`, action, { token, invoice, ...validFields(action) }, [409]))

  // --- A valid link with malformed fields: must be 400, and change nothing
  type Mutation = { what: string; apply: (body: Record<string, unknown>) => void }
  const set = (field: string, value: unknown, what = `${field} = ${preview(value)}`): Mutation => ({ what, apply: body => void (body[field] = value) })
  const drop = (field: string): Mutation => ({ what: `${field} missing`, apply: body => void delete body[field] })
  const lines = (what: string, value: unknown): Mutation => ({ what: `lines ${what}`, apply: body => void (body.lines = value) })
  const [i10, i20] = f.items
  const unknownInvoice = set('invoice', '90000001', 'unknown property invoice')
  // invoice is a parameter of the actions about an invoice (which invoice, for an account link): not unknown there.
  const extrasOf = (action: Action) => (takesInvoice(action) ? extras : [...extras, unknownInvoice])
  const extras: Mutation[] = [
    set('foo', 1, 'unknown property foo'),
    set('status', 'Closed', 'unknown property status'),
    set('ID', '00000000-0000-4000-8000-000000000000', 'unknown property ID'),
    set('raisedBy', 'evil@example.com', 'unknown property raisedBy'),
    set('contactEmail', 'evil@example.com', 'unknown property contactEmail'),
    set('purpose', 'survey', 'unknown property purpose'),
    set('Token', 'x', 'unknown property Token'),
    set('', 'x', 'unknown property with an empty name'),
  ]
  const malformed: Record<Action, Mutation[]> = {
    view: [...extrasOf('view'), set('$select', 'token', 'unknown property $select')],
    confirm: [...extrasOf('confirm'), set('note', 'thanks', 'unknown property note'), set('confirmedAt', '2020-01-01T00:00:00Z', 'unknown property confirmedAt')],
    dispute: [
      ...extrasOf('dispute'),
      drop('reason'),
      ...['bogus', 'WRONGPRICE', 'wrongprice', 'wrongPrice ', ' other', 'other\u0000', '', '   ', "wrongPrice' OR '1'='1", '<script>alert(1)</script>', LONG, 'wrongPrice,other', 'Open'].map(v => set('reason', v)),
      ...[5, -1, 1e308, true, false, null, [], ['other'], {}, { $in: REASONS }].map(v => set('reason', v)),
      ...['x'.repeat(2001), LONG, 'a\u0000b', '\u0001\u0002\u0003\u0007\u0008'].map(v => set('comment', v)),
      ...[5, true, [], ['a'], {}, { text: 'a' }].map(v => set('comment', v)),
      ...[-1, -0.001, 1e308, -1e308, 'NaN', 'Infinity', '-Infinity', '1e400', 'abc', '12,50', '1.2.3', '0x10', true, false, [], [1], {}, { value: 1 }].map(v => set('amount', v)),
      set('amount', f.aboveGross, 'amount above the gross amount'),
      set('amount', 99999999999999, 'amount far above the gross amount'),
      lines('a string', 'abc'),
      lines('a number', 5),
      lines('true', true),
      lines('an object', { item: i10 }),
      lines('[null]', [null]),
      lines('[5]', [5]),
      lines('[item as a bare string]', [i10]),
      lines('[{}]', [{}]),
      lines('[[]]', [[]]),
      lines('item null', [{ item: null }]),
      lines('item a number', [{ item: Number(i10) }]),
      lines('item an array', [{ item: [i10] }]),
      lines('item unknown', [{ item: '999999' }]),
      lines('item unknown (SQL)', [{ item: "' OR 1=1" }]),
      lines('item unknown (markup)', [{ item: '<b>' }]),
      lines('item unknown (NUL)', [{ item: `${i10}\u0000` }]),
      lines('item too long', [{ item: 'x'.repeat(7) }]),
      lines('item 10,000 characters', [{ item: LONG }]),
      lines('item duplicated', [{ item: i10 }, { item: i10 }]),
      lines('item duplicated with amounts', [{ item: i10, amount: 1 }, { item: i20 }, { item: i10, quantity: 1 }]),
      lines('item duplicated 2,000 times', Array.from({ length: 2000 }, () => ({ item: i10 }))),
      lines('amount negative', [{ item: i10, amount: -1 }]),
      lines('amount above the line', [{ item: i10, amount: f.aboveLineAmount }]),
      lines('amount 1e308', [{ item: i10, amount: 1e308 }]),
      lines('amount NaN', [{ item: i10, amount: 'NaN' }]),
      lines('amount a boolean', [{ item: i10, amount: true }]),
      lines('quantity negative', [{ item: i10, quantity: -1 }]),
      lines('quantity above the line', [{ item: i20, quantity: f.aboveLineQuantity }]),
      lines('quantity Infinity', [{ item: i10, quantity: 'Infinity' }]),
      lines('quantity an object', [{ item: i10, quantity: {} }]),
      lines('with an unknown property', [{ item: i10, bogus: 1 }]),
      lines('with the dispute ID', [{ item: i10, dispute_ID: '00000000-0000-4000-8000-000000000000' }]),
    ],
    proposeContact: [
      ...extrasOf('proposeContact'),
      drop('name'),
      drop('email'),
      ...['', '   ', '\t\n', 'x'.repeat(82), LONG, 'a\u0000b', '\u0000', '\u0001\u0002\u0003\u0007\u0008'].map(v => set('name', v)),
      ...[5, -1, true, false, null, [], ['Erika'], {}, { first: 'Erika' }].map(v => set('name', v)),
      ...[
        '',
        '   ',
        'plainaddress',
        '@example.com',
        'erika@',
        'erika@kunde',
        'erika@kunde.',
        'erika mustermann@kunde.example',
        ' erika@kunde.example',
        'erika@kunde.example\n',
        '<erika@kunde.example>',
        'Erika <erika@kunde.example>',
        'erika@kunde.example, evil@example.com',
        'erika@kunde.example;evil@example.com',
        'erika@@kunde.example',
        '"erika"@kunde.example',
        'erika@kunde..example',
        'erika@.kunde.example',
        'erika@kunde.example\u0000',
        'erika\u0000@kunde.example',
        `${'x'.repeat(240)}@kunde.example`,
        `${LONG}@kunde.example`,
        "erika@kunde.example' OR '1'='1",
        '<script>@kunde.example',
        'erika@kunde.example\r\nBcc: evil@example.com',
      ].map(v => set('email', v)),
      ...[5, true, null, [], ['erika@kunde.example'], {}, { address: 'erika@kunde.example' }].map(v => set('email', v)),
    ],
    statement: [...extrasOf('statement'), set('statement', '00000000-0000-4000-8000-000000000000', 'unknown property statement')],
    statementPdf: [...extrasOf('statementPdf'), set('fileName', 'x.pdf', 'unknown property fileName')],
    confirmStatement: [...extrasOf('confirmStatement'), set('customerBalance', '60.000', 'unknown property customerBalance (of disagreeWithStatement)'), set('answeredBy', 'evil@example.com', 'unknown property answeredBy')],
    disagreeWithStatement: [
      ...extrasOf('disagreeWithStatement'),
      { what: 'nothing said (no lines, balance or comment)', apply: body => void ['lines', 'customerBalance', 'comment'].forEach(field => delete body[field]) },
      { what: 'only a file', apply: body => void (['lines', 'customerBalance', 'comment'].forEach(field => delete body[field]), Object.assign(body, { attachmentName: 'a.pdf', attachment: PDF_BASE64 })) },
      ...['12.3456', '0.0001', '100000000000000', '-100000000000000.001', '1'.repeat(35), '1e3', '1e400', 'NaN', 'Infinity', 'abc', '12,50', '€5', ' 5', ''].map(v => set('customerBalance', v)),
      ...[1e15, -1e15, 1e308, 0.0001, true, false, [], [5], {}, { value: 5 }].map(v => set('customerBalance', v)),
      ...['x'.repeat(2001), LONG, 'a\u0000b', '\u0001\u0002\u0003\u0007\u0008'].map(v => set('comment', v)),
      ...[5, true, [], ['a'], {}].map(v => set('comment', v)),
      lines('a string', 'abc'),
      lines('a number', 5),
      lines('an object', { lineNo: 1, reason: 'other' }),
      lines('[null]', [null]),
      lines('[{}]', [{}]),
      lines('[1]', [1]),
      lines('lineNo missing', [{ reason: 'other' }]),
      lines('reason missing', [{ lineNo: 1 }]),
      lines('reason null', [{ lineNo: 1, reason: null }]),
      lines('reason unknown', [{ lineNo: 1, reason: 'bogus' }]),
      lines('reason a number', [{ lineNo: 1, reason: 5 }]),
      lines('lineNo unknown', [{ lineNo: 99, reason: 'other' }]),
      lines('lineNo 0', [{ lineNo: 0, reason: 'other' }]),
      lines('lineNo negative', [{ lineNo: -1, reason: 'other' }]),
      lines('lineNo as text', [{ lineNo: '1', reason: 'other' }]),
      lines('lineNo not whole', [{ lineNo: 1.5, reason: 'other' }]),
      lines('lineNo 1e308', [{ lineNo: 1e308, reason: 'other' }]),
      lines('lineNo duplicated', [{ lineNo: 1, reason: 'other' }, { lineNo: 1, reason: 'duplicate' }]),
      lines('lineNo duplicated 2,000 times', Array.from({ length: 2000 }, () => ({ lineNo: 1, reason: 'other' }))),
      lines('comment too long', [{ lineNo: 1, reason: 'other', comment: 'x'.repeat(2001) }]),
      lines('comment with NUL', [{ lineNo: 1, reason: 'other', comment: 'a\u0000b' }]),
      lines('with the dispute ID', [{ lineNo: 1, reason: 'other', dispute_ID: '00000000-0000-4000-8000-000000000000' }]),
      lines('with flagged', [{ lineNo: 1, reason: 'other', flagged: true }]),
      ...['', 'not base64!', 'QUJD', HTML_BASE64, `${PDF_BASE64}\n`, 'A'.repeat(1001)].map(v => set('attachment', v, `attachment = ${preview(v)}`)),
      ...[5, true, [], {}, { content: PDF_BASE64 }].map(v => set('attachment', v)),
      ...['x'.repeat(256), 'a\u0000b.pdf', 'a\nb.pdf', 5, [], {}].map(v => set('attachmentName', v)),
    ],
    answerSurvey: [
      ...extrasOf('answerSurvey'),
      drop('csat'),
      ...[null, 0, 6, -1, 4.5, 1.0000001, 1e308, -1e308, 2 ** 31, 2 ** 53 + 2, 'NaN', 'Infinity', '3', ' 3', '3abc', '', 'abc', true, false, [], [3], {}, { value: 3 }].map(v => set('csat', v)),
      ...[-1, 11, 3.5, 1e308, 'NaN', '7', true, [], [7], {}].map(v => set('nps', v)),
      ...['x'.repeat(1001), LONG, 'a\u0000b', '\u0001\u0002\u0003\u0007\u0008', 5, true, [], {}].map(v => set('comment', v)),
    ],
    promiseToPay: [
      ...extrasOf('promiseToPay'),
      set('paidOn', paidDay, 'unknown property paidOn (of reportPayment)'),
      set('reference', 'RF18 5390 0754 7034', 'unknown property reference (of reportPayment)'),
      drop('promisedDate'),
      ...notADay(promiseDay).map(v => set('promisedDate', v)),
      // Two days after the window's last, not one: the day may turn while the requests go out, and the window with it.
      ...[addDays(today, -1), addDays(latest, 2), addDays(latest, 365), '9999-12-31', ...FAR_PAST].map(v => set('promisedDate', v)),
      ...NOT_AN_AMOUNT.map(v => set('amount', v)),
      set('amount', f.aboveOpen, 'amount above the open amount'),
      set('amount', 99999999999999, 'amount far above the open amount'),
    ],
    reportPayment: [
      ...extrasOf('reportPayment'),
      set('promisedDate', promiseDay, 'unknown property promisedDate (of promiseToPay)'),
      drop('paidOn'),
      drop('amount'),
      ...notADay(paidDay).map(v => set('paidOn', v)),
      // The day after tomorrow, not tomorrow: the day may turn while the requests go out.
      ...[addDays(today, 2), addDays(today, 365), '9999-12-31', ...FAR_PAST].map(v => set('paidOn', v)),
      // No amount above the open amount: a customer may have paid more, and the service takes that.
      ...[null, ...NOT_AN_AMOUNT].map(v => set('amount', v)),
      ...['x'.repeat(36), LONG, 'a\u0000b', '\u0001\u0002\u0003\u0007\u0008', 'RF18\nBcc: evil@example.com', 'RF18\r\n', 'RF18\t5390'].map(v => set('reference', v)),
      ...[5, 123456, true, false, [], ['RF18'], {}, { text: 'RF18' }].map(v => set('reference', v)),
    ],
  }
  const validTokenCase = (action: Action, mutations: Mutation[]) => {
    // A view may come with a survey link as well as with an invoice link; an invoice's action with its customer's
    // account link, naming it.
    const roll = random.next()
    const viaAccount = takesInvoice(action) && roll < 0.3
    const token = viaAccount ? placeholder('account') : action === 'view' && roll < 0.5 ? placeholder('survey') : validToken(action)
    const body: Record<string, unknown> = { token, ...(viaAccount && { invoice: ACCOUNT_INVOICE }), ...validFields(action) }
    if (action === 'dispute' && chance(0.3)) body.comment = 'Der Preis stimmt nicht.'
    for (const m of mutations) m.apply(body)
    return post('validToken', `valid ${viaAccount ? 'account ' : ''}link, ${mutations.map(m => m.what).join(', ')}`, action, body, [400])
  }
  for (const action of ACTIONS) for (const m of malformed[action]) add(validTokenCase(action, [m]))

  // --- HTTP: methods, content types, encodings, JSON syntax, size, nesting, paths, each with a valid link and body
  const validBody = (action: Action) => json({ token: validToken(action), ...validFields(action) })
  type Group = 'method' | 'contentType' | 'invalidJson' | 'huge' | 'nested' | 'path'
  const groups: Record<Group, (() => Case)[]> = { method: [], contentType: [], invalidJson: [], huge: [], nested: [], path: [] }

  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'PURGE', 'REPORT', 'MERGE', 'LINK', 'UNLINK'])
    groups.method.push(() => {
      const action = pick(ACTIONS)
      const withBody = !['GET', 'HEAD', 'TRACE'].includes(method) || chance(0.3)
      return { kind: 'method', what: `method ${method}`, method, path: `/rest/respond/${action}`, headers: { ...JSON_TYPE }, ...(withBody && { body: validBody(action) }) }
    })

  const contentTypes: [string | undefined, number[]][] = [
    [undefined, [400, 415]],
    ['text/plain', [415]],
    ['text/plain; charset=utf-8', [415]],
    ['application/x-www-form-urlencoded', [415]],
    ['multipart/form-data; boundary=x', [415]],
    ['application/xml', [415]],
    ['text/html', [415]],
    ['application/jsonp', [415]],
    ['application/x-json', [415]],
    ['application/json-patch+json', [415]],
    ['application/merge-patch+json', [415]],
    ['application/json, text/plain', [415]],
    ['application/json;', [415]],
    ['application/json; charset=utf-16', [400, 415]],
    ['application/json; charset=klingon', [400, 415]],
    ['*/*', [415]],
    ['application', [415]],
    ['json', [415]],
    [';;;', [415]],
    ['x'.repeat(5000), [415]],
  ]
  for (const [type, expect] of contentTypes)
    groups.contentType.push((): Case => {
      const action = pick(ACTIONS)
      return { kind: 'contentType', what: `content type ${type === undefined ? 'missing' : preview(type)}`, method: 'POST', path: `/rest/respond/${action}`, headers: type === undefined ? {} : { 'content-type': type }, body: validBody(action), expect }
    })
  const encodings: [string, (body: string) => Buffer, number[]][] = [
    ['gzip', body => Buffer.from(body), [400, 415]],
    ['deflate', body => Buffer.from(body), [400, 415]],
    ['br', body => Buffer.from(body), [400, 415]],
    ['compress', body => gzipSync(body), [415]],
    ['xz', body => Buffer.from(body), [415]],
    ['gzip, gzip', body => gzipSync(gzipSync(body)), [400, 415]],
  ]
  for (const [encoding, encode, expect] of encodings)
    groups.contentType.push(() => {
      const action = pick(ACTIONS)
      return { kind: 'contentType', what: `content encoding ${encoding}, body not so encoded`, method: 'POST', path: `/rest/respond/${action}`, headers: { ...JSON_TYPE, 'content-encoding': encoding }, body: encode(concrete(validBody(action))), expect }
    })

  const invalidJson: [string, (body: string, token: string) => string | Buffer][] = [
    ['missing closing brace', body => body.slice(0, -1)],
    ['trailing comma', body => `${body.slice(0, -1)},}`],
    ['single quotes', (_, token) => `{'token':'${token}'}`],
    ['unquoted key', (_, token) => `{token:"${token}"}`],
    ['trailing garbage', body => `${body}x`],
    ['two documents', body => `${body}${body}`],
    ['trailing NUL', body => `${body}\u0000`],
    ['raw control character in a string', (_, token) => `{"token":"${token}\u0001"}`],
    ['raw line break in a string', (_, token) => `{"token":"${token}\n"}`],
    ['invalid escape', (_, token) => `{"token":"${token}\\x41"}`],
    ['comment', body => `/* hi */${body}`],
    ['NaN literal', (_, token) => `{"token":"${token}","csat":NaN}`],
    ['undefined literal', () => 'undefined'],
    ['invalid UTF-8', (_, token) => Buffer.concat([Buffer.from(`{"token":"${concrete(token)}`), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')])],
    ['UTF-16 body', body => Buffer.from(concrete(body), 'utf16le')],
    ['only whitespace', () => ' \n\t '],
    ['a lone brace', () => '{'],
    ['a lone colon', () => ':'],
    ['the token without the braces', (_, token) => `"token":"${token}"`],
    ['the token as a JSON string', (_, token) => json(token)],
    ['an array of the body', body => `[${body}]`],
    ['a number', () => '42'],
    ['null', () => 'null'],
    ['true', () => 'true'],
    ['the valid token, then a malformed one under the same key', (_, token) => `{"token":"${token}","token":"garbage"}`],
    ['__proto__ property', (_, token) => `{"token":"${token}","__proto__":{"admin":true}}`],
    ['constructor.prototype property', (_, token) => `{"token":"${token}","constructor":{"prototype":{"admin":true}}}`],
  ]
  for (const [what, make] of invalidJson)
    groups.invalidJson.push(() => {
      const action = pick(ACTIONS)
      const token = validToken(action)
      return { kind: 'invalidJson', what: `body: ${what}`, method: 'POST', path: `/rest/respond/${action}`, headers: { ...JSON_TYPE }, body: make(validBody(action), token), expect: [400], payload: { token } }
    })

  const MB2 = 2 * 1024 * 1024
  const huge: [string, (action: Action) => Partial<Case>][] = [
    ['2 MB JSON with the valid token', a => ({ body: json({ token: validToken(a), ...validFields(a), pad: 'x'.repeat(MB2) }) })],
    ['2 MB JSON, chunked', a => ({ body: json({ token: validToken(a), ...validFields(a), pad: 'x'.repeat(MB2) }), chunked: true })],
    ['2 MB comment', a => ({ body: json({ token: validToken(a), ...validFields(a), comment: 'y'.repeat(MB2) }) })],
    ['2 MB token', () => ({ body: json({ token: 't'.repeat(MB2) }) })],
    ['2 MB of blanks around the body', a => ({ body: `${' '.repeat(MB2)}${validBody(a)}` })],
    ['2 MB of garbage', () => ({ body: Buffer.alloc(MB2, 0x41) })],
    ['2 MB of garbage, text/plain', () => ({ body: Buffer.alloc(MB2, 0x41), headers: { 'content-type': 'text/plain' } })],
    ['110 kB JSON, just over a 100 kB limit', a => ({ body: json({ token: validToken(a), ...validFields(a), pad: 'x'.repeat(110 * 1024) }) })],
    ['gzip bomb: 3 MB of JSON in a few kB', a => ({ body: gzipSync(concrete(json({ token: validToken(a), ...validFields(a), pad: ' '.repeat((3 * MB2) / 2) }))), headers: { ...JSON_TYPE, 'content-encoding': 'gzip' } })],
    ['20,000 lines', () => ({ body: json({ token: validToken('dispute'), reason: 'other', lines: Array.from({ length: 20_000 }, (_, i) => ({ item: String(i) })) }) })],
  ]
  for (const [what, make] of huge)
    groups.huge.push(() => {
      const action: Action = what.includes('lines') ? 'dispute' : pick(ACTIONS)
      return { kind: 'huge', what, method: 'POST', path: `/rest/respond/${action}`, headers: { ...JSON_TYPE }, ...make(action), expect: [400, 413, 415] }
    })

  const deep = (depth: number, open: string, inner: string, close: string) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`
  const nested: [string, Action | undefined, (token: string) => string][] = [
    ['the body nested 45,000 arrays deep', undefined, () => deep(45_000, '[', '', ']')],
    ['the body nested 12,000 objects deep', undefined, () => deep(12_000, '{"a":', '1', '}')],
    ['the token nested 40,000 arrays deep', undefined, () => `{"token":${deep(40_000, '[', '"x"', ']')}}`],
    ['the token nested 12,000 objects deep', undefined, () => `{"token":${deep(12_000, '{"t":', '"x"', '}')}}`],
    ['an extra property nested 40,000 arrays deep, with the valid token', undefined, token => `{"token":"${token}","x":${deep(40_000, '[', '', ']')}}`],
    ['lines nested 40,000 arrays deep, with the valid token', 'dispute', token => `{"token":"${token}","reason":"other","lines":${deep(40_000, '[', '', ']')}}`],
    ['a line nested 10,000 objects deep, with the valid token', 'dispute', token => `{"token":"${token}","reason":"other","lines":[${deep(10_000, '{"item":', '"10"', '}')}]}`],
    ['the comment nested 40,000 arrays deep, with the valid token', 'dispute', token => `{"token":"${token}","reason":"other","comment":${deep(40_000, '[', '"x"', ']')}}`],
  ]
  for (const [what, only, make] of nested)
    groups.nested.push(() => {
      const action = only ?? pick(ACTIONS)
      const token = validToken(action)
      return { kind: 'nested', what, method: 'POST', path: `/rest/respond/${action}`, headers: { ...JSON_TYPE }, body: make(token), expect: [400, 413], payload: { token } }
    })

  // Unknown paths with a valid body; and the token in the URL (never accepted there) with none in the body.
  const paths: [string, (action: Action, token: string) => string, boolean][] = [
    ['unknown action', () => `/rest/respond/${pick(UNKNOWN_ACTIONS)}`, true],
    ['action in capitals', a => `/rest/respond/${a.toUpperCase()}`, true],
    ['action with a suffix', a => `/rest/respond/${a}x`, true],
    ['action with a path segment after it', a => `/rest/respond/${a}/x`, true],
    ['action with a percent-encoded NUL', a => `/rest/respond/${a}%00`, true],
    ['action with an invalid percent escape', a => `/rest/respond/${a}%zz`, true],
    ['action bound to an entity that does not exist', a => `/rest/respond/Invoices('90000001')/${a}`, true],
    ['an encoded slash and dot segment', a => `/rest/respond/..%2F${a}`, true],
    ['$batch', () => '/rest/respond/$batch', true],
    ['$metadata', () => '/rest/respond/$metadata', true],
    ['an encoded script tag', () => '/rest/respond/%3Cscript%3Ealert(1)%3C%2Fscript%3E', true],
    ['SQL', () => "/rest/respond/view'%20OR%201=1--", true],
    ['10,000 characters', () => `/rest/respond/${'a'.repeat(10_000)}`, true],
    ['percent-encoded emoji', () => `/rest/respond/${encodeURIComponent('😀')}`, true],
    ['the token only as an action argument', (a, t) => `/rest/respond/${a}(token='${t}')`, false],
    ['the token only as a query parameter', (a, t) => `/rest/respond/${a}?token=${t}`, false],
    ['the token only as a path segment', (a, t) => `/rest/respond/${a}/${t}`, false],
  ]
  for (const [what, make, withBody] of paths)
    groups.path.push(() => {
      const action = pick(ACTIONS)
      const token = validToken(action)
      const { token: _, ...fields } = JSON.parse(validBody(action)) as Record<string, unknown>
      return {
        kind: 'path',
        what: `path: ${what}`,
        method: 'POST',
        path: make(action, token),
        headers: { ...JSON_TYPE },
        body: withBody ? validBody(action) : json(fields),
        expect: withBody ? [400, 404, 405, 414] : [400, 404],
        payload: { token },
      }
    })
  // Every HTTP malformation once; more of them at random below.
  for (const make of Object.values(groups).flat()) add(make())

  // --- At random: any action (or none), a wrong token, fields valid, wrong or absent, extra properties
  const FIELDS: Record<Action, string[]> = {
    view: [],
    confirm: [],
    dispute: ['reason', 'comment', 'lines', 'amount'],
    proposeContact: ['name', 'email'],
    promiseToPay: ['promisedDate', 'amount'],
    reportPayment: ['paidOn', 'amount', 'reference'],
    answerSurvey: ['csat', 'nps', 'comment'],
    statement: [],
    statementPdf: [],
    confirmStatement: [],
    disagreeWithStatement: ['lines', 'customerBalance', 'comment', 'attachmentName', 'attachment'],
  }
  const randomCase = (): Case => {
    const unknown = chance(0.12)
    const action = unknown ? undefined : pick(ACTIONS)
    const name = action ?? pick(UNKNOWN_ACTIONS)
    const body: Record<string, unknown> = {}
    // An unknown action is wrong whatever the token; a known one gets a wrong token, or none.
    if (!action) body.token = chance(0.5) ? validToken(pick(ACTIONS)) : pick(WEIRD_VALUES)
    else if (chance(0.9)) body.token = chance(0.5) ? pick(tokenCases).token(action) : pick(WEIRD_VALUES)
    if (body.token === undefined) delete body.token
    const valid = action ? validFields(action) : {}
    for (const field of action ? FIELDS[action] : []) {
      const roll = random.next()
      if (roll < 0.3) continue
      if (roll < 0.55 && field in valid) body[field] = valid[field]
      else if (field === 'lines' && chance(0.5))
        body.lines = Array.from({ length: 1 + int(4) }, () => ({
          item: chance(0.5) ? pick(WEIRD_VALUES) : String(10 * (1 + int(3))),
          ...(chance(0.5) && { amount: pick(WEIRD_VALUES) }),
          ...(chance(0.3) && { quantity: pick(WEIRD_VALUES) }),
        }))
      else body[field] = pick(WEIRD_VALUES)
    }
    if (chance(0.2)) body[pick(['foo', 'status', 'invoice', 'isAdmin', '$expand', 'constructor', 'toString', '😀', 'a'.repeat(300)])] = pick(WEIRD_VALUES)
    const headers: Record<string, string> = { ...JSON_TYPE }
    if (chance(0.2)) headers['x-forwarded-for'] = `${int(256)}.${int(256)}.${int(256)}.${int(256)}`
    if (chance(0.15)) headers.accept = pick(['text/html', 'application/xml', '*/*', 'image/png', 'application/json;q=0'])
    if (chance(0.05)) headers['accept-language'] = pick(['de-DE', 'zh-CN', 'xx', '*', 'a'.repeat(500)])
    return { kind: 'random', what: action ? 'wrong token, random fields' : `unknown action ${name}`, method: 'POST', path: `/rest/respond/${name}`, headers, body: json(body), payload: body, ...(!action && { expect: [400, 404, 405] }) }
  }

  // --- A valid link with malformed values in one to three fields at once
  const severalMalformed = (): Case => {
    const action = pick(['dispute', 'dispute', 'proposeContact', 'promiseToPay', 'reportPayment', 'answerSurvey', 'view', 'confirm', 'disagreeWithStatement', 'disagreeWithStatement', 'confirmStatement'] as const)
    const chosen = new Map<string, Mutation>()
    for (let n = 1 + int(3), tries = 0; chosen.size < n && tries < 20; tries++) {
      const m = pick(malformed[action])
      chosen.set(m.what.startsWith('unknown property') ? m.what : m.what.split(' ')[0], m)
    }
    return validTokenCase(action, [...chosen.values()])
  }

  while (cases.length < REQUESTS) {
    const roll = random.next()
    if (roll < 0.38) add(randomCase())
    else if (roll < 0.62) add(severalMalformed())
    else if (roll < 0.75) add(tokenCase(pick(tokenCases), pick(ACTIONS)))
    // Two-megabyte bodies are a few, not a tenth of the run.
    else add(pick(groups[pick(['method', 'method', 'contentType', 'contentType', 'invalidJson', 'invalidJson', 'path', 'path', 'nested', 'huge'] as const)])())
  }
  return random.shuffle(cases)
}
