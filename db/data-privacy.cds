// Personal data, for @cap-js/audit-logging: the customer is the data subject; what invoice-crm keeps about a customer's
// people (contacts, their corrections and proposals, what they wrote) is its details. Through the services, changes
// of IsPotentiallyPersonal fields are logged as PersonalDataModified (old and new value), reads of
// IsPotentiallySensitive fields as SensitiveDataRead: to the SAP Audit Log service on BTP (cds.requires.audit-log,
// mta.yaml), locally to the console. Writes the domain code makes on the database directly (the customers' answers
// by secure link, the sync) do not pass a service and are not logged; the timeline records those.
// Free text a customer writes is IsPotentiallySensitive: nothing stops a customer from writing about their health or
// their debts in it. @cap-js/change-tracking never records personal fields (their history would outlive an erasure
// and be read without an audit log): the change history shows the rest, the audit log the personal fields.
using { invoicecrm.mirror as mirror } from './mirror';
using { invoicecrm.crm as crm } from './crm';
using { invoicecrm.personalization as personalization } from './personalization';
using { invoicecrm.collections as collections } from './collections';
using { invoicecrm.statements as statements } from './statements';

// A business partner may be a person (category 1): its name, address and e-mail are then personal data.
annotate mirror.Customers with @PersonalData: {
  EntitySemantics: 'DataSubject',
  DataSubjectRole: 'Customer',
} {
  ID           @PersonalData.FieldSemantics: 'DataSubjectID';
  name         @PersonalData.IsPotentiallyPersonal;
  city         @PersonalData.IsPotentiallyPersonal;
  billingEmail @PersonalData.IsPotentiallyPersonal;
};

// The contact data AR corrected: a customer's people by name, e-mail and phone.
annotate crm.CustomerContacts with @PersonalData.EntitySemantics: 'DataSubjectDetails' {
  customer @PersonalData.FieldSemantics: 'DataSubjectID';
  name     @PersonalData.IsPotentiallyPersonal;
  email    @PersonalData.IsPotentiallyPersonal;
  phone    @PersonalData.IsPotentiallyPersonal;
  // AR's note about the person, e.g. when to reach them.
  note     @PersonalData.IsPotentiallyPersonal;
};

// The billing contact a customer proposed through a secure link, and who proposed it.
annotate crm.ContactProposals with @PersonalData.EntitySemantics: 'DataSubjectDetails' {
  customer      @PersonalData.FieldSemantics: 'DataSubjectID';
  proposedName  @PersonalData.IsPotentiallyPersonal;
  proposedEmail @PersonalData.IsPotentiallyPersonal;
  proposedBy    @PersonalData.IsPotentiallyPersonal;
};

// What the customer and AR wrote about a dispute; its data subject is the dispute's customer (found through it).
annotate crm.DisputeComments with @PersonalData.EntitySemantics: 'DataSubjectDetails' {
  text @PersonalData.IsPotentiallySensitive;
};

annotate crm.Disputes with @PersonalData.EntitySemantics: 'Other' {
  customer        @PersonalData.FieldSemantics: 'DataSubjectID';
  customerComment @PersonalData.IsPotentiallySensitive;
  raisedBy        @PersonalData.IsPotentiallyPersonal;
  // The IP address the dispute came from.
  raisedFrom      @PersonalData.IsPotentiallyPersonal;
};

annotate crm.InvoiceConversations with @PersonalData.EntitySemantics: 'Other' {
  customer         @PersonalData.FieldSemantics: 'DataSubjectID';
  sentTo           @PersonalData.IsPotentiallyPersonal;
  confirmedBy      @PersonalData.IsPotentiallyPersonal;
  confirmedFrom    @PersonalData.IsPotentiallyPersonal;
  confirmationNote @PersonalData.IsPotentiallyPersonal;
};

annotate crm.SurveyInvitations with @PersonalData.EntitySemantics: 'Other' {
  customer     @PersonalData.FieldSemantics: 'DataSubjectID';
  contactEmail @PersonalData.IsPotentiallyPersonal;
};

annotate crm.SurveyAnswers with @PersonalData.EntitySemantics: 'Other' {
  comment @PersonalData.IsPotentiallySensitive;
};

annotate crm.TimelineEntries with @PersonalData.EntitySemantics: 'Other' {
  customer @PersonalData.FieldSemantics: 'DataSubjectID';
  actor    @PersonalData.IsPotentiallyPersonal;
};

// Not exposed by any service (only the domain code reads them), annotated for what they are.
annotate crm.SecureLinks with @PersonalData.EntitySemantics: 'Other' {
  contactEmail @PersonalData.IsPotentiallyPersonal;
};

annotate crm.SurveyRecipients with @PersonalData.EntitySemantics: 'Other' {
  contactEmail @PersonalData.IsPotentiallyPersonal;
};

// The company's own finance users, by user ID and name (srv/crm/finance-users.ts): employees as data subjects.
annotate crm.FinanceUsers with @PersonalData: {
  EntitySemantics: 'DataSubject',
  DataSubjectRole: 'Employee',
} {
  ID   @PersonalData.FieldSemantics: 'DataSubjectID';
  name @PersonalData.IsPotentiallyPersonal;
};

// A finance user's saved views are about that user (whose they are), not about customers.
annotate personalization.FlexObjects with @PersonalData: {
  EntitySemantics: 'DataSubjectDetails',
  DataSubjectRole: 'Employee',
} {
  user @PersonalData.FieldSemantics: 'DataSubjectID';
};

// Collections: who promised or reported a payment through a link or on the phone, from where; whom a reminder went to.
annotate collections.PaymentPromises with @PersonalData.EntitySemantics: 'Other' {
  customer     @PersonalData.FieldSemantics: 'DataSubjectID';
  promisedBy   @PersonalData.IsPotentiallyPersonal;
  promisedFrom @PersonalData.IsPotentiallyPersonal;
};

annotate collections.PaymentReports with @PersonalData.EntitySemantics: 'Other' {
  customer     @PersonalData.FieldSemantics: 'DataSubjectID';
  reportedBy   @PersonalData.IsPotentiallyPersonal;
  reportedFrom @PersonalData.IsPotentiallyPersonal;
};

// The customer's remittance advice: its name and who sent it (the file itself is not copied into the audit log:
// its SHA-256 stands for it).
annotate collections.RemittanceAdvices with @PersonalData.EntitySemantics: 'Other' {
  customer  @PersonalData.FieldSemantics: 'DataSubjectID';
  fileName  @PersonalData.IsPotentiallyPersonal;
  sha256    @PersonalData.IsPotentiallyPersonal;
  createdBy @PersonalData.IsPotentiallyPersonal;
};

annotate collections.ReminderMails with @PersonalData.EntitySemantics: 'Other' {
  customer     @PersonalData.FieldSemantics: 'DataSubjectID';
  contactEmail @PersonalData.IsPotentiallyPersonal;
};

// What a collector noted of a call or meeting may name people.
annotate collections.CollectionContacts with @PersonalData.EntitySemantics: 'Other' {
  customer @PersonalData.FieldSemantics: 'DataSubjectID';
  note     @PersonalData.IsPotentiallyPersonal;
};

// Statements: whom a statement went to, who answered it and from where, what the customer wrote and the file of its
// own books it sent (its SHA-256 stands for it in the audit log).
annotate statements.StatementProfiles with @PersonalData.EntitySemantics: 'Other' {
  customer       @PersonalData.FieldSemantics: 'DataSubjectID';
  recipientEmail @PersonalData.IsPotentiallyPersonal;
};

annotate statements.Statements with @PersonalData.EntitySemantics: 'Other' {
  customer        @PersonalData.FieldSemantics: 'DataSubjectID';
  recipientEmail  @PersonalData.IsPotentiallyPersonal;
  answeredBy      @PersonalData.IsPotentiallyPersonal;
  answeredFrom    @PersonalData.IsPotentiallyPersonal;
  customerComment @PersonalData.IsPotentiallySensitive;
};

// Found through their statement, as a dispute's comments through their dispute.
annotate statements.StatementLines with @PersonalData.EntitySemantics: 'DataSubjectDetails' {
  flagComment @PersonalData.IsPotentiallySensitive;
};

annotate statements.StatementAnswerAttachments with @PersonalData.EntitySemantics: 'DataSubjectDetails' {
  fileName @PersonalData.IsPotentiallyPersonal;
  sha256   @PersonalData.IsPotentiallyPersonal;
};
