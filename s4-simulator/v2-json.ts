/**
 * OData V2 JSON ("verbose") wire format as SAP Gateway writes it: records with __metadata,
 * deferred/expanded navigation properties, collections, function results and Gateway error bodies.
 *
 * Records are serialized by per-projection compiled writers: properties no row has a value for are
 * emitted as precomputed constant text, so a record costs only as much as the values it stores.
 */
import crypto from 'node:crypto'
import type { ComplexTypeInfo, ElementInfo, EntityInfo } from './model'
import type { Projection, Row } from './odata-query'
import type { Store, Table } from './store'
import { etagValue, uriLiteral, wireValue } from './edm-values'

/** Marker for Simulator.corrupt: the property is left out of the record. */
export const OMIT = Symbol('omit')

/** Builds the wire object of a row (JSON.stringify of it is the V2 JSON record). */
type Builder = (row: Row, root: string) => Row

export function keyPredicate(entity: EntityInfo, row: Row): string {
  const keys = entity.keys
  if (keys.length === 1) return `(${uriLiteral(keys[0], row[keys[0].name])})`
  let s = '('
  for (let i = 0; i < keys.length; i++) s += (i ? ',' : '') + keys[i].name + '=' + uriLiteral(keys[i], row[keys[i].name])
  return s + ')'
}

export function entityUri(root: string, entity: EntityInfo, row: Row): string {
  return `${root}/${entity.name}${keyPredicate(entity, row)}`
}

/** JS expression (over `r` and temp `v`) producing the wire value of a stored property. */
function valueExpr(el: ElementInfo, i: number): string {
  const get = `r[${JSON.stringify(el.name)}]`
  const dflt = JSON.stringify(wireValue(el, undefined))
  switch (el.edmType) {
    case 'Edm.String': return `((v = ${get}) === undefined ? "" : v)`
    case 'Edm.Boolean': return `(${get} === true)`
    case 'Edm.DateTime': return `((v = ${get}) == null ? null : "/Date(" + v + ")/")`
    case 'Edm.Int32': case 'Edm.Int16': case 'Edm.Byte': case 'Edm.SByte': return `((v = ${get}) === undefined ? ${dflt} : v)`
    case 'Edm.Decimal':
      if (el.scale !== undefined) return `((v = ${get}) === undefined ? ${dflt} : typeof v === "number" ? v.toFixed(${el.scale}) : h.w[${i}](v))`
  }
  return `h.w[${i}](${get})`
}

/**
 * Serializes rows per projection ($select/$expand) with generated builder functions: one object
 * literal per entity type (stable shape, named property access), properties that no row stores are
 * inlined as constants; the result is turned into text by a single JSON.stringify.
 */
export class Serializer {
  private cache = new Map<string, { stamp: string; fn: Builder }>()

  constructor(private store: Store) {}

  /** JSON text of one record (with __metadata and navigation properties per projection). */
  record(proj: Projection, row: Row, root: string): string {
    return JSON.stringify(this.builder(proj)(row, root))
  }

  /** Wire objects of rows. */
  objects(proj: Projection, rows: Row[], root: string): Row[] {
    const b = this.builder(proj)
    return rows.map((r) => b(r, root))
  }

  /** A collection response body (see collectionBody). */
  collection(proj: Projection, rows: Row[], root: string, count?: number, next?: string): Buffer {
    const b = this.builder(proj)
    return collectionBody((r) => b(r, root), rows, count, next)
  }

  private stamp(proj: Projection): string {
    let s = String(this.store.table(proj.entity).version)
    for (const n of proj.navs) if (n.expand) s += '.' + this.stamp(n.expand)
    return s
  }

  private builder(proj: Projection): Builder {
    const cacheKey = proj.entity.qualified + '|' + proj.signature
    const stamp = this.stamp(proj)
    const hit = this.cache.get(cacheKey)
    if (hit && hit.stamp === stamp) return hit.fn
    const fn = this.compile(proj)
    if (this.cache.size > 500) this.cache.clear()
    this.cache.set(cacheKey, { stamp, fn })
    return fn
  }

  private compile(proj: Projection): Builder {
    const entity = proj.entity
    const table: Table = this.store.table(entity)
    const store = this.store
    const etagEl = entity.etag
    const navFns = proj.navs.map((np): ((r: Row, root: string) => unknown) | undefined => {
      if (!np.expand) return undefined
      const sub = this.compile(np.expand)
      const nav = np.nav
      if (nav.many) return (r, root) => store.navigate(nav, r).map((c) => sub(c, root))
      return (r, root) => { const t = store.navigate(nav, r)[0]; return t ? sub(t, root) : null }
    })
    const helpers = {
      kp: (r: Row) => keyPredicate(entity, r),
      etag: (r: Row) => etagValue(etagEl!, r[etagEl!.name]),
      w: proj.props.map((el) => (v: unknown) => wireValue(el, v)),
      nav: navFns,
      corr: table.corruptions,
      slow: (r: Row, root: string, over: Record<string, unknown>): Row => {
        const uri = entityUri(root, entity, r)
        const o: Row = { __metadata: etagEl ? { id: uri, uri, type: entity.typeName, etag: helpers.etag(r) } : { id: uri, uri, type: entity.typeName } }
        for (const el of proj.props) {
          if (!(el.name in over)) o[el.name] = wireValue(el, r[el.name])
          else if (over[el.name] !== OMIT) o[el.name] = over[el.name]
        }
        proj.navs.forEach((np, i) => { o[np.nav.name] = np.expand ? (np.nav.many ? { results: navFns[i]!(r, root) } : navFns[i]!(r, root)) : { __deferred: { uri: `${uri}/${np.nav.name}` } } })
        return o
      },
    }
    const fields: string[] = []
    proj.props.forEach((el, i) => {
      const value = table.storedProps.has(el.name) ? valueExpr(el, i) : JSON.stringify(wireValue(el, undefined))
      fields.push(`${JSON.stringify(el.name)}: ${value}`)
    })
    proj.navs.forEach((np, i) => {
      const name = JSON.stringify(np.nav.name)
      if (!np.expand) fields.push(`${name}: {"__deferred": {"uri": uri + ${JSON.stringify('/' + np.nav.name)}}}`)
      else fields.push(`${name}: ${np.nav.many ? `{"results": h.nav[${i}](r, root)}` : `h.nav[${i}](r, root)`}`)
    })
    const meta = `{"id": uri, "uri": uri, "type": ${JSON.stringify(entity.typeName)}${etagEl ? ', "etag": h.etag(r)' : ''}}`
    const code = `return function build(r, root) {
  var v;
  if (h.corr.size !== 0) { var over = h.corr.get(r); if (over !== undefined) return h.slow(r, root, over) }
  var uri = root + ${JSON.stringify('/' + entity.name)} + h.kp(r);
  return {"__metadata": ${meta}${fields.length ? ', ' + fields.join(', ') : ''}};
}`
    return new Function('h', code)(helpers) as Builder
  }
}

/**
 * `{"d":{"results":[…],"__count":"n","__next":"…"}}` as a Buffer. Records are stringified in small
 * batches straight into (off-heap) buffers so that the wire objects die young: building a whole page
 * of objects first would get them promoted and cause old-generation GC pauses at bench volume.
 */
export function collectionBody(builder: (row: Row) => Row, rows: Row[], count?: number, next?: string): Buffer {
  const parts: Buffer[] = [Buffer.from('{"d":{"results":[')]
  const BATCH = 8
  const batch: Row[] = []
  for (let i = 0; i < rows.length; i += BATCH) {
    batch.length = 0
    const end = Math.min(i + BATCH, rows.length)
    for (let j = i; j < end; j++) batch.push(builder(rows[j]))
    const buf = Buffer.from(JSON.stringify(batch))
    if (i) parts.push(COMMA)
    parts.push(buf.subarray(1, buf.length - 1))
  }
  let tail = ']'
  if (count !== undefined) tail += `,"__count":"${count}"`
  if (next) tail += `,"__next":${JSON.stringify(next)}`
  parts.push(Buffer.from(tail + '}}'))
  return Buffer.concat(parts)
}
const COMMA = Buffer.from(',')

export function complexValue(type: ComplexTypeInfo, value: Row): Row {
  const o: Row = { __metadata: { type: type.qualified } }
  for (const el of type.props) o[el.name] = wireValue(el, value[el.name])
  return o
}

// ------------------------------------------------------------------------------------------ errors

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
function sapTimestamp(d = new Date()): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}0000`
}

export interface ErrorDetail { code: string; message: string; target?: string; severity?: string }

/** SAP Gateway error body ({"error":{code, message, innererror{application, transactionid, …}}}). */
export function gatewayError(serviceId: string, code: string, message: string, details: ErrorDetail[] = []) {
  const all = details.length ? details : [{ code, message }]
  return {
    error: {
      code,
      message: { lang: 'en', value: message },
      innererror: {
        application: { component_id: '', service_namespace: '/SAP/', service_id: serviceId, service_version: '0001' },
        transactionid: crypto.randomBytes(16).toString('hex').toUpperCase(),
        timestamp: sapTimestamp(),
        Error_Resolution: {
          SAP_Transaction: 'For backend administrators: use ADT feed reader "SAP Gateway Error Log" or run transaction /IWFND/ERROR_LOG on SAP Gateway hub system and search for entries with the timestamp above for more details',
          SAP_Note: 'See SAP Note 1797736 for error analysis (https://service.sap.com/sap/support/notes/1797736)',
        },
        errordetails: all.map((d) => ({
          code: d.code, message: d.message, propertyref: '', severity: d.severity ?? 'error', target: d.target ?? '', transition: false,
        })),
      },
    },
  }
}
