namespace invoicecrm.search;

// What $search looks in, indexed for substring search (srv/invoice-search.ts), declared once for db/init.js and the
// search: each entity names the table it indexes (@invoicecrm.search.of) and the table's columns it holds.
//   - SQLite: this entity is an FTS5 table of its own with the trigram tokenizer (case-insensitive substring match
//     of terms of 3 characters or more), rows keyed by the table's rowid, kept in step by triggers on the table; the
//     element named as the table itself is FTS5's hidden column, the left side of MATCH. Columns marked
//     @invoicecrm.search.unindexed are only carried (to answer the key), not searched.
//   - PostgreSQL: no table of its own; a trigram GIN index on lower(column) of the table for each searched column.
//   - SAP HANA: nothing (deployed through HDI, which does not run db/init.js); the search there is a scan.
// @cds.persistence.exists: `cds deploy` creates none of it, db/init.js does.

@cds.persistence.exists
@invoicecrm.search.of: 'invoicecrm.mirror.BillingDocuments'
entity BillingDocuments {
  key ID                                 : String(10);
      purchaseOrderByCustomer            : String(35);
      invoicecrm_search_BillingDocuments : String;
}

@cds.persistence.exists
@invoicecrm.search.of: 'invoicecrm.mirror.Customers'
entity Customers {
  key ID                          : String(10) @invoicecrm.search.unindexed;
      name                        : String(81);
      invoicecrm_search_Customers : String;
}
