import { Worker } from 'node:worker_threads'
import cds from '@sap/cds'
import { rowsSql } from './json-rows'

// The sync's writes on SQLite, off the main thread. `node:sqlite` executes synchronously: while it inserts a page,
// the event loop stands still and the page read ahead from S/4HANA cannot arrive (a third of a full sync's time).
// So the sync writes through a CAP SQLite database service of its own whose one connection lives in a worker
// thread, on the same database file (WAL: the app's connection goes on reading meanwhile). Everything CAP does for
// a statement (key and default filling, CQN to SQL, transactions) still happens here, in the main thread: the
// worker executes SQL, and inserts the pages' rows themselves (insertJson). PostgreSQL and HANA need none of this:
// their drivers send statements over a socket and the event loop runs while the database works, so the sync writes
// through cds.db there (and on an in-memory SQLite, which a second connection cannot open).

/** What the worker thread runs: a plain script, so that it loads the same under tsx and in the compiled app. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { DatabaseSync } = require('node:sqlite')
const db = new DatabaseSync(workerData.file, { timeout: workerData.busyTimeoutMs })
db.exec('PRAGMA journal_mode = WAL')
// In WAL mode no longer a sync per commit: a power cut may lose the last pages, never half of one, and each page
// commits with its checkpoint, so the next run reads them again. A crashed process loses nothing.
db.exec('PRAGMA synchronous = NORMAL')
let session = {}
// The SQL functions CAP's SQLite statements for writes call (@cap-js/sqlite registers the same on its connections).
db.function('session_context', key => session[key] ?? null)
db.function('ISO', { deterministic: true }, d => d && new Date(d).toISOString())
const prepared = new Map()
function statement(sql) {
  let stmt = prepared.get(sql)
  if (!stmt) {
    stmt = db.prepare(sql)
    // IN lists make many distinct statements: keep the recent ones only.
    if (prepared.size >= 200) prepared.delete(prepared.keys().next().value)
    prepared.set(sql, stmt)
  }
  return stmt
}
// A page's rows as one JSON text: parsed here, off the main thread, and inserted row by row with one prepared
// statement, which SQLite does faster than reading each column out of a JSON document (2 to 4 times here).
function insertRows(sql, columns, json) {
  const stmt = statement(sql)
  const values = new Array(columns.length)
  let changes = 0
  for (const row of JSON.parse(json)) {
    for (let i = 0; i < columns.length; i++) {
      const value = row[columns[i]]
      values[i] = value === undefined ? null : value === true ? 1 : value === false ? 0 : value
    }
    changes += Number(stmt.run(...values).changes)
  }
  return { changes }
}
parentPort.on('message', ({ id, op, sql, params, variables, columns }) => {
  try {
    let result
    if (op === 'session') session = variables
    else if (op === 'exec') db.exec(sql)
    else if (op === 'rows') result = insertRows(sql, columns, params)
    else {
      const args = params === undefined ? [] : Array.isArray(params) ? params : [params]
      result = statement(sql)[op](...args)
    }
    parentPort.postMessage({ id, result })
  } catch (e) {
    if (e.message?.startsWith('NOT NULL constraint failed:')) e.code = 'SQLITE_CONSTRAINT_NOTNULL'
    parentPort.postMessage({ id, error: { message: e.message, code: e.code, errcode: e.errcode, errstr: e.errstr } })
  }
})
`

type Reply = { id: number; result?: unknown; error?: { message: string; code?: string; errcode?: number; errstr?: string } }

/** The main thread's side of the worker's connection, in the shape @cap-js/sqlite expects of its driver, but asynchronous. */
class WorkerConnection {
  private readonly worker: Worker
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  private serial = 0
  open = true

  constructor(file: string, busyTimeoutMs: number) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, busyTimeoutMs } })
    // An idle sync writer must not keep the process alive; its pending statements do (see call()).
    this.worker.unref()
    this.worker.on('message', ({ id, result, error }: Reply) => {
      const waiting = this.pending.get(id)!
      this.pending.delete(id)
      if (!this.pending.size) this.worker.unref()
      if (error) waiting.reject(Object.assign(new Error(error.message), error))
      else waiting.resolve(result)
    })
    this.worker.on('error', error => this.fail(error as Error))
    this.worker.on('exit', code => this.fail(new Error(`the sync's SQLite worker stopped (exit code ${code})`)))
  }

  private fail(error: Error) {
    this.open = false
    for (const waiting of this.pending.values()) waiting.reject(error)
    this.pending.clear()
  }

  private call(message: { op: string; sql?: string; params?: unknown; variables?: Record<string, unknown>; columns?: string[] }): Promise<unknown> {
    if (!this.open) return Promise.reject(new Error("the sync's SQLite worker is closed"))
    const id = ++this.serial
    this.worker.ref()
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ id, ...message })
    })
  }

  prepare(sql: string) {
    return {
      run: (params?: unknown) => this.call({ op: 'run', sql, params }),
      get: (params?: unknown) => this.call({ op: 'get', sql, params }),
      all: (params?: unknown) => this.call({ op: 'all', sql, params }),
      iterate: () => {
        throw new Error("the sync's SQLite writer does not stream results: read through cds.db")
      },
    }
  }

  exec(sql: string) {
    return this.call({ op: 'exec', sql })
  }

  rows(sql: string, columns: string[], json: string) {
    return this.call({ op: 'rows', sql, columns, params: json })
  }

  session(variables: Record<string, unknown>) {
    const plain = Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'object' || typeof v === 'function' ? null : v])
    )
    return this.call({ op: 'session', variables: plain })
  }

  async close() {
    this.open = false
    await this.worker.terminate()
  }
}

// @cap-js/sqlite has no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- untyped: the subclass uses its internals (dbc, ready, begin)
const SQLiteService = require('@cap-js/sqlite') as new (...args: any[]) => any

/** @cap-js/sqlite with its connection in a worker thread: the same statements, the event loop free meanwhile. */
class SqliteWorkerService extends SQLiteService {
  get factory() {
    const { file, busyTimeoutMs } = this.options as { file: string; busyTimeoutMs: number }
    return {
      options: { min: 0, max: 1, evictionRunIntervalMillis: 0 },
      create: () => new WorkerConnection(file, busyTimeoutMs),
      destroy: (connection: WorkerConnection) => connection.close(),
      validate: (connection: WorkerConnection) => connection.open,
    }
  }

  /**
   * Rows of one target as a JSON array, all with the same properties (the columns), into this transaction: INSERT,
   * or UPSERT (the given columns of an existing row updated, the others kept, as CAP's UPSERT does). For the sync's
   * pages only: no CAP handlers run, the values are stored as they come (the engine converts them as CAP would).
   */
  async insertJson(statement: 'INSERT' | 'UPSERT', target: string, columns: string[], json: string) {
    const sql = rowsSql(this.model, statement, target, columns, `VALUES (${columns.map(() => '?')})`)
    // Not a dispatched statement: start the transaction if this is its first, as dispatching does (@sap/cds 10.1 srv-tx.js).
    if (!this.ready) this.ready = this.begin().then(() => true)
    await this.ready
    return (this.dbc as WorkerConnection).rows(sql, columns, json)
  }

  set(variables: Record<string, unknown>) {
    super.set(variables)
    // The worker's session_context() answers what CAP would: the user, $now etc. of this transaction. Should the
    // worker be gone, the transaction's next statement says so.
    ;(this.dbc as WorkerConnection).session(variables).catch(() => undefined)
  }

  /**
   * With the worker's connection, this transaction holds the app's own SQLite connection (its pool has one): the
   * app's other transactions then wait for this one in that pool's queue, asynchronously, as they did when the
   * sync wrote through cds.db. Without it, an app write would block the event loop on SQLite's lock, which this
   * transaction, waiting for the event loop to send its next statement, would never release.
   */
  async acquire() {
    const app = await (cds.db as unknown as { begin(min: boolean): Promise<{ release(): Promise<void> }> }).begin(true)
    try {
      const dbc = await super.acquire()
      this.app = app
      return dbc
    } catch (error) {
      await app.release()
      throw error
    }
  }

  async release() {
    try {
      await super.release()
    } finally {
      await this.letGoOfApp()
    }
  }

  async destroy() {
    try {
      await super.destroy()
    } finally {
      await this.letGoOfApp()
    }
  }

  private app?: { release(): Promise<void> }

  private async letGoOfApp() {
    const app = this.app
    this.app = undefined
    await app?.release()
  }
}

export type SyncDatabase = cds.Service

let writer: { db: unknown; service: Promise<SyncDatabase> } | undefined

/**
 * The database service the sync writes through: on an SQLite file one with its connection in a worker thread,
 * connected once per database; everywhere else cds.db itself.
 */
export function syncDatabase(): Promise<SyncDatabase> {
  const db = cds.db as unknown as SyncDatabase & { url4?: (tenant?: string) => string; options: { kind?: string } }
  const file = db.options.kind === 'sqlite' && db.url4 ? db.url4() : ':memory:'
  if (file === ':memory:') return Promise.resolve(db)
  if (writer?.db !== db) writer = { db, service: connect(file) }
  return writer.service
}

async function connect(file: string): Promise<SyncDatabase> {
  // Waiting for the app's connection to finish a write is the worker's business, not the event loop's.
  const options = { kind: 'sqlite', file, busyTimeoutMs: 60_000 }
  const service = new SqliteWorkerService('sync-sqlite-worker', cds.model, options) as unknown as SyncDatabase
  await service.init()
  cds.once('shutdown', () => (service as unknown as { disconnect(): Promise<void> }).disconnect())
  return service
}
