/**
 * Generic OData V2 writes driven by the model: create (also via navigation and deep insert),
 * update (PATCH/MERGE/PUT) and delete, honouring sap:creatable/updatable/deletable, keys,
 * ETags (If-Match) and maintaining change stamps.
 */
import type { ElementInfo, EntityInfo, NavInfo } from './model'
import type { Row } from './odata-query'
import type { Store } from './store'
import { badRequest, ODataError } from './errors'
import { etagValue, fromPayload, msFromIso } from './edm-values'

const METHOD_NOT_ALLOWED = '/IWBEP/CM_MGW_RT/017'

function asObject(body: unknown): Row {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object', '/IWBEP/CM_MGW_RT/000')
  const o = body as Row
  // tolerate {"d":{…}} wrappers
  if (Object.keys(o).length === 1 && o.d && typeof o.d === 'object' && !Array.isArray(o.d)) return o.d as Row
  return o
}

const sameValue = (a: unknown, b: unknown) => a === b || (a === undefined && (b === '' || b === false || b === 0)) || (b === undefined && (a === '' || a === false || a === 0))

/** Checks If-Match against the row's current ETag (428 when missing, 412 when stale). */
export function checkEtag(entity: EntityInfo, row: Row, ifMatch: string | undefined) {
  const el = entity.etag
  if (!el) return
  if (!ifMatch) throw new ODataError(428, `Precondition required: send the entity's ETag in the If-Match header to change ${entity.name}`, '/IWBEP/CM_MGW_RT/130')
  const current = etagValue(el, row[el.name])
  const norm = (s: string) => { const t = s.trim().replace(/^W\//, ''); try { return decodeURIComponent(t) } catch { return t } }
  const ok = ifMatch.split(',').some((t) => t.trim() === '*' || norm(t) === norm(current))
  if (!ok) throw new ODataError(412, `Precondition failed: ${entity.name} was changed in the meantime (ETag mismatch)`, '/IWBEP/CM_MGW_RT/043')
}

export class Writer {
  constructor(private store: Store) {}

  /** POST: creates a row (deep insert for navigation properties given inline). Returns the created row. */
  create(entity: EntityInfo, body: unknown, via?: { nav: NavInfo; parent: Row }): Row {
    const inserted: Array<[EntityInfo, Row]> = []
    try {
      const row = this.createRec(entity, asObject(body), via, inserted)
      const stamp = this.store.nextStamp()
      for (const [e, r] of inserted) this.stampCreated(e, r, stamp)
      if (via) this.store.bumpStamps(via.nav.source, via.parent, stamp)
      return row
    } catch (e) {
      for (const [ent, r] of inserted.reverse()) this.store.table(ent).remove(r)
      throw e
    }
  }

  private createRec(entity: EntityInfo, data: Row, via: { nav: NavInfo; parent: Row } | undefined, inserted: Array<[EntityInfo, Row]>): Row {
    if (!entity.creatable) throw new ODataError(405, `Entity set '${entity.name}' does not support creation`, METHOD_NOT_ALLOWED)
    const row: Row = {}
    const fixed: Row = {}
    if (via) for (const [s, t] of via.nav.mapping) fixed[t] = via.parent[s]
    const deep: Array<[NavInfo, unknown[]]> = []
    for (const [name, raw] of Object.entries(data)) {
      if (name === '__metadata') continue
      const nav = entity.navs.get(name)
      if (nav) {
        const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' && Array.isArray((raw as Row).results) ? (raw as Row).results as unknown[] : raw ? [raw] : []
        deep.push([nav, list])
        continue
      }
      const el = this.element(entity, name)
      const v = fromPayload(el, raw)
      if (name in fixed) {
        if (!sameValue(v, fixed[name])) throw badRequest(`Property '${name}' must be ${JSON.stringify(fixed[name])} when created via ${via!.nav.name}`, '/IWBEP/CM_MGW_RT/000')
        continue
      }
      if (!el.creatable && !(el.isKey && !via)) throw badRequest(`Property '${name}' of '${entity.name}' cannot be set on create (sap:creatable=false)`, '/IWBEP/CM_MGW_RT/000')
      row[name] = v
    }
    Object.assign(row, fixed)
    this.assignMissingKeys(entity, row)
    const created = this.store.table(entity).insert(row)
    inserted.push([entity, created])
    for (const [nav, list] of deep) for (const child of list) this.createRec(nav.target, asObject(child), { nav, parent: created }, inserted)
    return created
  }

  /** Number-range behaviour: a missing last key gets the next number (items: +10 within the parent). */
  private assignMissingKeys(entity: EntityInfo, row: Row) {
    const missing = entity.keys.filter((k) => row[k.name] === undefined || row[k.name] === '')
    if (!missing.length) return
    const k = missing[0]
    if (missing.length > 1 || k !== entity.keys[entity.keys.length - 1] || k.edmType !== 'Edm.String') {
      throw badRequest(`Key property '${k.name}' is missing`, '/IWBEP/CM_MGW_RT/024')
    }
    const table = this.store.table(entity)
    const others = entity.keys.filter((x) => x !== k)
    const siblings = others.length ? table.lookup(others.map((o) => o.name), others.map((o) => row[o.name])) : table.rows
    let max = 0
    for (const r of siblings) { const n = Number(r[k.name]); if (Number.isInteger(n) && n > max) max = n }
    row[k.name] = String(max + (others.length ? 10 : 1))
  }

  private stampCreated(entity: EntityInfo, row: Row, stamp: string) {
    const st = entity.stamps
    const ms = msFromIso(stamp)
    const changes: Row = {}
    if (st.creationDate && row[st.creationDate.name] === undefined) changes[st.creationDate.name] = ms - (ms % 86_400_000)
    if (st.creationTime && row[st.creationTime.name] === undefined) changes[st.creationTime.name] = Math.floor((ms % 86_400_000) / 1000)
    this.store.table(entity).update(row, changes)
    if (st.dateTimeOffset || st.date || st.time) this.store.bumpStamps(entity, row, stamp)
  }

  /** PATCH / MERGE (partial) or PUT (replace) of a row. */
  update(entity: EntityInfo, row: Row, body: unknown, replace: boolean, ifMatch: string | undefined) {
    if (!entity.updatable) throw new ODataError(405, `Entity set '${entity.name}' does not support updates`, METHOD_NOT_ALLOWED)
    checkEtag(entity, row, ifMatch)
    const data = asObject(body)
    const changes: Row = {}
    for (const [name, raw] of Object.entries(data)) {
      if (name === '__metadata') continue
      if (entity.navs.has(name)) throw badRequest(`Navigation property '${name}' cannot be changed with ${replace ? 'PUT' : 'PATCH'}`, '/IWBEP/CM_MGW_RT/000')
      const el = this.element(entity, name)
      const v = fromPayload(el, raw)
      if (el.isKey) {
        if (!sameValue(v, row[name])) throw badRequest(`Key property '${name}' cannot be changed`, '/IWBEP/CM_MGW_RT/000')
        continue
      }
      if (!el.updatable) {
        if (sameValue(v, row[name]) || (replace && el.name === entity.etag?.name)) continue
        throw badRequest(`Property '${name}' of '${entity.name}' cannot be changed (sap:updatable=false)`, '/IWBEP/CM_MGW_RT/000')
      }
      changes[name] = v
    }
    if (replace) for (const el of entity.props) if (!el.isKey && el.updatable && !(el.name in data) && row[el.name] !== undefined) changes[el.name] = undefined
    this.store.table(entity).update(row, changes)
    this.store.bumpStamps(entity, row)
  }

  delete(entity: EntityInfo, row: Row, ifMatch: string | undefined) {
    if (!entity.deletable) throw new ODataError(405, `Entity set '${entity.name}' does not support deletion`, METHOD_NOT_ALLOWED)
    checkEtag(entity, row, ifMatch)
    const owners = this.store.owners(entity, row)
    this.store.removeDeep(entity, row)
    const stamp = this.store.nextStamp()
    for (const [oe, or] of owners) this.store.bumpStamps(oe, or, stamp)
  }

  private element(entity: EntityInfo, name: string): ElementInfo {
    const el = entity.elements.get(name)
    if (!el) throw badRequest(`Property '${name}' is invalid for type '${entity.typeName}'`, '/IWBEP/CM_MGW_RT/021')
    return el
  }
}
