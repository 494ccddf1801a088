import cds from '@sap/cds'
import { fromV2, MalformedValue, v2Literal, type EdmElement } from '../s4/v2-values'
import { S4Error, type S4Client, type FailedAttempt } from '../s4/client'
import { AdaptivePageSize } from './page-size'
import { readAhead } from './read-ahead'
import { mapFields, type S4Record, type SyncDescription } from './descriptions'
import { syncDatabase, type SyncDatabase } from './sqlite-worker'
import { writeJson } from './json-rows'
import { beginBulkLoad, endBulkLoad } from '../bulk-loads'
import { SyncRejections, SyncRunErrors, SyncRuns, SyncSeenKeys, SyncStates, type RunMode, type RunStatus, type SyncMode, type SyncState as SyncStateRow } from '#cds-models/invoicecrm/integration'
import type { Filled } from '../model-types'

const LOG = cds.log('sync')

export type { RunMode, SyncMode }

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
  mode: RunMode
  /** A finished run's status. */
  status: Exclude<RunStatus, 'running'>
  durationMs: number
  message?: string
  /** How often a page timed out and was asked for again at half the size, and the smallest size asked for. */
  pageSizeReductions: number
  smallestPageSize: number
}

export interface RunOptions {
  mode?: SyncMode
  pageSize: number
  onProgress?: (progress: RunCounters & { entity: string; mode: RunMode; expectedRows?: number }) => unknown
}

type SyncState = Filled<SyncStateRow, 'entity'>

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
type CsnModel = { definitions: Record<string, unknown> }

const keyText = (key: unknown[]) => JSON.stringify(key)

/** Values per request of a targeted read. */
const SELECTION_CHUNK = 40

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
    const db = await syncDatabase()
    const state = await this.loadState(db, d)
    const mode: SyncMode = !d.stamp || options.mode === 'full' || !state.deltaStamp ? 'full' : 'delta'
    if (options.mode === 'delta' && mode === 'full')
      LOG.info(`${d.name}: no delta checkpoint or change stamp yet, running a full reconciliation instead`)
    const context = await this.begin(db, d, mode, options)
    const { runId, started } = context
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

  /** Records the run as running; its failed attempts at S/4HANA are recorded with it as they happen. */
  private async begin(db: SyncDatabase, d: SyncDescription, mode: RunMode, options: RunOptions): Promise<RunContext & { started: number }> {
    const runId = cds.utils.uuid()
    const started = Date.now()
    await db.tx(tx => tx.run(INSERT.into(SyncRuns).entries({ ID: runId, entity: d.name, mode, status: 'running', startedAt: new Date(started).toISOString() })))
    const counters: RunCounters = { pages: 0, rowsRead: 0, rowsUpserted: 0, rowsDeleted: 0, rowsRejected: 0, errorCount: 0 }
    const onFailure = async (failure: FailedAttempt) => {
      counters.errorCount++
      await db.tx(tx =>
        tx.run(
          INSERT.into(SyncRunErrors).entries({
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
    const { pageSizeFloor, pageSizeGrowAfter } = cds.env.requires.sync as { pageSizeFloor: number; pageSizeGrowAfter: number }
    const size = new AdaptivePageSize(options.pageSize, pageSizeFloor, pageSizeGrowAfter)
    return { d, db, runId, counters, options, onFailure, mode, size, started }
  }

  private async finish(c: RunContext, started: number, status: RunSummary['status'], message?: string): Promise<RunSummary> {
    const durationMs = Date.now() - started
    const finishedAt = new Date().toISOString()
    await c.db.tx(async tx => {
      await tx.run(
        UPDATE(SyncRuns, c.runId).with({ status, finishedAt, durationMs, message: message?.slice(0, 1000) ?? null, errorCount: c.counters.errorCount, ...this.pageSizes(c) })
      )
      // The entity's state tells how its scheduled sync goes; a read for events would hide a failing schedule.
      if (c.mode !== 'event')
        await tx.run(UPDATE(SyncStates).where({ entity: c.d.name }).with({ lastRun_ID: c.runId, ...(status === 'succeeded' && { lastSuccessAt: finishedAt }) }))
    })
    const summary: RunSummary = { runId: c.runId, entity: c.d.name, mode: c.mode, status, durationMs, message, ...c.counters, ...this.pageSizes(c) }
    const { pages, rowsRead, rowsUpserted, rowsDeleted, rowsRejected, errorCount } = summary
    LOG.info(
      `${c.d.name}: ${c.mode} sync ${status} in ${durationMs} ms: ${pages} pages, ${rowsRead} read, ${rowsUpserted} upserted, ` +
        `${rowsDeleted} removed, ${rowsRejected} rejected, ${errorCount} errors`
    )
    return summary
  }

  private pageSizes(c: RunContext) {
    return { pageSizeReductions: c.size.reductions, smallestPageSize: c.size.smallest }
  }

  private async loadState(db: SyncDatabase, d: SyncDescription): Promise<SyncState> {
    const state = (await SELECT.one.from(SyncStates).where({ entity: d.name })) as SyncState | null
    if (state) return state
    const fresh: SyncState = { entity: d.name, deltaStamp: null, deltaKey: null, fullRun: null, fullKey: null, fullBaseline: null, fullSweep: null }
    await db.tx(tx => tx.run(INSERT.into(SyncStates).entries(fresh)))
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
    const reading = { size: c.size, onFailure: c.onFailure, onCount: (n: number) => (c.expectedRows = n) }
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
    if (state.fullRun) {
      LOG.info(`${d.name}: resuming the interrupted reconciliation after key ${state.fullKey ?? '(start)'}`)
      // The runs before this one that never finished ended with their process (one sync of an entity at a time:
      // the jobs' entity locks): the monitor shows them as failed, not running for ever.
      await c.db.tx(tx =>
        tx.run(
          UPDATE(SyncRuns)
            .where({ entity: d.name, status: 'running', ID: { '!=': c.runId } })
            .with({ status: 'failed', finishedAt: new Date().toISOString(), message: `Interrupted: the process ended during the run; run ${c.runId} resumed it` })
        )
      )
    } else {
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
      await c.db.tx(async tx => {
        await tx.run(UPDATE(SyncStates).where({ entity: d.name }).with(reconciliation))
        if (!reconciliation.fullSweep) await beginBulkLoad(c.db, tx, bulkLoaded(d))
      })
    }
    const fullRun = reconciliation.fullRun!
    const { fullBaseline, fullSweep } = reconciliation
    const start = reconciliation.fullKey ? (JSON.parse(reconciliation.fullKey) as string[]) : null
    const reading = { pageSize: c.size, after: start, onFailure: c.onFailure, onCount: (n: number) => (c.expectedRows = n) }
    // A page is converted while the one before is still being written (by the SQLite worker or the database server);
    // the writes themselves, each page with its checkpoint, stay one after another.
    let writing: Promise<void> | undefined
    try {
      for await (const { records, last } of this.readInKeyOrder(d, reading)) {
        const page = this.toPage(d, this.convertAll(d, records))
        await writing
        writing = this.writePage(c, page, { fullKey: keyText(last) }, fullSweep ? { reconciliation: fullRun, keys: page.seenKeys } : undefined, !fullSweep)
      }
      await writing
    } finally {
      // Leave nothing running behind a failure; the failure itself is already on its way.
      await writing?.catch(() => undefined)
    }
    const removed = fullSweep ? await this.sweep(c, fullRun) : 0
    c.counters.rowsDeleted += removed
    await c.db.tx(async tx => {
      if (!fullSweep) await endBulkLoad(c.db, tx, bulkLoaded(d))
      await tx.run(DELETE.from(SyncSeenKeys).where({ reconciliation: fullRun }))
      await tx.run(UPDATE(SyncRuns, c.runId).with({ rowsDeleted: { '+=': removed } }))
      await tx.run(
        UPDATE(SyncStates).where({ entity: d.name }).with({
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
      { onFailure: c.onFailure }
    )
    if (!results.length) return 0
    const bucket = d.stamp!.bucketOf(this.convert(this.entity(d.api, d.remote), results[0]))
    return Number.isNaN(bucket) ? 0 : bucket
  }

  /** Marks or deletes mirror rows whose key the reconciliation did not see, chunk by chunk. */
  private async sweep(c: RunContext, reconciliation: string): Promise<number> {
    const { d } = c
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
      const seen = await SELECT.from(SyncSeenKeys).columns('recordKey').where({ reconciliation, recordKey: { in: [...keyed.keys()] } })
      for (const { recordKey } of seen) keyed.delete(recordKey!)
      await c.db.tx(async tx => {
        for (const row of keyed.values()) {
          const where = Object.fromEntries(primaryKey.map(k => [k, row[k]]))
          await tx.run(removal(d, where))
        }
        if (keyed.size) await d.afterWrite?.(tx, 'removed')
      })
      removed += keyed.size
      // Removed and marked rows drop out of this ordered selection, so the next chunk starts that much earlier.
      offset += rows.length - keyed.size
      if (rows.length < chunk) return removed
    }
  }

  // ---------------------------------------------------------------- targeted reads (business events)

  /**
   * Re-reads the rows whose remote `property` has one of `values`: documents by key, as S/4HANA's business events
   * name them, or an invoice's FI items by their billing document. Each page is written as a delta page is, but no
   * checkpoint moves, so the scheduled delta still reads every change and repairs what a lost event missed. Mirrored
   * rows of the selection that S/4HANA no longer returns are removed as a reconciliation removes them.
   */
  async syncSelection(d: SyncDescription, selection: { property: string; column: string; values: string[] }, options: RunOptions): Promise<RunSummary> {
    const c = await this.begin(await syncDatabase(), d, 'event', options)
    try {
      const element = this.entity(d.api, d.remote).elements[selection.property]
      if (!element) throw new Error(`${d.remote} has no property ${selection.property}`)
      const keyOrder = d.keys.map(k => k.remote)
      // A few values per request keep the URL well inside what gateways accept.
      for (let i = 0; i < selection.values.length; i += SELECTION_CHUNK) {
        const values = selection.values.slice(i, i + SELECTION_CHUNK)
        const chosen = values.map(v => `${selection.property} eq ${v2Literal(element, v)}`).join(' or ')
        const returned = new Set<string>()
        let after: string[] | null = null
        for (;;) {
          const reading = { size: c.size, onFailure: c.onFailure }
          const { records, more } = await this.fetch(d, reading, [chosen, after ? this.keysAfter(d, after) : undefined], keyOrder)
          if (!records.length) break
          const page = this.toPage(d, this.convertAll(d, records))
          for (const key of page.seenKeys) returned.add(keyText(key))
          await this.writePage(c, page, undefined)
          if (!more) break
          after = this.remoteKey(d, records.at(-1)!)
        }
        c.counters.rowsDeleted += await this.removeUnreturned(c, selection.column, values, returned)
      }
      return await this.finish(c, c.started, 'succeeded')
    } catch (error) {
      LOG.error(`${d.name}: event sync failed (run ${c.runId}): ${(error as Error).message}`)
      return await this.finish(c, c.started, 'failed', (error as Error).message)
    }
  }

  /** Mirror rows of the selection whose key S/4HANA did not return: gone there, deleted or marked here. */
  private async removeUnreturned(c: RunContext, column: string, values: string[], returned: Set<string>): Promise<number> {
    const { d } = c
    const columns = d.keys.map(k => k.local)
    const where = { [column]: { in: values }, ...(d.onRemoved === 'mark' && { removedInS4: false }) }
    const rows = (await SELECT.from(d.target).columns(...columns).where(where)) as S4Record[]
    const gone = rows.filter(row => !returned.has(keyText(columns.map(col => row[col]))))
    if (!gone.length) return 0
    await c.db.tx(async tx => {
      for (const row of gone) await tx.run(removal(d, Object.fromEntries(columns.map(col => [col, row[col]]))))
      await d.afterWrite?.(tx, 'removed')
      await tx.run(UPDATE(SyncRuns, c.runId).with({ rowsDeleted: { '+=': gone.length } }))
    })
    return gone.length
  }

  // ---------------------------------------------------------------- reading

  /**
   * Every remote row in key order, page by page, as a full reconciliation reads them (also the benchmark's
   * baseline). Reads ahead (./read-ahead): each page asks for the next as soon as it has arrived, while the caller
   * converts and writes the ones before; at most one arrived page waits for the caller.
   */
  async *readInKeyOrder(
    d: SyncDescription,
    options: { pageSize: number | AdaptivePageSize; after?: string[] | null; onFailure?: OnFailure; onCount?: (n: number) => unknown }
  ) {
    const order = d.keys.map(k => k.remote)
    // A plain number: that size, always (a timeout is retried as it is).
    const size = typeof options.pageSize === 'number' ? new AdaptivePageSize(options.pageSize, options.pageSize, 1) : options.pageSize
    yield* readAhead<{ records: S4Record[]; last: string[] }>(async handOver => {
      let after = options.after
      let count = Boolean(options.onCount)
      for (;;) {
        const { records, more } = await this.fetch(d, { ...options, size, count }, [after ? this.keysAfter(d, after) : undefined], order)
        count = false
        if (!records.length) return
        const last = this.remoteKey(d, records.at(-1)!)
        if (!(await handOver({ records, last })) || !more) return
        after = last
      }
    })
  }

  /**
   * One page; with `count`, S/4HANA also says how many rows the whole read will bring (for progress). A page that
   * times out is asked for again, smaller (see ./page-size), until it comes back or even the smallest times out.
   */
  private fetch(
    d: SyncDescription,
    options: { size: AdaptivePageSize; onFailure?: OnFailure; count?: boolean; onCount?: (n: number) => unknown },
    filters: (string | undefined)[],
    orderBy: string[]
  ) {
    const conditions = [d.filter, ...filters].filter(Boolean).map(f => `(${f})`)
    const { size } = options
    const read = async () => {
      for (;;) {
        const top = size.current
        const query = {
          ...(conditions.length && { $filter: conditions.join(' and ') }),
          $select: this.selectList(d).join(','),
          ...(this.expandList(d).length && { $expand: this.expandList(d).join(',') }),
          $orderby: orderBy.join(','),
          $top: String(top),
          ...(options.count && { $inlinecount: 'allpages' }),
        }
        try {
          const page = await this.client.getPage(d.api, d.remote, query, { onFailure: options.onFailure, onTimeout: size.canShrink ? 'throw' : 'retry' })
          size.answered()
          if (options.count && page.count !== undefined) options.onCount?.(page.count)
          // A page shorter than asked for without __next is the end; S/4HANA capping a page below $top says so with __next.
          return { records: page.results, more: page.results.length >= top || Boolean(page.next) }
        } catch (error) {
          if (!(error instanceof S4Error && error.timedOut)) throw error
          if (!size.canShrink) {
            if (size.floor === size.configured) throw error
            throw new S4Error(`${error.message} Even the smallest page (${size.floor} rows) timed out.`, { transient: true, timedOut: true })
          }
          const smaller = size.shrink()
          LOG.warn(`${d.name}: a page of ${top} rows timed out; asking for ${smaller} rows per page`)
          await options.onFailure?.({ attempt: 1, message: `${error.message} Asking again for ${smaller} rows per page instead of ${top}.`, willRetry: true })
        }
      }
    }
    const fetched = read()
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
      if (key.some(Boolean)) page.seenKeys.push(key)
      try {
        if (!record) throw new MalformedValue(reason!)
        const row = mapFields(d.fields, record)
        const parentKey = row[d.keys[0].local]
        const children = (d.children ?? []).map(child => {
          const results = (record[child.navigation] as { results?: S4Record[] } | undefined)?.results
          if (!results) throw new MalformedValue(`${child.navigation} was not expanded`)
          return results.map(r => {
            // Hundreds of thousands of child rows in a full sync: one object each, not a copy of it.
            const childRow = mapFields(child.fields, r)
            childRow[child.parentColumn] = parentKey
            return childRow
          })
        })
        page.rows.push({ row, key, children })
      } catch (error) {
        if (!(error instanceof MalformedValue)) throw error
        const keyLabel = d.keys.map((k, i) => `${k.remote}=${key[i]}`).join(',')
        page.rejected.push({ key: keyLabel, reason: error.message })
        LOG.warn(`${d.name}: rejected record ${keyLabel}: ${error.message}`)
      }
    }
    return page
  }

  // ---------------------------------------------------------------- writing

  /**
   * One transaction: the rows, their children, rejections, seen keys, run counters and the checkpoint (none for a
   * targeted read: it leaves the scheduled sync's position alone).
   * `initialLoad`: the mirror was empty when this reconciliation started, so every row is new: plain inserts.
   */
  private async writePage(c: RunContext, page: Page, checkpoint: Partial<SyncState> | undefined, seen?: { reconciliation: string; keys: string[][] }, initialLoad = false) {
    const { d, counters, runId } = c
    await c.db.tx(async tx => {
      // As SQLite's worker does (synchronous = NORMAL): the commit need not wait for the WAL flush. A server crash
      // may lose the last pages, never half of one, and the checkpoint with them: the next run reads them again.
      if ((c.db as unknown as { options: { kind?: string } }).options.kind === 'postgres') await tx.run('SET LOCAL synchronous_commit TO OFF')
      const rows = page.rows.map(r => r.row)
      if (rows.length) await writeJson(tx, initialLoad ? 'INSERT' : 'UPSERT', d.target, rows)
      for (const [i, child] of (d.children ?? []).entries()) {
        const parents = rows.map(row => row[d.keys[0].local])
        if (parents.length && !initialLoad) await tx.run(DELETE.from(child.target).where({ [child.parentColumn]: { in: parents } }))
        const childRows = page.rows.flatMap(r => r.children[i])
        if (childRows.length) await writeJson(tx, 'INSERT', child.target, childRows)
      }
      if (rows.length) await d.afterWrite?.(tx, rows)
      if (page.rejected.length) {
        const at = new Date().toISOString()
        await tx.run(INSERT.into(SyncRejections).entries(page.rejected.map(r => ({ run_ID: runId, entity: d.name, recordKey: r.key.slice(0, 200), reason: r.reason.slice(0, 1000), at }))))
      }
      if (seen?.keys.length) await tx.run(UPSERT.into(SyncSeenKeys).entries(seen.keys.map(k => ({ reconciliation: seen.reconciliation, recordKey: keyText(k) }))))
      // The page is written in tx. What must change with it belongs here, through tx (on an SQLite file tx is the
      // worker's connection: cds.db, the app's connection, neither sees the page yet nor may write until it commits).
      const read = page.rows.length + page.rejected.length
      await tx.run(
        UPDATE(SyncRuns, runId).with({
          pages: { '+=': 1 },
          rowsRead: { '+=': read },
          rowsUpserted: { '+=': rows.length },
          rowsRejected: { '+=': page.rejected.length },
          ...this.pageSizes(c),
        })
      )
      if (checkpoint) await tx.run(UPDATE(SyncStates).where({ entity: d.name }).with(checkpoint))
    })
    counters.pages++
    counters.rowsRead += page.rows.length + page.rejected.length
    counters.rowsUpserted += page.rows.length
    counters.rowsRejected += page.rejected.length
    c.options.onProgress?.({ entity: d.name, mode: c.mode, expectedRows: c.expectedRows, ...counters })
  }
}

/** What an initial load of the entity fills: its table, and what its afterWrite derives from it. */
const bulkLoaded = (d: SyncDescription) => [d.target, ...(d.afterWriteTargets ?? [])]

/** What happens to a mirrored row that S/4HANA no longer has. */
const removal = (d: SyncDescription, where: Record<string, unknown>) =>
  d.onRemoved === 'mark' ? UPDATE(d.target).set({ removedInS4: true }).where(where) : DELETE.from(d.target).where(where)

type PlainElement = EdmElement & { target?: CsnEntity }

interface Entry {
  key: string[]
  record?: S4Record
  reason?: string
}

type OnFailure = (failure: FailedAttempt) => Promise<void>

interface RunContext {
  d: SyncDescription
  /** Where the run writes (./sqlite-worker): reads go through cds.db. */
  db: SyncDatabase
  /** What S/4HANA said the run will read, for progress. */
  expectedRows?: number
  runId: string
  mode: RunMode
  counters: RunCounters
  options: RunOptions
  onFailure: OnFailure
  /** The page size the run asks for, smaller while S/4HANA times out on larger pages. */
  size: AdaptivePageSize
}

