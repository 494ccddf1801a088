// The triggers that keep db/counts.cds in step with the rows they count, and the first count of what is there.
// Run by db/init.js after every deployment to SQLite and PostgreSQL, in the deployment's transaction.
//
// Triggers, not the sync's code: invoices and conversations are written by CAP (CQL), by the sync's SQLite worker
// thread and by its JSON statements on PostgreSQL, and by the apps' actions; a trigger sees every one of them in the
// writer's own transaction. On PostgreSQL one trigger per statement (its transition tables: a page of 1000 invoices
// is one upsert per day touched, not 1000), adding the counts per day in the order of the days, so that two
// transactions take the counter rows' locks in the same order and cannot deadlock on them.
const { notBulkLoading } = require('./bulk-loads')

const INVOICES = 'invoicecrm_mirror_BillingDocuments'
const CONVERSATIONS = 'invoicecrm_crm_InvoiceConversations'
const OPEN_DUE = 'invoicecrm_counts_OpenDueDates'
const UNCONFIRMED = 'invoicecrm_counts_UnconfirmedSentDays'

/** The launchpad's unconfirmed invoice (srv/launchpad/service.ts), as a condition on a conversation row `row`. */
const unconfirmed = row => `${row}.dispatchStatus = 'sent' AND ${row}.confirmedAt IS NULL AND ${row}.invoiceCleared = FALSE AND ${row}.sentAt IS NOT NULL`

/** The UTC day a conversation row was sent: timestamps are ISO text on SQLite, UTC without a zone on PostgreSQL. */
const SENT_DAY = { sqlite: row => `substr(${row}.sentAt, 1, 10)`, postgres: row => `${row}.sentAt::date` }

function sqlite() {
  const openDue = (row, sign) =>
    `INSERT INTO ${OPEN_DUE} (bucket, openDueDate, invoices) VALUES (coalesce(${row}.openDueDate, 'none'), ${row}.openDueDate, ${sign}1)
       ON CONFLICT (bucket) DO UPDATE SET invoices = invoices ${sign} 1;`
  const sent = (row, sign) =>
    `INSERT INTO ${UNCONFIRMED} (sentOn, conversations) SELECT ${SENT_DAY.sqlite(row)}, ${sign}1 WHERE ${unconfirmed(row)}
       ON CONFLICT (sentOn) DO UPDATE SET conversations = conversations ${sign} 1;`
  // Not while an initial load fills the table (db/bulk-loads.cds): it recounts when it ends.
  return [
    `CREATE TRIGGER ${OPEN_DUE}_insert AFTER INSERT ON ${INVOICES} WHEN ${notBulkLoading(INVOICES)} BEGIN ${openDue('NEW', '+')} END`,
    `CREATE TRIGGER ${OPEN_DUE}_delete AFTER DELETE ON ${INVOICES} WHEN ${notBulkLoading(INVOICES)} BEGIN ${openDue('OLD', '-')} END`,
    `CREATE TRIGGER ${OPEN_DUE}_update AFTER UPDATE OF openDueDate ON ${INVOICES} WHEN OLD.openDueDate IS NOT NEW.openDueDate AND ${notBulkLoading(INVOICES)}
       BEGIN ${openDue('OLD', '-')} ${openDue('NEW', '+')} END`,
    `CREATE TRIGGER ${UNCONFIRMED}_insert AFTER INSERT ON ${CONVERSATIONS} WHEN ${notBulkLoading(CONVERSATIONS)} BEGIN ${sent('NEW', '+')} END`,
    `CREATE TRIGGER ${UNCONFIRMED}_delete AFTER DELETE ON ${CONVERSATIONS} WHEN ${notBulkLoading(CONVERSATIONS)} BEGIN ${sent('OLD', '-')} END`,
    `CREATE TRIGGER ${UNCONFIRMED}_update AFTER UPDATE OF dispatchStatus, confirmedAt, invoiceCleared, sentAt ON ${CONVERSATIONS} WHEN ${notBulkLoading(CONVERSATIONS)}
       BEGIN ${sent('OLD', '-')} ${sent('NEW', '+')} END`,
  ]
}

function postgres() {
  // One function per counter: the statement's rows are in new_rows (insert, update) and old_rows (update, delete);
  // `key` is the counter's key as a function of the day, `count` its counting column.
  const fn = ({ counter, columns, key, count, day, where }) => {
    const rows = (table, sign) => `SELECT ${day} AS day, ${sign}1 AS n FROM ${table} r WHERE ${where}`
    const add = changes => `
      INSERT INTO ${counter} AS c (${columns.join(', ')}, ${count})
      SELECT ${key}, sum(n) FROM (${changes}) changes GROUP BY day HAVING sum(n) <> 0 ORDER BY day
      ON CONFLICT (${columns[0]}) DO UPDATE SET ${count} = c.${count} + excluded.${count};`
    return `CREATE OR REPLACE FUNCTION ${counter}_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${add(rows('new_rows', '+'))}
        ELSIF TG_OP = 'DELETE' THEN ${add(rows('old_rows', '-'))}
        ELSE ${add(`${rows('new_rows', '+')} UNION ALL ${rows('old_rows', '-')}`)}
        END IF;
        RETURN NULL;
      END $$`
  }
  const triggers = (counter, table) =>
    [
      ['insert', 'INSERT', 'NEW TABLE AS new_rows'],
      ['update', 'UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['delete', 'DELETE', 'OLD TABLE AS old_rows'],
    ].map(
      ([suffix, event, transition]) =>
        `CREATE OR REPLACE TRIGGER ${counter}_${suffix} AFTER ${event} ON ${table} REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION ${counter}_count()`
    )
  return [
    fn({ counter: OPEN_DUE, columns: ['bucket', 'openDueDate'], key: "coalesce(day::text, 'none'), day", count: 'invoices', day: 'r.openDueDate', where: 'TRUE' }),
    ...triggers(OPEN_DUE, INVOICES),
    fn({ counter: UNCONFIRMED, columns: ['sentOn'], key: 'day', count: 'conversations', day: SENT_DAY.postgres('r'), where: unconfirmed('r') }),
    ...triggers(UNCONFIRMED, CONVERSATIONS),
  ]
}

/** The counters of a table's rows, each with how to count it anew from the rows. */
const COUNTERS = {
  [INVOICES]: () => [
    `DELETE FROM ${OPEN_DUE}`,
    `INSERT INTO ${OPEN_DUE} (bucket, openDueDate, invoices) SELECT coalesce(CAST(openDueDate AS VARCHAR(10)), 'none'), openDueDate, count(1) FROM ${INVOICES} GROUP BY openDueDate`,
  ],
  [CONVERSATIONS]: kind => [
    `DELETE FROM ${UNCONFIRMED}`,
    `INSERT INTO ${UNCONFIRMED} (sentOn, conversations) SELECT ${SENT_DAY[kind]('r')}, count(1) FROM ${CONVERSATIONS} r WHERE ${unconfirmed('r')} GROUP BY ${SENT_DAY[kind]('r')}`,
  ],
}

/** The counts of what a table (its name in the database; all of them: none given) holds now. */
async function recount(tx, kind, table) {
  for (const [counted, statements] of Object.entries(COUNTERS)) if (!table || table === counted) for (const statement of statements(kind)) await tx.run(statement)
}

/** The triggers, and the counts of what is in the tables now: a deployment may add the triggers to tables that have rows. */
async function maintainCounts(tx, kind) {
  if (kind !== 'sqlite' && kind !== 'postgres') return
  // SQLite has no CREATE OR REPLACE TRIGGER: dropped first, so that a changed definition replaces an earlier one.
  if (kind === 'sqlite')
    for (const suffix of ['insert', 'update', 'delete'])
      for (const counter of [OPEN_DUE, UNCONFIRMED]) await tx.run(`DROP TRIGGER IF EXISTS ${counter}_${suffix}`)
  for (const statement of kind === 'sqlite' ? sqlite() : postgres()) await tx.run(statement)
  await recount(tx, kind)
}

module.exports = { maintainCounts, recount }
