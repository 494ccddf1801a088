// Monthly statements of account and their balance confirmation. A statement is what the mirrored FI items of
// account type D said about one customer, company code and currency for one month (srv/statements/figures.ts);
// generated as a draft some days before the statement day, reviewed and approved by AR, sent, and answered by the
// customer through a signed link. Once sent it is never changed: its content hash proves it.
namespace invoicecrm.statements;

using { cuid, managed } from '@sap/cds/common';
using { invoicecrm.mirror as mirror } from './mirror';
using { invoicecrm.crm as crm } from './crm';

/**
 * draft → approved → sent → confirmed | disagreed; a sent statement left unanswered is reminded and shows as
 * noAnswer, which the customer can still answer.
 */
type StatementStatus : String(10) enum { draft; approved; sent; noAnswer; confirmed; disagreed; };
/** How a statement reaches the customer. */
@assert.range
type StatementChannel : String(10) enum { email; };

/** Which customers get monthly statements (月结): AR's choice per customer, over any rule. */
entity StatementProfiles : managed {
  key customer       : Association to mirror.Customers @title: '{i18n>Customer}';
      /** Whether it gets monthly statements; false keeps a customer out whom a payment-terms rule would take. */
      monthly        : Boolean default true @title: '{i18n>MonthlyStatements}';
      /** Empty: the customer's billing contact (its billing e-mail in S/4). */
      recipientEmail : crm.EMailAddress @title: '{i18n>StatementRecipient}';
      channel        : StatementChannel default 'email' @title: '{i18n>StatementChannel}';
}

/** Customers with these payment terms get monthly statements unless their profile says otherwise. */
entity StatementRules : cuid, managed {
  paymentTerms : String(4) @mandatory @title: '{i18n>PaymentTerms}';
  description  : String(200) @title: '{i18n>Description}';
}

/** When statements are made: one row (ID 'default'), kept by AR in the statement customers app. */
entity StatementSchedules : managed {
  key ID                    : String(10) default 'default';
      /** The statement day: this working day (Monday to Friday) of the month, for the month before. */
      workingDay            : Integer default 2 @assert.range: [ 1, 20 ] @title: '{i18n>StatementWorkingDay}';
      /** Drafts are generated this many days before the statement day, for AR's review. */
      draftLeadDays         : Integer default 3 @assert.range: [ 0, 20 ] @title: '{i18n>DraftLeadDays}';
      /** A sent statement still unanswered after this many days is reminded once. */
      reminderAfterDays     : Integer default 7 @assert.range: [ 1, 60 ] @title: '{i18n>StatementReminderAfterDays}';
      /** Review exception: the closing balance moved by more than this share of the one before. */
      sharpChangePercent    : Integer default 50 @assert.range: [ 1, 1000 ] @title: '{i18n>SharpChangePercent}';
}

/** One customer's statement for one company code, currency and month. */
@assert.unique.period: [ customer, companyCode, currency, periodStart ]
entity Statements : cuid {
  customer          : Association to mirror.Customers @title: '{i18n>Customer}';
  companyCode       : String(4) @title: '{i18n>CompanyCode}';
  currency          : String(5) @title: '{i18n>Currency}';
  /** The month: its first and last day. */
  periodStart       : Date @title: '{i18n>PeriodStart}';
  periodEnd         : Date @title: '{i18n>PeriodEnd}';
  /** The day it is dated: the statement day of the month after the period. */
  statementDate     : Date @title: '{i18n>StatementDate}';
  /** The items open the day before the period starts. */
  openingBalance    : Decimal(24, 3) @title: '{i18n>OpeningBalance}' @Measures.ISOCurrency: currency;
  /** What was posted in the period, debit and credit. */
  debits            : Decimal(24, 3) @title: '{i18n>Debits}' @Measures.ISOCurrency: currency;
  credits           : Decimal(24, 3) @title: '{i18n>Credits}' @Measures.ISOCurrency: currency;
  /** The items open at the period's end (statement lines of the open items). */
  closingBalance    : Decimal(24, 3) @title: '{i18n>ClosingBalance}' @Measures.ISOCurrency: currency;
  /** The closing balance of this customer's statement of the month before, for the sharp-change check. */
  previousClosing   : Decimal(24, 3) @title: '{i18n>PreviousClosing}' @Measures.ISOCurrency: currency;
  status            : StatementStatus default 'draft' @title: '{i18n>StatementStatus}';
  /** Where it goes (frozen when sent); empty: nobody to send it to, an exception. */
  recipientEmail    : crm.EMailAddress @title: '{i18n>StatementRecipient}';
  // The review's exceptions (srv/statements/exceptions.ts), found when the draft is generated.
  sharpChange       : Boolean default false @title: '{i18n>SharpChange}';
  negativeBalance   : Boolean default false @title: '{i18n>NegativeBalance}';
  noRecipient       : Boolean default false @title: '{i18n>NoRecipient}';
  openDispute       : Boolean default false @title: '{i18n>OpenDisputeException}';
  /** Opening balance and the period's items do not add up to the open items at its end: the mirror is incomplete. */
  unreconciled      : Boolean default false @title: '{i18n>Unreconciled}';
  isException       : Boolean default false @title: '{i18n>StatementException}';
  /** sha256 of the statement's figures and lines in canonical form (srv/statements/content-hash.ts). */
  contentHash       : String(64) @title: '{i18n>ContentHash}';
  // Internal control: who did what, when.
  generatedAt       : Timestamp @title: '{i18n>GeneratedAt}';
  generatedBy       : String(255) @title: '{i18n>GeneratedBy}';
  approvedAt        : Timestamp @title: '{i18n>ApprovedAt}';
  approvedBy        : String(255) @title: '{i18n>ApprovedBy}';
  sentAt            : Timestamp @title: '{i18n>SentAt}';
  sentBy            : String(255) @title: '{i18n>SentBy}';
  /** When the mail left (sentAt is when AR sent it: the mail goes through the persistent queue, retried). */
  mailedAt          : Timestamp @title: '{i18n>MailedAt}';
  /** The last failure of the mail: the queue retries it; a refused address (SMTP 5xx) is final. */
  mailError         : String(1000) @title: '{i18n>MailError}';
  reminderSentAt    : Timestamp @title: '{i18n>ReminderSentAt}';
  /** The PDF as it was sent, kept unchanged (rendered from the statement, the same bytes every time). */
  pdf               : LargeBinary @Core.MediaType: 'application/pdf' @Core.ContentDisposition.Filename: pdfFileName @Core.ContentDisposition.Type: 'attachment';
  pdfFileName       : String(100) @UI.Hidden;
  // The customer's answer through the link: final for that link.
  answeredAt        : Timestamp @title: '{i18n>AnsweredAt}';
  answeredBy        : String(241) @title: '{i18n>AnsweredBy}';
  answeredFrom      : String(45) @title: '{i18n>AnsweredFrom}';
  /** The balance in the customer's own books, when it disagrees. */
  customerBalance   : Decimal(24, 3) @title: '{i18n>CustomerBalance}' @Measures.ISOCurrency: currency;
  customerComment   : String(2000) @title: '{i18n>CustomerComment}';
  lines             : Composition of many StatementLines on lines.statement = $self;
  openItems         : Composition of many StatementOpenItems on openItems.statement = $self;
}

/** An FI item posted in the statement's period, in posting order. */
entity StatementLines {
  key statement          : Association to Statements;
  key lineNo             : Integer @title: '{i18n>LineNo}';
      fiscalYear         : String(4) @title: '{i18n>FiscalYear}';
      accountingDocument : String(10) @title: '{i18n>AccountingDocument}';
      accountingItem     : String(3) @title: '{i18n>Item}';
      documentType       : String(2) @title: '{i18n>AccountingDocumentType}';
      postingDate        : Date @title: '{i18n>PostingDate}';
      documentDate       : Date @title: '{i18n>DocumentDate}';
      netDueDate         : Date @title: '{i18n>NetDueDate}';
      billingDocument    : String(10) @title: '{i18n>BillingDocument}';
      purchaseOrder      : String(35) @title: '{i18n>CustomerReference}';
      clearingDocument   : String(10) @title: '{i18n>ClearingDocument}';
      amount             : Decimal(24, 3) @title: '{i18n>Amount}';
      /** Flagged by the customer as wrong when it disagreed. */
      flagged            : Boolean default false @title: '{i18n>FlaggedByCustomer}';
      flagReason         : crm.DisputeReason @title: '{i18n>DisputeReason}';
}

/** An FI item open at the end of the statement's period, with its age then. */
entity StatementOpenItems {
  key statement          : Association to Statements;
  key lineNo             : Integer @title: '{i18n>LineNo}';
      fiscalYear         : String(4) @title: '{i18n>FiscalYear}';
      accountingDocument : String(10) @title: '{i18n>AccountingDocument}';
      accountingItem     : String(3) @title: '{i18n>Item}';
      documentType       : String(2) @title: '{i18n>AccountingDocumentType}';
      postingDate        : Date @title: '{i18n>PostingDate}';
      netDueDate         : Date @title: '{i18n>NetDueDate}';
      billingDocument    : String(10) @title: '{i18n>BillingDocument}';
      purchaseOrder      : String(35) @title: '{i18n>CustomerReference}';
      /** Days past the net due date at the period's end (0: not due). */
      daysOverdue        : Integer @title: '{i18n>DaysOverdue}';
      agingBucket        : crm.AgingBucket @title: '{i18n>AgingBucket}';
      amount             : Decimal(24, 3) @title: '{i18n>Amount}';
}

/** A link of purpose statement answers one statement. */
extend crm.SecureLinks with {
  statement : Association to Statements;
}

/** A flagged line of an invoice is disputed through the invoice's dispute flow: the dispute it raised, or joined. */
extend StatementLines with {
  /** The customer's words on the flagged line. */
  flagComment : String(2000) @title: '{i18n>CustomerComment}';
  dispute     : Association to crm.Disputes @title: '{i18n>Dispute}';
}

/**
 * The customer's own statement (or any file that shows its figures), attached when it disagreed: a PDF or an image,
 * its type found from its first bytes, kept as it came, one per statement (srv/statements/answers.ts).
 */
@assert.unique.statement: [ statement ]
entity StatementAnswerAttachments : cuid, managed {
  statement : Association to Statements @mandatory;
  fileName  : String(100) @title: '{i18n>FileName}';
  mediaType : String(30) @Core.IsMediaType @title: '{i18n>MediaType}';
  size      : Integer @title: '{i18n>FileSize}';
  sha256    : String(64);
  content   : LargeBinary @Core.MediaType: mediaType @Core.ContentDisposition.Filename: fileName @Core.ContentDisposition.Type: 'attachment';
}
