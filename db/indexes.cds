// Secondary indexes beyond the one on every association's foreign key (db/indexes.js adds both): the sort and
// filter columns the apps offer, each as the apps combine them. Named per entity; the columns in index order.
// CDS has no index definition for every database: db/indexes.js reads these annotations; db/init.js creates the
// indexes on SQLite and PostgreSQL at every deployment (cds deploy, and the in-memory or template deployment of the
// tests), and `cds build` writes them for SAP HANA as .hdbindex artifacts (cds-build/cds-plugin.js, hana-indexes).
using { invoicecrm.mirror as mirror } from './mirror';
using { invoicecrm.crm as crm } from './crm';
using { invoicecrm.writeback as writeback } from './writeback';
using { invoicecrm.integration as integration } from './integration';
using { invoicecrm.collections as collections } from './collections';
using { invoicecrm.statements as statements } from './statements';

// Manage Invoices' default sort (days overdue = open due date ascending), its overdue filter and the KPI tile;
// a payer's invoices in the same order (the payer filter, Customer 360's invoices).
annotate mirror.BillingDocuments with @invoicecrm.indexes: {
  openDue      : [ 'openDueDate', 'ID' ],
  payerOpenDue : [ 'payer_ID', 'openDueDate' ],
};

// The receivable status of an invoice from its FI items (srv/sync/receivable-status.ts); the aging of a customer.
annotate mirror.ReceivableItems with @invoicecrm.indexes: {
  customerOpen : [ 'customer_ID', 'isCleared' ],
};

// Customer 360's list, sorted by the customer number (on PostgreSQL the primary key's index does not serve CAP's
// ORDER BY ID NULLS FIRST: a sort of every customer for each page; db/init.js creates this one there only); its
// country filter, and the countries it offers (srv/receivables/countries.ts: distinct codes from the index).
annotate mirror.Customers with @invoicecrm.indexes: {
  list    : [ 'ID' ],
  country : [ 'country', 'ID' ],
};

// The balances not brought to today yet (srv/sync/customer-balances.ts: the first read of a day finds them).
// Customer 360 sorted by what customers owe, highest first (srv/receivables/customer-pages.ts).
annotate mirror.CustomerBalances with @invoicecrm.indexes: {
  asOf  : [ 'asOf' ],
  open  : [ 'openAmount', 'customer' ],
  overdue : [ 'overdueAmount', 'customer' ],
};

// The launchpad's unconfirmed invoices: sent, not confirmed, not cleared, before a date.
annotate crm.InvoiceConversations with @invoicecrm.indexes: {
  unconfirmed : [ 'dispatchStatus', 'confirmedAt', 'invoiceCleared', 'sentAt' ],
};

// Manage Disputes sorted by SLA due date (then by key, as the list pages: with the key in the index no sort of
// every dispute); the KPI of disputes past their SLA; an invoice's open dispute.
annotate crm.Disputes with @invoicecrm.indexes: {
  slaDueKey     : [ 'slaDueAt', 'ID' ],
  statusSlaDue  : [ 'status', 'slaDueAt' ],
  invoiceStatus : [ 'invoice_ID', 'status' ],
};

// The timelines of an invoice and of a customer, newest first.
annotate crm.TimelineEntries with @invoicecrm.indexes: {
  invoiceAt  : [ 'invoice_ID', 'at' ],
  customerAt : [ 'customer_ID', 'at' ],
};

// The Integration Monitor's write-back list, newest first, and its status filter; the failed ones' KPI.
annotate writeback.WriteBackOperations with @invoicecrm.indexes: {
  createdAt : [ 'createdAt' ],
  status    : [ 'status', 'createdAt' ],
};

// The Integration Monitor's runs, newest first, overall and per entity.
annotate integration.SyncRuns with @invoicecrm.indexes: {
  startedAt       : [ 'startedAt' ],
  entityStartedAt : [ 'entity', 'startedAt' ],
};

// The reminders a run has decided and not yet put into a mail, per customer (srv/collections/reminder-mails.ts);
// the promises and payment reports still open (the run settles them).
annotate collections.Reminders with @invoicecrm.indexes: {
  statusCustomer : [ 'status', 'customer_ID' ],
};
annotate collections.PaymentPromises with @invoicecrm.indexes: {
  statusInvoice : [ 'status', 'invoice_ID' ],
  // The launchpad's promises due today.
  statusDue     : [ 'status', 'promisedDate' ],
  // A customer's promises on the collectors' worklist.
  customer      : [ 'customer_ID', 'status' ],
};
annotate collections.PaymentReports with @invoicecrm.indexes: {
  statusInvoice : [ 'status', 'invoice_ID' ],
};

// Document numbers sort as they are, not by the user's language: CAP sorts strings of a localized read with the
// locale's collation (COLLATE NOCASE on SQLite, an ICU collation on PostgreSQL), which no index above serves. The
// apps' lists end their sort with the key, so its collation decides whether the index on openDueDate, ID is used.
annotate mirror.BillingDocuments with { ID @cds.collate: false };
annotate mirror.Customers with { ID @cds.collate: false };

// A collector's customers (the launchpad's "my worklist").
annotate collections.CustomerCollections with @invoicecrm.indexes: {
  collector : [ 'collector' ],
};

// A customer's contacts on the collectors' worklist (db/collections.cds CollectionWorklist).
annotate collections.CollectionContacts with @invoicecrm.indexes: {
  customer : [ 'customer_ID', 'createdAt' ],
};

// The launchpad's share of statements confirmed within 10 days: the statements sent in a range of days.
annotate statements.Statements with @invoicecrm.indexes: {
  sentAt : [ 'sentAt' ],
};
