// Runs after every deployment to SQLite and PostgreSQL (CAP runs db/init.js with the deployment's transaction;
// plain JavaScript, as `cds deploy` loads it without TypeScript). It creates the triggers that keep db/counts.cds
// (db/counts.js), and the secondary indexes, which CDS cannot declare for every database:
//   - one on the foreign key of every managed association of the project's entities, unless an index starts with it;
//   - those db/indexes.cds names with @invoicecrm.indexes.
// CREATE INDEX IF NOT EXISTS: a deployment of a changed model (PostgreSQL's schema evolution) keeps the existing ones.
// SAP HANA deploys through HDI, which does not run this: there, indexes are .hdbindex artifacts (not written yet).
// Then the indexes of $search that db/search.cds declares (db/search.js).
const cds = require('@sap/cds')
const { maintainCounts } = require('./counts')
const { createSearchIndexes } = require('./search')

const ANNOTATION = '@invoicecrm.indexes'

module.exports = async function (tx, csn) {
  const kind = tx.kind ?? cds.db?.kind
  await createIndexes(tx, csn, kind)
  await createSearchIndexes(tx, csn, kind)
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

/** The columns of a managed association: element_key for each key of its target (ID unless it says otherwise). */
const foreignKeys = (element, association) => (association.keys ?? [{ ref: ['ID'] }]).map(k => `${element}_${k.ref.join('_')}`)

/** The compiler flattens @invoicecrm.indexes: { name: [...] } into @invoicecrm.indexes.name. */
function annotated(entity) {
  const indexes = { ...entity[ANNOTATION] }
  for (const key of Object.keys(entity)) if (key.startsWith(`${ANNOTATION}.`)) indexes[key.slice(ANNOTATION.length + 1)] = entity[key]
  return indexes
}
