import cds from '@sap/cds'
import { isBulkLoading } from './bulk-loads'

// $search on Invoices looks in the fields @cds.search names (srv/receivables/service.cds): the number, the PO number,
// the payer's name. CAP 10.1.1 searches as `ID IN (SELECT ID FROM <the Invoices view> LEFT JOIN Customers WHERE …)`,
// which joins every invoice to its conversation, open dispute, dunning block and payer, for the page and again for
// its count: about a second at 100k invoices on SQLite. The same search as a condition on the invoice's own columns,
// the payer's name by a subquery on the customers, reads the invoice table once, without joins, and lets the count
// be taken from the table (srv/invoice-count.ts). Case-insensitive containment, as CAP's search.
//
// A containment test is still a scan of every invoice (a second at 100k on SQLite, a third of one on PostgreSQL),
// so where the database has a substring index of the column (db/search.cds, created by db/init.js) the condition is
// one that the index answers:
//   - SQLite: the FTS5 trigram table of the column's table, `ID IN (SELECT ID FROM <fts> WHERE <fts> MATCH
//     '{columns} : "term"')`, the term as one phrase (a trigram phrase matches as a case-insensitive substring),
//     restricted to the searched columns. Trigrams need 3 characters: a shorter term is searched by containment.
//     FTS5 folds the case of all of Unicode, SQLite's lower() only of ASCII: 'MÜLLER' now also finds 'Müller'.
//   - PostgreSQL: `lower(column) LIKE '%term%'` (%, _ and \ of the term escaped), which pg_trgm's GIN index on
//     lower(column) answers (a containment test by strpos is not indexable); the payer's name as
//     `payer_ID = ANY(ARRAY(SELECT ID FROM Customers WHERE lower(name) LIKE …))`: the matching customers first, then
//     their invoices by the index on payer_ID (`payer_ID IN (SELECT …)` is planned as a join over every invoice).
//     All of it as `ID = ANY(ARRAY(SELECT ID FROM <the table> WHERE …))` (see the end of conditions()).
//   - SAP HANA and anything else: the containment test (no substring index is deployed there yet).
// The term is always a bound value, never part of the SQL.
//
// Only a single search term; a search expression (AND, OR, NOT of terms) is left to CAP.

type Token = string | { ref?: string[]; val?: unknown; func?: string; args?: Token[]; xpr?: Token[]; list?: Token[]; SELECT?: { from: { ref: string[] }; columns: Token[]; where: Token[] } }
type Select = { from?: { ref?: unknown[] }; where?: Token[]; search?: Token[] | undefined }
type Element = { isAssociation?: boolean; target?: string; keys?: { ref: string[] }[]; key?: boolean; '@invoicecrm.search.unindexed'?: boolean }
type Entity = { name: string; elements: Record<string, Element>; [annotation: string]: unknown }
type Definition = Entity & { kind?: string; query?: { SELECT?: { from?: { ref?: string[] }; where?: unknown } }; projection?: { from?: { ref?: string[] }; where?: unknown } }

const definitions = () => (cds.model as unknown as { definitions: Record<string, Definition> }).definitions

/** The table an entity reads: itself, or through plain projections (no condition, no join) the table below. */
function tableOf(name: string): string | undefined {
  for (let d = definitions()[name], depth = 0; d && depth < 10; d = definitions()[name], depth++) {
    const select = d.projection ?? d.query?.SELECT
    if (!select) return name
    const from = select.from?.ref
    if (select.where || from?.length !== 1 || typeof from[0] !== 'string') return undefined
    name = from[0]
  }
  return undefined
}

/** The entities whose tables have a substring index. */
const indexedEntities = () =>
  Object.values(definitions())
    .map(d => d['@invoicecrm.search.of'])
    .filter((table): table is string => typeof table === 'string')

/** The substring index of db/search.cds that holds this column of the entity's table (and its key), if any. */
function searchIndexOf(entity: string, column: string, key: string) {
  const table = tableOf(entity)
  if (!table) return undefined
  for (const [name, d] of Object.entries(definitions())) {
    if (d['@invoicecrm.search.of'] !== table) continue
    const e = d.elements[column]
    if (e && !e['@invoicecrm.search.unindexed'] && d.elements[key]) return { name, hidden: name.replaceAll('.', '_') }
  }
  return undefined
}

const contains = (ref: string[], term: string): Token => ({
  xpr: [{ func: 'contains', args: [{ func: 'tolower', args: [{ ref }] }, { val: term.toLowerCase() }] }],
})

/** PostgreSQL: `lower(column) LIKE '%term%'`, the term taken literally (backslash is LIKE's default escape there). */
const like = (ref: string[], term: string): Token => ({
  xpr: [{ func: 'lower', args: [{ ref }] }, 'like', { val: `%${term.toLowerCase().replace(/[\\%_]/g, c => `\\${c}`)}%` }],
})

/** SQLite: the keys of the rows whose columns contain the term, by the FTS5 trigram table. */
const matching = (index: { name: string; hidden: string }, columns: string[], key: string, term: string) => ({
  SELECT: {
    from: { ref: [index.name] },
    columns: [{ ref: [key] }],
    where: [{ ref: [index.hidden] }, 'match', { val: `{${columns.join(' ')}} : "${term.replaceAll('"', '""')}"` }],
  },
})

/** The searched fields of the entity as conditions: own columns directly, fields of a to-one association by its foreign key. */
function conditions(entity: Entity, term: string, kind: string | undefined): Token[] | undefined {
  // Trigrams: a term of fewer than 3 characters matches nothing in the FTS5 index.
  const fts = kind === 'sqlite' && [...term].length >= 3
  const keys = Object.entries(entity.elements).filter(([, e]) => e.key && !e.isAssociation)
  const key = keys.length === 1 ? keys[0][0] : undefined
  const terms: Token[] = []
  // SQLite: the entity's own searched columns by FTS5 table, each table matched once for all of its columns.
  const indexed = new Map<string, { index: { name: string; hidden: string }; columns: string[] }>()
  for (const annotation of Object.keys(entity)) {
    if (!annotation.startsWith('@cds.search.') || !entity[annotation]) continue
    const path = annotation.slice('@cds.search.'.length).split('.')
    const element = entity.elements[path[0]]
    if (!element) return undefined
    if (path.length === 1 && !element.isAssociation) {
      const index = fts && key ? searchIndexOf(entity.name, path[0], key) : undefined
      if (index) {
        const entry = indexed.get(index.name) ?? { index, columns: [] }
        indexed.set(index.name, { ...entry, columns: [...entry.columns, path[0]] })
      } else terms.push(kind === 'postgres' ? like(path, term) : contains(path, term))
    } else if (path.length === 2 && element.isAssociation && element.keys?.length === 1 && element.target) {
      const targetKey = element.keys[0].ref[0]
      const foreignKey = { ref: [`${path[0]}_${targetKey}`] }
      const index = fts ? searchIndexOf(element.target, path[1], targetKey) : undefined
      if (index) terms.push({ xpr: [foreignKey, 'in', matching(index, [path[1]], targetKey, term)] })
      else if (kind === 'postgres') {
        const names = { SELECT: { from: { ref: [element.target] }, columns: [{ ref: [targetKey] }], where: [like([path[1]], term)] } }
        terms.push({ xpr: [foreignKey, '=', { func: 'ANY', args: [{ func: 'ARRAY', args: [names] }] }] })
      } else {
        const names = { SELECT: { from: { ref: [element.target] }, columns: [{ ref: [targetKey] }], where: [contains([path[1]], term)] } }
        terms.push({ xpr: [foreignKey, 'in', names] })
      }
    } else return undefined
  }
  for (const { index, columns } of indexed.values()) terms.unshift({ xpr: [{ ref: [key!] }, 'in', matching(index, columns, key!, term)] })
  if (!terms.length) return undefined
  const anyOf = terms.flatMap((t, i) => (i ? ['or', t] : [t]))
  // PostgreSQL: the matching keys first, from the table by its indexes, then the page by them. @cap-js/postgres
  // prepares its statements, and after five runs PostgreSQL may plan them without the term: a LIKE of an unknown
  // pattern is then thought to match 0.5% of the rows, and the page read along the index of its sort order, each
  // row filtered (every invoice for a rare term: 160 ms at 100k). `ID = ANY(ARRAY(…))` is planned as a few keys.
  const table = kind === 'postgres' && key ? tableOf(entity.name) : undefined
  if (table) return [{ xpr: [{ ref: [key!] }, '=', { func: 'ANY', args: [{ func: 'ARRAY', args: [{ SELECT: { from: { ref: [table] }, columns: [{ ref: [key!] }], where: anyOf } }] }] }] }]
  return anyOf
}

/** Replaces a single-term $search of Invoices by the equivalent condition, in place. */
export async function searchAsCondition(select: Select, entity: Entity) {
  const search = select.search
  if (search?.length !== 1 || typeof search[0] !== 'object' || typeof search[0].val !== 'string') return
  const term = search[0].val.trim()
  // While an initial load fills the mirror, the FTS5 tables wait for its end (srv/bulk-loads.ts): containment meanwhile.
  const kind = (await isBulkLoading(...indexedEntities())) ? undefined : cds.db?.kind
  const condition = term && conditions(entity, term, kind)
  if (!condition) return
  // Not `delete`: CAP 10.1.1 keeps the search on the query's prototype, which an own property shadows.
  select.search = undefined
  select.where = select.where?.length ? [{ xpr: select.where }, 'and', { xpr: condition }] : [{ xpr: condition }]
}
