import { Readable } from 'node:stream'
import cds from '@sap/cds'
import { fromV2, MalformedValue, v2Literal, type EdmElement } from './v2-values'
import type { S4Client, FailedAttempt } from './s4-client'
import { mapFields, type S4Record, type SyncDescription } from './descriptions'

const LOG = cds.log('sync')

const RUNS = 'invoicecrm.integration.SyncRuns'
const STATES = 'invoicecrm.integration.SyncStates'
const ERRORS = 'invoicecrm.integration.SyncRunErrors'
const REJECTIONS = 'invoicecrm.integration.SyncRejections'
const SEEN = 'invoicecrm.integration.SyncSeenKeys'

export type SyncMode = 'delta' | 'full'

export interface RunCounters {
  pages: number
  rowsRead: number
  rowsUpserted: number
  rowsDeleted: number
  rowsRejected: number
  errorCount: number
}

export interface RunSummary extends RunCounters {
  runId: string
  entity: string
  mode: SyncMode
  status: 'succeeded' | 'failed'
  durationMs: number
  message?: string
}

export interface RunOptions {
  mode?: SyncMode
  pageSize: number
  onProgress?: (progress: RunCounters & { entity: string; mode: SyncMode; expectedRows?: number }) => unknown
}

interface SyncState {
  entity: string
  deltaStamp: string | null
  deltaKey: string | null
  fullRun: string | null
  fullKey: string | null
  fullBaseline: string | null
  fullSweep: boolean | null
}

/** Where a delta run stands: the last bucket it touched, and inside it the last key while the bucket is unfinished. */
interface DeltaCursor {
  bucket: number
  key: string[] | null
}

interface Page {
  /** Rows to mirror, mapped to our columns, with their children. */
  rows: { row: S4Record; key: string[]; children: S4Record[][] }[]
  rejected: { key: string; reason: string }[]
  /** Keys of every record in the page, rejected ones included: a rejected record was not removed in S/4HANA. */
  seenKeys: string[][]
}

type CsnEntity = { elements: Record<string, EdmElement & { target?: string; isAssociation?: boolean; is2many?: boolean }> }
type CsnModel = { definitions: Record<string, any> }

const keyText = (key: unknown[]) => JSON.stringify(key)

/**
 * The one sync engine: reads any described entity from S/4HANA page by page and writes each page, its children,
 * its rejections and the checkpoint in one transaction, so a crash at any moment resumes without loss or duplicates.
 *
 * - delta: rows changed since the checkpoint, ordered by (change stamp, key); see ./change-stamps for the buckets.
 * - full: every row ordered by key, recording the keys seen; at the end, mirror rows S/4HANA no longer has are
 *   deleted or marked. A first run of a stamped entity is a full run that also sets the delta checkpoint.
 */
export class SyncEngine {
  constructor(
    private readonly client: S4Client,
    private readonly model: CsnModel
  ) {}

  async run(d: SyncDescription, options: RunOptions): Promise<RunSummary> {
    const state = await this.loadState(d)
    const mode: SyncMode = !d.stamp || options.mode === 'full' || !state.deltaStamp ? 'full' : 'delta'
    if (options.mode === 'delta' && mode === 'full')
      LOG.info(`${d.name}: no delta checkpoint or change stamp yet, running a full reconciliation instead`)
    const runId = cds.utils.uuid()
    const started = Date.now()
    await cds.tx(tx => tx.run(INSERT.into(RUNS).entries({ ID: runId, entity: d.name, mode, status: 'running', startedAt: new Date(started).toISOString() })))
    const counters: RunCounters = { pages: 0, rowsRead: 0, rowsUpserted: 0, rowsDeleted: 0, rowsRejected: 0, errorCount: 0 }
    const onFailure = async (failure: FailedAttempt) => {
      counters.errorCount++
      await cds.tx(tx =>
        tx.run(
          INSERT.into(ERRORS).entries({
            run_ID: runId,
            at: new Date().toISOString(),
            attempt: failure.attempt,
            httpStatus: failure.httpStatus ?? null,
            retried: failure.willRetry,
            message: failure.message.slice(0, 1000),
          })
        )
      )
    }
    const context: RunContext = { d, runId, counters, options, onFailure, mode }
    LOG.info(`${d.name}: ${mode} sync started (run ${runId})`)
    try {
      if (mode === 'full') await this.reconcile(context, state)
      else await this.readDelta(context, state)
      return await this.finish(context, started, 'succeeded')
    } catch (error) {
      LOG.error(`${d.name}: ${mode} sync failed (run ${runId}): ${(error as Error).message}`)
      return await this.finish(context, started, 'failed', (error as Error).message)
    }
  }

  private async finish(c: RunContext, started: number, status: RunSummary['status'], message?: string): Promise<RunSummary> {
    const durationMs = Date.now() - started
    const finishedAt = new Date().toISOString()
    await cds.tx(async tx => {
      await tx.run(UPDATE(RUNS, c.runId).with({ status, finishedAt, durationMs, message: message?.slice(0, 1000) ?? null, errorCount: c.counters.errorCount }))
      await tx.run(UPDATE(STATES).where({ entity: c.d.name }).with({ lastRun_ID: c.runId, ...(status === 'succeeded' && { lastSuccessAt: finishedAt }) }))
    })
    const summary: RunSummary = { runId: c.runId, entity: c.d.name, mode: c.mode, status, durationMs, message, ...c.counters }
    const { pages, rowsRead, rowsUpserted, rowsDeleted, rowsRejected, errorCount } = summary
    LOG.info(
      `${c.d.name}: ${c.mode} sync ${status} in ${durationMs} ms: ${pages} pages, ${rowsRead} read, ${rowsUpserted} upserted, ` +
        `${rowsDeleted} removed, ${rowsRejected} rejected, ${errorCount} errors`
    )
    return summary
  }

  private async loadState(d: SyncDescription): Promise<SyncState> {
    const state = (await SELECT.one.from(STATES).where({ entity: d.name })) as SyncState | undefined
    if (state) return state
    const fresh: SyncState = { entity: d.name, deltaStamp: null, deltaKey: null, fullRun: null, fullKey: null, fullBaseline: null, fullSweep: null }
    await cds.tx(tx => tx.run(INSERT.into(STATES).entries(fresh)))
    return fresh
  }

  // ---------------------------------------------------------------- delta

  private async readDelta(c: RunContext, state: SyncState) {
    const { d } = c
    const stamp = d.stamp!
    let cursor: DeltaCursor = {
      bucket: Date.parse(state.deltaStamp!),
      key: state.deltaKey ? (JSON.parse(state.deltaKey) as string[]) : null,
    }
    if (stamp.overlapMs && !cursor.key) cursor = { bucket: cursor.bucket - stamp.overlapMs - stamp.bucketMs, key: null }
    const order = [...stamp.properties, ...d.keys.map(k => k.remote)]
    const keyOrder = d.keys.map(k => k.remote)
    const reading = { pageSize: c.options.pageSize, onFailure: c.onFailure, onCount: (n: number) => (c.expectedRows = n) }
    const read = ({ bucket, key }: DeltaCursor, count = false) =>
      key === null
        ? this.fetch(d, { ...reading, count }, [stamp.from(bucket + stamp.bucketMs)], order)
        : this.fetch(d, { ...reading, count }, [stamp.within(bucket), key.length ? this.keysAfter(d, key) : undefined], keyOrder)
    let pending = read(cursor, true)
    for (;;) {
      const inBucket = cursor.key !== null
      const { records, more } = await pending
      if (!records.length) {
        if (!inBucket) return
        cursor = { bucket: cursor.bucket, key: null }
        pending = read(cursor)
        continue
      }
      const entries = this.convertAll(d, records)
      let take = entries
      let next: DeltaCursor
      if (inBucket) {
        next = { bucket: cursor.bucket, key: more ? entries.at(-1)!.key : null }
      } else {
        const lastBucket = this.bucketOf(c, entries, entries.length - 1)
        const firstOfLast = more ? entries.findIndex((_, i) => this.bucketOf(c, entries, i) === lastBucket) : entries.length
        if (firstOfLast === 0) {
          // A whole page of equal visible stamps: read that bucket on its own, ordered by key.
          cursor = { bucket: lastBucket, key: [] }
          pending = read(cursor)
          continue
        }
        // Never end a page inside a bucket: its remaining rows may sort before the ones we have, by invisible ticks.
        take = entries.slice(0, firstOfLast)
        next = { bucket: this.bucketOf(c, take, take.length - 1), key: null }
      }
      const done = !more && !inBucket
      if (!done) pending = read(next) // read ahead while this page is written
      await this.writePage(c, this.toPage(d, take), {
        deltaStamp: new Date(next.bucket).toISOString(),
        deltaKey: next.key ? keyText(next.key) : null,
      })
      cursor = next
      if (done) return
    }
  }

  /** The bucket of entry i; a record whose stamp could not be read sorts with its predecessor. */
  private bucketOf(c: RunContext, entries: Entry[], i: number): number {
    for (let j = i; j >= 0; j--) {
      const record = entries[j].record
      const bucket = record ? c.d.stamp!.bucketOf(record) : NaN
      if (!Number.isNaN(bucket)) return bucket
    }
    return Number.NEGATIVE_INFINITY
  }

  // ---------------------------------------------------------------- full reconciliation

  private async reconcile(c: RunContext, state: SyncState) {
    const { d } = c
    let reconciliation = state
    if (state.fullRun) LOG.info(`${d.name}: resuming the interrupted reconciliation after key ${state.fullKey ?? '(start)'}`)
    else {
      // Fixed when the reconciliation starts, so a resumed one neither loses changes nor sweeps rows it did not see.
      const baseline = d.stamp && !state.deltaStamp ? await this.newestStamp(c) : null
      const mirrored = ((await SELECT.one.from(d.target).columns('count(1) as n')) as { n: number }).n
      reconciliation = {
        ...state,
        fullRun: c.runId,
        fullKey: null,
        fullBaseline: baseline === null ? null : new Date(baseline).toISOString(),
        fullSweep: mirrored > 0,
      }
      await cds.tx(tx => tx.run(UPDATE(STATES).where({ entity: d.name }).with(reconciliation)))
    }
    const fullRun = reconciliation.fullRun!
    const { fullBaseline, fullSweep } = reconciliation
    const start = reconciliation.fullKey ? (JSON.parse(reconciliation.fullKey) as string[]) : null
    const reading = { pageSize: c.options.pageSize, after: start, onFailure: c.onFailure, onCount: (n: number) => (c.expectedRows = n) }
    for await (const { records, last } of this.readInKeyOrder(d, reading)) {
      const page = this.toPage(d, this.convertAll(d, records))
      await this.writePage(c, page, { fullKey: keyText(last) }, fullSweep ? { reconciliation: fullRun, keys: page.seenKeys } : undefined, !fullSweep)
    }
    const removed = fullSweep ? await this.sweep(d, fullRun) : 0
    c.counters.rowsDeleted += removed
    await cds.tx(async tx => {
      await tx.run(DELETE.from(SEEN).where({ reconciliation: fullRun }))
      await tx.run(UPDATE(RUNS, c.runId).with({ rowsDeleted: { '+=': removed } }))
      await tx.run(
        UPDATE(STATES).where({ entity: d.name }).with({
          fullRun: null,
          fullKey: null,
          fullBaseline: null,
          fullSweep: null,
          ...(fullBaseline && !state.deltaStamp && { deltaStamp: fullBaseline, deltaKey: null }),
        })
      )
    })
  }

  private async newestStamp(c: RunContext): Promise<number> {
    const { d } = c
    const { results } = await this.client.getPage(
      d.api,
      d.remote,
      {
        ...(d.filter && { $filter: d.filter }),
        $select: d.stamp!.properties.join(','),
        $orderby: d.stamp!.properties.map(p => `${p} desc`).join(','),
        $top: '1',
      },
      c.onFailure
    )
    if (!results.length) return 0
    const bucket = d.stamp!.bucketOf(this.convert(this.entity(d.api, d.remote), results[0]))
    return Number.isNaN(bucket) ? 0 : bucket
  }

  /** Marks or deletes mirror rows whose key the reconciliation did not see, chunk by chunk. */
  private async sweep(d: SyncDescription, reconciliation: string): Promise<number> {
    const columns = d.keys.map(k => k.local)
    const target = this.model.definitions[d.target] as { keys: Record<string, { isAssociation?: boolean }> }
    const primaryKey = Object.keys(target.keys).filter(k => !target.keys[k].isAssociation)
    const chunk = 5000
    let removed = 0
    for (let offset = 0; ; ) {
      const rows = (await SELECT.from(d.target)
        .columns(...new Set([...columns, ...primaryKey]))
        .where(d.onRemoved === 'mark' ? { removedInS4: false } : {})
        .orderBy(...primaryKey)
        .limit(chunk, offset)) as S4Record[]
      if (!rows.length) return removed
      const keyed = new Map(rows.map(row => [keyText(columns.map(col => row[col])), row]))
      const seen = (await SELECT.from(SEEN).columns('recordKey').where({ reconciliation, recordKey: { in: [...keyed.keys()] } })) as { recordKey: string }[]
      for (const { recordKey } of seen) keyed.delete(recordKey)
      await cds.tx(async tx => {
        for (const row of keyed.values()) {
          const where = Object.fromEntries(primaryKey.map(k => [k, row[k]]))
          await tx.run(d.onRemoved === 'mark' ? UPDATE(d.target).set({ removedInS4: true }).where(where) : DELETE.from(d.target).where(where))
        }
        if (keyed.size) await d.afterWrite?.(tx, 'removed')
      })
      removed += keyed.size
      // Removed and marked rows drop out of this ordered selection, so the next chunk starts that much earlier.
      offset += rows.length - keyed.size
      if (rows.length < chunk) return removed
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * Every remote row in key order, page by page, as a full reconciliation reads them (also the benchmark's
   * baseline). Reads one page ahead, so the next page downloads while the caller writes this one.
   */
  async *readInKeyOrder(d: SyncDescription, options: { pageSize: number; after?: string[] | null; onFailure?: OnFailure; onCount?: (n: number) => unknown }) {
    const order = d.keys.map(k => k.remote)
    const pageAfter = (after?: string[] | null, count = false) => this.fetch(d, { ...options, count }, [after ? this.keysAfter(d, after) : undefined], order)
    let pending = pageAfter(options.after, Boolean(options.onCount))
    for (;;) {
      const { records, more } = await pending
      if (!records.length) return
      const last = this.remoteKey(d, records.at(-1)!)
      if (more) pending = pageAfter(last)
      yield { records, last }
      if (!more) return
    }
  }

  /** One page; with `count`, S/4HANA also says how many rows the whole read will bring (for progress). */
  private fetch(d: SyncDescription, options: { pageSize: number; onFailure?: OnFailure; count?: boolean; onCount?: (n: number) => unknown }, filters: (string | undefined)[], orderBy: string[]) {
    const conditions = [d.filter, ...filters].filter(Boolean).map(f => `(${f})`)
    const query = {
      ...(conditions.length && { $filter: conditions.join(' and ') }),
      $select: this.selectList(d).join(','),
      ...(this.expandList(d).length && { $expand: this.expandList(d).join(',') }),
      $orderby: orderBy.join(','),
      $top: String(options.pageSize),
      ...(options.count && { $inlinecount: 'allpages' }),
    }
    const fetched = this.client.getPage(d.api, d.remote, query, options.onFailure).then(page => {
      if (options.count && page.count !== undefined) options.onCount?.(page.count)
      // A page shorter than asked for without __next is the end; S/4HANA capping a page below $top says so with __next.
      return { records: page.results, more: page.results.length >= options.pageSize || Boolean(page.next) }
    })
    // A page read ahead may fail while the previous one is still being written: it surfaces where it is awaited.
    fetched.catch(() => undefined)
    return fetched
  }

  private selectList(d: SyncDescription): string[] {
    const mapped = Object.values(d.fields).filter((f): f is string => typeof f === 'string')
    const navigations = [...(d.children ?? []).map(ch => ch.navigation), ...(d.expand ?? []).map(e => e.split('/')[0])]
    return [...new Set([...d.keys.map(k => k.remote), ...(d.stamp?.properties ?? []), ...mapped, ...(d.select ?? []), ...navigations])]
  }

  private expandList(d: SyncDescription): string[] {
    return [...(d.children ?? []).map(ch => ch.navigation), ...(d.expand ?? [])]
  }

  private keysAfter(d: SyncDescription, after: string[]): string {
    const entity = this.entity(d.api, d.remote)
    const literal = (i: number) => v2Literal(entity.elements[d.keys[i].remote], after[i])
    // (k1 > a) or (k1 = a and k2 > b) or ...: the keyset condition for a composite key.
    return d.keys
      .map((k, i) => [...d.keys.slice(0, i).map((p, j) => `${p.remote} eq ${literal(j)}`), `${k.remote} gt ${literal(i)}`].join(' and '))
      .map(term => `(${term})`)
      .join(' or ')
  }

  private remoteKey(d: SyncDescription, raw: S4Record): string[] {
    return d.keys.map(k => (typeof raw[k.remote] === 'string' ? (raw[k.remote] as string) : ''))
  }

  // ---------------------------------------------------------------- converting

  private entity(api: string, name: string): CsnEntity {
    const entity = this.model.definitions[`${api}.${name}`] as CsnEntity | undefined
    if (!entity) throw new Error(`${api}.${name} is not in the S/4HANA models under srv/external`)
    return entity
  }

  /** V2 JSON record → plain values by Edm type, recursing into expanded navigations. Throws MalformedValue. */
  private convert(entity: CsnEntity, raw: S4Record): S4Record {
    const elements = this.plainElements(entity)
    const out: S4Record = {}
    for (const name in raw) {
      const element = elements.get(name)
      if (!element) continue
      const value = raw[name]
      if (element.target) {
        const expanded = value as { results?: S4Record[]; __deferred?: unknown } | null
        if (!expanded || expanded.__deferred) continue
        out[name] = Array.isArray(expanded.results)
          ? { results: expanded.results.map(child => this.convertNamed(element.target!, child, name)) }
          : this.convertNamed(element.target, expanded as S4Record, name)
        continue
      }
      try {
        out[name] = fromV2(element, value)
      } catch (error) {
        if (error instanceof MalformedValue) throw new MalformedValue(`${name}: ${error.message}`)
        throw error
      }
    }
    return out
  }

  private readonly plainCache = new Map<CsnEntity, Map<string, PlainElement>>()

  /** The elements of a linked CSN entity as plain objects: converting reads them for every value of every row. */
  private plainElements(entity: CsnEntity): Map<string, PlainElement> {
    let plain = this.plainCache.get(entity)
    if (!plain) {
      plain = new Map()
      for (const [name, e] of Object.entries(entity.elements)) {
        plain.set(name, {
          '@odata.Type': e['@odata.Type'],
          '@sap.display.format': e['@sap.display.format'],
          type: e.type,
          length: e.length,
          target: e.isAssociation ? (this.model.definitions[e.target!] as CsnEntity) : undefined,
        })
      }
      this.plainCache.set(entity, plain)
    }
    return plain
  }

  private convertNamed(target: CsnEntity, raw: S4Record, navigation: string): S4Record {
    try {
      return this.convert(target, raw)
    } catch (error) {
      if (error instanceof MalformedValue) throw new MalformedValue(`${navigation}/${error.message}`)
      throw error
    }
  }

  /** Converts a page of V2 records; a malformed one keeps its reason instead of a record. */
  private convertAll(d: SyncDescription, records: S4Record[]): Entry[] {
    const entity = this.entity(d.api, d.remote)
    return records.map(raw => {
      const key = this.remoteKey(d, raw)
      try {
        // An empty string is a legitimate S/4HANA key value (e.g. DunningArea ''); absent or non-text is not.
        const missing = d.keys.filter(k => typeof raw[k.remote] !== 'string').map(k => k.remote)
        if (key.every(part => !part)) missing.push(...d.keys.map(k => k.remote))
        if (missing.length) throw new MalformedValue(`key ${missing.join(', ')} missing`)
        return { key, record: this.convert(entity, raw) }
      } catch (error) {
        if (!(error instanceof MalformedValue)) throw error
        return { key, reason: error.message }
      }
    })
  }

  private toPage(d: SyncDescription, entries: Entry[]): Page {
    const page: Page = { rows: [], rejected: [], seenKeys: [] }
    for (const { key, record, reason } of entries) {
      const keyLabel = d.keys.map((k, i) => `${k.remote}=${key[i]}`).join(',')
      if (key.some(Boolean)) page.seenKeys.push(key)
      try {
        if (!record) throw new MalformedValue(reason!)
        const row = mapFields(d.fields, record)
        const parentKey = row[d.keys[0].local]
        const children = (d.children ?? []).map(child => {
          const results = (record[child.navigation] as { results?: S4Record[] } | undefined)?.results
          if (!results) throw new MalformedValue(`${child.navigation} was not expanded`)
          return results.map(r => ({ ...mapFields(child.fields, r), [child.parentColumn]: parentKey }))
        })
        page.rows.push({ row, key, children })
      } catch (error) {
        if (!(error instanceof MalformedValue)) throw error
        page.rejected.push({ key: keyLabel, reason: error.message })
        LOG.warn(`${d.name}: rejected record ${keyLabel}: ${error.message}`)
      }
    }
    return page
  }

  // ---------------------------------------------------------------- writing

  /**
   * One transaction: the rows, their children, rejections, seen keys, run counters and the checkpoint.
   * `initialLoad`: the mirror was empty when this reconciliation started, so every row is new: plain inserts.
   */
  private async writePage(c: RunContext, page: Page, checkpoint: Partial<SyncState>, seen?: { reconciliation: string; keys: string[][] }, initialLoad = false) {
    const { d, counters, runId } = c
    await cds.tx(async tx => {
      const rows = page.rows.map(r => r.row)
      if (rows.length) await tx.run(initialLoad ? INSERT.into(d.target).entries(asJson(rows)) : UPSERT.into(d.target).entries(asJson(rows)))
      for (const [i, child] of (d.children ?? []).entries()) {
        await readsGoOn()
        const parents = rows.map(row => row[d.keys[0].local])
        if (parents.length && !initialLoad) await tx.run(DELETE.from(child.target).where({ [child.parentColumn]: { in: parents } }))
        const childRows = page.rows.flatMap(r => r.children[i])
        if (childRows.length) await tx.run(INSERT.into(child.target).entries(asJson(childRows)))
      }
      if (rows.length) await d.afterWrite?.(tx, rows)
      if (page.rejected.length) {
        const at = new Date().toISOString()
        await tx.run(INSERT.into(REJECTIONS).entries(page.rejected.map(r => ({ run_ID: runId, entity: d.name, recordKey: r.key.slice(0, 200), reason: r.reason.slice(0, 1000), at }))))
      }
      if (seen?.keys.length) await tx.run(UPSERT.into(SEEN).entries(seen.keys.map(k => ({ reconciliation: seen.reconciliation, recordKey: keyText(k) }))))
      const read = page.rows.length + page.rejected.length
      await tx.run(
        UPDATE(RUNS, runId).with({
          pages: { '+=': 1 },
          rowsRead: { '+=': read },
          rowsUpserted: { '+=': rows.length },
          rowsRejected: { '+=': page.rejected.length },
        })
      )
      await tx.run(UPDATE(STATES).where({ entity: d.name }).with(checkpoint))
    })
    counters.pages++
    counters.rowsRead += page.rows.length + page.rejected.length
    counters.rowsUpserted += page.rows.length
    counters.rowsRejected += page.rejected.length
    c.options.onProgress?.({ entity: d.name, mode: c.mode, expectedRows: c.expectedRows, ...counters })
  }
}

/**
 * Rows as one JSON document for INSERT/UPSERT: CAP streams it into the database as it is, where it would otherwise
 * serialize a page of thousands of rows value by value (a large share of a full sync's CPU time).
 */
const asJson = (rows: S4Record[]) => Readable.from([JSON.stringify(rows)], { objectMode: false })

/**
 * SQLite statements block the event loop; between them, let the page read ahead keep arriving from S/4HANA,
 * or its transfer stalls while we write.
 */
const readsGoOn = () => new Promise(resolve => setImmediate(resolve))

type PlainElement = EdmElement & { target?: CsnEntity }

interface Entry {
  key: string[]
  record?: S4Record
  reason?: string
}

type OnFailure = (failure: FailedAttempt) => Promise<void>

interface RunContext {
  d: SyncDescription
  /** What S/4HANA said the run will read, for progress. */
  expectedRows?: number
  runId: string
  mode: SyncMode
  counters: RunCounters
  options: RunOptions
  onFailure: OnFailure
}

