import { Readable } from 'node:stream'
import cds from '@sap/cds'
import type { S4Record } from './descriptions'

// A page's rows go into the database as one JSON document, where CAP would otherwise serialize thousands of rows
// value by value (a large share of a full sync's CPU time). How the database reads them out of it depends on it:
// - SQLite file: the sync's worker thread parses the document and inserts row by row (./sqlite-worker).
// - PostgreSQL: json_to_recordset with the table's own column types parses each row once. CAP's SQL for a JSON
//   document reads every column with ->> out of json text, parsing the row again for each (three times slower
//   here), and @cap-js/postgres (2.x) first copies a document given as a stream into a temporary table.
// - SQLite in memory (tests): CAP's own SQL for a JSON document (json_each), the document bound as its parameter;
//   as a stream @cap-js/sqlite (3.x) would encode and decode it once more.
// - HANA, which no test here reaches: the stream CAP documents for INSERT/UPSERT entries.

type Tx = cds.Transaction
type Statement = 'INSERT' | 'UPSERT'
type Model = { definitions: Record<string, unknown> }

/**
 * INSERT of the given columns from `source`, or for an UPSERT, on a key conflict an update of the given columns
 * (the others kept, as CAP's UPSERT does).
 */
export function rowsSql(model: Model, statement: Statement, target: string, columns: string[], source: string): string {
  const entity = model.definitions[target] as { keys: Record<string, { isAssociation?: boolean }> }
  const keys = Object.keys(entity.keys).filter(k => !entity.keys[k].isAssociation)
  const updated = columns.filter(c => !keys.includes(c))
  const onConflict = updated.length ? `UPDATE SET ${updated.map(c => `${c} = excluded.${c}`)}` : 'NOTHING'
  return `INSERT INTO ${tableOf(target)} (${columns}) ${source}` + (statement === 'UPSERT' ? ` ON CONFLICT(${keys}) DO ${onConflict}` : '')
}

/** CAP's table name for an entity (plain SQL mapping). */
export const tableOf = (target: string) => target.replace(/\./g, '_')

const statements = new Map<string, string>()

/** Rows of one target, all with the same properties (the columns), into the transaction. */
export async function writeJson(tx: Tx, statement: Statement, target: string, rows: S4Record[]) {
  const json = JSON.stringify(rows)
  const columns = Object.keys(rows[0])
  const worker = tx as unknown as { insertJson?: (statement: Statement, target: string, columns: string[], json: string) => Promise<unknown> }
  if (worker.insertJson) return worker.insertJson(statement, target, columns, json)
  const { kind } = (tx as unknown as { options: { kind?: string } }).options
  if (kind !== 'sqlite' && kind !== 'postgres') {
    const document = Readable.from([json], { objectMode: false, encoding: 'utf8' })
    return tx.run(statement === 'INSERT' ? INSERT.into(target).entries(document) : UPSERT.into(target).entries(document))
  }
  const key = `${kind} ${statement} ${target} ${columns}`
  let sql = statements.get(key)
  if (!sql) {
    sql = kind === 'postgres' ? await postgresSql(tx, statement, target, columns) : capSql(tx, statement, target)
    statements.set(key, sql)
  }
  return tx.run(sql, [json])
}

function capSql(tx: Tx, statement: Statement, target: string): string {
  const document = Readable.from(['[]'], { objectMode: false })
  const query = statement === 'INSERT' ? INSERT.into(target).entries(document) : UPSERT.into(target).entries(document)
  return (tx as unknown as { cqn2sql(query: unknown): { sql: string } }).cqn2sql(query).sql
}

async function postgresSql(tx: Tx, statement: Statement, target: string, columns: string[]): Promise<string> {
  // The JSON properties are CAP's element names; PostgreSQL folded the unquoted column names to lower case.
  const types = new Map(
    ((await tx.run(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [tableOf(target).toLowerCase()]
    )) as { name: string; type: string }[]).map(({ name, type }) => [name, type])
  )
  const definitions = columns.map(c => {
    const type = types.get(c.toLowerCase())
    if (!type) throw new Error(`${tableOf(target)} has no column ${c}`)
    return `"${c}" ${type}`
  })
  const source = `SELECT ${columns.map(c => `r."${c}"`)} FROM json_to_recordset($1::json) AS r(${definitions})`
  return rowsSql(cds.model as unknown as Model, statement, target, columns, source)
}
