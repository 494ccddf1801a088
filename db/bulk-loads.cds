namespace invoicecrm.maintenance;

// Tables an initial load is filling on SQLite (srv/bulk-loads.ts). While a table is named here, the database's
// triggers leave its substring index (db/search.cds) and its counts per day (db/counts.cds) alone, and reads count
// and search its rows instead; when the load ends, both are rebuilt from the table in one statement each, in the
// transaction that removes the row here. Kept row by row, a trigram index written a page at a time cost the load
// seven times what one fill at the end costs (4.0 s against 0.5 s for 100k invoices on SQLite): an index merge
// per committed page. PostgreSQL keeps both per statement, which costs a page little: nothing is deferred there.
entity BulkLoads {
      /** The table's name in the database, as the triggers know it. */
  key tableName : String(127);
      startedAt : Timestamp;
}
