using { invoicecrm.mirror as mirror } from '../../db/mirror';
using { invoicecrm.crm as crm } from '../../db/crm';

/** Finance users (AR clerks and managers) read the mirror of S/4HANA receivables here. */
@path: '/odata/v4/receivables'
service ReceivablesService {

  @readonly
  entity Customers as projection on mirror.Customers {
    *,
    invoices    : redirected to Invoices,
    salesOrders : redirected to SalesOrders,
    // What the customer owes, from its open FI items, kept by the sync (db/mirror.cds CustomerBalances): Customer 360
    // sorts by it. In one currency only: a customer with open items in several has them in its aging.
    @title: '{i18n>Currency}'
    balance.currency as balanceCurrency,
    @title: '{i18n>OpenAmount}' @Measures.ISOCurrency: balanceCurrency
    // cast: a CASE has no numeric affinity in SQLite, so comparisons with a number would be textual.
    cast(case when balance.customer is null then 0 else balance.openAmount end as Decimal(24, 3)) as openAmount : Decimal(24, 3),
    @title: '{i18n>OverdueAmount}' @Measures.ISOCurrency: balanceCurrency
    cast(case when balance.customer is null then 0 else balance.overdueAmount end as Decimal(24, 3)) as overdueAmount : Decimal(24, 3),
    // What it disputes: summed for the rows read, by the index on the disputes' customer (a few per customer).
    // (Here, not in srv/receivables/apps.cds: CDS takes no subquery in `extend … with columns`.)
    @title: '{i18n>Currency}'
    (select from crm.Disputes { case when min(currency) = max(currency) then min(currency) end as currency }
      where customer.ID = Customers.ID and status in ('Open', 'InProcess')) as disputedCurrency : String(5),
    @title: '{i18n>DisputedAmount}' @Measures.ISOCurrency: disputedCurrency
    (select from crm.Disputes {
      cast(case when count(1) = 0 then 0 when min(currency) = max(currency) then sum(disputedAmount) end as Decimal(24, 3)) as amount
    } where customer.ID = Customers.ID and status in ('Open', 'InProcess')) as disputedAmount : Decimal(24, 3),
  } excluding { balance };

  @readonly
  entity CustomerSalesAreas as projection on mirror.CustomerSalesAreas;
  @readonly
  entity CustomerCompanies  as projection on mirror.CustomerCompanies;
  @readonly
  entity CustomerDunning    as projection on mirror.CustomerDunning;

  @readonly
  entity SalesOrders as projection on mirror.SalesOrders;
  @readonly
  entity SalesOrderItems as projection on mirror.SalesOrderItems;

  /**
   * Billing documents with their receivable status from FI and the conversation with the customer.
   * Searched in what users type: the document number, their PO number, the payer's name (every string column
   * would be a scan of each for every search).
   */
  @readonly
  @cds.search: { ID, purchaseOrderByCustomer, payer.name }
  entity Invoices as projection on mirror.BillingDocuments {
    *,
    conversation : Association to one Conversations on conversation.invoice.ID = ID,
    disputes     : Association to many Disputes on disputes.invoice.ID = ID,
    timeline     : Association to many Timeline on timeline.invoice.ID = ID,
    // The payer's dunning block in the invoice's company code, over its dunning areas: a subquery per row read, by
    // the dunning data's key. (Here, not in srv/receivables/apps.cds: CDS takes no subquery in `extend … with
    // columns`.) A join to a GROUP BY view of the dunning data would compute all of it for every statement.
    @title: '{i18n>DunningBlock}'
    (select from mirror.CustomerDunning { max(dunningBlock) as dunningBlock }
      where customer.ID = BillingDocuments.payer.ID and companyCode = BillingDocuments.companyCode) as dunningBlock : String(1),
    @title: '{i18n>HasDunningBlock}'
    (coalesce((select from mirror.CustomerDunning { max(dunningBlock) as dunningBlock }
      where customer.ID = BillingDocuments.payer.ID and companyCode = BillingDocuments.companyCode), '') <> '') as hasDunningBlock : Boolean,
  } actions {
    /** A customer confirmed the invoice by phone, e-mail or letter. */
    @(requires: [ 'ARClerk', 'ARManager' ])
    action recordConfirmation(source : crm.Channel @mandatory, note : String(500)) returns Conversations;
    /** A customer disputed the invoice by phone, e-mail or letter. */
    @(requires: [ 'ARClerk', 'ARManager' ])
    action recordDispute(source : crm.Channel @mandatory, reason : crm.DisputeReason @mandatory, comment : String(2000),
                         amount : Decimal(17, 3) @assert.range: [ 0, 99999999999999 ]) returns Disputes;
  };

  @readonly
  entity InvoiceItems as projection on mirror.BillingDocumentItems;
  @readonly
  entity InvoicePartners as projection on mirror.BillingDocumentPartners;
  @readonly
  entity ReceivableItems as projection on mirror.ReceivableItems;

  /** Dispatch and confirmation state of each invoice; `noEmail` lists the customers AR must get an address for. */
  @readonly
  entity Conversations as projection on crm.InvoiceConversations;

  /** Disputes, worked through their statuses by actions only; processing data (srv/receivables/apps.cds) in draft. */
  entity Disputes as projection on crm.Disputes actions {
    @(restrict: [{ to: [ 'ARClerk', 'ARManager' ] }])
    action startProcessing() returns Disputes;
    @(restrict: [{ to: [ 'ARClerk', 'ARManager' ] }])
    action resolveDispute(outcome : crm.DisputeOutcome @mandatory, resolution : String(2000)) returns Disputes;
    @(restrict: [{ to: [ 'ARClerk', 'ARManager' ] }])
    action close() returns Disputes;
    @(restrict: [{ to: [ 'ARClerk', 'ARManager' ] }])
    action addComment(text : String(2000) @mandatory, internal : Boolean) returns Disputes;
    /** Hands the dispute to a finance user (also to many at once, from the worklist). */
    @(restrict: [{ to: [ 'ARClerk', 'ARManager' ] }])
    action assign(processor : String(255) @mandatory) returns Disputes;
    /** Stops S/4's dunning of the customer until the last escalated dispute is closed: an AR manager's decision. */
    @(restrict: [{ to: 'ARManager' }])
    action escalate(reason : String(1000) @mandatory) returns Disputes;
  };
  @readonly
  entity DisputeLines      as projection on crm.DisputeLines;
  @readonly
  entity DisputeComments   as projection on crm.DisputeComments;
  @readonly
  entity ContactProposals  as projection on crm.ContactProposals;
  @readonly
  entity SurveyInvitations as projection on crm.SurveyInvitations;
  @readonly
  entity SurveyAnswers     as projection on crm.SurveyAnswers;
  @readonly
  entity FollowUpTasks     as projection on crm.FollowUpTasks;
  @readonly
  entity Timeline          as projection on crm.TimelineEntries;
  /** Whom a dispute can be assigned to: the finance users who have worked in the apps. */
  @readonly
  entity Processors        as projection on crm.FinanceUsers;
}
