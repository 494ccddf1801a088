// The SQLite triggers' side of db/bulk-loads.cds: the condition under which a trigger keeps the substring index or a
// count per day of a table row by row. Plain JavaScript: db/init.js loads it at deployment, without TypeScript.
const BULK_LOADS = 'invoicecrm_maintenance_BulkLoads'

/** SQL: true unless an initial load is filling the table (its index and counts are then rebuilt when the load ends). */
const notBulkLoading = table => `NOT EXISTS (SELECT 1 FROM ${BULK_LOADS} WHERE tableName = '${table}')`

module.exports = { BULK_LOADS, notBulkLoading }
