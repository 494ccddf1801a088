// Collections: reminder policies and the runs that apply them, the customer's promises to pay and reported
// payments. Keys into the mirror are S/4 keys; nothing here writes the mirror, and S/4's own dunning (levels and
// dates in FI) stays S/4's: the reminder run only reads the mirrored dunning blocks to stay out of its way.
namespace invoicecrm.collections;

using { cuid, managed } from '@sap/cds/common';
using { invoicecrm.mirror as mirror } from './mirror';
using { invoicecrm.crm as crm } from './crm';

/** How a reminder speaks: the mail's wording per language (srv/mail/templates.ts). */
@assert.range
type ReminderTone     : String(10) enum { friendly; firm; final; };
/** What happens after the last step of a policy has been sent. */
@assert.range
/** What the last step leads to once sent: a collector's task, and with dunningBlock also a proposed S/4 dunning block. */
type Escalation       : String(15) enum { none; collectorTask; dunningBlock; };
type DunningBlockProposalStatus : String(10) enum { proposed; approved; rejected; lifted; };
/**
 * Why an invoice is or is not reminded on a run. due and proposed create a reminder; every other one says what holds
 * it back (the order of the checks in srv/collections/reminder-rules.ts).
 */
type DecisionKind : String(20) enum {
  due; proposed; notDue; allSent; awaitingApproval; dispute; promise; paymentReported; dunningBlock; centralBlock;
  belowMinimum; noContact;
};
/** A reminder of one invoice at one step: proposed (waits for AR), due, queued in a mail, sent, or held back. */
type ReminderStatus   : String(10) enum { proposed; due; queued; sent; removed; withdrawn; bounced; };
type ReminderMailStatus : String(10) enum { queued; sent; withdrawn; bounced; };
type RunStatus        : String(10) enum { running; completed; failed; };
/** How AR rates the risk of a customer's receivables: a policy rule can follow it (CustomerCollections.riskClass). */
type RiskClass        : String(10) enum { low; medium; high; veryHigh; };
type RunTrigger       : String(10) enum { schedule; manual; };
type PromiseStatus    : String(10) enum { open; kept; broken; };
type PaymentReportStatus : String(12) enum { reported; received; notReceived; };
/** What a collector's contact with the customer came to. */
@assert.range
type ContactOutcome   : String(20) enum { reached; notReached; promise; dispute; paymentReported; };

/**
 * A list of steps relative to the net due date. A customer's invoices follow the customer's assigned policy, else
 * the first rule policy (by rulePriority) whose company code, payment terms and risk class match the invoice and its
 * customer, else the default.
 */
entity ReminderPolicies : cuid, managed {
  name         : String(60) @mandatory @title: '{i18n>PolicyName}';
  description  : String(500) @title: '{i18n>Description}';
  isDefault    : Boolean default false @title: '{i18n>IsDefaultPolicy}';
  /** Rule: the invoices of this company code (empty: any). */
  companyCode  : String(4) @title: '{i18n>CompanyCode}';
  /** Rule: the invoices with these payment terms (empty: any). */
  paymentTerms : String(4) @title: '{i18n>PaymentTerms}';
  /** Rule: the customers of this risk class (empty: any). */
  riskClass    : RiskClass @title: '{i18n>RiskClass}';
  /** Rules are tried in ascending order; a policy with no condition is no rule (only assigned or default). */
  rulePriority : Integer default 100 @assert.range: [ 0, 9999 ] @title: '{i18n>RulePriority}';
  steps        : Composition of many ReminderSteps on steps.policy = $self;
}

entity ReminderSteps : cuid {
  policy            : Association to ReminderPolicies;
  /** Days after the net due date (negative: before it) from which the step is due. */
  offsetDays        : Integer @mandatory @assert.range: [ -60, 365 ] @title: '{i18n>OffsetDays}';
  /** 0: a notice before the due date; 1, 2, …: the reminder levels. */
  level             : Integer @mandatory @assert.range: [ 0, 9 ] @title: '{i18n>ReminderLevel}';
  tone              : ReminderTone @mandatory default 'friendly' @title: '{i18n>ReminderTone}';
  /** An invoice whose remindable amount is below this is not reminded at this step. */
  minimumOpenAmount : Decimal(17, 3) default 0 @assert.range: [ 0, 99999999999999 ] @title: '{i18n>MinimumOpenAmount}';
  /** Proposed by the run and sent only after AR approved it. */
  needsApproval     : Boolean default false @title: '{i18n>NeedsApproval}';
  escalation        : Escalation default 'none' @title: '{i18n>Escalation}';
}

/** What AR set for one customer's collections: its policy, its time zone, its collector. */
entity CustomerCollections : managed {
  key customer  : Association to mirror.Customers @title: '{i18n>Customer}';
      policy    : Association to ReminderPolicies @title: '{i18n>ReminderPolicy}';
      /** IANA time zone for business hours; empty: the one of the customer's country (srv/collections/business-hours.ts). */
      timeZone  : String(40) @title: '{i18n>TimeZone}';
      collector : String(255) @title: '{i18n>Collector}';
      /**
       * AR's rating of the customer (S/4's credit management, where the risk class lives, is not among the APIs in
       * scope): the policy rules can follow it.
       */
      riskClass : RiskClass @title: '{i18n>RiskClass}';
      /** When the collector means to act next (the follow-up of the last contact, or set by hand). */
      nextActionOn : Date @title: '{i18n>NextActionOn}';
}

/** One pass of the reminder rules over every open invoice (srv/collections/reminder-run.ts). */
entity ReminderRuns : cuid {
  /** The day the run judged by: reminders are due relative to it. */
  asOf            : Date @title: '{i18n>AsOf}';
  startedAt       : Timestamp @title: '{i18n>StartedAt}';
  finishedAt      : Timestamp @title: '{i18n>FinishedAt}';
  trigger         : RunTrigger @title: '{i18n>Trigger}';
  startedBy       : String(255) @title: '{i18n>StartedBy}';
  status          : RunStatus default 'running' @title: '{i18n>Status}';
  message         : String(1000) @title: '{i18n>Message}';
  invoicesChecked : Integer default 0 @title: '{i18n>InvoicesChecked}';
  remindersDue    : Integer default 0 @title: '{i18n>RemindersDue}';
  proposals       : Integer default 0 @title: '{i18n>Proposals}';
  heldBack        : Integer default 0 @title: '{i18n>HeldBack}';
  decisions       : Association to many ReminderDecisions on decisions.run = $self;
  reminders       : Association to many Reminders on reminders.run = $self;
}

/** Why an invoice was or was not reminded on a run, as the run saw it. */
entity ReminderDecisions : cuid {
  run      : Association to ReminderRuns;
  invoice  : Association to mirror.BillingDocuments @title: '{i18n>BillingDocument}';
  customer : Association to mirror.Customers @title: '{i18n>Customer}';
  step     : Association to ReminderSteps @title: '{i18n>ReminderStep}';
  decision : DecisionKind @title: '{i18n>ReminderDecision}';
  /** The amount the reminder asks for: the open amount less what is disputed. */
  amount   : Decimal(24, 3) @title: '{i18n>RemindedAmount}' @Measures.ISOCurrency: currency;
  currency : String(5) @title: '{i18n>Currency}';
  /** The decision's details for its sentence (_i18n/messages REMINDER_DECISION_…), a JSON object. */
  params   : String(500);
}

/**
 * One invoice reminded at one step: the key makes sure a step is never taken twice, whatever runs at the same time
 * or again after a crash. A removed proposal keeps its row: AR's no holds for that step.
 */
entity Reminders {
  key invoice    : Association to mirror.BillingDocuments @title: '{i18n>BillingDocument}';
  key step       : Association to ReminderSteps @title: '{i18n>ReminderStep}';
      customer   : Association to mirror.Customers @title: '{i18n>Customer}';
      run        : Association to ReminderRuns;
      mail       : Association to ReminderMails;
      level      : Integer @title: '{i18n>ReminderLevel}';
      offsetDays : Integer @title: '{i18n>OffsetDays}';
      amount     : Decimal(24, 3) @title: '{i18n>RemindedAmount}' @Measures.ISOCurrency: currency;
      currency   : String(5) @title: '{i18n>Currency}';
      status     : ReminderStatus @title: '{i18n>ReminderStatus}';
      decidedAt  : Timestamp @title: '{i18n>DecidedAt}';
      approvedBy : String(255) @title: '{i18n>ApprovedBy}';
      approvedAt : Timestamp @title: '{i18n>ApprovedAt}';
      sentAt     : Timestamp @title: '{i18n>SentAt}';
      /** The day it was sent, by the collections clock: the reminder's effectiveness counts days from it. */
      sentOn     : Date @title: '{i18n>SentOn}';
      /** Why a due reminder did not go out after all (withdrawn): the decision that held it back by then. */
      heldBackBy : DecisionKind @title: '{i18n>HeldBackBy}';
      /** What the collectors' worklist knows of the customer: an AR manager looks at these before approving. */
      signals    : Association to one CollectionWorklist on signals.customer = customer;
}

/**
 * Each reminder sent, and whether FI cleared its invoice within 7 days of the mail (counted from the day sent by the
 * collections clock, a reminder sent and paid the same day included): what CollectionsService.ReminderEffectiveness
 * counts per step.
 */
entity SentReminders as select from Reminders {
  key invoice,
  key step,
      cast(case when invoice.isCleared = true and days_between(sentOn, invoice.clearingDate) between 0 and 7 then 1 else 0 end as Integer)
        as paidWithin7Days : Integer,
} where status = 'sent';

/** The one mail to a customer's billing contact that carries every reminder due for it in a run. */
entity ReminderMails : cuid {
  customer     : Association to mirror.Customers @title: '{i18n>Customer}';
  contactEmail : crm.EMailAddress @title: '{i18n>SentTo}';
  queuedAt     : Timestamp @title: '{i18n>QueuedAt}';
  sentAt       : Timestamp @title: '{i18n>SentAt}';
  status       : ReminderMailStatus default 'queued' @title: '{i18n>Status}';
  error        : String(1000) @title: '{i18n>Error}';
  reminders    : Association to many Reminders on reminders.mail = $self;
}

/** The customer's (or a collector's note of the customer's) promise to pay an invoice by a date. */
entity PaymentPromises : cuid, managed {
  invoice              : Association to mirror.BillingDocuments @mandatory @title: '{i18n>BillingDocument}';
  customer             : Association to mirror.Customers @title: '{i18n>Customer}';
  promisedDate         : Date @mandatory @title: '{i18n>PromisedDate}';
  /** Empty: the whole open amount. */
  amount               : Decimal(24, 3) @assert.range: [ 0, 99999999999999 ] @title: '{i18n>PromisedAmount}' @Measures.ISOCurrency: currency;
  currency             : String(5) @title: '{i18n>Currency}';
  /** What was open when the promise was made: it is kept once the open amount fell by the promised amount. */
  openAmountAtPromise  : Decimal(24, 3) @title: '{i18n>OpenAmount}' @Measures.ISOCurrency: currency;
  status               : PromiseStatus default 'open' @title: '{i18n>PromiseStatus}';
  source               : crm.Channel default 'web' @title: '{i18n>Source}';
  promisedBy           : String(241) @title: '{i18n>PromisedBy}';
  promisedFrom         : String(45) @title: '{i18n>RaisedFrom}';
  settledAt            : Timestamp @title: '{i18n>SettledAt}';
}

/** "I've paid": the customer's word that a payment is on its way, until FI clears the invoice. */
entity PaymentReports : cuid, managed {
  invoice      : Association to mirror.BillingDocuments @mandatory @title: '{i18n>BillingDocument}';
  customer     : Association to mirror.Customers @title: '{i18n>Customer}';
  paidOn       : Date @mandatory @title: '{i18n>PaidOn}';
  /** The day it was reported: the reminders wait paymentReportWaitDays from it (cds.requires.collections). */
  reportedOn   : Date @title: '{i18n>ReportedOn}';
  amount       : Decimal(24, 3) @mandatory @assert.range: [ 0, 99999999999999 ] @title: '{i18n>PaidAmount}' @Measures.ISOCurrency: currency;
  currency     : String(5) @title: '{i18n>Currency}';
  reference    : String(35) @title: '{i18n>PaymentReference}';
  status       : PaymentReportStatus default 'reported' @title: '{i18n>PaymentReportStatus}';
  source       : crm.Channel default 'web' @title: '{i18n>Source}';
  reportedBy   : String(241) @title: '{i18n>ReportedBy}';
  reportedFrom : String(45) @title: '{i18n>RaisedFrom}';
  settledAt    : Timestamp @title: '{i18n>SettledAt}';
  remittanceAdvice : Association to one RemittanceAdvices on remittanceAdvice.report = $self @title: '{i18n>RemittanceAdvice}';
}

/**
 * The remittance advice a customer attached to "I've paid": a PDF or an image, its type found from its first bytes
 * (never the browser's word), kept as it came and only ever handed out as a download (srv/collections/remittance-advice.ts).
 */
entity RemittanceAdvices : cuid, managed {
  report    : Association to PaymentReports @mandatory;
  invoice   : Association to mirror.BillingDocuments @title: '{i18n>BillingDocument}';
  customer  : Association to mirror.Customers @title: '{i18n>Customer}';
  fileName  : String(100) @title: '{i18n>FileName}';
  mediaType : String(30) @Core.IsMediaType @title: '{i18n>MediaType}';
  size      : Integer @title: '{i18n>FileSize}';
  sha256    : String(64);
  content   : LargeBinary @Core.MediaType: mediaType @Core.ContentDisposition.Filename: fileName @Core.ContentDisposition.Type: 'attachment';
}

/**
 * A final notice went out whose step escalates to a dunning block: the CRM proposes to stop S/4's own dunning of the
 * customer in the invoice's company code while collections takes over. An AR manager approves it (then it is written
 * to S/4 as a dispute's escalation is: srv/writeback/targets/dunning-block.ts) or rejects it, and lifts it later. One
 * open (proposed or approved) per customer and company code.
 */
entity DunningBlockProposals : cuid, managed {
  customer    : Association to mirror.Customers @title: '{i18n>Customer}';
  companyCode : String(4) @title: '{i18n>CompanyCode}';
  /** The invoice whose final notice proposed it. */
  invoice     : Association to mirror.BillingDocuments @title: '{i18n>BillingDocument}';
  status      : DunningBlockProposalStatus default 'proposed' @title: '{i18n>Status}';
  decidedBy   : String(255) @title: '{i18n>DecidedBy}';
  decidedAt   : Timestamp @title: '{i18n>DecidedAt}';
  /** Why it was approved or rejected. */
  note        : String(1000) @title: '{i18n>Note}';
  liftedBy    : String(255) @title: '{i18n>LiftedBy}';
  liftedAt    : Timestamp @title: '{i18n>LiftedAt}';
}

/** A collector's call, mail or meeting with a customer, what it came to, and when to follow up. */
entity CollectionContacts : cuid, managed {
  customer   : Association to mirror.Customers @mandatory @title: '{i18n>Customer}';
  invoice    : Association to mirror.BillingDocuments @title: '{i18n>BillingDocument}';
  channel    : crm.Channel @mandatory @title: '{i18n>ContactChannel}';
  outcome    : ContactOutcome @mandatory @title: '{i18n>ContactOutcome}';
  note       : String(1000) @title: '{i18n>Note}';
  followUpOn : Date @title: '{i18n>FollowUpOn}';
}

/**
 * The collectors' worklist: one row per customer with something to collect, its priority score and the signals it
 * is made of (srv/collections/priority-score.ts), rebuilt by every reminder run and on request
 * (srv/collections/worklist.ts). Overdue amounts are in the currency most of the customer's overdue invoices are in.
 */
@singular: 'CollectionWorklistEntry' @plural: 'CollectionWorklist'
entity CollectionWorklist {
  key customer            : Association to mirror.Customers @title: '{i18n>Customer}';
      score               : Integer @title: '{i18n>PriorityScore}';
      overdueAmount       : Decimal(24, 3) @title: '{i18n>OverdueAmount}' @Measures.ISOCurrency: currency;
      currency            : String(5) @title: '{i18n>Currency}';
      overdueInvoices     : Integer @title: '{i18n>OverdueInvoices}';
      oldestDaysOverdue   : Integer @title: '{i18n>OldestDaysOverdue}';
      brokenPromises      : Integer @title: '{i18n>BrokenPromises}';
      paymentsNotReceived : Integer @title: '{i18n>PaymentsNotReceived}';
      openDisputes        : Integer @title: '{i18n>OpenDisputes}';
      unconfirmedInvoices : Integer @title: '{i18n>UnconfirmedInvoices}';
      lastCsat            : Integer @title: '{i18n>LastCsat}';
      /** The score's parts, largest first, as JSON: [{ "factor": "brokenPromises", "points": 30 }, …] */
      factors             : LargeString @UI.Hidden;
      refreshedAt         : Timestamp @title: '{i18n>RefreshedAt}';
      settings            : Association to one CustomerCollections on settings.customer = customer;
      contacts            : Association to many CollectionContacts on contacts.customer = customer;
      promises            : Association to many PaymentPromises on promises.customer = customer;
      paymentReports      : Association to many PaymentReports on paymentReports.customer = customer;
      dunningBlocks       : Association to many DunningBlockProposals on dunningBlocks.customer = customer;
}
