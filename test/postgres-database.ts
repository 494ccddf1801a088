// Databases of the PostgreSQL test pass (test/postgres.ts): the schema is deployed once per run into a template,
// and every server gets a copy of it (CREATE DATABASE … TEMPLATE, a file copy: far quicker than a deployment).
import cds from '@sap/cds'

// @cap-js/postgres's own driver, so that tests connect exactly as the app does.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- by a path resolved at run time, which an import cannot name
const pg = require(require.resolve('pg', { paths: [require.resolve('@cap-js/postgres')] })) as {
  Client: new (config: object) => { connect(): Promise<void>; query(sql: string): Promise<{ rows: Record<string, unknown>[] }>; end(): Promise<void> }
}
export interface Credentials { host: string; port: number; user: string; password?: string; database?: string }

/** Every database the test pass creates is named `invoicecrm_test_<pid>_<n>`, so that a run can tell its own. */
const PREFIX = 'invoicecrm_test_'
let serial = 0
let template: string | undefined

/** Runs one statement on its own connection to the given database. */
export async function query(credentials: Credentials, database: string, sql: string) {
  const client = new pg.Client({ ...credentials, database })
  await client.connect()
  try {
    return await client.query(sql)
  } finally {
    await client.end()
  }
}

/** Runs one administrative statement (CREATE/DROP DATABASE) outside any database under test. */
export const administer = (credentials: Credentials, sql: string) => query(credentials, 'postgres', sql)

/**
 * A new database with a name unique to this process: a copy of `from` (no session may be connected to it), by default
 * of the template once there is one, else empty.
 */
export async function createTestDatabase(credentials: Credentials, from = template): Promise<string> {
  const name = `${PREFIX}${process.pid}_${++serial}`
  await administer(credentials, `CREATE DATABASE "${name}"${from ? ` TEMPLATE "${from}"` : ''}`)
  return name
}

/** Deploys the project's model (with its CSV data) into the template every later test database copies. */
export async function deployTemplate(credentials: Credentials) {
  const name = await createTestDatabase(credentials)
  const db = await cds.connect.to(`template ${name}`, { kind: 'postgres', impl: '@cap-js/postgres', credentials: { ...credentials, database: name } } as object)
  // cds.deploy and cds.plugins are missing from @cap-js/cds-types.
  const { deploy, plugins } = cds as unknown as { deploy: (model: string) => { to: (db: unknown) => Promise<unknown> }; plugins: Promise<unknown> }
  // As `cds deploy` does: the plugins first (before any server of the run loads them), for the model they extend and
  // the DDL they add (@cap-js/change-tracking's `changes` associations and triggers).
  await plugins
  await deploy('*').to(db)
  await (db as unknown as { disconnect(): Promise<void> }).disconnect()
  template = name
}

/**
 * Drops the databases of this process and those of processes that are gone. A database still in use stays (a server
 * of this run may still finish work on it at exit): the next run drops it.
 */
export async function dropTestDatabases(credentials: Credentials) {
  const { rows } = await administer(credentials, `SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`)
  for (const { datname } of rows as { datname: string }[]) {
    const pid = Number(datname.slice(PREFIX.length).split('_')[0])
    if (pid === process.pid) await administer(credentials, `DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined)
    else if (!isRunning(pid)) await administer(credentials, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
  }
}

function isRunning(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
