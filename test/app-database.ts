// The database of an app that runs in processes of its own (the real server of the crash, guard and fuzz tests, and
// their set-up halves), of the kind the test run uses: an SQLite file, or in the PostgreSQL pass (test/postgres.ts) a
// PostgreSQL database of its own. Either is a copy of a template with the app's schema deployed, so a server started
// on it (once, or again after a crash: it deploys nothing) finds what the processes before it left. The test process
// creates it and hands it to a child through the environment; the test reads it beside the running server.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import cds from '@sap/cds'
import { createTestDatabase, query, type Credentials } from './postgres-database'

export interface AppDatabase {
  /** What a child process needs in its environment to use this database (its profile included). */
  env: Record<string, string>
  /** A new database with this one's content; no process may be using this one. */
  copy(): Promise<AppDatabase>
  /**
   * Reads with plain SQL, beside a running server. PostgreSQL folds unquoted names to lower case, also the keys of
   * the rows: alias in double quotes what the test reads by name (`select invoice_ID as "invoice_ID"`). Counts
   * arrive as strings there.
   */
  query<T>(sql: string): Promise<T[]>
  /**
   * Puts the database in order after a process on it ended without closing it (a kill, a process.exit), before a
   * server opens it: SQLite rebuilds its WAL index on the first connection, and a reader of the test doing so while
   * the server opens its connection makes @cap-js/sqlite fail with 'database is locked' (an unhandled rejection, on
   * which CAP shuts the server down). PostgreSQL needs nothing.
   */
  recover(): Promise<void>
}

const profile = () => process.env.CDS_ENV ?? 'test'
const config = () => cds.env.requires.db as { kind: string; credentials: Credentials }

/** A database with the app's schema (and its CSV data), nothing else. */
export function createAppDatabase(): Promise<AppDatabase> {
  return config().kind === 'postgres' ? postgres(config().credentials) : sqlite()
}

async function postgres(credentials: Credentials, from?: string): Promise<AppDatabase> {
  // The template deployed for the PostgreSQL pass (test/postgres.ts), or the database to copy.
  const database = await createTestDatabase(credentials, from)
  return {
    env: { CDS_ENV: profile(), CDS_REQUIRES_DB_CREDENTIALS_DATABASE: database },
    copy: () => postgres(credentials, database),
    query: async <T>(sql: string) => (await query(credentials, database, sql)).rows as T[],
    recover: async () => undefined,
  }
}

let directory: string | undefined
let template: Promise<string> | undefined
let files = 0

/** The schema deployed once per process into an SQLite file, which each database copies (as CREATE DATABASE … TEMPLATE). */
async function deploySqliteTemplate(): Promise<string> {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'app-database-'))
  process.on('exit', () => fs.rmSync(directory!, { recursive: true, force: true }))
  const file = path.join(directory, 'template.sqlite')
  const db = await cds.connect.to(`template ${file}`, { kind: 'sqlite', impl: '@cap-js/sqlite', credentials: { url: file } } as object)
  // cds.deploy and cds.plugins are missing from @cap-js/cds-types.
  const { deploy, plugins } = cds as unknown as { deploy: (model: string) => { to: (db: unknown, options: object) => Promise<unknown> }; plugins: Promise<unknown> }
  // As `cds deploy` does, and the PostgreSQL template: the plugins first, for what they add to the model (the
  // services' ChangeView of @cap-js/change-tracking), or the server on a copy misses it.
  await plugins
  await deploy('*').to(db, { silent: true })
  await (db as unknown as { disconnect(): Promise<void> }).disconnect()
  return file
}

async function sqlite(from?: string): Promise<AppDatabase> {
  const source = from ?? (await (template ??= deploySqliteTemplate()))
  const file = path.join(directory!, `app-${++files}.sqlite`)
  // A process that ended without closing the file (a kill, a process.exit) leaves committed pages in the WAL.
  for (const suffix of ['', '-wal']) if (fs.existsSync(source + suffix)) fs.copyFileSync(source + suffix, file + suffix)
  return {
    env: { CDS_ENV: profile(), CDS_REQUIRES_DB_CREDENTIALS_URL: file },
    copy: () => sqlite(file),
    query: async <T>(sql: string) => {
      // WAL: readers do not block the server.
      const db = new DatabaseSync(file, { readOnly: true })
      try {
        db.exec('PRAGMA busy_timeout = 2000')
        return db.prepare(sql).all() as T[]
      } finally {
        db.close()
      }
    },
    recover: async () => {
      const db = new DatabaseSync(file)
      try {
        db.exec('PRAGMA busy_timeout = 5000')
        db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
      } finally {
        db.close()
      }
    },
  }
}

/** In the child process: the app's model and its database, as the environment gives it (see AppDatabase.env). */
export async function connectAppDatabase(): Promise<void> {
  cds.model = cds.compile.for.nodejs(await cds.load('*'))
  await cds.connect.to('db')
}
