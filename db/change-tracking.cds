// Change history (@cap-js/change-tracking: database triggers write sap.changelog.Changes with the old and the new
// value and the user; the Fiori object pages show it in their Change History section).
// Personal fields are never tracked (db/data-privacy.cds): a contact's name, e-mail and phone changes are in the
// audit log instead, with old and new value and the user.
using { invoicecrm.crm as crm } from './crm';
using from './codes';

// A dispute's processing data, as AR edits it in draft in Manage Disputes; shown as a Dispute (the title), identified
// by its invoice. The priority shows with its text in the reader's language, which the plugin looks up in the texts
// only: hence English rows in db/data/invoicecrm.codes-Priorities_texts.csv too.
annotate crm.Disputes with @title: '{i18n>Dispute}' @changelog: [ invoice.ID ] {
  processor    @changelog;
  priority     @changelog: [ priorityText.name ];
  slaDueAt     @changelog;
  internalNote @changelog;
};

// Contact corrections: who made which contact of which customer its billing contact, or moved it to another
// customer, is where redirecting a customer's invoices would start.
annotate crm.CustomerContacts with @title: '{i18n>ContactCorrection}' @changelog: [ customer.ID ] {
  customer         @changelog: [ customer.ID ];
  isBillingContact @changelog;
};
