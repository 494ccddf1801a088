// The database service of the PostgreSQL test pass (test/postgres.ts): @cap-js/postgres on a database of its own
// per server. Without a database in its credentials, the first connection after a (re)connect creates one as a copy
// of the run's template (the deployed schema), so every cds.test suite starts like on SQLite's `:memory:`. They
// are dropped at the end of the run: dropping one at the suite's shutdown would kill the connections of work the
// old server still finishes.
import { createTestDatabase, type Credentials } from './postgres-database'

interface Factory { create(): Promise<unknown>; [option: string]: unknown }
interface PostgresLike {
  options: { credentials: Credentials }
  readonly factory: Factory
  disconnect(tenant?: string): Promise<void>
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- @cap-js/postgres has no type declarations: typed here as used
const PostgresService = require('@cap-js/postgres') as new (...args: unknown[]) => PostgresLike

class PostgresDatabasePerServer extends PostgresService {
  private database?: Promise<string>

  get factory(): Factory {
    const { create, ...options } = super.factory
    return {
      ...options,
      create: async () => {
        const credentials = this.options.credentials
        if (!credentials.database) this.options.credentials = { ...credentials, database: await (this.database ??= createTestDatabase(credentials)) }
        return create()
      },
    }
  }

  async disconnect(tenant?: string) {
    await super.disconnect(tenant)
    this.database = undefined
    this.options.credentials = { ...this.options.credentials, database: undefined }
  }
}

// cds loads a service implementation with require().
export = PostgresDatabasePerServer
