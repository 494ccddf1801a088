using { invoicecrm.collections as collections } from '../../db/collections';
using { invoicecrm.mirror as mirror } from '../../db/mirror';
using { invoicecrm.crm as crm } from '../../db/crm';
using { invoicecrm.codes as codes } from '../../db/codes';

/**
 * Collections: AR managers keep the reminder policies and review what a reminder run proposes; clerks and managers
 * follow promises and reported payments, and record what customers tell them on the phone.
 */
@path: '/odata/v4/collections'
service CollectionsService {

  @odata.draft.enabled
  entity ReminderPolicies as projection on collections.ReminderPolicies;
  entity ReminderSteps    as projection on collections.ReminderSteps;

  entity CustomerCollections as projection on collections.CustomerCollections;

  @readonly
  entity ReminderRuns as projection on collections.ReminderRuns;

  @readonly
  entity ReminderDecisions as projection on collections.ReminderDecisions;

  /** The reminders of the runs; a proposal is approved or removed by an AR manager. */
  @readonly
  entity Reminders as projection on collections.Reminders actions {
    action approve() returns Reminders;
    action remove()  returns Reminders;
  };

  @readonly
  entity ReminderMails as projection on collections.ReminderMails;

  @readonly
  entity PaymentPromises as projection on collections.PaymentPromises;
  @readonly
  entity PaymentReports as projection on collections.PaymentReports;

  @readonly
  entity Customers as projection on mirror.Customers { ID, name, country, language, isBlocked };
  @readonly
  entity Invoices as projection on mirror.BillingDocuments {
    ID, payer, companyCode, paymentTerms, documentDate, netDueDate, openAmount, grossAmount, currency, isCleared, daysOverdue
  };
  @readonly
  entity FollowUpTasks as projection on crm.FollowUpTasks;

  @readonly entity ReminderTones         as projection on codes.ReminderTones;
  @readonly entity Escalations           as projection on codes.Escalations;
  @readonly entity DecisionKinds         as projection on codes.DecisionKinds;
  @readonly entity ReminderStatuses      as projection on codes.ReminderStatuses;
  @readonly entity PromiseStatuses       as projection on codes.PromiseStatuses;
  @readonly entity PaymentReportStatuses as projection on codes.PaymentReportStatuses;

  type RunOutcome {
    run             : UUID;
    invoicesChecked : Integer;
    remindersDue    : Integer;
    proposals       : Integer;
    heldBack        : Integer;
    mailsQueued     : Integer;
  }

  /** Runs the reminder rules now, as the daily job does; returns what the run decided. */
  action runReminders() returns RunOutcome;

  /** Queues the approved and due reminders of customers inside their business hours now; returns how many mails. */
  action sendDueReminders() returns Integer;

  /** A promise to pay the customer made to a collector (on the phone, by e-mail, in a meeting). */
  action recordPromise(invoice : String(10) @mandatory,
                       promisedDate : Date @mandatory,
                       amount : Decimal(24, 3) @assert.range: [ 0, 99999999999999 ],
                       channel : crm.Channel @mandatory) returns PaymentPromises;

  /** A payment the customer told a collector of. */
  action recordPaymentReport(invoice : String(10) @mandatory,
                             paidOn : Date @mandatory,
                             amount : Decimal(24, 3) @mandatory @assert.range: [ 0, 99999999999999 ],
                             reference : String(35),
                             channel : crm.Channel @mandatory) returns PaymentReports;
}
