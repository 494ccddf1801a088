// The substring indexes of $search (db/search.cds, srv/invoice-search.ts), for each entity there with
// @invoicecrm.search.of. Created by db/init.js at every deployment; refilled by an initial load when it ends
// (db/bulk-loads.cds). Plain JavaScript: `cds deploy` loads it without TypeScript.
//
// SQLite: an FTS5 table with the trigram tokenizer (case-insensitive), a row per row of the table under the same
// rowid, holding a copy of the columns (not external content: a delete by rowid needs no old values, so the index
// cannot be corrupted by a write that gives wrong ones). Triggers keep it in step with every write to the table,
// whoever makes it: CAP's INSERT/UPSERT/UPDATE/DELETE, the sync's JSON inserts and its worker thread's connection;
// except while an initial load fills the table, which refills the index when it ends. An update touches the index
// only when a searched column changed (the receivable status' updates of every invoice do not). Caveat: SQLite does
// not promise to keep the rowids of a table without INTEGER PRIMARY KEY through a VACUUM (nothing here runs one);
// after one, refill the FTS5 tables (refillSearchIndexes).
// PostgreSQL: pg_trgm's GIN index on lower(column) for each searched column, which serves `lower(column) LIKE '%…%'`.
const { notBulkLoading } = require('./bulk-loads')

const SEARCH = '@invoicecrm.search.of'

/** The search indexes of the model, each with its FTS5 table, the table it indexes and their columns. */
function searchIndexes(csn) {
  return Object.entries(csn.definitions)
    .filter(([, d]) => d.kind === 'entity' && d[SEARCH])
    .map(([name, entity]) => {
      const fts = name.replaceAll('.', '_')
      const columns = Object.keys(entity.elements).filter(c => c !== fts)
      const indexed = columns.filter(c => !entity.elements[c]['@invoicecrm.search.unindexed'])
      return { fts, table: entity[SEARCH].replaceAll('.', '_'), columns, indexed }
    })
}

/** Every row of the table into its FTS5 table, in place of what it held. */
async function refill(tx, { fts, table, columns }) {
  const list = columns.join(', ')
  await tx.run(`DELETE FROM ${fts}`)
  await tx.run(`INSERT INTO ${fts} (rowid, ${list}) SELECT rowid, ${list} FROM ${table}`)
}

async function createSearchIndexes(tx, csn, kind) {
  if (kind !== 'sqlite' && kind !== 'postgres') return
  const indexes = searchIndexes(csn)
  if (kind === 'postgres') {
    if (indexes.length) await tx.run('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for (const { table, indexed } of indexes)
      for (const c of indexed) await tx.run(`CREATE INDEX IF NOT EXISTS ${table}_${c}_trgm ON ${table} USING gin (lower(${c}) gin_trgm_ops)`)
    return
  }
  for (const index of indexes) {
    const { fts, table, columns, indexed } = index
    const list = columns.join(', ')
    const values = prefix => columns.map(c => `${prefix}.${c}`).join(', ')
    await tx.run(`DROP TABLE IF EXISTS ${fts}`)
    await tx.run(`CREATE VIRTUAL TABLE ${fts} USING fts5(${columns.map(c => (indexed.includes(c) ? c : `${c} UNINDEXED`)).join(', ')}, tokenize = 'trigram')`)
    await refill(tx, index)
    for (const event of ['insert', 'update', 'delete']) await tx.run(`DROP TRIGGER IF EXISTS ${fts}_${event}`)
    const kept = notBulkLoading(table)
    await tx.run(`CREATE TRIGGER ${fts}_insert AFTER INSERT ON ${table} WHEN ${kept} BEGIN INSERT INTO ${fts} (rowid, ${list}) VALUES (new.rowid, ${values('new')}); END`)
    await tx.run(`CREATE TRIGGER ${fts}_delete AFTER DELETE ON ${table} WHEN ${kept} BEGIN DELETE FROM ${fts} WHERE rowid = old.rowid; END`)
    await tx.run(
      `CREATE TRIGGER ${fts}_update AFTER UPDATE OF ${list} ON ${table} WHEN (${columns.map(c => `old.${c} IS NOT new.${c}`).join(' OR ')}) AND ${kept}
       BEGIN DELETE FROM ${fts} WHERE rowid = old.rowid; INSERT INTO ${fts} (rowid, ${list}) VALUES (new.rowid, ${values('new')}); END`
    )
  }
}

/** SQLite: the FTS5 tables of a table (its name in the database) refilled from it, after an initial load. */
async function refillSearchIndexes(tx, csn, table) {
  for (const index of searchIndexes(csn)) if (index.table === table) await refill(tx, index)
}

module.exports = { createSearchIndexes, refillSearchIndexes }
