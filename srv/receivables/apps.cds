// What the Fiori apps of AR (Manage Invoices, Manage Disputes, Customer 360) need beyond the mirror: the CRM
// state of each invoice as filterable columns, the aging of customers, contact corrections edited in draft,
// the write-back status of an invoice, code lists with texts, and the actions that go with them.
using { ReceivablesService } from './service';
using { invoicecrm.crm as crm } from '../../db/crm';
using { invoicecrm.writeback as writeback } from '../../db/writeback';
using { invoicecrm.codes as codes } from '../../db/codes';
using from '../../db/integration-codes';
using from '../../db/receivables';

extend service ReceivablesService with {
  /** What invoice-crm wrote or is writing back to S/4HANA about an invoice; the monitor app steers it. */
  @readonly
  entity WriteBackOperations as projection on writeback.WriteBackOperations excluding { payload, log };

  @readonly
  @cds.redirection.target: false
  entity CustomerAging as projection on crm.CustomerAging;
  @readonly
  @cds.redirection.target: false
  entity CustomerAgingBuckets as projection on crm.CustomerAgingBuckets {
    *,
    // The bucket's colour in the chart and the table (UI.CriticalityType): not due good, up to 60 days critical, beyond negative.
    case bucket when 0 then 3 when 1 then 2 when 2 then 2 else 1 end as criticality : Integer,
  };

  /** Contact data AR corrected; the mirror keeps what S/4HANA says. */
  entity CustomerContacts as projection on crm.CustomerContacts;

  /**
   * The countries the customers are in, by name in the reader's language (srv/receivables/countries.ts): the values
   * of Customer 360's country filter. Named by Node's ICU like the customer's own country, no code list to keep.
   */
  @readonly
  @cds.persistence.skip
  entity Countries {
    key code : String(3) @title: '{i18n>Country}';
        name : String(80) @title: '{i18n>Country}';
  }

  @readonly entity PaymentStates    as projection on codes.PaymentStates;
  @readonly entity DispatchStatuses as projection on codes.DispatchStatuses;
  @readonly entity DisputeStatuses  as projection on codes.DisputeStatuses;
  @readonly entity DisputeReasons   as projection on codes.DisputeReasons;
  @readonly entity DisputeOutcomes  as projection on codes.DisputeOutcomes;
  @readonly entity Channels         as projection on codes.Channels;
  @readonly entity Priorities       as projection on codes.Priorities;
  @readonly entity TimelineKinds    as projection on codes.TimelineKinds;
  @readonly entity AgingBuckets     as projection on codes.AgingBuckets;
  @readonly entity WriteBackStatuses as projection on codes.WriteBackStatuses;
  @readonly entity WriteBackTargets  as projection on codes.WriteBackTargets;
  @readonly entity WriteBackEvents   as projection on codes.WriteBackEvents;
}

extend ReceivablesService.WriteBackOperations with columns {
  statusText : Association to one ReceivablesService.WriteBackStatuses on statusText.code = $self.status,
  targetText : Association to one ReceivablesService.WriteBackTargets on targetText.code = $self.target,
  eventText  : Association to one ReceivablesService.WriteBackEvents on eventText.code = $self.event,
}

extend ReceivablesService.Invoices with columns {
  @title: '{i18n>PaymentState}'
  case
    when isCleared = true then 'cleared'
    when openAmount > 0 and openAmount < grossAmount then 'partiallyPaid'
    else 'open'
  end as paymentState : crm.PaymentState,
  paymentStateText : Association to one ReceivablesService.PaymentStates on paymentStateText.code = $self.paymentState,
  @title: '{i18n>DispatchStatus}'
  crmConversation.dispatchStatus as dispatchStatus,
  dispatchStatusText : Association to one ReceivablesService.DispatchStatuses on dispatchStatusText.code = $self.dispatchStatus,
  @title: '{i18n>Confirmed}'
  (crmConversation.confirmedAt is not null) as isConfirmed : Boolean,
  @title: '{i18n>ConfirmedAt}'
  crmConversation.confirmedAt as confirmedAt,
  @title: '{i18n>SentAt}'
  crmConversation.sentAt as sentAt,
  @title: '{i18n>HasOpenDispute}'
  (openDispute.ID is not null) as hasOpenDispute : Boolean,
  @title: '{i18n>DisputeStatus}'
  openDispute.status as disputeStatus,
  disputeStatusText : Association to one ReceivablesService.DisputeStatuses on disputeStatusText.code = $self.disputeStatus,
  // The aging bucket of what is open of the invoice, by its open due date (none when nothing is open): Customer 360's
  // aging drills down to the invoices by it; srv/days-overdue.ts filters by it through the index on the open due date.
  @title: '{i18n>AgingBucket}'
  case
    when openDueDate is null or openDueDate = '9999-12-31' then null
    when daysOverdue <= 0 then 0
    when daysOverdue <= 30 then 1
    when daysOverdue <= 60 then 2
    when daysOverdue <= 90 then 3
    else 4
  end as agingBucket : crm.AgingBucket,
  agingBucketText : Association to one ReceivablesService.AgingBuckets on agingBucketText.code = $self.agingBucket,
  case
    when isCleared = true then 3
    when daysOverdue > 30 then 1
    when daysOverdue > 0 then 2
    else 0
  end as overdueCriticality : Integer,
  writeBackOperations : Association to many ReceivablesService.WriteBackOperations on writeBackOperations.invoice.ID = $self.ID,
  // Whether the apps offer Resend: the invoice was taken up for sending or answered, is not cancelled, and its payer
  // has a billing e-mail address. A mail the queue still holds is refused by the action itself, saying so.
  (crmConversation.invoice.ID is not null and isCancelled = false and coalesce(payer.billingEmail, '') <> '') as canResend : Boolean,
}

extend ReceivablesService.Invoices with actions {
  /** Sends the invoice mail again, e.g. after the customer's mailbox was fixed or the mail went astray. */
  @(requires: [ 'ARClerk', 'ARManager' ])
  action resendInvoice() returns ReceivablesService.Conversations;
  /** Stops every link to the invoice sent so far, e.g. after a mail reached the wrong person. */
  @(requires: [ 'ARClerk', 'ARManager' ])
  action revokeLinks() returns ReceivablesService.Conversations;
}

annotate ReceivablesService.Disputes with @odata.draft.enabled;

annotate ReceivablesService.Disputes with {
  invoice @readonly; customer @readonly; reason @readonly; wholeInvoice @readonly; disputedAmount @readonly;
  currency @readonly; customerComment @readonly; status @readonly; outcome @readonly; resolution @readonly;
  source @readonly; raisedBy @readonly; raisedFrom @readonly; resolvedAt @readonly; closedAt @readonly;
  escalated @readonly; escalatedAt @readonly; escalatedBy @readonly; escalationReason @readonly;
}

extend ReceivablesService.Disputes with columns {
  // Whether the apps offer escalating: the status flow (flows.cds) allows it from Open and InProcess, and
  // srv/receivables/service.ts turns it off for anyone but an AR manager.
  (status in ('Open', 'InProcess') and coalesce(escalated, false) = false) as canEscalate : Boolean,
  @title: '{i18n>SlaState}'
  case
    when status = 'Resolved' or status = 'Closed' then 0
    when slaDueAt < $now then 1
    when days_between($now, slaDueAt) < 1 then 2
    else 3
  end as slaCriticality : Integer,
  case status when 'Open' then 2 when 'InProcess' then 5 when 'Resolved' then 3 else 0 end as statusCriticality : Integer,
  // The texts of what the status actions change, as columns: an action's answer carries them to the app. In the
  // reader's language by the code lists' own `localized` association: CAP's localized views do not reach a text
  // read through a path in a view's column, which would stay in the default language.
  coalesce(statusText.localized.name, statusText.name)   as statusName  : String(255),
  coalesce(outcomeText.localized.name, outcomeText.name) as outcomeName : String(255),
}

extend ReceivablesService.Customers with columns {
  // Country and language by name, in the reader's language (srv/display-names.ts); filtered and sorted by the code.
  virtual null as countryName  : String(80),
  virtual null as languageName : String(80),
  // How the customer pays (srv/receivables/customer-kpis.ts): computed for the customers read, shown in its header.
  @title: '{i18n>DaysSalesOutstanding}'
  virtual null as daysSalesOutstanding : Integer,
  @title: '{i18n>AverageDaysLate}'
  virtual null as averageDaysLate      : Decimal(9, 1),
  aging             : Association to many ReceivablesService.CustomerAging on aging.customer = $self.ID,
  agingBuckets      : Association to many ReceivablesService.CustomerAgingBuckets on agingBuckets.customer = $self.ID,
  contacts          : Association to many ReceivablesService.CustomerContacts on contacts.customer.ID = $self.ID,
  contactProposals  : Association to many ReceivablesService.ContactProposals on contactProposals.customer.ID = $self.ID,
  disputes          : Association to many ReceivablesService.Disputes on disputes.customer.ID = $self.ID,
  surveyInvitations : Association to many ReceivablesService.SurveyInvitations on surveyInvitations.customer.ID = $self.ID,
  timeline          : Association to many ReceivablesService.Timeline on timeline.customer.ID = $self.ID,
}

annotate ReceivablesService.CustomerContacts with @odata.draft.enabled;

extend ReceivablesService.ContactProposals with columns {
  (acceptedAs.ID is null) as canAccept : Boolean,
}

extend ReceivablesService.ContactProposals with actions {
  /** Takes the contact a customer proposed as a contact correction, to be completed in draft like any other. */
  @(restrict: [{ to: [ 'ARClerk', 'ARManager' ] }])
  action accept() returns ReceivablesService.CustomerContacts;
}

extend ReceivablesService.CustomerAgingBuckets with columns {
  bucketText : Association to one ReceivablesService.AgingBuckets on bucketText.code = $self.bucket,
}
