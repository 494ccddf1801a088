// The customer conversation: what invoice-crm adds to S/4HANA. Keys into the mirror are S/4 keys; nothing
// here is written to the mirror, and nothing in the mirror is written from here.
namespace invoicecrm.crm;

using { cuid, managed } from '@sap/cds/common';
using { invoicecrm.mirror as mirror } from './mirror';
using { invoicecrm.statements as statements } from './statements';
using { invoicecrm.collections as collections } from './collections';

// A local part, then a domain of dot-separated labels (none empty) ending in a top-level domain of two or more.
type EMailAddress   : String(241) @assert.format: '^[^\s@<>(),;:"]+@(?:[^\s@<>(),;:".]+\.)+[^\s@<>(),;:".]{2,}$';
@assert.range
type Channel        : String(10) enum { web; phone; email; letter; meeting; };
type DispatchStatus : String(10) enum { pending; sent; failed; bounced; noEmail; };
type LinkPurpose    : String(20) enum { invoiceResponse; survey; statement; account; };
type DisputeStatus  : String(10) enum { Open; InProcess; Resolved; Closed; };
@assert.range
type DisputeOutcome : String(10) enum { accepted; rejected; };
@assert.range
type DisputeReason  : String(20) enum { wrongPrice; wrongQuantity; notReceived; wrongTax; wrongAddress; duplicate; other; };
type SurveyTrigger  : String(15) enum { confirmation; disputeClosed; cleared; };
/** Derived from FI: cleared, partly paid (something paid, something open) or open. */
@assert.range
type PaymentState   : String(15) enum { open; partiallyPaid; cleared; };
/** How far past its net due date an open amount is: the aging buckets of AR (db/receivables.cds). */
type AgingBucket    : Integer enum { notDue = 0; days1to30 = 1; days31to60 = 2; days61to90 = 3; over90 = 4; };
@assert.range
type Priority       : String(10) enum { low; medium; high; };
type TimelineKind   : String(20) enum {
  mailSent; mailFailed; mailBounced; noEmail; linkOpened; confirmed; disputed; disputeStatus; comment;
  contactProposed; surveySent; surveyAnswered; followUp; resendRequested; disputeEscalated; linksRevoked; addressFound;
  reminderSent; reminderFailed; promised; promiseKept; promiseBroken; paymentReported; paymentNotReceived; contactRecorded;
  dunningBlock; statementConfirmed; statementDisagreed;
};

/** The conversation about one invoice: its dispatch to the billing contact and the customer's confirmation. */
entity InvoiceConversations {
  key invoice             : Association to mirror.BillingDocuments;
      customer            : Association to mirror.Customers;
      dispatchStatus      : DispatchStatus default 'pending' @title: '{i18n>DispatchStatus}';
      sentTo              : EMailAddress @title: '{i18n>SentTo}';
      sentAt              : Timestamp    @title: '{i18n>SentAt}';
      openedAt            : Timestamp    @title: '{i18n>OpenedAt}';
      bouncedAt           : Timestamp    @title: '{i18n>BouncedAt}';
      dispatchAttempts    : Integer default 0 @title: '{i18n>DispatchAttempts}';
      dispatchError       : String(1000) @title: '{i18n>DispatchError}';
      confirmedAt         : Timestamp    @title: '{i18n>ConfirmedAt}';
      confirmedBy         : String(241)  @title: '{i18n>ConfirmedBy}';
      confirmedFrom       : String(45)   @title: '{i18n>ConfirmedFrom}';
      confirmationChannel : Channel      @title: '{i18n>ConfirmationChannel}';
      confirmationNote    : String(500)  @title: '{i18n>Note}';
      /** When we noticed FI had cleared the invoice (and asked for feedback, unless the contact was asked recently). */
      paymentNoticedAt    : Timestamp    @title: '{i18n>PaymentNoticedAt}';
      /**
       * Whether FI has cleared the invoice: a copy of its receivable status, kept with it by the sync
       * (srv/sync/receivable-status.ts) and set when the conversation starts, so that the launchpad counts the
       * unconfirmed, uncleared invoices by an index range instead of joining every sent invoice to its invoice.
       */
      invoiceCleared      : Boolean default false @UI.Hidden;
}

/**
 * A link that lets one customer contact give one kind of answer about one document, without logging in.
 * Only the token's hash is kept; the token itself exists only in the e-mail.
 */
entity SecureLinks : cuid {
  tokenHash    : String(64);
  purpose      : LinkPurpose;
  invoice      : Association to mirror.BillingDocuments;
  invitation   : Association to SurveyInvitations;
  /** The customer whose account page a link of purpose account opens. */
  customer     : Association to mirror.Customers;
  contactEmail : EMailAddress;
  expiresAt    : Timestamp;
  revokedAt    : Timestamp;
  createdAt    : Timestamp;
  lastUsedAt   : Timestamp;
}

/** A customer's dispute of an invoice, as a whole or some of its lines, worked by AR to a resolution. */
entity Disputes : cuid, managed {
  invoice         : Association to mirror.BillingDocuments @mandatory @title: '{i18n>BillingDocument}';
  customer        : Association to mirror.Customers @title: '{i18n>Customer}';
  reason          : DisputeReason @mandatory @title: '{i18n>DisputeReason}';
  wholeInvoice    : Boolean default true @title: '{i18n>WholeInvoice}';
  disputedAmount  : Decimal(17, 3) @assert.range: [ 0, 99999999999999 ] @title: '{i18n>DisputedAmount}' @Measures.ISOCurrency: currency;
  currency        : String(5) @title: '{i18n>Currency}';
  customerComment : String(2000) @title: '{i18n>CustomerComment}';
  status          : DisputeStatus default 'Open' @title: '{i18n>DisputeStatus}';
  outcome         : DisputeOutcome @title: '{i18n>DisputeOutcome}';
  resolution      : String(2000) @title: '{i18n>Resolution}';
  processor       : String(255) @title: '{i18n>Processor}';
  /** How urgently AR works it; set by the processor in the Manage Disputes app. */
  priority        : Priority default 'medium' @title: '{i18n>Priority}';
  /** AR's own working note; the customer never sees it. */
  internalNote    : String(2000) @title: '{i18n>InternalNote}';
  slaDueAt        : Timestamp @title: '{i18n>SlaDueAt}';
  source          : Channel default 'web' @title: '{i18n>Source}';
  raisedBy        : String(241) @title: '{i18n>RaisedBy}';
  raisedFrom      : String(45) @title: '{i18n>RaisedFrom}';
  resolvedAt      : Timestamp @title: '{i18n>ResolvedAt}';
  closedAt        : Timestamp @title: '{i18n>ClosedAt}';
  /** Set by an AR manager's escalation: S/4 stops dunning the customer while any escalated dispute is open. */
  escalated       : Boolean default false @title: '{i18n>Escalated}';
  escalatedAt     : Timestamp @title: '{i18n>EscalatedAt}';
  escalatedBy     : String(255) @title: '{i18n>EscalatedBy}';
  escalationReason: String(1000) @title: '{i18n>EscalationReason}';
  lines           : Composition of many DisputeLines on lines.dispute = $self;
  comments        : Composition of many DisputeComments on comments.dispute = $self;
}

/** An invoice line the customer disputes, with the amount or quantity in question. */
entity DisputeLines : cuid {
  dispute          : Association to Disputes;
  item             : String(6) @mandatory @title: '{i18n>Item}';
  disputedAmount   : Decimal(16, 3) @assert.range: [ 0, 9999999999999 ] @title: '{i18n>DisputedAmount}';
  disputedQuantity : Decimal(13, 3) @assert.range: [ 0, 9999999999 ] @title: '{i18n>DisputedQuantity}';
}

entity DisputeComments : cuid, managed {
  dispute      : Association to Disputes;
  fromCustomer : Boolean default false @title: '{i18n>FromCustomer}';
  internal     : Boolean default false @title: '{i18n>Internal}';
  text         : String(2000) @mandatory @title: '{i18n>Comment}';
}

/** A customer saying the invoice went to the wrong person, and who the right billing contact is. */
entity ContactProposals : cuid {
  invoice       : Association to mirror.BillingDocuments;
  customer      : Association to mirror.Customers;
  proposedName  : String(81) @mandatory @title: '{i18n>ProposedName}';
  proposedEmail : EMailAddress @mandatory @title: '{i18n>ProposedEmail}';
  proposedBy    : String(241) @title: '{i18n>ProposedBy}';
  at            : Timestamp @title: '{i18n>At}';
}

/**
 * A correction of a customer's contact data, kept by AR in the CRM: the mirror holds what S/4HANA says and is
 * written by the sync only. A correction may come from a customer's ContactProposal that AR accepted.
 */
entity CustomerContacts : cuid, managed {
  customer        : Association to mirror.Customers @mandatory @title: '{i18n>Customer}';
  name            : String(81) @mandatory @title: '{i18n>ContactName}';
  email           : EMailAddress @title: '{i18n>EMail}';
  phone           : String(30) @title: '{i18n>Phone}';
  isBillingContact: Boolean default true @title: '{i18n>IsBillingContact}';
  note            : String(500) @title: '{i18n>Note}';
  proposal        : Association to ContactProposals @title: '{i18n>ContactProposal}';
}

entity SurveyInvitations : cuid {
  customer     : Association to mirror.Customers;
  contactEmail : EMailAddress;
  invoice      : Association to mirror.BillingDocuments;
  trigger      : SurveyTrigger @title: '{i18n>SurveyTrigger}';
  sentAt       : Timestamp @title: '{i18n>SentAt}';
  answer       : Association to one SurveyAnswers on answer.invitation = $self;
}

/**
 * Every contact ever considered for a survey invitation: a lock row, nothing more (a column would be overwritten by a
 * concurrent UPSERT in CAP 10.1.1, which computes it from the snapshot before the other one's commit). Locking it
 * makes "at most one invitation per contact per period" hold across connections (srv/crm/surveys.ts).
 */
entity SurveyRecipients {
  key contactEmail : EMailAddress;
}

/** One answer per invitation (the key); CSAT 1–5, optional NPS 0–10. */
entity SurveyAnswers {
  key invitation : Association to SurveyInvitations;
      csat       : Integer @mandatory @assert.range: [ 1, 5 ] @title: '{i18n>Csat}';
      nps        : Integer @assert.range: [ 0, 10 ] @title: '{i18n>Nps}';
      comment    : String(1000) @title: '{i18n>Comment}';
      answeredAt : Timestamp @title: '{i18n>AnsweredAt}';
}

/** Work for AR that the conversation created, e.g. calling back a customer who gave a low score. */
entity FollowUpTasks : cuid, managed {
  customer : Association to mirror.Customers @title: '{i18n>Customer}';
  invoice  : Association to mirror.BillingDocuments @title: '{i18n>BillingDocument}';
  reason   : String(500) @title: '{i18n>Reason}';
  done     : Boolean default false @title: '{i18n>Done}';
}

/**
 * The finance users who have worked in the apps: whom a dispute can be assigned to (the value help of its processor).
 * Recorded by their requests (srv/crm/finance-users.ts); a colleague appears once they have opened an app.
 */
entity FinanceUsers {
  key ID         : String(255) @title: '{i18n>UserID}';
      name       : String(255) @title: '{i18n>UserName}';
      lastSeenAt : Timestamp @title: '{i18n>LastSeenAt}';
}

/**
 * Every interaction, on the customer's and the invoice's timeline at once. An entry is stored as a message and its
 * parameters, not as a sentence: each reader gets it in their own language (srv/crm/timeline-text.ts), codes in the
 * parameters by their code list's name.
 */
entity TimelineEntries : cuid {
  customer : Association to mirror.Customers @title: '{i18n>Customer}';
  invoice  : Association to mirror.BillingDocuments @title: '{i18n>BillingDocument}';
  dispute  : Association to Disputes;
  at       : Timestamp @title: '{i18n>At}';
  kind     : TimelineKind @title: '{i18n>Kind}';
  actor    : String(241) @title: '{i18n>Actor}';
  /** The sentence's key in _i18n/messages (TIMELINE_…). */
  message  : String(40);
  /** The sentence's parameters, a JSON object: free text as written, codes as codes. */
  params   : String(2000);
  /** The sentence as read: rendered from message and params for the reader; stored only for an entry without a message. */
  text     : String(1000) @title: '{i18n>Text}';
}

type WeComNoticeKind   : String(10) enum { statement; reminder; };
type WeComNoticeStatus : String(10) enum { queued; sent; failed; };

/**
 * A customer's WeCom (企业微信) group: its statement and reminder notices also go there, as markdown messages of the
 * group's robot (srv/notify). The webhook key is a secret (whoever has it can post into the customer's group): set by
 * AR through StatementsService.setWeComGroup, never readable over OData, never logged.
 */
entity CustomerWeComGroups : managed {
  key customer   : Association to mirror.Customers @title: '{i18n>Customer}';
      /** The group robot's key: the `key` of its webhook URL, 8-4-4-4-12 hex digits. */
      webhookKey : String(100);
      active     : Boolean default true @title: '{i18n>WeComActive}';
}

/**
 * A notice to a customer's WeCom group: queued with its mail (in the transaction that records the mail as sent), sent
 * by the persistent queue's handler, retried like a mail; a refused message (e.g. an invalid key) ends failed.
 */
entity WeComNotices : cuid {
  customer          : Association to mirror.Customers @title: '{i18n>Customer}';
  kind              : WeComNoticeKind @title: '{i18n>WeComNoticeKind}';
  /** The statement whose mail (kind statement) it follows. */
  statement         : Association to statements.Statements;
  /** The statement's reminder, not its first mail. */
  statementReminder : Boolean default false @title: '{i18n>StatementReminder}';
  /** The reminder mail (kind reminder) it follows. */
  reminderMail      : Association to collections.ReminderMails;
  status            : WeComNoticeStatus default 'queued' @title: '{i18n>Status}';
  /** Sends tried: failures included, the one that succeeded too. */
  attempts          : Integer default 0 @title: '{i18n>Attempts}';
  /** The last failure, as WeCom or the connection said it (never the webhook key). */
  lastError         : String(1000) @title: '{i18n>Error}';
  queuedAt          : Timestamp @title: '{i18n>QueuedAt}';
  sentAt            : Timestamp @title: '{i18n>SentAt}';
}
