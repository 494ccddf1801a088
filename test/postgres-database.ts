// Databases of the PostgreSQL test pass (test/postgres.ts): one per server, created and dropped by the tests.
// @cap-js/postgres's own driver, so that tests connect exactly as the app does.
const pg = require(require.resolve('pg', { paths: [require.resolve('@cap-js/postgres')] })) as {
  Client: new (config: object) => { connect(): Promise<void>; query(sql: string): Promise<unknown>; end(): Promise<void> }
}
export interface Credentials { host: string; port: number; user: string; password?: string; database: string }

/** Prefix of every database the test pass creates: the root hook drops whatever a run left behind. */
export const TEST_DATABASE_PREFIX = `invoicecrm_test_${process.pid}_`
let serial = 0

/** Runs one administrative statement (CREATE/DROP DATABASE) outside any database under test. */
export async function administer(credentials: Credentials, sql: string): Promise<unknown> {
  const client = new pg.Client({ ...credentials, database: 'postgres' })
  await client.connect()
  try {
    return await client.query(sql)
  } finally {
    await client.end()
  }
}

/** Creates an empty database with a name unique to this process; for tests that start servers of their own. */
export async function createTestDatabase(credentials: Credentials): Promise<string> {
  const name = `${TEST_DATABASE_PREFIX}${++serial}`
  await administer(credentials, `CREATE DATABASE "${name}"`)
  return name
}

export const dropTestDatabase = (credentials: Credentials, name: string) => administer(credentials, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
