import cds from '@sap/cds'
import { BulkLoads } from '#cds-models/invoicecrm/maintenance'
import { recount } from '../db/counts'
import { refillSearchIndexes } from '../db/search'

// Initial loads on SQLite (db/bulk-loads.cds): while the sync fills an empty table, the triggers leave the table's
// substring index and counts per day alone, and the reads that use them count and search the rows instead. When the
// load ends, both are rebuilt from the table in the transaction that ends it. SQLite has one writer at a time, so
// no write falls between the rebuild and the end. PostgreSQL keeps them per statement: nothing is deferred there.

type Database = { options?: { kind?: string }; kind?: string }

const tableOf = (entity: string) => entity.replaceAll('.', '_')

const defers = (db: Database | undefined) => (db?.options?.kind ?? db?.kind) === 'sqlite'

/** Whether an initial load is filling any of the entities' tables (any table at all: none given). */
export async function isBulkLoading(...entities: string[]): Promise<boolean> {
  if (!defers(cds.db as Database)) return false
  const query = SELECT.one.from(BulkLoads).columns('tableName')
  return Boolean(await (entities.length ? query.where({ tableName: { in: entities.map(tableOf) } }) : query))
}

/** Marks the entities' tables as filled by an initial load, in the load's transaction `tx` of the database `db`. */
export async function beginBulkLoad(db: Database, tx: cds.Service, entities: string[]) {
  if (!defers(db)) return
  const startedAt = new Date().toISOString()
  await tx.run(UPSERT.into(BulkLoads).entries(entities.map(entity => ({ tableName: tableOf(entity), startedAt }))))
}

/** The initial load of the entities is done: their search indexes and counts anew from their rows, then kept again. */
export async function endBulkLoad(db: Database, tx: cds.Service, entities: string[]) {
  if (!defers(db)) return
  for (const table of entities.map(tableOf)) {
    await refillSearchIndexes(tx, cds.model, table)
    await recount(tx, 'sqlite', table)
  }
  await tx.run(DELETE.from(BulkLoads).where({ tableName: { in: entities.map(tableOf) } }))
}
