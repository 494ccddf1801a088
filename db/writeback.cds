// Write-back: what invoice-crm tells S/4HANA, one operation per change on one S/4 object. An operation is written
// in the same transaction as the CRM change that causes it and delivered later through CAP's persistent queue;
// it ends delivered, or failed (parked for an integration admin to retry or discard). Nothing is dropped silently.
//
// Order: S/4HANA must end in the state the CRM decided last. Every operation carries the sequence of the CRM change
// that caused it (set when it is planned, greater than any earlier operation on the same S/4 object). Operations on
// one S/4 object (s4Object: one text, one attachment list, one field) are delivered in that order; an operation waits
// while an older one on its object is still pending. Targets that SET a state (dunning block, custom field) write only
// the newest state: an older operation whose object has a newer operation (whatever its status, even one an admin
// discarded) is never written, it ends Superseded, also when an admin retries it. Targets that APPEND (text lines,
// attachments) deliver every operation, in order. Writes to one S/4 document (s4Document: a sales order with its
// texts, attachments and fields; a customer's dunning record; a business partner) never run at the same time, also
// not from two app instances: a delivery holds the document's lease (WriteBackDocumentLeases) while S/4 answers.
namespace invoicecrm.writeback;

using { cuid, managed } from '@sap/cds/common';
using { invoicecrm.mirror as mirror } from './mirror';
using { invoicecrm.crm as crm } from './crm';
using { invoicecrm.statements as statements } from './statements';

/** Where in S/4HANA the status lands (cds.requires.writeback.targets). */
type Target : String(20) @assert.range enum {
  salesOrderText; // appends a line on a text of the invoice's sales order (A_SalesOrderText)
  attachment;     // appends a URL or PDF attachment on the sales order or billing document (API_CV_ATTACHMENT_SRV)
  dunningBlock;   // sets A_CustomerDunning.DunningBlock of the customer, set and cleared by an AR manager's action
  customField;    // sets a tenant's YY1_ field on the sales order or business partner
  statementAttachment; // appends the confirmed statement's PDF on the customer (BUS1006 or KNA1, API_CV_ATTACHMENT_SRV)
}

/** What happened in the CRM. */
type Event : String(20) @assert.range enum {
  confirmed;
  disputed;
  disputeResolved;
  escalated;
  escalationLifted;
  statementConfirmed;
}

type OperationStatus : String(10) @assert.range enum {
  Pending;   // waiting for (another) delivery attempt
  Delivered; // S/4HANA has it (or had it already: see result)
  Failed;    // parked: permanent error or retry budget used up; an admin retries or discards it
  Discarded; // given up by an admin, with the reason
  Superseded; // not written: a newer operation sets the same S/4 field (dunning block, custom field), see supersededBy
}

entity WriteBackOperations : cuid, managed {
  target          : Target @mandatory @title: '{i18n>WriteBackTarget}';
  event           : Event @mandatory @title: '{i18n>WriteBackEvent}';
  invoice         : Association to mirror.BillingDocuments @title: '{i18n>BillingDocument}';
  dispute         : Association to crm.Disputes @title: '{i18n>Dispute}';
  /** The statement whose confirmation the operation writes (event statementConfirmed). */
  statement       : Association to statements.Statements @title: '{i18n>Statement}';
  customer        : Association to mirror.Customers @title: '{i18n>Customer}';
  /** The S/4 object written, e.g. "A_SalesOrderText(SalesOrder='1',Language='EN',LongTextID='0002')". */
  s4Object        : String(255) @title: '{i18n>S4Object}';
  /** The S/4 document that object belongs to, which S/4 locks while it is written, e.g. "A_SalesOrder('1')". */
  s4Document      : String(255) @title: '{i18n>S4Document}';
  /** The order of the CRM change that caused the operation: greater for a later change on the same S/4 object. */
  sequence        : Integer64 @title: '{i18n>Sequence}';
  /** The newer operation that set the same S/4 field, so that this one was not written (status Superseded). */
  supersededBy    : Association to WriteBackOperations @title: '{i18n>SupersededBy}';
  /** What to write, as the operation's module reads it (JSON). */
  payload         : LargeString;
  status          : OperationStatus default 'Pending' @title: '{i18n>WriteBackStatus}';
  attempts        : Integer default 0 @title: '{i18n>Attempts}';
  lastAttemptAt   : Timestamp @title: '{i18n>LastAttemptAt}';
  nextAttemptAt   : Timestamp @title: '{i18n>NextAttemptAt}';
  deliveredAt     : Timestamp @title: '{i18n>DeliveredAt}';
  /** How it was delivered, e.g. "line appended" or "already in S/4HANA (earlier attempt)". */
  result          : String(500) @title: '{i18n>Result}';
  httpStatus      : Integer @title: '{i18n>HttpStatus}';
  /** S/4HANA's error: Gateway message code, text and transaction id. */
  errorCode       : String(60) @title: '{i18n>ErrorCode}';
  errorMessage    : String(1000) @title: '{i18n>ErrorMessage}';
  errorTransaction: String(60) @title: '{i18n>ErrorTransaction}';
  discardedBy     : String(255) @title: '{i18n>DiscardedBy}';
  discardedAt     : Timestamp @title: '{i18n>DiscardedAt}';
  discardReason   : String(1000) @title: '{i18n>DiscardReason}';
  log             : Composition of many WriteBackAttempts on log.operation = $self;
}

/** One delivery attempt: what S/4HANA answered. */
entity WriteBackAttempts : cuid {
  operation  : Association to WriteBackOperations;
  at         : Timestamp @cds.on.insert: $now @title: '{i18n>AttemptAt}';
  outcome    : String(20) @title: '{i18n>Outcome}' enum { delivered; retry; failed; };
  httpStatus : Integer @title: '{i18n>HttpStatus}';
  message    : String(1000) @title: '{i18n>Message}';
}

/**
 * Who delivers to an S/4 document right now: a row per document, taken with a conditional UPDATE (or the INSERT of
 * the row) and held only in memory meanwhile, so no database connection waits for S/4. A lease runs out by itself
 * (until), so a crashed instance blocks the document for at most cds.requires.writeback.delivery.documentLeaseMs.
 */
entity WriteBackDocumentLeases {
  key document : String(255);
      holder   : String(36);
      until    : Timestamp;
}
