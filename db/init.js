// Runs after every deployment to SQLite and PostgreSQL (CAP runs db/init.js with the deployment's transaction;
// plain JavaScript, as `cds deploy` loads it without TypeScript). It creates the triggers that keep db/counts.cds
// (db/counts.js), and the secondary indexes, which CDS cannot declare for every database (db/indexes.js says which:
// one on the foreign key of every managed association of the project's entities, and those db/indexes.cds names).
// CREATE INDEX IF NOT EXISTS: a deployment of a changed model (PostgreSQL's schema evolution) keeps the existing ones.
// SAP HANA deploys through HDI, which does not run this: there, the same indexes are .hdbindex artifacts that
// `cds build` writes (the build task hana-indexes of cds-build/cds-plugin.js); no counts or search index there.
// Then the indexes of $search that db/search.cds declares (db/search.js).
const cds = require('@sap/cds')
const { maintainCounts } = require('./counts')
const { secondaryIndexes } = require('./indexes')
const { createSearchIndexes } = require('./search')

module.exports = async function (tx, csn) {
  const kind = tx.kind ?? cds.db?.kind
  if (kind === 'postgres') await createCollations(tx)
  await createIndexes(tx, csn, kind)
  await createSearchIndexes(tx, csn, kind)
  await maintainCounts(tx, kind)
}

async function createIndexes(tx, csn, kind) {
  // @cap-js/postgres sorts ascending NULLS FIRST (and descending NULLS LAST), as SQLite does; PostgreSQL's default
  // index order is the other way round and would not serve those sorts. SQLite has no such option (nulls first).
  const nullsFirst = kind === 'postgres' ? ' NULLS FIRST' : ''
  for (const { table, name, columns } of secondaryIndexes(csn, kind))
    await tx.run(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${columns.map(c => c + nullsFirst).join(', ')})`)
}

/**
 * @cap-js/postgres sorts text in the reader's collation, COLLATE "<locale>-x-icu" with the request's locale
 * (zh_CN: "zh-CN-x-icu"). PostgreSQL names its ICU collations after ICU's own locales ("zh-Hans-CN-x-icu"), so for
 * some of the locales CAP keeps apart (cds.env.i18n.preserved_locales: zh_CN, zh_TW, …) there is none, and every
 * sort of a Chinese reader by a text column failed (500). Each missing one is created with ICU's rules for the locale;
 * one ICU does not know is left out (inside the block, so that the deployment's transaction goes on).
 */
async function createCollations(tx) {
  for (const locale of cds.env.i18n.preserved_locales ?? []) {
    const tag = locale.replace(/_/g, '-')
    if (!/^[A-Za-z0-9-]+$/.test(tag)) continue
    await tx.run(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = '${tag}-x-icu') THEN
        CREATE COLLATION "${tag}-x-icu" (provider = icu, locale = '${tag}');
      END IF;
    EXCEPTION WHEN others THEN NULL;
    END $$`)
  }
}
