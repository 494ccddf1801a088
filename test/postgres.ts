// The PostgreSQL pass of the test suite (npm run test:pg), loaded by mocha after test/setup.ts: the `pg` profile on
// top of `test`, the schema deployed once into a template, and every cds.test server on a copy of its own
// (test/postgres-service.ts). Connection as the `pg` profile says (127.0.0.1:5432, user postgres);
// CDS_REQUIRES_DB_CREDENTIALS_* override it as usual.
process.env.CDS_ENV = 'pg,test'
import cds from '@sap/cds'
import { deployTemplate, dropTestDatabases, type Credentials } from './postgres-database'

const db = cds.env.requires.db as { kind: string; impl: string; credentials: Credentials & { url?: string } }
if (db.kind !== 'postgres') throw new Error(`The PostgreSQL pass needs the pg profile's database, not ${db.kind}`)
db.impl = require.resolve('./postgres-service')
// No database: each server creates its own. The test profile's SQLite `url` would otherwise stay beside it.
const { url: _sqlite, database: _development, ...credentials } = db.credentials
db.credentials = credentials

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(300_000)
    await dropTestDatabases(credentials)
    await deployTemplate(credentials)
  },
  afterAll: () => dropTestDatabases(credentials),
}
