// Fuzzing the authenticated OData services over HTTP, against the real server in a child process (so that a request
// that ends the process is seen): every service under /odata/v4, every role, reads with random query options
// ($select, $filter with lambdas, $orderby, $expand, $apply, paging), writes, actions and functions, $batch (JSON and
// multipart), and odd bodies and content types. Generated from the model with a fixed seed, so every run sends the
// same requests. Expected: the server lives to the end, no answer is a 500 (501 for what CAP does not implement
// and 503 for what the instance does not run aside), and no request changes what its user may not change.
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import cds from '@sap/cds'
import { expect } from 'chai'
import { createAppDatabase, type AppDatabase } from './app-database'
import { startServer, type ServerProcess } from './server-process'

const SEED = 20261204
const REFUSED_REQUESTS = 1600
const ALLOWED_REQUESTS = 3600
const CONCURRENCY = 6

type Element = { name: string; type?: string; key?: boolean; isAssociation?: boolean; is2many?: boolean; target?: string; virtual?: boolean; elements?: unknown }
type Operation = { name: string; kind: string; params?: Record<string, Element> }
type Entity = { name: string; elements: Record<string, Element>; actions?: Record<string, Operation>; '@readonly'?: boolean; '@odata.draft.enabled'?: boolean }
type Service = { name: string; path: string; entities: Entity[]; operations: Operation[] }
type Request = { user?: string; method: string; url: string; body?: string; type?: string }

/** A small seeded PRNG (mulberry32): the same requests on every run. */
function random(seed: number) {
  let state = seed
  const next = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]
  const chance = (p: number) => next() < p
  const some = <T>(list: readonly T[], max = 3): T[] => Array.from({ length: 1 + int(Math.min(max, list.length)) }, () => pick(list))
  return { int, pick, chance, some }
}

/** Rows the data set has (test/fuzz-db.ts), so that some requests hit something. */
const KNOWN_KEYS: Record<string, string[]> = {
  Customers: ["'1000001'", "'1000002'"],
  Invoices: ["'90000001'", "'90000002'", "'90000003'", "'90000004'"],
  Conversations: ["'90000001'", "'90000002'"],
  Disputes: ['ID=11111111-1111-4111-8111-111111111111,IsActiveEntity=true', 'ID=11111111-1111-4111-8111-111111111111,IsActiveEntity=false'],
  WriteBackOperations: ['22222222-2222-4222-8222-222222222222'],
  SyncStates: ["'NotAnEntity'"],
}
/** Actions that start a sync job: sent only with arguments that name no entity, since a job would reach for S/4HANA. */
const SYNC_STARTERS = new Set(['runNow', 'runDelta', 'runFull'])
const JUNK = ['', 'x', "it's", '%', '😀', 'a'.repeat(300), '-1', '1e400', 'null', '\u0000', '../..', '$metadata']
const ODD_BODIES = [
  'null', '[]', '[{}]', '[null]', '1', '-0', '"text"', 'true', '{', '{"a":', '}{', '', ' ', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}',
  '1e999', '123456789012345678901234567890', '{"ID":null}', '{"ID":[1,2]}', '{"ID":{"nested":true}}',
  JSON.stringify({ a: 'x'.repeat(100_000) }), '{"a":' .repeat(3000) + '1' + '}'.repeat(3000), '['.repeat(3000) + ']'.repeat(3000),
]
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/mixed', 'application/json;odata.metadata=full', '']

/** What a function returns, as the query options on its result see it: a value, a structure, a collection. */
const FUNCTION_RESULT: Entity = {
  name: 'value',
  elements: Object.fromEntries(
    [['value', 'cds.String'], ['number', 'cds.Integer'], ['numberState', 'cds.String'], ['overdueInvoices', 'cds.Integer']].map(([name, type]) => [name, { name, type }])
  ),
}
// Lambdas over a function's result: a to-many path that is not there.
FUNCTION_RESULT.elements.items = { name: 'items', isAssociation: true, is2many: true, target: 'nowhere' }

const ROLES = ['clerk', 'manager', 'admin'] as const
const REFUSED = ['outsider', undefined] as const

/** The OData services the model serves under /odata/v4, with what a client can address in them. */
function servicesOf(model: cds.linked.LinkedCSN): Service[] {
  const definitions = model.definitions as unknown as Record<string, { kind: string; name: string; '@path'?: string } & Entity & Operation>
  return Object.values(definitions)
    .filter(d => d.kind === 'service' && d['@path']?.startsWith('/odata/v4'))
    .map(service => {
      const own = Object.values(definitions).filter(d => d.name.startsWith(`${service.name}.`) && !d.name.slice(service.name.length + 1).includes('.'))
      return {
        name: service.name,
        path: service['@path']!,
        entities: own.filter(d => d.kind === 'entity') as Entity[],
        operations: own.filter(d => d.kind === 'action' || d.kind === 'function'),
      }
    })
}

function generator(services: Service[], seed: number) {
  const r = random(seed)
  const shortName = (entity: Entity) => entity.name.split('.').at(-1)!
  const scalars = (entity: Entity) => Object.values(entity.elements).filter(e => !e.isAssociation && !e.elements && e.name !== 'IsActiveEntity')
  const associations = (entity: Entity) => Object.values(entity.elements).filter(e => e.isAssociation)
  const targetOf = (element: Element, service: Service) => service.entities.find(e => e.name === element.target)

  function literal(type?: string): string {
    if (r.chance(0.12)) return r.pick(["'x'", '1', 'null', 'true', '2026-13-45', "'" + r.pick(JUNK).replace(/'/g, "''") + "'", '9'.repeat(40), '-1.5e308', '$it', 'max'])
    switch (type) {
      case 'cds.UUID': return r.pick(['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', cds.utils.uuid()])
      case 'cds.Integer': case 'cds.Int64': case 'cds.Int32': return String(r.pick([0, 1, -1, 7, 2147483648]))
      case 'cds.Decimal': case 'cds.Double': return String(r.pick([0, 1.5, -100, 1e20]))
      case 'cds.Boolean': return r.pick(['true', 'false'])
      case 'cds.Date': return r.pick(['2026-01-01', '1999-12-31'])
      case 'cds.Timestamp': case 'cds.DateTime': return r.pick(['2026-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'])
      default: return `'${r.pick(['1000001', '90000001', 'Open', 'x', 'Fuzz GmbH', 'F2'])}'`
    }
  }
  function value(type?: string): unknown {
    if (r.chance(0.15)) return r.pick<unknown>([null, 'x', 1, -1, 1e308, true, [], {}, [1, 'a'], { x: { y: 1 } }, 'x'.repeat(3000), '2026-99-99'])
    switch (type) {
      case 'cds.UUID': return cds.utils.uuid()
      case 'cds.Integer': case 'cds.Int64': case 'cds.Int32': return r.pick([0, 1, 5, 2147483648])
      case 'cds.Decimal': case 'cds.Double': return r.pick([0, 12.5, 99999999999999, -1])
      case 'cds.Boolean': return r.chance(0.5)
      case 'cds.Date': return '2026-02-01'
      case 'cds.Timestamp': case 'cds.DateTime': return '2026-02-01T10:00:00Z'
      default: return r.pick(['phone', 'email', 'wrongPrice', 'overdueInvoices', 'Customers', 'all', 'resolvedInFavour', 'high', 'x'])
    }
  }

  function filter(entity: Entity, service: Service, depth = 0): string {
    const elements = scalars(entity)
    const to = associations(entity)
    const choice = r.int(8)
    if (choice < 3 && elements.length) {
      const e = r.pick(elements)
      return `${e.name} ${r.pick(['eq', 'ne', 'gt', 'le'])} ${literal(e.type)}`
    }
    if (choice === 3 && elements.length) return `${r.pick(['contains', 'startswith', 'endswith'])}(${r.pick(elements).name},'${r.pick(['a', "x''y", '%'])}')`
    if (choice === 4 && to.length && depth < 3) {
      const a = r.pick(to)
      const target = targetOf(a, service)
      const inner = target ? filter(target, service, depth + 1).replace(/\b([a-zA-Z_]\w*)\b(?= (eq|ne|gt|le) )/, 'x/$1') : 'x/a eq 1'
      return a.is2many ? `${a.name}/${r.pick(['any', 'all'])}(x:${inner})` : target && scalars(target).length ? `${a.name}/${r.pick(scalars(target)).name} eq ${literal()}` : `${a.name} eq null`
    }
    if (choice === 5 && depth < 3) return `${r.pick(['not ', ''])}(${filter(entity, service, depth + 1)}) ${r.pick(['and', 'or'])} (${filter(entity, service, depth + 1)})`
    if (choice === 6) return r.pick(['items/any(x:x/a eq 1)', '(((', "x eq 'unterminated", 'true', '1 eq 1', '$it eq 1', 'a/b/c/d eq 1', 'any()', "IsActiveEntity eq false", '$count gt 0'])
    return `${r.pick(elements.length ? elements : [{ name: 'ID' }]).name} eq null`
  }

  function apply(entity: Entity): string {
    const elements = scalars(entity).map(e => e.name)
    const e = () => (elements.length ? r.pick(elements) : 'ID')
    return r.pick([
      `groupby((${e()}))`,
      `groupby((${e()}),aggregate($count as n))`,
      `aggregate(${e()} with sum as total)`,
      `aggregate($count as n)`,
      `filter(${e()} ne null)/groupby((${e()}))`,
      `concat(aggregate($count as n),aggregate($count as m))`,
      `topcount(2,${e()})`,
      `compute(${e()} as c)`,
      `groupby((${e()}),aggregate(${e()} with max as m))/orderby(m desc)`,
      `ancestors($root/x,h,${e()},filter(1 eq 1),keep start)`,
      `search(x)`,
      `skip(1)/top(1)`,
      `groupby((nope))`,
    ])
  }

  function expand(entity: Entity, service: Service, depth = 0): string {
    const to = associations(entity)
    if (!to.length || r.chance(0.1)) return r.pick(['*', 'nope', 'ID', '*($levels=3)'])
    return r
      .some(to, 2)
      .map(a => {
        const target = targetOf(a, service)
        if (!target || depth > 1 || r.chance(0.5)) return a.name
        const options = [
          r.chance(0.5) && `$select=${r.some(scalars(target).map(e => e.name).concat('x')).join(',')}`,
          r.chance(0.4) && `$filter=${filter(target, service, 2)}`,
          r.chance(0.3) && `$expand=${expand(target, service, depth + 1)}`,
          r.chance(0.2) && `$top=${r.pick([1, 0, -1])}`,
          r.chance(0.1) && `$apply=${apply(target)}`,
        ].filter(Boolean)
        return options.length ? `${a.name}(${options.join(';')})` : a.name
      })
      .join(',')
  }

  function queryOptions(entity: Entity | undefined, service: Service): string {
    const options: Record<string, string> = {}
    const target = entity ?? FUNCTION_RESULT
    if (r.chance(0.3)) options.$select = r.some(scalars(target).map(e => e.name).concat(['*', 'nope'])).join(',')
    if (r.chance(0.45)) options.$filter = filter(target, service)
    if (r.chance(0.2)) options.$orderby = r.some(scalars(target).map(e => e.name).concat('x/y')).map(e => `${e} ${r.pick(['asc', 'desc', ''])}`.trim()).join(',')
    if (r.chance(0.3)) options.$expand = expand(target, service)
    if (r.chance(0.2)) options.$apply = apply(target)
    if (r.chance(0.2)) options.$top = String(r.pick([0, 1, 10, -1, 1e12, 'x']))
    if (r.chance(0.1)) options.$skip = String(r.pick([0, 3, -5, 'x']))
    if (r.chance(0.15)) options.$count = r.pick(['true', 'false', 'x'])
    if (r.chance(0.08)) options.$search = r.pick(['Fuzz', '"a b"', 'NOT', '(', 'x'.repeat(500)])
    if (r.chance(0.05)) options[r.pick(['$format', '$foo', '$skiptoken', '$levels', 'sap-language'])] = r.pick(['json', 'xml', '1', 'x'])
    const query = new URLSearchParams(options).toString()
    return query ? `?${query}` : ''
  }

  function keyOf(entity: Entity): string {
    const known = KNOWN_KEYS[shortName(entity)]
    if (known && r.chance(0.7)) return `(${r.pick(known)})`
    const keys = Object.values(entity.elements).filter(e => e.key && !e.isAssociation)
    if (r.chance(0.1)) return `(${r.pick(["'", '1,2', '', 'ID=', "x='a'", 'ID=1)', '%27'])})`
    const literals = keys.map(k => (k.name === 'IsActiveEntity' ? `IsActiveEntity=${r.pick(['true', 'false'])}` : `${k.name}=${literal(k.type)}`))
    return literals.length === 1 && !literals[0].startsWith('IsActive') ? `(${literals[0].split('=').slice(1).join('=')})` : `(${literals.join(',')})`
  }

  function body(elements: Element[], knownKeys: string[] = []): string {
    if (r.chance(0.2)) return r.pick(ODD_BODIES)
    const data: Record<string, unknown> = {}
    for (const e of r.some(elements, 5)) data[e.name] = value(e.type)
    if (r.chance(0.05)) data[r.pick(['nope', '@odata.context', 'IsActiveEntity', 'ID'])] = r.pick([1, 'x', null])
    if (knownKeys.length && r.chance(0.1)) data.ID = knownKeys[0]
    return JSON.stringify(data)
  }

  function operationCall(operation: Operation, service: Service, binding?: string): { method: string; url: string; body?: string } {
    const name = operation.name.split('.').at(-1)!
    const params = Object.values(operation.params ?? {})
    const junkOnly = SYNC_STARTERS.has(name)
    const path = binding ? `${binding}/${service.name}.${name}` : name
    if (operation.kind === 'function') {
      const args = params.map(p => `${p.name}=${junkOnly ? `'${r.pick(JUNK)}'` : literal(p.type)}`).join(',')
      return { method: r.chance(0.9) ? 'GET' : r.pick(['POST', 'PATCH']), url: `${path}(${args})` }
    }
    const data: Record<string, unknown> = {}
    for (const p of params) if (r.chance(0.8)) data[p.name] = junkOnly ? r.pick(JUNK) : value(p.type)
    const method = r.chance(0.92) ? 'POST' : r.pick(['GET', 'PUT'])
    return { method, url: path, ...(method !== 'GET' && { body: r.chance(0.15) ? r.pick(ODD_BODIES) : JSON.stringify(data) }) }
  }

  /** One request in a service, relative to its path. */
  function single(service: Service, { writes }: { writes: boolean }): { method: string; url: string; body?: string; type?: string } {
    // A service of functions only (the launchpad's) is called with what would be an entity's options.
    const entity = service.entities.length ? r.pick(service.entities) : FUNCTION_RESULT
    const name = shortName(entity)
    const kind = !service.entities.length ? 'function' : writes ? r.pick(['post', 'patch', 'put', 'delete', 'action', 'action', 'uaction', 'odd']) : r.pick(['list', 'list', 'list', 'one', 'nav', 'function', 'count'])
    const boundActions = Object.values(entity.actions ?? {})
    const unbound = service.operations
    switch (kind) {
      case 'list': return { method: 'GET', url: name + queryOptions(entity, service) }
      case 'count': return { method: 'GET', url: `${name}/$count${r.chance(0.5) ? `?$filter=${encodeURIComponent(filter(entity, service))}` : ''}` }
      case 'one': return { method: 'GET', url: name + keyOf(entity) + queryOptions(entity, service) }
      case 'nav': {
        const to = associations(entity)
        if (!to.length) return { method: 'GET', url: name + keyOf(entity) }
        const a = r.pick(to)
        const target = targetOf(a, service)
        return { method: 'GET', url: `${name}${keyOf(entity)}/${a.name}${r.chance(0.2) ? '/$count' : ''}${target ? queryOptions(target, service) : ''}` }
      }
      case 'function': {
        const functions = unbound.filter(o => o.kind === 'function')
        if (!functions.length) return { method: 'GET', url: name + queryOptions(entity, service) }
        const call = operationCall(r.pick(functions), service)
        return { method: call.method, url: call.url + queryOptions(undefined, service) }
      }
      case 'post': return { method: 'POST', url: name + (r.chance(0.1) ? queryOptions(entity, service) : ''), body: body(scalars(entity)) }
      case 'patch': case 'put': return { method: kind.toUpperCase(), url: name + (r.chance(0.85) ? keyOf(entity) : '') + (r.chance(0.1) ? queryOptions(entity, service) : ''), body: body(scalars(entity)) }
      case 'delete': return { method: 'DELETE', url: name + (r.chance(0.9) ? keyOf(entity) : '') + (r.chance(0.1) ? queryOptions(entity, service) : '') }
      case 'action': {
        if (!boundActions.length) return { method: 'POST', url: name, body: body(scalars(entity)) }
        const call = operationCall(r.pick(boundActions), service, name + keyOf(entity))
        return { ...call, url: call.url + (r.chance(0.05) ? queryOptions(entity, service) : '') }
      }
      case 'uaction': {
        const actions = unbound.filter(o => o.kind === 'action')
        if (!actions.length) return { method: 'POST', url: name, body: body(scalars(entity)) }
        return operationCall(r.pick(actions), service)
      }
      default:
        return {
          method: r.pick(['POST', 'PATCH', 'PUT']),
          url: name + (r.chance(0.5) ? keyOf(entity) : '') + (r.chance(0.5) ? `?$apply=${encodeURIComponent(apply(entity))}` : ''),
          body: r.pick(ODD_BODIES),
          type: r.pick(CONTENT_TYPES),
        }
    }
  }

  function batch(service: Service, writes: boolean): { method: string; url: string; body: string; type: string } {
    const parts = Array.from({ length: 1 + r.int(4) }, () => single(service, { writes: writes && r.chance(0.7) }))
    if (r.chance(0.6)) {
      const requests = parts.map((p, i) => ({
        id: String(i + 1),
        method: p.method,
        url: p.url,
        ...(r.chance(0.3) && { atomicityGroup: 'g1' }),
        headers: { 'content-type': 'application/json' },
        ...(p.body !== undefined && { body: ((): unknown => { try { return JSON.parse(p.body!) } catch { return p.body } })() }),
      }))
      const envelope = r.chance(0.05) ? r.pick(['{"requests":null}', '{"requests":[null]}', '{"requests":[{"method":"GET"}]}', '{}', '[]', 'null']) : JSON.stringify({ requests })
      return { method: 'POST', url: '$batch', body: envelope, type: 'application/json' }
    }
    const boundary = 'batch_fuzz'
    const text = parts
      .map(p => `--${boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n${p.method} ${p.url} HTTP/1.1\r\nContent-Type: application/json\r\n\r\n${p.body ?? ''}\r\n`)
      .join('') + (r.chance(0.9) ? `--${boundary}--\r\n` : '')
    return { method: 'POST', url: '$batch', body: text, type: `multipart/mixed; boundary=${r.chance(0.95) ? boundary : 'other'}` }
  }

  return function next({ users, writes, service = r.pick(services) }: { users: readonly (string | undefined)[]; writes: 'only' | 'mixed'; service?: Service }): Request {
    const user = r.pick(users)
    const request = r.chance(0.1) ? batch(service, writes === 'only') : single(service, { writes: writes === 'only' || r.chance(0.4) })
    return { user, ...request, url: `${service.path}/${request.url}` }
  }
}

const execute = promisify(execFile)

/** The server's error lines and what follows each, for a failure message. */
const errorsOf = (server: ServerProcess) =>
  server
    .output()
    .split(/\n(?=\d{4}-)/)
    .filter(entry => / ERROR /.test(entry))
    .slice(0, 10)
    .map(entry => entry.slice(0, 2000))
    .join('\n')

describe('OData fuzz: no request ends the server, none is a 500, none changes what it may not', function () {
  this.timeout(600_000)
  let server: ServerProcess
  let database: AppDatabase
  let services: Service[]
  const statuses = new Map<number, number>()
  const failures: string[] = []
  let sent = 0

  /** A hash of every table, by the database helper in its own process (the test process keeps its cds.db). */
  const tableHashes = async (command: 'seed' | 'hash'): Promise<Record<string, string>> => {
    const { stdout } = await execute(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'fuzz-db.ts'), command], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, ...database.env },
      maxBuffer: 10_000_000,
    })
    return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string>
  }

  before(async () => {
    database = await createAppDatabase()
    await tableHashes('seed')
    server = await startServer(database)
    const csn = await cds.load('*', { cwd: path.join(__dirname, '..') } as object)
    services = servicesOf(cds.linked(cds.compile.for.nodejs(csn) as unknown as cds.csn.CSN))
  })

  after(() => server?.stop())

  async function send(request: Request): Promise<void> {
    const headers: Record<string, string> = {}
    if (request.user) headers.authorization = `Basic ${Buffer.from(`${request.user}:${request.user}`).toString('base64')}`
    if (request.body !== undefined) headers['content-type'] = request.type ?? 'application/json'
    let status: number
    let text = ''
    try {
      const response = await fetch(server.url + request.url, { method: request.method, headers, body: request.body, signal: AbortSignal.timeout(60_000) })
      status = response.status
      text = await response.text()
    } catch (error) {
      status = 0
      text = String(error)
    }
    sent++
    // Inside a $batch, each answer has its own status.
    const inner = request.url.endsWith('$batch') && status === 200 ? [...text.matchAll(/"status":(\d{3})|HTTP\/1\.1 (\d{3})/g)].map(m => Number(m[1] ?? m[2])) : []
    for (const s of [status, ...inner]) {
      statuses.set(s, (statuses.get(s) ?? 0) + 1)
      // 501: what CAP does not implement; 503: what this instance does not run (the sync jobs in the test profile).
      if ((s >= 500 && s !== 501 && s !== 503) || s === 0)
        failures.push(`${s} ${request.user ?? 'anonymous'} ${request.method} ${request.url} [${request.type ?? ''}] ${request.body?.slice(0, 1500) ?? ''}\n  -> ${text.slice(0, 1500)}`)
    }
  }

  async function run(requests: Request[]) {
    let index = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (index < requests.length) await send(requests[index++])
      })
    )
  }

  const next = () => generator(services, SEED)

  it('refuses every write of a user who may not write there, and changes no table', async () => {
    const generate = next()
    const before = await tableHashes('hash')
    // Users without a finance role, and every write where the user's role has no grant: outsiders and anonymous
    // users anything; the integration admin AR's actions; AR the integration admin's.
    const receivables = services.find(s => s.name === 'ReceivablesService')!
    const integration = services.find(s => s.name === 'IntegrationService')!
    const requests = Array.from({ length: REFUSED_REQUESTS }, (_, i) =>
      i % 3 === 0
        ? generate({ users: REFUSED, writes: 'mixed' })
        : i % 3 === 1
          ? generate({ users: ['admin'], writes: 'only', service: receivables })
          : generate({ users: ['clerk', 'manager'], writes: 'only', service: integration })
    )
    await run(requests)
    expect(server.exit, errorsOf(server)).to.equal(undefined)
    expect(failures, failures.slice(0, 20).join('\n')).to.deep.equal([])
    expect(await tableHashes('hash')).to.deep.equal(before)
  })

  it('answers every request of every role without a 5xx, and the server lives on', async () => {
    const generate = next()
    const before = await tableHashes('hash')
    await run(Array.from({ length: ALLOWED_REQUESTS }, () => generate({ users: [...ROLES, ...ROLES, ...REFUSED], writes: 'mixed' })))
    const histogram = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ')
    console.log(`      ${sent} requests, answers by status (incl. $batch parts): ${histogram}; process exits: ${server.exit ? 1 : 0}`)
    expect(server.exit, errorsOf(server)).to.equal(undefined)
    expect(failures, failures.slice(0, 20).join('\n')).to.deep.equal([])
    const alive = await fetch(`${server.url}/odata/v4/launchpad/kpis()`, { headers: { authorization: `Basic ${Buffer.from('clerk:clerk').toString('base64')}` } })
    expect(alive.status).to.equal(200)
    // Only the sync writes the mirror: no request changed it, whoever sent it.
    const after = await tableHashes('hash')
    const mirror = (hashes: Record<string, string>) => Object.fromEntries(Object.entries(hashes).filter(([table]) => table.startsWith('invoicecrm.mirror.')))
    expect(mirror(after)).to.deep.equal(mirror(before))
    expect(sent).to.be.at.least(5000)
  })
})
