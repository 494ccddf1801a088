// The PostgreSQL pass of the test suite (npm run test:pg), loaded by mocha after test/setup.ts: the `pg` profile on
// top of `test`, and every cds.test server on a fresh database of its own (test/postgres-service.ts). Connection as
// the `pg` profile says (127.0.0.1:5432, user postgres); CDS_REQUIRES_DB_CREDENTIALS_* override it as usual.
process.env.CDS_ENV = 'pg,test'
import cds from '@sap/cds'
import { administer, dropTestDatabase, TEST_DATABASE_PREFIX, type Credentials } from './postgres-database'

const db = cds.env.requires.db as { kind: string; impl: string; credentials: Credentials & { url?: string } }
if (db.kind !== 'postgres') throw new Error(`The PostgreSQL pass needs the pg profile's database, not ${db.kind}`)
db.impl = require.resolve('./postgres-service')
// The test profile's SQLite `url` would otherwise stay beside the PostgreSQL credentials.
const { url: _sqlite, ...credentials } = db.credentials
db.credentials = { ...credentials, database: ':memory:' }

/** The server credentials of the pass, without a database: for tests that create databases of their own. */
export const postgresCredentials = (): Credentials => ({ ...credentials, database: 'postgres' })

export const mochaHooks = {
  // A suite whose shutdown never came (a failed before hook) leaves its database: drop what this run created.
  async afterAll() {
    const { rows } = (await administer(postgresCredentials(), `SELECT datname FROM pg_database WHERE datname LIKE '${TEST_DATABASE_PREFIX}%'`)) as { rows: { datname: string }[] }
    for (const { datname } of rows) await dropTestDatabase(postgresCredentials(), datname)
  },
}
