using { invoicecrm.mirror as mirror } from '../db/mirror';

/** Finance users (AR clerks and managers) read the mirror of S/4HANA receivables here. */
@path: '/odata/v4/receivables'
service ReceivablesService {

  @readonly
  entity Customers as projection on mirror.Customers {
    *,
    invoices    : redirected to Invoices,
    salesOrders : redirected to SalesOrders,
  };

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

  /** Billing documents with their receivable status from FI. */
  @readonly
  entity Invoices as projection on mirror.BillingDocuments {
    *,
    receivable.openAmount   as openAmount   : Decimal(24, 3) @title: '{i18n>OpenAmount}' @Measures.ISOCurrency: currency,
    receivable.netDueDate   as netDueDate   : Date           @title: '{i18n>NetDueDate}',
    receivable.isCleared    as isCleared    : Boolean        @title: '{i18n>IsCleared}',
    receivable.clearingDate as clearingDate : Date           @title: '{i18n>ClearingDate}',
    receivable.daysOverdue  as daysOverdue  : Integer        @title: '{i18n>DaysOverdue}',
  } excluding { receivable };

  @readonly
  entity InvoiceItems as projection on mirror.BillingDocumentItems;
  @readonly
  entity InvoicePartners as projection on mirror.BillingDocumentPartners;
  @readonly
  entity ReceivableItems as projection on mirror.ReceivableItems;
}

annotate ReceivablesService with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager', 'IntegrationAdmin' ] }];
