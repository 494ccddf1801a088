/**
 * S/4HANA simulator: a real HTTP server that speaks OData V2 like SAP Gateway for the external APIs
 * modelled in srv/external/*.cds (read generically from the CSN), with CSRF, ETags, server-driven
 * paging, fault injection and simulated changes. Used by `npm start` (development), by tests (over a
 * real socket) and by benchmarks (standalone process, see cli.ts).
 *
 *   const sim = createSimulator({ pageSize: 5 })
 *   const url = await sim.listen(0)   // http://127.0.0.1:<port>
 *   …/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument?$top=2
 *   await sim.close()
 */
import http from 'node:http'
import crypto from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { buildModel, loadCsn, type ApiModel, type EntityInfo, type FunctionInfo, type NavInfo, type ServiceInfo } from './model'
import { Store, runQuery } from './store'
import { ODataError, badRequest, notFound } from './errors'
import {
  compileComparator, compileFilter, parseKeyPredicate, parseNonNegative, parseOrderBy, parseParameter, parseProjection, type Row,
} from './odata-query'
import { Serializer, complexValue, entityUri, gatewayError, OMIT } from './v2-json'
import { buildMetadata } from './metadata'
import { etagValue, formatTime, fromPayload, isoDate, jsonValue, wireValue } from './edm-values'
import { Faults, type FaultDecision, type FaultSettings } from './faults'
import { Attachments } from './attachments'
import { ChangeSimulator, type KeyInput } from './changes'
import { BusinessEvents, type BusinessEventOptions, type BusinessObject, type Operation } from './events'
import { Writer } from './writes'
import { generate, Rng, type GeneratorOptions } from './data-generator'
// The app's PDF module, shared with the write-back's receipts: the simulator is this app's workspace package and
// simulates its contracts (srv/external), so it reads the app's sources but the app never imports the simulator.
import { renderPdf } from '../srv/documents/pdf'

export { OMIT }
export type { FaultSettings, KeyInput }

export interface SimulatorOptions extends GeneratorOptions {
  /** CDS files with the @cds.external services (default: srv/external/API_*.cds) */
  cdsFiles?: string[]
  /** or an already compiled CSN */
  csn?: { definitions: Record<string, unknown> }
  /** false: start with empty entity sets */
  data?: boolean
  /** server-driven paging: rows per response before __next (default 1000) */
  pageSize?: number
  faults?: Partial<FaultSettings>
  /** CSRF protection for modifying requests (default true) */
  csrf?: boolean
  /** bind address for listen() (default 127.0.0.1) */
  host?: string
  /** ring buffer size of sim.requests (default 10000) */
  maxLogEntries?: number
  /** business object types that take attachments (default BUS2032 sales order and BUS1006 business partner; add VBRK, KNA1) */
  attachmentObjectTypes?: string[]
  /** Sends S/4HANA business events for the changes (events.ts); none without. */
  events?: BusinessEventOptions
}

/**
 * The documents whose changes S/4HANA announces, by entity set, with the key the event carries and the operations
 * it has events for (sales orders have Deleted; billing documents are cancelled, not deleted). A change to a row of
 * another set is announced as a change of the document that owns it, if any.
 */
const ANNOUNCED: Record<string, { object: BusinessObject; operations: Operation[]; key(row: Row, store: Store): string | undefined }> = {
  A_BillingDocument: { object: 'BillingDocument', operations: ['Created', 'Changed'], key: row => row.BillingDocument as string },
  A_SalesOrder: { object: 'SalesOrder', operations: ['Created', 'Changed', 'Deleted'], key: row => row.SalesOrder as string },
  A_BusinessPartner: { object: 'BusinessPartner', operations: ['Created', 'Changed'], key: row => row.BusinessPartner as string },
  A_Customer: {
    object: 'BusinessPartner',
    operations: ['Created', 'Changed'],
    key: (row, store) => store.table('A_BusinessPartner').lookup(['Customer'], [row.Customer])[0]?.BusinessPartner as string | undefined,
  },
}

export interface RequestLogEntry {
  method: string
  url: string
  path: string
  /** HTTP status sent; 0 = connection dropped (fault) */
  status: number
  /** when the request came in (Date.now()); with durationMs, the time S/4 was busy with it */
  startedAt: number
  durationMs: number
  /** drop: no answer, nothing done; lost: done, answer lost; late: done, answer held back */
  fault?: 'drop' | 'error' | 'lost' | 'late'
  headers: Record<string, string>
}

const LOGGED_HEADERS = ['x-csrf-token', 'if-match', 'content-type', 'accept', 'x-http-method', 'sap-client']
const SYSTEM_OPTIONS = new Set(['$filter', '$select', '$expand', '$orderby', '$top', '$skip', '$skiptoken', '$inlinecount', '$format', '$search'])
const SESSION_COOKIE = 'SAP_SESSIONID_SIM'
const JSON_TYPE = 'application/json; charset=utf-8'

type Target =
  | { kind: 'collection'; entity: EntityInfo; candidates: Row[] | null; via?: { nav: NavInfo; parent: Row } }
  | { kind: 'entity'; entity: EntityInfo; row: Row }
  | { kind: 'property'; entity: EntityInfo; row: Row; prop: string; raw: boolean }
  | { kind: 'count'; entity: EntityInfo; candidates: Row[] | null }

interface Ctx {
  req: http.IncomingMessage
  res: http.ServerResponse
  url: URL
  service: ServiceInfo
  root: string
  method: string
}

export class Simulator {
  readonly model: ApiModel
  readonly store: Store
  readonly faults: Faults
  readonly changes: ChangeSimulator
  readonly attachments: Attachments
  /** The business events this simulator sends, when options.events says where to. */
  readonly events?: BusinessEvents
  /** request log (newest last, bounded) */
  readonly requests: RequestLogEntry[] = []
  pageSize: number
  csrf: boolean
  private serializer: Serializer
  private writer: Writer
  private server?: http.Server
  private sockets = new Set<import('node:net').Socket>()
  private sessions = new Map<string, string>()
  private maxLog: number
  private baseUrl = ''

  constructor(private options: SimulatorOptions = {}) {
    this.model = buildModel((options.csn as never) ?? loadCsn(options.cdsFiles))
    this.store = new Store(this.model)
    const seed = options.seed ?? 4711
    this.faults = new Faults(options.faults, seed)
    this.changes = new ChangeSimulator(this.store, new Rng(seed ^ 0x5bd1e995))
    this.serializer = new Serializer(this.store)
    this.writer = new Writer(this.store)
    this.attachments = new Attachments(this.store, options.attachmentObjectTypes ?? ['BUS2032', 'BUS1006'], () => Date.now())
    this.pageSize = options.pageSize ?? 1000
    this.csrf = options.csrf ?? true
    this.maxLog = options.maxLogEntries ?? 10_000
    if (options.data !== false) this.store.loadDataset(generate(options))
    if (options.events) this.events = new BusinessEvents(options.events)
  }

  // ---------------------------------------------------------------------------------------- lifecycle

  /** Starts the HTTP server; resolves to the base URL (http://host:port). Port 0 = ephemeral. */
  listen(port = 0, host = this.options.host ?? '127.0.0.1'): Promise<string> {
    if (this.server) return Promise.resolve(this.url)
    const server = http.createServer((req, res) => { void this.handle(req, res) })
    server.keepAliveTimeout = 5000
    server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)) })
    this.server = server
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        const a = server.address() as AddressInfo
        this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${a.port}`
        resolve(this.baseUrl)
      })
    })
  }

  get url(): string { return this.baseUrl }

  /** Stops the server and destroys open connections (no handles left behind). */
  close(): Promise<void> {
    const server = this.server
    this.server = undefined
    const events = this.events?.close()
    if (!server) return Promise.resolve(events).then(() => undefined)
    return new Promise((resolve) => {
      server.close(() => void Promise.resolve(events).then(() => resolve()))
      for (const s of this.sockets) s.destroy()
      this.sockets.clear()
      server.closeAllConnections?.()
    })
  }

  /**
   * Prepares for benchmarks: builds the navigation indexes of all entity sets and runs a full garbage
   * collection so that the generated data sits in the old generation (no long pauses on first pages).
   */
  warmUp() {
    for (const e of this.store.tables.keys()) {
      for (const nav of e.navs.values()) if (nav.mapping.length) this.store.table(nav.target).lookup(nav.mapping.map(([, t]) => t), [])
    }
    fullGc()
  }

  /** Replaces all data by a freshly generated data set. */
  regenerate(opts: GeneratorOptions = {}) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined))
    this.store.clear()
    this.store.loadDataset(generate({ ...this.options, ...given }))
  }

  // ---------------------------------------------------------------------------------------- test helpers

  /** Invalidates all CSRF tokens and sessions (clients must fetch a new token). */
  expireCsrfTokens() { this.sessions.clear() }

  resetRequests() { this.requests.length = 0 }

  /** Number of logged requests whose path contains `pathPart` (and method matches, if given). */
  requestCount(pathPart = '', method?: string): number {
    return this.requests.filter((r) => r.path.includes(pathPart) && (!method || r.method === method)).length
  }

  stats(): Record<string, number> { return this.store.counts() }

  // Changes in S/4HANA, each announced by its business event. Clearing an invoice's receivable has none: S/4HANA has
  // no business event for FI items.
  touch(entitySet: string, which: number | KeyInput[], opts?: { mutate?: boolean; set?: Row }) {
    const keys = this.changes.touch(entitySet, which, opts)
    for (const key of keys) this.announce(this.changes.entity(entitySet), this.changes.row(entitySet, key), 'Changed')
    return keys
  }
  remove(entitySet: string, key: KeyInput) {
    const e = this.changes.entity(entitySet)
    const row = this.get(entitySet, key)
    const owners = row ? this.store.owners(e, row) : []
    const removed = this.changes.remove(entitySet, key)
    if (row && removed) this.announceRemoval(e, row, owners)
    return removed
  }
  cancel(billingDocument: string) {
    const cancellation = this.changes.cancel(billingDocument)
    this.announce(this.changes.entity('A_BillingDocument'), this.changes.row('A_BillingDocument', billingDocument), 'Changed')
    this.announce(this.changes.entity('A_BillingDocument'), this.changes.row('A_BillingDocument', cancellation), 'Created')
    return cancellation
  }
  clear(billingDocument: string) { return this.changes.clear(billingDocument) }
  insert(entitySet: string, n = 1) {
    const keys = this.changes.insert(entitySet, n)
    const set = entitySet === 'A_Customer' ? 'A_BusinessPartner' : entitySet
    for (const key of keys) this.announce(this.changes.entity(set), this.changes.row(set, key), 'Created')
    return keys
  }
  corrupt(entitySet: string, key: KeyInput, property: string, rawValue: unknown) { this.changes.corrupt(entitySet, key, property, rawValue) }
  repair(entitySet: string, key: KeyInput) { this.changes.repair(entitySet, key) }
  /** A stored row (internal representation), for assertions. */
  get(entitySet: string, key: KeyInput): Row | undefined { try { return this.changes.row(entitySet, key) } catch { return undefined } }

  /** Sends the event of a change to a row: the row's own, or a Changed of the document that owns it. */
  private announce(entity: EntityInfo, row: Row, operation: Operation, seen = new Set<Row>()) {
    if (!this.events || seen.has(row)) return
    seen.add(row)
    const announced = ANNOUNCED[entity.name]
    if (announced) {
      const key = announced.key(row, this.store)
      if (key && announced.operations.includes(operation)) this.events.emit(announced.object, operation, key)
      return
    }
    for (const [owner, ownerRow] of this.store.owners(entity, row)) this.announce(owner, ownerRow, 'Changed', seen)
  }

  /** A removed document is announced as Deleted where S/4HANA has that event; a removed part as a change of its owner. */
  private announceRemoval(entity: EntityInfo, row: Row, owners: Array<[EntityInfo, Row]>) {
    if (ANNOUNCED[entity.name]) return this.announce(entity, row, 'Deleted')
    for (const [owner, ownerRow] of owners) this.announce(owner, ownerRow, 'Changed')
  }

  // ---------------------------------------------------------------------------------------- HTTP

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const started = performance.now()
    const url = new URL(req.url ?? '/', 'http://localhost')
    const headers: Record<string, string> = {}
    for (const h of LOGGED_HEADERS) { const v = req.headers[h]; if (v !== undefined) headers[h] = String(v) }
    const entry: RequestLogEntry = { method: req.method ?? 'GET', url: req.url ?? '/', path: url.pathname, status: 0, startedAt: Date.now(), durationMs: 0, headers }
    const admin = url.pathname.startsWith('/__sim')
    if (!admin) {
      this.requests.push(entry)
      if (this.requests.length > this.maxLog) this.requests.splice(0, this.requests.length - this.maxLog)
    }
    res.on('finish', () => { entry.status = res.statusCode; entry.durationMs = performance.now() - started })
    try {
      if (admin) return await this.admin(req, res, url)
      const read = req.method === 'GET' || req.method === 'HEAD'
      const top = read && url.searchParams.has('$top') ? Number(url.searchParams.get('$top')) : undefined
      const fault = this.faults.decide(read ? url.pathname : `${req.method} ${url.pathname}`, top)
      if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs))
      if (fault.drop) {
        entry.fault = 'drop'
        entry.durationMs = performance.now() - started
        req.socket.destroy()
        return
      }
      if (fault.loseResponse || fault.answerAfterMs) this.tamperWithResponse(req, res, entry, fault)
      const service = this.model.services.find((s) => url.pathname === s.path || url.pathname.startsWith(s.path + '/') || url.pathname.startsWith(s.path + ';'))
      if (fault.status) {
        entry.fault = 'error'
        const h: Record<string, string> = {}
        if (fault.retryAfterSeconds !== null && fault.retryAfterSeconds !== undefined) h['retry-after'] = String(fault.retryAfterSeconds)
        const msg = fault.status === 429 ? 'Too many requests (simulated)' : fault.status === 503 ? 'Service temporarily unavailable (simulated)' : `Simulated error ${fault.status}`
        return this.sendError(res, service?.name ?? '', new ODataError(fault.status, msg, fault.status === 429 ? '/IWFND/CM_CONSUMER/429' : '/IWFND/CM_BEC/026', h))
      }
      if (!service) {
        const m = /\/sap\/opu\/odata\/sap\/([^/;]+)/.exec(url.pathname)
        return this.sendError(res, m?.[1] ?? '', notFound(m ? `No service found for namespace '/SAP/', name '${m[1]}', version '0001'` : `No handler for ${url.pathname}`, '/IWFND/MED/170'))
      }
      const ctx: Ctx = {
        req, res, url, service,
        root: `${this.publicBase(req)}${service.path}`,
        method: this.effectiveMethod(req),
      }
      await this.dispatch(ctx)
    } catch (e) {
      const err = e instanceof ODataError ? e : new ODataError(500, (e as Error).message ?? String(e), '/IWBEP/CM_MGW_RT/000')
      if (!(e instanceof ODataError)) console.error('[s4-simulator]', e)
      const svc = this.model.services.find((s) => url.pathname.startsWith(s.path))
      if (!res.headersSent) this.sendError(res, svc?.name ?? '', err)
      else res.destroy()
    }
  }

  /** The request is carried out as usual; only its answer is lost, or held back. */
  private tamperWithResponse(req: http.IncomingMessage, res: http.ServerResponse, entry: RequestLogEntry, fault: FaultDecision) {
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse
    if (fault.loseResponse) {
      entry.fault = 'lost'
      res.writeHead = (() => res) as typeof res.writeHead
      res.end = (() => { req.socket.destroy(); return res }) as typeof res.end
      return
    }
    entry.fault = 'late'
    res.writeHead = ((...args: unknown[]) => { setTimeout(() => writeHead(...args), fault.answerAfterMs).unref(); return res }) as typeof res.writeHead
    res.end = ((...args: unknown[]) => { setTimeout(() => { if (!res.destroyed) end(...args) }, fault.answerAfterMs).unref(); return res }) as typeof res.end
  }

  private publicBase(req: http.IncomingMessage): string {
    return req.headers.host ? `http://${req.headers.host}` : this.baseUrl
  }

  private effectiveMethod(req: http.IncomingMessage): string {
    const m = (req.method ?? 'GET').toUpperCase()
    const override = req.headers['x-http-method']
    if (m === 'POST' && typeof override === 'string' && override) return override.toUpperCase()
    return m
  }

  private send(res: http.ServerResponse, status: number, body: string | Buffer, headers: Record<string, string | string[]> = {}) {
    // headers set earlier with setHeader (CSRF) are merged by writeHead
    res.writeHead(status, { 'content-type': JSON_TYPE, dataserviceversion: '2.0', ...headers })
    res.end(body)
  }

  private sendError(res: http.ServerResponse, serviceId: string, err: ODataError) {
    this.send(res, err.status, JSON.stringify(gatewayError(serviceId, err.code, err.message)), err.headers)
  }

  private async readBody(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    if (!text.trim()) return undefined
    try { return JSON.parse(text) } catch { throw badRequest('Malformed JSON in request body', '/IWBEP/CM_MGW_RT/000') }
  }

  // ---------------------------------------------------------------------------------------- CSRF

  private cookie(req: http.IncomingMessage, name: string): string | undefined {
    const raw = req.headers.cookie
    if (!raw) return undefined
    for (const part of raw.split(';')) {
      const i = part.indexOf('=')
      if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim()
    }
    return undefined
  }

  private csrfFetch(ctx: Ctx) {
    let sid = this.cookie(ctx.req, SESSION_COOKIE)
    if (!sid || !this.sessions.has(sid)) {
      sid = crypto.randomBytes(24).toString('base64url')
      this.sessions.set(sid, crypto.randomBytes(18).toString('base64'))
    }
    ctx.res.setHeader('x-csrf-token', this.sessions.get(sid)!)
    ctx.res.setHeader('set-cookie', [`${SESSION_COOKIE}=${sid}; path=/; HttpOnly`, 'sap-usercontext=sap-client=100; path=/'])
  }

  private csrfValid(req: http.IncomingMessage): boolean {
    const token = req.headers['x-csrf-token']
    const sid = this.cookie(req, SESSION_COOKIE)
    return typeof token === 'string' && !!sid && this.sessions.get(sid) === token
  }

  // ---------------------------------------------------------------------------------------- OData dispatch

  private async dispatch(ctx: Ctx) {
    const { req, url, service, method } = ctx
    const isRead = method === 'GET' || method === 'HEAD'
    if (isRead && String(req.headers['x-csrf-token'] ?? '').toLowerCase() === 'fetch') this.csrfFetch(ctx)
    if (!isRead && this.csrf && !this.csrfValid(req)) {
      throw new ODataError(403, 'CSRF token validation failed', '/IWBEP/CM_MGW_RT/403', { 'x-csrf-token': 'Required' })
    }
    for (const k of url.searchParams.keys()) if (k.startsWith('$') && !SYSTEM_OPTIONS.has(k)) throw badRequest(`System query option '${k}' is not supported`, '/IWBEP/CM_MGW_RT/004')
    const format = url.searchParams.get('$format')
    if (format && format !== 'json' && format !== 'application/json') throw badRequest(`$format=${format} is not supported by the simulator (JSON only)`, '/IWBEP/CM_MGW_RT/004')

    let rest = url.pathname.slice(service.path.length)
    rest = rest.replace(/^;[^/]*/, '').replace(/^\//, '')
    if (rest.endsWith('/')) rest = rest.slice(0, -1)
    if (rest === '') {
      if (!isRead) throw new ODataError(405, `Method ${method} not allowed on the service document`, '/IWBEP/CM_MGW_RT/017')
      return this.send(ctx.res, 200, JSON.stringify({ d: { EntitySets: [...service.entities.keys()] } }))
    }
    if (rest === '$metadata') {
      if (!isRead) throw new ODataError(405, `Method ${method} not allowed on $metadata`, '/IWBEP/CM_MGW_RT/017')
      return this.send(ctx.res, 200, buildMetadata(service), { 'content-type': 'application/xml' })
    }
    if (rest === '$batch') throw new ODataError(501, '$batch is not supported by the S/4HANA simulator', '/IWBEP/CM_MGW_RT/017')

    const segments = rest.split('/').map((s) => { try { return decodeURIComponent(s) } catch { throw badRequest(`Malformed URI segment '${s}'`) } })
    const fn = service.functions.get(segments[0])
    if (fn && segments.length === 1) return this.callFunction(ctx, fn)

    const target = this.resolve(service, segments)
    switch (method) {
      case 'GET': case 'HEAD': return this.read(ctx, target)
      case 'POST': {
        if (target.kind !== 'collection') throw new ODataError(405, 'POST is only allowed on entity sets and navigation collections', '/IWBEP/CM_MGW_RT/017')
        const row = target.entity.name === 'AttachmentContentSet' ? await this.upload(req) : this.writer.create(target.entity, await this.readBody(req), target.via)
        this.announce(target.entity, row, 'Created')
        const proj = parseProjection(target.entity, null, null)
        const uri = entityUri(ctx.root, target.entity, row)
        const h: Record<string, string> = { location: uri }
        if (target.entity.etag) h.etag = etagValue(target.entity.etag, row[target.entity.etag.name])
        return this.send(ctx.res, 201, '{"d":' + this.serializer.record(proj, row, ctx.root) + '}', h)
      }
      case 'PUT': case 'PATCH': case 'MERGE': {
        if (target.kind !== 'entity') throw new ODataError(405, `${method} is only allowed on single entities`, '/IWBEP/CM_MGW_RT/017')
        this.writer.update(target.entity, target.row, await this.readBody(req), method === 'PUT', this.ifMatch(req))
        this.announce(target.entity, target.row, 'Changed')
        const h: Record<string, string> = {}
        if (target.entity.etag) h.etag = etagValue(target.entity.etag, target.row[target.entity.etag.name])
        return this.send(ctx.res, 204, '', h)
      }
      case 'DELETE': {
        if (target.kind !== 'entity') throw new ODataError(405, 'DELETE is only allowed on single entities', '/IWBEP/CM_MGW_RT/017')
        const owners = this.store.owners(target.entity, target.row)
        this.writer.delete(target.entity, target.row, this.ifMatch(req))
        this.announceRemoval(target.entity, target.row, owners)
        return this.send(ctx.res, 204, '')
      }
      default: throw new ODataError(405, `Method ${method} not allowed`, '/IWBEP/CM_MGW_RT/017')
    }
  }

  /** A file upload to the media entity: the body is the file, the headers say what it belongs to. */
  private async upload(req: http.IncomingMessage): Promise<Row> {
    const header = (name: string) => { const v = req.headers[name]; return typeof v === 'string' ? v : '' }
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    let fileName = header('slug')
    try { fileName = decodeURIComponent(fileName) } catch { /* an unencoded Slug is taken as it is */ }
    return this.attachments.create({
      objectType: header('businessobjecttypename'),
      objectKey: header('linkedsapobjectkey'),
      fileName,
      mimeType: header('content-type').split(';')[0] || 'application/octet-stream',
      content: Buffer.concat(chunks),
    })
  }

  private ifMatch(req: http.IncomingMessage): string | undefined {
    const v = req.headers['if-match']
    return typeof v === 'string' && v.trim() ? v : undefined
  }

  /** Walks the resource path: EntitySet[(key)][/nav[(key)]]…[/Property[/$value]][/$count] */
  private resolve(service: ServiceInfo, segments: string[]): Target {
    let cur: Target | undefined
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]
      if (seg === '$count') {
        if (!cur || cur.kind !== 'collection' || i !== segments.length - 1) throw badRequest(`$count is only allowed after a collection`, '/IWBEP/CM_MGW_RT/020')
        return { kind: 'count', entity: cur.entity, candidates: cur.candidates }
      }
      if (seg === '$value') {
        if (!cur || cur.kind !== 'property' || i !== segments.length - 1) throw badRequest(`$value is only allowed after a property`, '/IWBEP/CM_MGW_RT/020')
        cur.raw = true
        return cur
      }
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/s.exec(seg)
      if (!m) throw badRequest(`Invalid URI segment '${seg}'`, '/IWBEP/CM_MGW_RT/020')
      const [, name, keyText] = m
      if (!cur) {
        const entity = service.entities.get(name)
        if (!entity) throw notFound(`Resource not found for segment '${name}'`)
        cur = { kind: 'collection', entity, candidates: null }
      } else if (cur.kind === 'entity') {
        const nav = cur.entity.navs.get(name)
        if (nav) {
          const rows = this.store.navigate(nav, cur.row)
          if (nav.many) cur = { kind: 'collection', entity: nav.target, candidates: rows, via: { nav, parent: cur.row } }
          else {
            if (keyText !== undefined) throw badRequest(`Key predicate not allowed on to-one navigation '${name}'`)
            if (!rows[0]) throw notFound(`Resource not found for segment '${name}'`)
            cur = { kind: 'entity', entity: nav.target, row: rows[0] }
            continue
          }
        } else if (cur.entity.elements.has(name) && keyText === undefined) {
          cur = { kind: 'property', entity: cur.entity, row: cur.row, prop: name, raw: false }
          continue
        } else throw notFound(`Resource not found for segment '${name}' of type '${cur.entity.typeName}'`, '/IWBEP/CM_MGW_RT/021')
      } else {
        throw badRequest(`Segment '${name}' is not allowed here`, '/IWBEP/CM_MGW_RT/020')
      }
      if (keyText !== undefined && cur.kind === 'collection') {
        const key = parseKeyPredicate(cur.entity, keyText)
        const table = this.store.table(cur.entity)
        const row = table.get(key)
        if (!row || (cur.candidates && !cur.candidates.includes(row))) throw notFound(`Resource not found for segment '${cur.entity.name}(${keyText})'`)
        cur = { kind: 'entity', entity: cur.entity, row }
      }
    }
    return cur!
  }

  private read(ctx: Ctx, target: Target) {
    const p = ctx.url.searchParams
    const res = ctx.res
    if (target.kind === 'property') {
      const el = target.entity.elements.get(target.prop)!
      const corrupt = this.store.table(target.entity).corruptions.get(target.row)
      const v = target.row[target.prop]
      if (target.raw) {
        const text = v === undefined || v === null ? '' : el.edmType === 'Edm.DateTime' ? isoDate(v as number) : el.edmType === 'Edm.Time' ? formatTime(v as number) : String(v)
        return this.send(res, 200, text, { 'content-type': 'text/plain; charset=utf-8' })
      }
      const json = corrupt && target.prop in corrupt ? JSON.stringify(corrupt[target.prop] === OMIT ? null : corrupt[target.prop]) : jsonValue(el, v)
      return this.send(res, 200, `{"d":{${JSON.stringify(target.prop)}:${json}}}`)
    }
    if (target.kind === 'entity') {
      const proj = parseProjection(target.entity, p.get('$select'), p.get('$expand'))
      const h: Record<string, string> = {}
      if (target.entity.etag) h.etag = etagValue(target.entity.etag, target.row[target.entity.etag.name])
      return this.send(res, 200, '{"d":' + this.serializer.record(proj, target.row, ctx.root) + '}', h)
    }
    const table = this.store.table(target.entity)
    const filter = p.get('$filter')
    const predicate = filter ? compileFilter(target.entity, filter) : null
    const top = parseNonNegative('$top', p.get('$top'))
    const skip = parseNonNegative('$skip', p.get('$skip')) ?? 0
    if (target.kind === 'count') {
      const r = runQuery(table, target.candidates, predicate, null, 0, 0, true)
      const n = Math.max(0, Math.min(top ?? Infinity, r.total - skip))
      return this.send(res, 200, String(n), { 'content-type': 'text/plain; charset=utf-8' })
    }
    const proj = parseProjection(target.entity, p.get('$select'), p.get('$expand'))
    const orderby = p.get('$orderby')
    const order = orderby ? compileComparator(target.entity, parseOrderBy(target.entity, orderby)) : null
    const token = parseNonNegative('$skiptoken', p.get('$skiptoken')) ?? 0
    const inline = p.get('$inlinecount')
    if (inline && inline !== 'allpages' && inline !== 'none') throw badRequest(`Invalid value '${inline}' for $inlinecount`, '/IWBEP/CM_MGW_RT/004')
    const remaining = top === undefined ? Infinity : Math.max(0, top - token)
    const limit = Math.min(this.pageSize, remaining)
    const result = runQuery(table, target.candidates, predicate, order, skip + token, limit, inline === 'allpages')
    let next: string | undefined
    if (result.hasMore && limit < remaining) {
      const query = ctx.url.search.slice(1).split('&').filter((x) => x && !x.startsWith('$skiptoken=') && !x.startsWith('%24skiptoken='))
      query.push(`$skiptoken=${token + limit}`)
      next = `${this.publicBase(ctx.req)}${ctx.url.pathname}?${query.join('&')}`
    }
    const body = this.serializer.collection(proj, result.rows, ctx.root, inline === 'allpages' ? result.total : undefined, next)
    return this.send(res, 200, body)
  }

  // ---------------------------------------------------------------------------------------- function imports

  private async callFunction(ctx: Ctx, fn: FunctionInfo) {
    if (ctx.method !== fn.httpMethod && !(fn.httpMethod === 'GET' && ctx.method === 'HEAD')) {
      throw new ODataError(405, `Function import '${fn.name}' requires HTTP method ${fn.httpMethod}`, '/IWBEP/CM_MGW_RT/017')
    }
    const args: Row = {}
    for (const prm of fn.params) {
      const raw = ctx.url.searchParams.get(prm.name)
      if (raw === null) throw badRequest(`Parameter '${prm.name}' of function import '${fn.name}' is missing`, '/IWBEP/CM_MGW_RT/006')
      args[prm.name] = parseParameter(prm, raw)
    }
    const result = await this.invoke(fn, args)
    const ret = fn.returns
    if (!ret) return this.send(ctx.res, 204, '')
    const one = (v: Row): unknown => {
      if (ret.kind === 'complex') return complexValue(ret.type, v)
      if (ret.kind === 'entity') return this.serializer.objects(parseProjection(ret.type, null, null), [v], ctx.root)[0]
      return wireValue(ret.type, v.value)
    }
    const payload = JSON.stringify(ret.many
      ? { d: { results: (result as Row[]).map(one) } }
      : ret.kind === 'entity' ? { d: one(result as Row) } : { d: { [fn.name]: one(result as Row) } })
    return this.send(ctx.res, 200, payload)
  }

  /** Implementations of the function imports the model declares (others answer 501). */
  private async invoke(fn: FunctionInfo, args: Row): Promise<Row | Row[]> {
    switch (fn.name) {
      case 'GetPDF': {
        const no = String(args.BillingDocument ?? '')
        const bd = this.store.model.entitySets.has('A_BillingDocument') ? this.get('A_BillingDocument', no) : undefined
        if (!bd) throw notFound(`Billing document ${no} does not exist`, 'VF/001')
        const lines = [
          `Billing document ${no} (${String(bd.BillingDocumentType ?? '')})  Date ${bd.BillingDocumentDate ? isoDate(bd.BillingDocumentDate as number).slice(0, 10) : ''}`,
          `Sold-to party ${String(bd.SoldToParty ?? '')}   Payer ${String(bd.PayerParty ?? '')}`,
          `Net ${Number(bd.TotalNetAmount ?? 0).toFixed(2)}  Tax ${Number(bd.TaxAmount ?? 0).toFixed(2)}  Gross ${Number(bd.TotalGrossAmount ?? 0).toFixed(2)} ${String(bd.TransactionCurrency ?? '')}`,
          bd.BillingDocumentIsCancelled ? 'CANCELLED' : '',
        ]
        const pdf = await renderPdf({
          title: `Invoice ${no}`,
          // Dated like the billing document, so that the simulator answers the same bytes for the same document.
          date: new Date((bd.BillingDocumentDate as number | null | undefined) ?? 0),
          blocks: lines.filter(Boolean).map(text => ({ kind: 'paragraph', text })),
          producer: 'invoice-crm S/4HANA simulator',
        })
        return { BillingDocumentBinary: pdf.toString('base64'), BillingDocument: no, MimeType: 'application/pdf', FileName: `${no}.pdf` }
      }
      case 'GetAllOriginals':
        return this.attachments.originals(String(args.BusinessObjectTypeName ?? ''), String(args.LinkedSAPObjectKey ?? ''))
      case 'CreateUrlAsAttachment':
        return this.attachments.create({
          objectType: String(args.BusinessObjectTypeName ?? ''),
          objectKey: String(args.LinkedSAPObjectKey ?? ''),
          fileName: String(args.UrlDescription ?? ''),
          mimeType: String(args.MIMEType || 'text/url'),
          url: String(args.Url ?? ''),
        })
      case 'Cancel': {
        const no = String(args.BillingDocument ?? '')
        const cancellation = this.cancel(no)
        return [{
          BillingDocument: no, CancellationBillingDocument: cancellation, SystemMessageType: 'S', SystemMessageIdentification: 'VF',
          SystemMessageNumber: '311', SystemMessageText: `Document ${cancellation} has been saved`,
        }]
      }
    }
    throw new ODataError(501, `Function import '${fn.name}' is not implemented in the simulator`, '/IWBEP/CM_MGW_RT/017')
  }

  // ---------------------------------------------------------------------------------------- admin endpoints

  private async admin(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const action = url.pathname.replace(/^\/__sim\/?/, '')
    const method = req.method ?? 'GET'
    const body = (method === 'POST' || method === 'PUT' ? ((await this.readBody(req).catch(() => { throw new AdminError('malformed JSON') })) ?? {}) : {}) as Row
    const ok = (v: unknown) => this.send(res, 200, JSON.stringify(v ?? { ok: true }))
    const str = (k: string) => { const v = body[k]; if (typeof v !== 'string' || !v) throw new AdminError(`'${k}' (string) is required`); return v }
    try {
      switch (`${method} ${action}`) {
        case 'GET stats': return ok({ counts: this.stats(), pageSize: this.pageSize, faults: this.faults.settings(), requests: this.requests.length })
        case 'GET faults': return ok(this.faults.settings())
        case 'POST faults': {
          if (body.reset) this.faults.reset()
          this.faults.set(body as Partial<FaultSettings>)
          const fail = body.failNext as Row | number | undefined
          if (fail !== undefined) {
            const f = typeof fail === 'number' ? { n: fail } : fail
            this.faults.failNext(Number(f.n ?? 1), Number(f.status ?? 503), f.retryAfterSeconds === undefined ? this.faults.retryAfterSeconds : (f.retryAfterSeconds as number | null), f.match as string | undefined)
          }
          const drop = body.dropNext as Row | number | undefined
          if (drop !== undefined) {
            const d = typeof drop === 'number' ? { n: drop } : drop
            this.faults.dropNext(Number(d.n ?? 1), d.match as string | undefined)
          }
          return ok(this.faults.settings())
        }
        case 'POST config': {
          if (body.pageSize !== undefined) this.pageSize = Math.max(1, Number(body.pageSize))
          if (body.csrf !== undefined) this.csrf = !!body.csrf
          return ok({ pageSize: this.pageSize, csrf: this.csrf })
        }
        case 'POST touch': {
          const set = str('entitySet')
          const which = Array.isArray(body.keys) ? (body.keys as KeyInput[]) : Number(body.n ?? 1)
          const values = body.set ? this.payloadValues(set, body.set as Row) : undefined
          // `at`: when the change was made (and its events sent), for measuring how long it takes to be seen elsewhere
          return ok({ keys: this.touch(set, which, { mutate: !!body.mutate, set: values }), at: Date.now() })
        }
        case 'POST remove': return ok({ removed: this.remove(str('entitySet'), body.key as KeyInput) })
        case 'POST cancel': return ok({ cancellation: this.cancel(str('billingDocument')) })
        case 'POST clear': return ok({ clearingDocument: this.clear(str('billingDocument')) })
        case 'POST insert': return ok({ keys: this.insert(str('entitySet'), Number(body.n ?? 1)) })
        case 'POST corrupt': {
          this.corrupt(str('entitySet'), body.key as KeyInput, str('property'), body.omit ? OMIT : body.rawValue)
          return ok({ ok: true })
        }
        case 'POST repair': this.repair(str('entitySet'), body.key as KeyInput); return ok({ ok: true })
        case 'POST expire-csrf': this.expireCsrfTokens(); return ok({ ok: true })
        case 'GET events': case 'POST events': {
          if (!this.events) throw new AdminError('this simulator sends no business events (option events)')
          if (body.dropNext !== undefined) this.events.dropNext(Number(body.dropNext))
          if (body.dropRate !== undefined) this.events.dropRate = Number(body.dropRate)
          return ok({ sent: Object.fromEntries(this.events.sent), dropped: this.events.dropped, dropRate: this.events.dropRate })
        }
        case 'GET requests': return ok(this.requests)
        case 'DELETE requests': case 'POST requests/reset': this.resetRequests(); return ok({ ok: true })
        case 'POST reset': {
          this.regenerate({
            volume: body.volume as GeneratorOptions['volume'], seed: body.seed as number | undefined, referenceDate: body.referenceDate as string | undefined,
            postingHistory: body.postingHistory as boolean | undefined,
          })
          return ok({ counts: this.stats() })
        }
        default: return this.send(res, 404, JSON.stringify({ error: `unknown admin endpoint ${method} /__sim/${action}` }))
      }
    } catch (e) {
      const status = e instanceof ODataError ? e.status : 400
      return this.send(res, status, JSON.stringify({ error: (e as Error).message }))
    }
  }

  private payloadValues(entitySet: string, data: Row): Row {
    const e = this.changes.entity(entitySet)
    const out: Row = {}
    for (const [k, v] of Object.entries(data)) {
      const el = e.elements.get(k)
      if (!el) throw new AdminError(`Property '${k}' not found in '${entitySet}'`)
      out[k] = fromPayload(el, v)
    }
    return out
  }
}

class AdminError extends Error {}

/** Runs a full GC if possible (global.gc, or enabled on the fly via the V8 flag). */
function fullGc() {
  const g = (globalThis as { gc?: () => void }).gc
  if (g) return g()
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v8 = require('node:v8') as typeof import('node:v8')
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vm = require('node:vm') as typeof import('node:vm')
    v8.setFlagsFromString('--expose-gc')
    ;(vm.runInNewContext('gc') as () => void)()
  } catch { /* not available: fine */ }
}

/** Creates a simulator with generated data (see SimulatorOptions); call listen() to serve it. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  return new Simulator(options)
}
