// The database service of the PostgreSQL test pass (test/postgres.ts): @cap-js/postgres, with SQLite's `:memory:`
// meaning on PostgreSQL. `database: ':memory:'` makes `cds serve` (and so cds.test) deploy the model at start-up; this
// service turns it into a database of its own, created when the first connection is needed and dropped when the
// service disconnects (cds.shutdown, the end of every cds.test suite), so suites never see each other's rows.
import { createTestDatabase, dropTestDatabase, type Credentials } from './postgres-database'

interface Factory { create(): Promise<unknown>; [option: string]: unknown }
interface PostgresLike {
  options: { credentials: Credentials }
  readonly factory: Factory
  disconnect(tenant?: string): Promise<void>
}
const PostgresService = require('@cap-js/postgres') as new (...args: unknown[]) => PostgresLike

class PostgresDatabasePerServer extends PostgresService {
  private database?: Promise<string>

  get factory(): Factory {
    const { create, ...options } = super.factory
    return {
      ...options,
      create: async () => {
        const credentials = this.options.credentials
        if (credentials.database === ':memory:') this.options.credentials = { ...credentials, database: await (this.database ??= createTestDatabase(credentials)) }
        return create()
      },
    }
  }

  async disconnect(tenant?: string) {
    await super.disconnect(tenant)
    if (!this.database) return
    const name = await this.database
    this.database = undefined
    this.options.credentials = { ...this.options.credentials, database: ':memory:' }
    await dropTestDatabase(this.options.credentials, name)
  }
}

// cds loads a service implementation with require().
export = PostgresDatabasePerServer
