namespace invoicecrm.counts;

// Counts the apps show over the whole mirror, kept by the database itself (db/counts.js: triggers on SQLite and
// PostgreSQL, created at every deployment), so that reading them costs a few hundred rows however many invoices
// there are: the list's $count, the overdue filter's $count, the launchpad's KPI tiles. Counting the rows instead
// reads an index range that grows with the invoices (0.1–0.4 s at 1M). Per day, so that "before today" or "sent
// more than 14 days ago" is a sum over a range of days. SAP HANA deploys through HDI, which runs no db/init.js:
// there the services count the rows as before (srv/maintained-counts.ts).

/** Invoices by their open due date (db/mirror.cds BillingDocuments.openDueDate; 9999-12-31 when nothing is open). */
entity OpenDueDates {
      /** The open due date as text, or 'none' for an invoice whose receivable status is not known yet. */
  key bucket      : String(10);
      openDueDate : Date;
      invoices    : Integer64 not null default 0;
}

/** Invoices sent, not confirmed and not cleared (the launchpad's unconfirmed ones), by the day they were sent. */
entity UnconfirmedSentDays {
  key sentOn        : Date;
      conversations : Integer64 not null default 0;
}
