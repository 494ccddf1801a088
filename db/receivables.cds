// What AR's apps read beside each invoice and customer: the CRM state of an invoice and the aging of open items
// (the payer's dunning block: srv/receivables/service.cds). Only unmanaged associations and views: no table of the
// mirror changes, and nothing here is written.
namespace invoicecrm.crm;

using { invoicecrm.mirror as mirror } from './mirror';
using { invoicecrm.crm as crm } from './crm';

/** Open FI items of a customer per currency, in buckets of days past the net due date. */
entity CustomerAging as
  select from mirror.ReceivableItems {
    @title: '{i18n>Customer}'
    key customer.ID as customer : String(10),
    @title: '{i18n>Currency}'
    key currency,
        // cast: a bare sum() has no numeric affinity in SQLite, so comparisons and sorting would be textual.
        cast(sum(case when netDueDate is null or days_between(netDueDate, $now) <= 0 then amount else 0 end) as Decimal(24, 3)) as notDue      : Decimal(24, 3) @title: '{i18n>NotDue}' @Measures.ISOCurrency: currency,
        cast(sum(case when days_between(netDueDate, $now) between 1 and 30 then amount else 0 end) as Decimal(24, 3))             as overdue1to30  : Decimal(24, 3) @title: '{i18n>Overdue1to30}' @Measures.ISOCurrency: currency,
        cast(sum(case when days_between(netDueDate, $now) between 31 and 60 then amount else 0 end) as Decimal(24, 3))            as overdue31to60 : Decimal(24, 3) @title: '{i18n>Overdue31to60}' @Measures.ISOCurrency: currency,
        cast(sum(case when days_between(netDueDate, $now) between 61 and 90 then amount else 0 end) as Decimal(24, 3))            as overdue61to90 : Decimal(24, 3) @title: '{i18n>Overdue61to90}' @Measures.ISOCurrency: currency,
        cast(sum(case when days_between(netDueDate, $now) > 90 then amount else 0 end) as Decimal(24, 3))                         as overdueOver90 : Decimal(24, 3) @title: '{i18n>OverdueOver90}' @Measures.ISOCurrency: currency,
        cast(sum(amount) as Decimal(24, 3))                                                                                        as totalOpen     : Decimal(24, 3) @title: '{i18n>TotalOpen}' @Measures.ISOCurrency: currency,
  }
  where isCleared = false
  group by customer.ID, currency;

/**
 * The same open items as one row per bucket (Customer 360's aging chart, and its drill-down to the invoices): the
 * bucket as in CustomerAging, and as Invoices.agingBucket tells it of an invoice (srv/receivables/apps.cds).
 */
entity CustomerAgingBuckets as
  select from mirror.ReceivableItems {
    @title: '{i18n>Customer}'
    key customer.ID as customer : String(10),
    @title: '{i18n>Currency}'
    key currency,
    @title: '{i18n>AgingBucket}'
    key case
          when netDueDate is null or days_between(netDueDate, $now) <= 0 then 0
          when days_between(netDueDate, $now) <= 30 then 1
          when days_between(netDueDate, $now) <= 60 then 2
          when days_between(netDueDate, $now) <= 90 then 3
          else 4
        end as bucket : crm.AgingBucket,
        cast(sum(amount) as Decimal(24, 3)) as amount : Decimal(24, 3) @title: '{i18n>OpenAmount}' @Measures.ISOCurrency: currency,
  }
  where isCleared = false
  group by customer.ID, currency, case
    when netDueDate is null or days_between(netDueDate, $now) <= 0 then 0
    when days_between(netDueDate, $now) <= 30 then 1
    when days_between(netDueDate, $now) <= 60 then 2
    when days_between(netDueDate, $now) <= 90 then 3
    else 4
  end;

extend mirror.BillingDocuments with {
  crmConversation : Association to one crm.InvoiceConversations on crmConversation.invoice = $self;
  /** At most one dispute of an invoice is not closed at a time (raiseDispute makes sure). */
  openDispute     : Association to one crm.Disputes on openDispute.invoice = $self and openDispute.status <> 'Closed';
}

extend crm.ContactProposals with {
  /** The contact correction AR made of this proposal, once accepted. */
  acceptedAs : Association to one crm.CustomerContacts on acceptedAs.proposal = $self;
}
