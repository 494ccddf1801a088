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

  /** What AR set per customer: written by the worklist's actions (assign, setCollectionTerms), which check it. */
  @readonly
  entity CustomerCollections as projection on collections.CustomerCollections;

  @readonly
  entity ReminderRuns as projection on collections.ReminderRuns actions {
    /** From a run's page, after its proposals were decided: what sendDueReminders does, and the page shows it. */
    action sendDue() returns Integer;
  };

  @readonly
  entity ReminderDecisions as projection on collections.ReminderDecisions;

  /**
   * The reminders of the runs; a proposal is approved or removed by an AR manager. An exception is the reminder of a
   * customer who broke a promise, disputes an invoice or reported a payment not received: worth a look before it goes.
   */
  @readonly
  entity Reminders as projection on collections.Reminders {
    *,
    customer.name as customerName : String(81) @title: '{i18n>CustomerName}',
    cast(case when signals.brokenPromises > 0 or signals.openDisputes > 0 or signals.paymentsNotReceived > 0 then true else false end as Boolean)
      as isException : Boolean @title: '{i18n>ReminderException}',
    cast(case when $self.isException = true then 2 else 0 end as Integer) as exceptionCriticality : Integer @UI.Hidden,
    cast(case when status = 'proposed' then 1 else 0 end as Integer) as awaitsDecision : Integer @UI.Hidden,
    signals.brokenPromises      as brokenPromises      : Integer @title: '{i18n>BrokenPromises}',
    signals.openDisputes        as openDisputes        : Integer @title: '{i18n>OpenDisputes}',
    signals.paymentsNotReceived as paymentsNotReceived : Integer @title: '{i18n>PaymentsNotReceived}',
  } actions {
    action approve() returns Reminders;
    action remove()  returns Reminders;
  };

  @readonly
  entity ReminderMails as projection on collections.ReminderMails;

  /**
   * How well reminders work, per step of each policy: the reminders sent, and how many of their invoices FI cleared
   * within 7 days of the mail (a reminder sent and paid the same day counts).
   */
  @readonly
  @cds.redirection.target: false
  entity ReminderEffectiveness as select from collections.SentReminders {
    key step.ID          as stepId      : UUID @UI.Hidden,
        step.policy.name as policyName  : String(60) @title: '{i18n>ReminderPolicy}',
        step.level       as level       : Integer @title: '{i18n>ReminderLevel}',
        step.offsetDays  as offsetDays  : Integer @title: '{i18n>OffsetDays}',
        count(1)         as remindersSent : Integer @title: '{i18n>RemindersSent}',
        sum(paidWithin7Days) as paidWithin7Days : Integer @title: '{i18n>PaidWithin7Days}',
        cast(round(100.0 * sum(paidWithin7Days) / count(1), 1) as Decimal(4, 1))
                         as paidWithin7DaysPercent : Decimal(4, 1) @title: '{i18n>PaidWithin7DaysPercent}',
  } group by step.ID, step.policy.name, step.level, step.offsetDays;

  /** Promises to pay by how they were made (on the customer's page, on the phone, …): kept, broken, still open. */
  @readonly
  @cds.redirection.target: false
  entity PromiseEffectiveness as select from collections.PaymentPromises mixin {
    // The channel's name in the reader's language, read through the code list (a grouped view is not localized).
    sourceText : Association to codes.Channels on sourceText.code = $projection.source;
  } into {
    key source,
        sourceText,
        count(1) as promises : Integer @title: '{i18n>PaymentPromises}',
        sum(case when status = 'kept' then 1 else 0 end)   as kept   : Integer @title: '{i18n>PromisesKept}',
        sum(case when status = 'broken' then 1 else 0 end) as broken : Integer @title: '{i18n>BrokenPromises}',
        sum(case when status = 'open' then 1 else 0 end)   as stillOpen : Integer @title: '{i18n>PromisesOpen}',
        // Of the promises settled: none settled yet gives no share.
        cast(case when sum(case when status = 'open' then 0 else 1 end) = 0 then null
                  else round(100.0 * sum(case when status = 'kept' then 1 else 0 end) / sum(case when status = 'open' then 0 else 1 end), 1) end as Decimal(4, 1))
                 as keptPercent : Decimal(4, 1) @title: '{i18n>PromisesKeptPercent}',
  } group by source;

  /** The promises to pay, with whether their invoice has been cleared since (a broken promise then is history). */
  @readonly
  entity PaymentPromises as projection on collections.PaymentPromises {
    *,
    invoice.isCleared as invoiceCleared : Boolean @title: '{i18n>InvoiceCleared}',
    customer.name     as customerName   : String(81) @title: '{i18n>CustomerName}',
  };
  @readonly
  entity PaymentReports as projection on collections.PaymentReports {
    *,
    remittanceAdvice.fileName as remittanceFileName : String(100) @title: '{i18n>RemittanceAdvice}',
  };
  /** The customer's remittance advice of a reported payment: its details, and the file only as a download. */
  @readonly
  entity RemittanceAdvices as projection on collections.RemittanceAdvices;

  @readonly
  entity Customers as projection on mirror.Customers { ID, name, country, language, isBlocked };
  @readonly
  entity Invoices as projection on mirror.BillingDocuments {
    ID, payer, companyCode, paymentTerms, documentDate, netDueDate, openAmount, grossAmount, currency, isCleared, daysOverdue
  };
  @readonly
  entity FollowUpTasks as projection on crm.FollowUpTasks;

  /**
   * The collectors' worklist: customers with something to collect, by priority, each with the reasons of its score,
   * its collector and the day of the next action. isMine: assigned to the reader.
   */
  @readonly @singular: 'WorklistEntry' @plural: 'Worklist'
  entity Worklist as projection on collections.CollectionWorklist {
    *,
    customer.name         as customerName : String(81) @title: '{i18n>CustomerName}',
    settings.collector    as collector    : String(255) @title: '{i18n>Collector}',
    settings.nextActionOn as nextActionOn : Date @title: '{i18n>NextActionOn}',
    settings.policy.name  as policyName   : String(60) @title: '{i18n>AssignedPolicy}',
    settings.riskClass    as riskClass    : collections.RiskClass @title: '{i18n>RiskClass}',
    riskClassText         : Association to one codes.RiskClasses on riskClassText.code = $self.riskClass,
    settings.timeZone     as timeZone     : String(40) @title: '{i18n>TimeZone}',
    cast(case when exists dunningBlocks[status = 'proposed'] then true else false end as Boolean)
      as dunningBlockProposed : Boolean @title: '{i18n>DunningBlockProposed}',
    cast(case when settings.collector = $user.id then true else false end as Boolean) as isMine : Boolean @title: '{i18n>MyWorklist}',
    // How the score is shown: red from 60 points, orange from 30.
    cast(case when score >= 60 then 1 when score >= 30 then 2 else 0 end as Integer) as scoreCriticality : Integer @UI.Hidden,
    virtual null as reasons : String(500) @title: '{i18n>PriorityReasons}',
  } actions {
    /** Gives the customer to a collector (a finance user). */
    action assign(collector : String(255) @mandatory @title: '{i18n>Collector}') returns Worklist;
    /**
     * What the customer's reminders follow: a policy of its own (empty: the rules and the default decide), its risk
     * class (which the rules can follow) and its time zone for business hours (empty: its country's).
     */
    action setCollectionTerms(policy    : UUID @title: '{i18n>AssignedPolicy}',
                              // Not the enum type: the dialog sends a field left empty as "" (see recordContact).
                              riskClass : String(10) @title: '{i18n>RiskClass}',
                              timeZone  : String(40) @title: '{i18n>TimeZone}') returns Worklist;
    /**
     * A call, mail or meeting with the customer and its outcome; a promise, dispute or payment report it brought is
     * recorded on its invoice as if the customer had given it by that channel.
     */
    action recordContact(channel       : crm.Channel @mandatory @title: '{i18n>ContactChannel}',
                         outcome       : collections.ContactOutcome @mandatory @title: '{i18n>ContactOutcome}',
                         note          : String(1000) @title: '{i18n>Note}',
                         followUpOn    : Date @title: '{i18n>FollowUpOn}',
                         invoice       : String(10) @title: '{i18n>BillingDocument}',
                         promisedDate  : Date @title: '{i18n>PromisedDate}',
                         amount        : Decimal(24, 3) @assert.range: [ 0, 99999999999999 ] @title: '{i18n>Amount}',
                         // Not the enum type: the dialog sends a reason left empty as "", which its check refuses
                         // before any handler (srv/collections/contacts.ts checks the reason given).
                         disputeReason : String(20) @title: '{i18n>DisputeReason}',
                         paidOn        : Date @title: '{i18n>PaidOn}',
                         reference     : String(35) @title: '{i18n>PaymentReference}') returns Worklist;
  };
  @readonly
  entity CollectionContacts as projection on collections.CollectionContacts;

  /** Dunning blocks in S/4 proposed after a final notice: an AR manager approves or rejects them, and lifts them later. */
  @readonly
  entity DunningBlockProposals as projection on collections.DunningBlockProposals {
    *,
    customer.name as customerName : String(81) @title: '{i18n>CustomerName}',
  } actions {
    action approveBlock(note : String(1000) @title: '{i18n>Note}') returns DunningBlockProposals;
    action rejectBlock(note : String(1000) @mandatory @title: '{i18n>Note}') returns DunningBlockProposals;
    action liftBlock(note : String(1000) @title: '{i18n>Note}') returns DunningBlockProposals;
  };
  @readonly
  entity FinanceUsers as projection on crm.FinanceUsers;

  /** Rebuilds the worklist now, as every reminder run does; returns how many customers are on it. */
  action refreshWorklist() returns Integer;

  @readonly entity ReminderTones         as projection on codes.ReminderTones;
  @readonly entity Escalations           as projection on codes.Escalations;
  @readonly entity DecisionKinds         as projection on codes.DecisionKinds;
  @readonly entity ReminderStatuses      as projection on codes.ReminderStatuses;
  @readonly entity PromiseStatuses       as projection on codes.PromiseStatuses;
  @readonly entity PaymentReportStatuses as projection on codes.PaymentReportStatuses;
  @readonly entity ContactOutcomes       as projection on codes.ContactOutcomes;
  @readonly entity Channels              as projection on codes.Channels;
  @readonly entity DisputeReasons        as projection on codes.DisputeReasons;
  @readonly entity RiskClasses           as projection on codes.RiskClasses;
  @readonly entity RunStatuses           as projection on codes.RunStatuses;
  @readonly entity RunTriggers           as projection on codes.RunTriggers;
  @readonly entity DunningBlockProposalStatuses as projection on codes.DunningBlockProposalStatuses;

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
