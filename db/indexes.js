// The secondary indexes of the project's tables, for every database: which indexes, on which table, which columns.
//   - one on the foreign key of every managed association of the project's entities (invoicecrm.*), unless the
//     primary key or another index starts with it (an index serves every prefix of its columns);
//   - those db/indexes.cds names with @invoicecrm.indexes.
// Tables, index names and columns as CAP's default (plain) SQL names: invoicecrm_mirror_BillingDocuments,
// invoicecrm_mirror_BillingDocuments_openDue, payer_ID. db/init.js creates them on SQLite and PostgreSQL at every
// deployment; the build task hana-indexes (cds-build/cds-plugin.js) writes them as .hdbindex artifacts for SAP HANA.
// Plain JavaScript: `cds deploy` loads db/init.js, and with it this, without TypeScript.

const ANNOTATION = '@invoicecrm.indexes'

/**
 * The secondary indexes of the database `kind` ('sqlite', 'postgres', 'hana'), as [{ table, name, columns }].
 * A named index of the primary key's columns alone is PostgreSQL's only: its primary key index orders nulls last
 * and does not serve CAP's ORDER BY <key> NULLS FIRST, which SQLite's and SAP HANA's primary keys serve.
 */
function secondaryIndexes(csn, kind) {
  const result = []
  for (const [name, entity] of Object.entries(csn.definitions)) {
    if (entity.kind !== 'entity' || !name.startsWith('invoicecrm.') || entity.query || entity.projection) continue
    if (entity['@cds.persistence.skip'] || entity['@cds.persistence.exists']) continue
    const table = name.replaceAll('.', '_')
    const keys = Object.entries(entity.elements).filter(([, e]) => e.key).map(([column, e]) => (e.type === 'cds.Association' ? foreignKeys(column, e) : [column])).flat()
    const named = annotated(entity)
    const startsWith = (columns, prefix) => prefix.every((column, i) => columns[i] === column)
    const indexes = {}
    for (const [element, e] of Object.entries(entity.elements)) {
      if (e.type !== 'cds.Association' || e.on) continue
      const columns = foreignKeys(element, e)
      if ([keys, ...Object.values(named)].some(index => startsWith(index, columns))) continue
      indexes[element] = columns
    }
    for (const [index, columns] of Object.entries(named)) if (kind === 'postgres' || columns.join() !== keys.join()) indexes[index] = columns
    for (const [index, columns] of Object.entries(indexes)) result.push({ table, name: `${table}_${index}`, columns })
  }
  return result
}

/** The columns of a managed association: element_key for each key of its target (ID unless it says otherwise). */
const foreignKeys = (element, association) => (association.keys ?? [{ ref: ['ID'] }]).map(k => `${element}_${k.ref.join('_')}`)

/** The compiler flattens @invoicecrm.indexes: { name: [...] } into @invoicecrm.indexes.name. */
function annotated(entity) {
  const indexes = { ...entity[ANNOTATION] }
  for (const key of Object.keys(entity)) if (key.startsWith(`${ANNOTATION}.`)) indexes[key.slice(ANNOTATION.length + 1)] = entity[key]
  return indexes
}

module.exports = { secondaryIndexes }
