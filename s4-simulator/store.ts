/**
 * In-memory tables per entity set with a key map, lazily built child indexes for navigation
 * ($expand, A_X('1')/to_Item) and a query executor that selects a page with a bounded heap
 * (top-k) instead of sorting all matches.
 */
import type { ApiModel, EntityInfo, NavInfo } from './model'
import { badRequest, notFound, ODataError } from './errors'
import { compileComparator, type Comparator, type Predicate, type Row } from './odata-query'
import { isoFromMs, msFromIso } from './edm-values'

const SEP = '\u0001'
/** global so that versions of replaced tables never repeat (serializer caches compare them) */
let versionCounter = 0

export class Table {
  rows: Row[] = []
  byKey = new Map<string, Row>()
  /** rows are in key order (true after bulk generation; inserts of smaller keys clear it) */
  sorted = true
  /** names of properties that any row has a value for; the rest are served as initial values */
  storedProps = new Set<string>()
  /** bumped whenever storedProps or corruptions change (invalidates compiled serializers) */
  version = ++versionCounter
  /** raw wire values that replace a row's serialized property (see Simulator.corrupt) */
  corruptions = new Map<Row, Record<string, unknown>>()
  private indexes = new Map<string, Map<string, Row[]>>()
  readonly keyCompare: Comparator
  readonly keyOf: (r: Row) => string
  private knownProps: Set<string>

  constructor(readonly entity: EntityInfo) {
    this.keyCompare = compileComparator(entity, [])
    const keys = entity.keys.map((k) => k.name)
    this.keyOf = keys.length === 1 ? (r) => String(r[keys[0]]) : (r) => keys.map((k) => String(r[k])).join(SEP)
    this.knownProps = new Set(entity.props.map((p) => p.name))
  }

  keyString(key: Row): string { return this.keyOf(key) }

  get(key: Row): Row | undefined { return this.byKey.get(this.keyOf(key)) }

  /** Copies only the properties the model knows, in a consistent shape. */
  project(src: Row): Row {
    const out: Row = {}
    for (const k in src) if (this.knownProps.has(k) && src[k] !== undefined) out[k] = src[k]
    return out
  }

  /** Bulk load (generator): rows must have the same shape and come in key order. */
  load(rows: Row[]) {
    if (!rows.length) return
    const fields = Object.keys(rows[0]).filter((k) => this.knownProps.has(k))
    const projector = new Function('s', `return {${fields.map((f) => `${JSON.stringify(f)}: s[${JSON.stringify(f)}]`).join(',')}}`) as (s: Row) => Row
    const needsProjection = fields.length !== Object.keys(rows[0]).length
    for (const f of fields) this.storedProps.add(f)
    let last = this.rows[this.rows.length - 1]
    for (const src of rows) {
      const row = needsProjection ? projector(src) : src
      const k = this.keyOf(row)
      if (this.byKey.has(k)) throw new Error(`duplicate key ${this.entity.name}(${k})`)
      this.byKey.set(k, row)
      this.rows.push(row)
      if (last && this.sorted && this.keyCompare(last, row) > 0) this.sorted = false
      last = row
    }
    this.indexes.clear()
    this.version = ++versionCounter
  }

  insert(src: Row): Row {
    const row = this.project(src)
    for (const k of this.entity.keys) if (row[k.name] === undefined || row[k.name] === null) throw badRequest(`Key property '${k.name}' is missing`, '/IWBEP/CM_MGW_RT/024')
    const k = this.keyOf(row)
    if (this.byKey.has(k)) throw new ODataError(400, `Entity ${this.entity.name}(${k.split(SEP).join(',')}) already exists`, '/IWBEP/CM_MGW_RT/025')
    const last = this.rows[this.rows.length - 1]
    this.rows.push(row)
    this.byKey.set(k, row)
    if (last && this.sorted && this.keyCompare(last, row) > 0) this.sorted = false
    this.noteProps(row)
    for (const [spec, index] of this.indexes) {
      const bucketKey = spec.split(SEP).map((p) => String(row[p] ?? '')).join(SEP)
      const bucket = index.get(bucketKey)
      if (bucket) { bucket.push(row); bucket.sort(this.keyCompare) } else index.set(bucketKey, [row])
    }
    return row
  }

  update(row: Row, changes: Row) {
    Object.assign(row, changes)
    this.noteProps(changes)
  }

  remove(row: Row) {
    const k = this.keyOf(row)
    if (this.byKey.get(k) !== row) return
    this.byKey.delete(k)
    const i = this.rows.indexOf(row)
    if (i >= 0) this.rows.splice(i, 1)
    this.corruptions.delete(row)
    for (const [spec, index] of this.indexes) {
      const bucketKey = spec.split(SEP).map((p) => String(row[p] ?? '')).join(SEP)
      const bucket = index.get(bucketKey)
      if (bucket) { const j = bucket.indexOf(row); if (j >= 0) bucket.splice(j, 1); if (!bucket.length) index.delete(bucketKey) }
    }
  }

  private noteProps(row: Row) {
    let changed = false
    for (const p in row) if (!this.storedProps.has(p) && this.knownProps.has(p)) { this.storedProps.add(p); changed = true }
    if (changed) this.version = ++versionCounter
  }

  ensureSorted() {
    if (!this.sorted) { this.rows.sort(this.keyCompare); this.sorted = true }
  }

  /** Rows whose `props` equal the given values (index built on first use, kept up to date). */
  lookup(props: string[], values: unknown[]): Row[] {
    const spec = props.join(SEP)
    let index = this.indexes.get(spec)
    if (!index) {
      this.ensureSorted()
      index = new Map()
      for (const row of this.rows) {
        const bk = props.length === 1 ? String(row[props[0]] ?? '') : props.map((p) => String(row[p] ?? '')).join(SEP)
        const b = index.get(bk)
        if (b) b.push(row); else index.set(bk, [row])
      }
      this.indexes.set(spec, index)
    }
    const key = values.length === 1 ? String(values[0] ?? '') : values.map((v) => String(v ?? '')).join(SEP)
    return index.get(key) ?? EMPTY
  }
}

const EMPTY: Row[] = []

export interface QueryResult { rows: Row[]; total: number; hasMore: boolean }

export class Store {
  readonly tables = new Map<EntityInfo, Table>()
  /** highest DateTimeOffset change stamp handed out or loaded (internal ISO form) */
  private lastStamp = ''

  constructor(readonly model: ApiModel) {
    for (const svc of model.services) for (const e of svc.entities.values()) this.tables.set(e, new Table(e))
  }

  /** Loads generated rows (entity set name → rows); sets the model does not know are reported. */
  loadDataset(data: Record<string, Row[]>): string[] {
    const unknown: string[] = []
    for (const [set, rows] of Object.entries(data)) {
      const e = this.model.entitySets.get(set)
      if (!e) { unknown.push(set); continue }
      this.table(e).load(rows)
    }
    for (const [e, t] of this.tables) {
      const st = e.stamps.dateTimeOffset
      if (!st) continue
      for (const r of t.rows) { const v = r[st.name] as string | undefined; if (v && v > this.lastStamp) this.lastStamp = v }
    }
    return unknown
  }

  clear() {
    for (const [e] of this.tables) this.tables.set(e, new Table(e))
    this.lastStamp = ''
  }

  /** "Now" as a change stamp, strictly greater than every stamp so far (ticks added on collisions). */
  nextStamp(): string {
    let s = isoFromMs(Date.now(), 0)
    if (s <= this.lastStamp) {
      const ms = msFromIso(this.lastStamp)
      const ticks = +this.lastStamp.slice(23, 27) + 1
      s = ticks > 9999 ? isoFromMs(ms + 1, 0) : isoFromMs(ms, ticks)
    }
    this.lastStamp = s
    return s
  }

  /**
   * Sets the change stamps of a row (LastChangeDateTime, LastChangeDate/Time) to `stamp`. Rows without
   * stamps pass the change on to their owner (composition parent) or, failing that, to rows that refer
   * to them by a to-one association (A_Customer → A_BusinessPartner).
   */
  bumpStamps(entity: EntityInfo, row: Row, stamp = this.nextStamp(), seen = new Set<Row>()) {
    if (seen.has(row)) return
    seen.add(row)
    const st = entity.stamps
    if (st.dateTimeOffset || st.date || st.time) {
      const ms = msFromIso(stamp)
      const changes: Row = {}
      if (st.dateTimeOffset) changes[st.dateTimeOffset.name] = stamp
      if (st.date) changes[st.date.name] = ms - (ms % 86_400_000)
      if (st.time) changes[st.time.name] = Math.floor((ms % 86_400_000) / 1000)
      this.table(entity).update(row, changes)
      return
    }
    const owners = this.owners(entity, row)
    for (const [oe, or] of owners.length ? owners : this.referrers(entity, row)) this.bumpStamps(oe, or, stamp, seen)
  }

  /** Composition parents of a row. */
  owners(entity: EntityInfo, row: Row): Array<[EntityInfo, Row]> {
    const out: Array<[EntityInfo, Row]> = []
    for (const parent of entity.service.entities.values()) {
      for (const nav of parent.navs.values()) {
        if (nav.target !== entity || !ownsTarget(nav)) continue
        const values = nav.mapping.map(([, t]) => row[t])
        for (const p of this.table(parent).lookup(nav.mapping.map(([s]) => s), values)) out.push([parent, p])
      }
    }
    return out
  }

  /** Rows of other entities pointing at this row through a to-one association. */
  referrers(entity: EntityInfo, row: Row): Array<[EntityInfo, Row]> {
    const out: Array<[EntityInfo, Row]> = []
    for (const src of entity.service.entities.values()) {
      for (const nav of src.navs.values()) {
        if (nav.target !== entity || nav.many || !nav.mapping.length) continue
        const values = nav.mapping.map(([, t]) => row[t])
        for (const p of this.table(src).lookup(nav.mapping.map(([s]) => s), values)) out.push([src, p])
      }
    }
    return out
  }

  table(entity: EntityInfo | string): Table {
    const e = typeof entity === 'string' ? this.model.entitySets.get(entity) : entity
    const t = e && this.tables.get(e)
    if (!t) throw notFound(`Entity set '${String(entity)}' not found`)
    return t
  }

  /** Children (to-many) or the target (to-one, as 0/1-element array) of a navigation property. */
  navigate(nav: NavInfo, parent: Row): Row[] {
    if (!nav.mapping.length) return EMPTY
    const values = nav.mapping.map(([s]) => parent[s])
    return this.table(nav.target).lookup(nav.mapping.map(([, t]) => t), values)
  }

  /** Deletes a row and, recursively, its composition children. */
  removeDeep(entity: EntityInfo, row: Row, seen = new Set<Row>()) {
    if (seen.has(row)) return
    seen.add(row)
    for (const nav of entity.navs.values()) {
      if (!ownsTarget(nav)) continue
      for (const child of [...this.navigate(nav, row)]) this.removeDeep(nav.target, child, seen)
    }
    this.table(entity).remove(row)
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [e, t] of this.tables) out[e.name] = t.rows.length
    return out
  }
}

/** Compositions, and to-many associations whose mapping fills a part of the target key, own their targets. */
export function ownsTarget(nav: NavInfo): boolean {
  if (nav.composition) return true
  if (!nav.many) return false
  return nav.mapping.length > 0 && nav.mapping.every(([, t]) => nav.target.keys.some((k) => k.name === t))
}

/**
 * Selects rows [skip, skip+limit) of the matches in the given order. Without an explicit order the
 * key order is used and the scan stops early; with an order only a bounded max-heap of skip+limit
 * rows is kept (O(N log k) worst case, O(N) typically), then sorted.
 */
export function runQuery(
  table: Table,
  candidates: Row[] | null,
  predicate: Predicate | null,
  order: Comparator | null,
  skip: number,
  limit: number,
  needTotal: boolean,
): QueryResult {
  let source = candidates
  if (!source) {
    if (!order) table.ensureSorted()
    source = table.rows
  }
  const end = skip + limit
  if (!order) {
    const keyed = candidates ? [...source].sort(table.keyCompare) : source
    const out: Row[] = []
    let matched = 0
    for (let i = 0; i < keyed.length; i++) {
      const r = keyed[i]
      if (predicate && !predicate(r)) continue
      if (matched >= skip && matched < end) out.push(r)
      matched++
      if (!needTotal && matched > end) return { rows: out, total: -1, hasMore: true }
    }
    return { rows: out, total: matched, hasMore: matched > end }
  }
  const heap = new Heap(order, end)
  let matched = 0
  for (let i = 0; i < source.length; i++) {
    const r = source[i]
    if (predicate && !predicate(r)) continue
    matched++
    heap.offer(r)
  }
  const sorted = heap.sorted()
  return { rows: sorted.slice(skip, end), total: matched, hasMore: matched > end }
}

/** Max-heap (by `cmp`) holding the `cap` smallest rows offered. */
class Heap {
  private a: Row[] = []
  constructor(private cmp: Comparator, private cap: number) {}
  offer(r: Row) {
    const a = this.a
    if (this.cap <= 0) return
    if (a.length < this.cap) {
      a.push(r)
      let i = a.length - 1
      while (i > 0) {
        const p = (i - 1) >> 1
        if (this.cmp(a[i], a[p]) <= 0) break
        const t = a[i]; a[i] = a[p]; a[p] = t
        i = p
      }
      return
    }
    if (this.cmp(r, a[0]) >= 0) return
    a[0] = r
    const n = a.length
    let i = 0
    for (;;) {
      const l = 2 * i + 1, rr = l + 1
      let m = i
      if (l < n && this.cmp(a[l], a[m]) > 0) m = l
      if (rr < n && this.cmp(a[rr], a[m]) > 0) m = rr
      if (m === i) break
      const t = a[i]; a[i] = a[m]; a[m] = t
      i = m
    }
  }
  sorted(): Row[] { return this.a.sort(this.cmp) }
}
