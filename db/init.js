// Runs after every deployment to SQLite and PostgreSQL (CAP runs db/init.js with the deployment's transaction;
// plain JavaScript, as `cds deploy` loads it without TypeScript). It creates the triggers that keep db/counts.cds
// (db/counts.js), and the secondary indexes, which CDS cannot declare for every database:
//   - one on the foreign key of every managed association of the project's entities, unless an index starts with it;
//   - those db/indexes.cds names with @invoicecrm.indexes.
// CREATE INDEX IF NOT EXISTS: a deployment of a changed model (PostgreSQL's schema evolution) keeps the existing ones.
// SAP HANA deploys through HDI, which does not run this: there, indexes are .hdbindex artifacts (not written yet).
// Then the indexes of $search that db/search.cds declares (searchIndexes below).
const cds = require('@sap/cds')
const maintainCounts = require('./counts')

const ANNOTATION = '@invoicecrm.indexes'

module.exports = async function (tx, csn) {
  const kind = tx.kind ?? cds.db?.kind
  await createIndexes(tx, csn, kind)
  await searchIndexes(tx, csn, kind)
  await maintainCounts(tx, kind)
}

async function createIndexes(tx, csn, kind) {
  // @cap-js/postgres sorts ascending NULLS FIRST (and descending NULLS LAST), as SQLite does; PostgreSQL's default
  // index order is the other way round and would not serve those sorts. SQLite has no such option (nulls first).
  const nullsFirst = kind === 'postgres' ? ' NULLS FIRST' : ''
  for (const [name, entity] of Object.entries(csn.definitions)) {
    if (entity.kind !== 'entity' || !name.startsWith('invoicecrm.') || entity.query || entity.projection) continue
    if (entity['@cds.persistence.skip'] || entity['@cds.persistence.exists']) continue
    const table = name.replaceAll('.', '_')
    const keys = Object.entries(entity.elements).filter(([, e]) => e.key).map(([column, e]) => (e.type === 'cds.Association' ? foreignKeys(column, e) : [column])).flat()
    const named = annotated(entity)
    // An index serves every prefix of its columns: none for a foreign key the primary key or a named index starts with.
    const startsWith = (columns, prefix) => prefix.every((column, i) => columns[i] === column)
    const indexes = {}
    for (const [element, e] of Object.entries(entity.elements)) {
      if (e.type !== 'cds.Association' || e.on) continue
      const columns = foreignKeys(element, e)
      if ([keys, ...Object.values(named)].some(index => startsWith(index, columns))) continue
      indexes[element] = columns
    }
    // The primary key's own index orders nulls last on PostgreSQL: a named index of the key alone is there for
    // CAP's ORDER BY <key> NULLS FIRST, and on SQLite the primary key serves it.
    for (const [index, columns] of Object.entries(named)) if (nullsFirst || columns.join() !== keys.join()) indexes[index] = columns
    for (const [index, columns] of Object.entries(indexes))
      await tx.run(`CREATE INDEX IF NOT EXISTS ${table}_${index} ON ${table} (${columns.map(c => c + nullsFirst).join(', ')})`)
  }
}

const SEARCH = '@invoicecrm.search.of'

/**
 * The substring indexes of $search (db/search.cds, srv/invoice-search.ts), for each entity there with @invoicecrm.search.of.
 * SQLite: an FTS5 table with the trigram tokenizer (case-insensitive), a row per row of the table under the same
 * rowid, holding a copy of the columns (not external content: a delete by rowid needs no old values, so the index
 * cannot be corrupted by a write that gives wrong ones). Triggers keep it in step with every write to the table,
 * whoever makes it: CAP's INSERT/UPSERT/UPDATE/DELETE, the sync's JSON inserts and its worker thread's connection.
 * An update touches the index only when a searched column changed (the receivable status' updates of every invoice
 * do not). Recreated and filled from the table at every deployment. Caveat: SQLite does not promise to keep the
 * rowids of a table without INTEGER PRIMARY KEY through a VACUUM (nothing here runs one); after one, refill the FTS5
 * tables as below (DELETE, then INSERT … SELECT rowid, …).
 * PostgreSQL: pg_trgm's GIN index on lower(column) for each searched column, which serves `lower(column) LIKE '%…%'`.
 */
async function searchIndexes(tx, csn, kind) {
  if (kind !== 'sqlite' && kind !== 'postgres') return
  const searched = Object.entries(csn.definitions).filter(([, d]) => d.kind === 'entity' && d[SEARCH])
  if (kind === 'postgres' && searched.length) await tx.run('CREATE EXTENSION IF NOT EXISTS pg_trgm')
  for (const [name, entity] of searched) {
    const fts = name.replaceAll('.', '_')
    const table = entity[SEARCH].replaceAll('.', '_')
    const columns = Object.keys(entity.elements).filter(c => c !== fts)
    const indexed = columns.filter(c => !entity.elements[c]['@invoicecrm.search.unindexed'])
    if (kind === 'postgres') {
      for (const c of indexed) await tx.run(`CREATE INDEX IF NOT EXISTS ${table}_${c}_trgm ON ${table} USING gin (lower(${c}) gin_trgm_ops)`)
      continue
    }
    const list = columns.join(', ')
    const values = prefix => columns.map(c => `${prefix}.${c}`).join(', ')
    await tx.run(`DROP TABLE IF EXISTS ${fts}`)
    await tx.run(`CREATE VIRTUAL TABLE ${fts} USING fts5(${columns.map(c => (indexed.includes(c) ? c : `${c} UNINDEXED`)).join(', ')}, tokenize = 'trigram')`)
    await tx.run(`INSERT INTO ${fts} (rowid, ${list}) SELECT rowid, ${list} FROM ${table}`)
    for (const event of ['insert', 'update', 'delete']) await tx.run(`DROP TRIGGER IF EXISTS ${fts}_${event}`)
    await tx.run(`CREATE TRIGGER ${fts}_insert AFTER INSERT ON ${table} BEGIN INSERT INTO ${fts} (rowid, ${list}) VALUES (new.rowid, ${values('new')}); END`)
    await tx.run(`CREATE TRIGGER ${fts}_delete AFTER DELETE ON ${table} BEGIN DELETE FROM ${fts} WHERE rowid = old.rowid; END`)
    await tx.run(
      `CREATE TRIGGER ${fts}_update AFTER UPDATE OF ${list} ON ${table} WHEN ${columns.map(c => `old.${c} IS NOT new.${c}`).join(' OR ')}
       BEGIN DELETE FROM ${fts} WHERE rowid = old.rowid; INSERT INTO ${fts} (rowid, ${list}) VALUES (new.rowid, ${values('new')}); END`
    )
  }
}

/** The columns of a managed association: element_key for each key of its target (ID unless it says otherwise). */
const foreignKeys = (element, association) => (association.keys ?? [{ ref: ['ID'] }]).map(k => `${element}_${k.ref.join('_')}`)

/** The compiler flattens @invoicecrm.indexes: { name: [...] } into @invoicecrm.indexes.name. */
function annotated(entity) {
  const indexes = { ...entity[ANNOTATION] }
  for (const key of Object.keys(entity)) if (key.startsWith(`${ANNOTATION}.`)) indexes[key.slice(ANNOTATION.length + 1)] = entity[key]
  return indexes
}
