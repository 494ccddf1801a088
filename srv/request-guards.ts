import cds from '@sap/cds'
import type { ErrorRequestHandler, Request, RequestHandler } from 'express'

// Why this module: in CAP 10.1.1 a few malformed OData requests make CAP's own OData adapter throw a TypeError
// (libx/odata/parse/afterburner.js for $apply or a lambda on a function's result, middleware/create.js for the body
// null, middleware/update.js for PATCH with $apply on a collection). Express catches it, and CAP's final error
// middleware (lib/srv/middlewares/errors.js) treats every TypeError, ReferenceError, RangeError … as a programming
// error and, with cds.env.server.shutdown_on_uncaught_errors (on by default), stops the whole server: one request of
// any authenticated user, also inside a $batch, ended the process.
//
// Two parts:
// - refuseMalformedOData (before the protocol adapters) answers the known cases with 400 and a translated message
//   before CAP's parser sees them;
// - keepServingOnRequestErrors (first of CAP's error middlewares, which CAP also runs for $batch sub-requests, where
//   no middleware of ours runs before the adapter) refuses the known cases there, and turns any other error a request
//   raised into a 500 that CAP logs with its stack and correlation id, instead of a shutdown. Such an error stays in
//   that request: nothing outside it is left half-done (its transaction is rolled back). Errors that are not caught
//   by a request (process 'uncaughtException' / 'unhandledRejection') still stop the server as CAP decides, since
//   then nobody knows what state the process is in.

type Refusal = { status: number; message: string; args?: unknown[] }
type Definition = { name: string; actions?: Record<string, unknown> }
type Service = cds.Service & { path?: string; definition?: Definition; actions?: Record<string, unknown>; entities: Record<string, Definition> }
type ODataRequest = Pick<Request, 'method' | 'path' | 'query' | 'body' | 'headers'>

const WRITES = new Set(['POST', 'PUT', 'PATCH'])
const LAMBDA = /\/\s*(any|all)\s*\(/

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Whether the path is valid percent-encoding: malformedODataRequest refuses it first otherwise, so the checks after it decode freely. */
const decodesCleanly = (text: string) => {
  try {
    decodeURIComponent(text)
    return true
  } catch {
    return false
  }
}

/** $apply transformations CAP 10.1.1's parser accepts but its databases do not implement: sent as SQL functions. */
const UNIMPLEMENTED_TRANSFORMATION = /\b(top|bottom)(count|percent|sum)\s*\(/
/** A search() step of $apply (not a property whose name ends in search). */
const SEARCH_TRANSFORMATION = /(^|\/)\s*search\s*\(/

/**
 * An element of the entity set a request path starts with that CAP 10.1.1 answers 500 for when an expression uses
 * it: a virtual element anywhere, an association as a value (`localized eq null`) rather than a path.
 */
function unusableElementIn(service: Service, path: string, expressions: string): { name: string; message: string } | undefined {
  const set = /^\/?(\w+)/.exec(path)?.[1]
  const entity = set ? (service.entities[set] as Definition & { elements?: Record<string, { virtual?: boolean; isAssociation?: boolean; _target?: { elements?: Record<string, { virtual?: boolean }> } }> }) : undefined
  for (const [name, element] of Object.entries(entity?.elements ?? {})) {
    if (element.virtual && new RegExp(`\\b${name}\\b`).test(expressions)) return { name, message: 'VIRTUAL_ELEMENT_NOT_IN_EXPRESSIONS' }
    // …and one of an associated entity, by a path (openDispute/HasActiveEntity).
    if (element.isAssociation)
      for (const [targetName, target] of Object.entries(element._target?.elements ?? {}))
        if (target.virtual && new RegExp(`\\b${name}/${targetName}\\b`).test(expressions)) return { name: `${name}/${targetName}`, message: 'VIRTUAL_ELEMENT_NOT_IN_EXPRESSIONS' }
    const comparison = `(?:eq|ne|gt|ge|lt|le)`
    if (element.isAssociation && new RegExp(`(?<![/\\w])${name}\\s+${comparison}\\b|\\b${comparison}\\s+${name}\\b(?!/)`).test(expressions))
      return { name, message: 'ASSOCIATION_NOT_A_VALUE' }
  }
}

/** Key types whose values are text (quoted, or a bare GUID): a bare true, false or number is not one of them. */
const QUOTED_KEY_TYPES = new Set(['cds.String', 'cds.UUID', 'cds.LargeString'])
const BARE_LITERAL = /^(true|false|-?\d+(\.\d+)?(e[+-]?\d+)?)$/i

/**
 * A key of the entity set a request path starts with, given a bare value where the key is text (`DisputeLines(ID=true)`,
 * or of an entity with one key, `ReminderRuns(true)`):
 * SQLite compares anyway and finds nothing; PostgreSQL refuses ("operator does not exist: character varying = boolean"),
 * and CAP 10.1.1 answers 500, also where its draft handling reads the row before any handler of ours.
 */
function mistypedKey(service: Service, path: string): string | undefined {
  const [, set, predicate] = /^\/?(\w+)\(([^)]*)\)/.exec(decodeURIComponent(path)) ?? []
  const keys = set ? (service.entities[set] as unknown as { keys?: Record<string, { _type?: string; type?: string }> } | undefined)?.keys : undefined
  if (!keys || !predicate) return
  const names = Object.keys(keys)
  const pairs = predicate.includes('=') ? [...predicate.matchAll(/(\w+)\s*=\s*([^,']*)(?=,|$)/g)].map(([, name, value]) => [name, value]) : names.length === 1 ? [[names[0], predicate]] : []
  for (const [name, value] of pairs)
    if (BARE_LITERAL.test(value.trim()) && keys[name] && QUOTED_KEY_TYPES.has(keys[name]._type ?? keys[name].type ?? '')) return name
}

type Navigable = { elements?: Record<string, NavigableElement> }
type NavigableElement = { isAssociation?: boolean; is2one?: boolean; _target?: Navigable }

/**
 * Whether a request path reads one entity: its last segment is a key (`SalesOrders('x')`) or a to-one navigation
 * (`Invoices('1')/payer`). CAP 10.1.1 answers 500 for $apply there when nothing is found (its 404 check reads the
 * path of a query that $apply turned into a subquery).
 */
function readsOneEntity(service: Service, path: string): boolean {
  const segments = decodeURIComponent(path).split('/').filter(Boolean)
  let entity = service.entities[/^(\w+)/.exec(segments[0] ?? '')?.[1] ?? ''] as unknown as Navigable | undefined
  if (!entity) return false
  let one = /\)$/.test(segments[0])
  for (const segment of segments.slice(1)) {
    const element: NavigableElement | undefined = entity?.elements?.[/^(\w+)/.exec(segment)?.[1] ?? '']
    if (!element?.isAssociation) return false
    entity = element._target
    one = Boolean(element.is2one) || /\)$/.test(segment)
  }
  return one
}

/** The operation (action or function) a request path calls, if its last segment is one: name(…), Service.name(…) */
function operationCalled(service: Service, path: string): string | undefined {
  const last = decodeURIComponent(path.split('/').filter(Boolean).at(-1) ?? '')
  const name = /^([\w.]+)\(.*\)$/s.exec(last)?.[1]?.split('.').at(-1)
  if (!name) return
  if (service.actions?.[name]) return name
  if (Object.values(service.entities).some(entity => entity.actions?.[name])) return name
}

/**
 * Why the request is malformed in a way CAP 10.1.1 does not answer with a 4xx itself, if it is. The body only counts
 * where it was parsed already ($batch sub-requests, and requests that reached CAP's body parser).
 */
export function malformedODataRequest(service: Service, req: ODataRequest): Refusal | undefined {
  const query = req.query as Record<string, unknown>
  const batch = req.path === '/$batch'
  // A path that is not valid percent-encoding (a lone '%'): CAP 10.1.1 refuses some with a 400, but with a query
  // option as well its URL parser throws a URIError (500).
  if (!decodesCleanly(req.path)) return { status: 400, message: 'PATH_NOT_PERCENT_ENCODED' }
  // Text with U+0000 in a query option: handlers that read the options themselves (Customer 360's list) hand it to
  // the database before any service handler sees a query (srv/nul-text.ts refuses it in queries and data).
  if (Object.values(query).some(value => typeof value === 'string' && value.includes('\u0000'))) return { status: 400, message: 'TEXT_WITH_NUL' }
  // CAP's parser lets multipart bodies through to its $batch handler, unparsed: to an entity they arrive as nothing.
  if (WRITES.has(req.method) && !batch && /multipart\//i.test(req.headers['content-type'] ?? '')) return { status: 415, message: 'MULTIPART_ONLY_FOR_BATCH' }
  if (batch && isObject(req.body) && !(Array.isArray(req.body.requests) && req.body.requests.every(r => isObject(r) && typeof r.method === 'string' && typeof r.url === 'string')))
    return { status: 400, message: 'BATCH_REQUESTS_MALFORMED' }
  // A JSON $batch whose body is not an object (null): CAP 10.1.1 reads `requests` of it (TypeError, 500).
  if (batch && WRITES.has(req.method) && /json/i.test(req.headers['content-type'] ?? '') && req.body !== undefined && !isObject(req.body))
    return { status: 400, message: 'BATCH_REQUESTS_MALFORMED' }
  if (typeof query.$apply === 'string' && UNIMPLEMENTED_TRANSFORMATION.test(query.$apply)) return { status: 501, message: 'APPLY_TRANSFORMATION_NOT_SUPPORTED' }
  const expressions = ['$filter', '$orderby', '$apply'].map(option => query[option]).filter(value => typeof value === 'string').join(' ')
  const key = mistypedKey(service, req.path)
  if (key) return { status: 400, message: 'KEY_OF_WRONG_TYPE', args: [key] }
  const unusable = expressions ? unusableElementIn(service, req.path, expressions) : undefined
  if (unusable) return { status: 400, message: unusable.message, args: [unusable.name] }
  if ('$apply' in query && req.method !== 'GET') return { status: 400, message: 'APPLY_ONLY_FOR_READS', args: [req.method] }
  // Both searches at once: on a draft-enabled entity CAP 10.1.1 builds SQL that names a column of neither (500).
  if ('$search' in query && typeof query.$apply === 'string' && SEARCH_TRANSFORMATION.test(query.$apply)) return { status: 400, message: 'SEARCH_TWICE' }
  if ('$apply' in query && !batch && readsOneEntity(service, req.path)) return { status: 400, message: 'APPLY_ONLY_FOR_COLLECTIONS' }
  const operation = operationCalled(service, req.path)
  if (operation) {
    if ('$apply' in query) return { status: 400, message: 'APPLY_NOT_FOR_OPERATIONS', args: [operation] }
    if (typeof query.$filter === 'string' && LAMBDA.test(query.$filter)) return { status: 400, message: 'LAMBDA_NOT_FOR_OPERATIONS', args: [operation] }
  }
  if (WRITES.has(req.method) && !batch && req.body !== undefined && !isObject(req.body)) return { status: 400, message: 'BODY_NOT_AN_OBJECT' }
}

/** A refusal of ours: its message is a key of _i18n/messages*.properties, which CAP translates for the user. */
class MalformedRequest extends Error {
  status: number
  args?: unknown[]
  constructor({ status, message, args }: Refusal) {
    super(message)
    this.status = status
    this.args = args
  }
}

/** The OData service an (outer) request addresses, by its path. */
const serviceAt = (baseUrl: string) =>
  (Object.values(cds.services) as Service[]).find(srv => srv.path === baseUrl && srv instanceof cds.ApplicationService)

/** Refuses the known malformed requests before CAP's OData adapter parses them. */
export const refuseMalformedOData: RequestHandler = (req, _res, next) => {
  const service = serviceAt(req.baseUrl)
  const refusal = service && malformedODataRequest(service, req)
  next(refusal ? new MalformedRequest(refusal) : undefined)
}

/** CAP's HTTP adapter, to which CAP binds the error middlewares it runs after it. */
type Adapter = { service?: Service; kind?: string; normalized: (error: Error) => Error; logger: ReturnType<typeof cds.log> }

/** Whether CAP's error middleware would take the error for a programming error and shut the server down. */
const isSystemError = (error: unknown): error is Error => (cds.error as unknown as { isSystemError: (e: unknown) => boolean }).isSystemError(error)

/** A request failed in a way nobody foresaw: answered 500, logged with its stack by CAP, and the server goes on. */
class UnexpectedRequestError extends Error {
  status = 500
  constructor(cause: Error) {
    super(`${cause.name}: ${cause.message}`, { cause })
    this.name = 'UnexpectedRequestError'
  }
}

export const keepServingOnRequestErrors: ErrorRequestHandler = function (this: Adapter | undefined, error, req, _res, next) {
  const status = (error as { status?: unknown })?.status ?? error
  // CAP's error middleware answers 401 without a log line; a refused login is one line, as a 403 is. With
  // credentials, the authentication middleware has written that line already (the token's rejection).
  if (status == 401 && !req.headers.authorization) this?.logger?.warn(401, '-', Object.assign(new Error('Unauthorized'), { status: 401, code: '401' }))
  // Refusals of refuseMalformedOData come here without having passed the adapter's normalization, which looks up
  // the message's translation.
  if (error instanceof MalformedRequest) return next(this?.normalized ? this.normalized(error) : error)
  // What CAP did not foresee either fails as a programming error, or as a 5xx of its query builder (PUT of "text").
  const status5xx = Number((error as { status?: unknown })?.status) >= 500
  if (!isSystemError(error) && !status5xx) return next(error)
  let refusal: Refusal | undefined
  try {
    refusal = this?.service && malformedODataRequest(this.service, req)
  } catch (failure) {
    this?.logger?.error('request guard failed', failure)
  }
  if (refusal) return next(this?.normalized ? this.normalized(new MalformedRequest(refusal)) : new MalformedRequest(refusal))
  next(isSystemError(error) ? new UnexpectedRequestError(error) : error)
}

/** Puts both guards in place: before CAP serves the services, which mounts the middlewares it finds then. */
export function installRequestGuards(): void {
  // At the end of CAP's middlewares before the adapters: after authentication, so that a stranger gets 401 first.
  cds.middlewares.add(refuseMalformedOData)
  ;(cds.middlewares as unknown as { after: ErrorRequestHandler[] }).after.unshift(keepServingOnRequestErrors)
}
