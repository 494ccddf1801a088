// The mirror: S/4HANA master and transactional data as invoice-crm keeps it.
// S/4 keys are the keys. Only the sync (srv/sync) writes these entities; everything else reads them.
namespace invoicecrm.mirror;

/** Set by reconciliation when a document or record no longer exists in S/4HANA; kept for CRM history. */
aspect RemovableInS4 {
  removedInS4 : Boolean default false @title: '{i18n>RemovedInS4}';
}

/** Customers: business partner (organisation or person) with its customer role. */
entity Customers : RemovableInS4 {
  key ID              : String(10) @title: '{i18n>Customer}';
      businessPartner : String(10) @title: '{i18n>BusinessPartner}';
      name            : String(81) @title: '{i18n>CustomerName}';
      category        : String(1)  @title: '{i18n>BPCategory}';
      language        : String(2)  @title: '{i18n>Language}';
      country         : String(3)  @title: '{i18n>Country}';
      city            : String(40) @title: '{i18n>City}';
      billingEmail    : String(241) @title: '{i18n>BillingEmail}';
      isBlocked       : Boolean    @title: '{i18n>CentralBlock}';
      orderBlock      : String(2)  @title: '{i18n>OrderBlock}';
      billingBlock    : String(2)  @title: '{i18n>BillingBlock}';
      deliveryBlock   : String(2)  @title: '{i18n>DeliveryBlock}';
      postingBlock    : Boolean    @title: '{i18n>PostingBlock}';
      changedInS4At   : Timestamp  @title: '{i18n>ChangedInS4At}';
      salesAreas      : Composition of many CustomerSalesAreas on salesAreas.customer = $self;
      companies       : Composition of many CustomerCompanies on companies.customer = $self;
      dunning         : Composition of many CustomerDunning on dunning.customer = $self;
      salesOrders     : Association to many SalesOrders on salesOrders.soldTo = $self;
      invoices        : Association to many BillingDocuments on invoices.payer = $self;
      /** What it owes (kept by the sync): none while it has no open item. */
      balance         : Association to one CustomerBalances on balance.customer = $self.ID;
}

/** Sales-area data of a customer (A_CustomerSalesArea): payment terms and sales blocks. */
entity CustomerSalesAreas {
  key customer            : Association to Customers;
  key salesOrganization   : String(4) @title: '{i18n>SalesOrganization}';
  key distributionChannel : String(2) @title: '{i18n>DistributionChannel}';
  key division            : String(2) @title: '{i18n>Division}';
      currency            : String(5) @title: '{i18n>Currency}';
      paymentTerms        : String(4) @title: '{i18n>PaymentTerms}';
      orderBlock          : String(2) @title: '{i18n>OrderBlock}';
      billingBlock        : String(2) @title: '{i18n>BillingBlock}';
      deliveryBlock       : String(2) @title: '{i18n>DeliveryBlock}';
      markedForDeletion   : Boolean   @title: '{i18n>MarkedForDeletion}';
}

/** Company-code data of a customer (A_CustomerCompany). */
entity CustomerCompanies {
  key customer          : Association to Customers;
  key companyCode       : String(4) @title: '{i18n>CompanyCode}';
      paymentTerms      : String(4) @title: '{i18n>PaymentTerms}';
      paymentBlock      : String(1) @title: '{i18n>PaymentBlock}';
      accountingClerk   : String(2) @title: '{i18n>AccountingClerk}';
      markedForDeletion : Boolean   @title: '{i18n>MarkedForDeletion}';
}

/** Dunning data of a customer (A_CustomerDunning). DunningBlock is the one field invoice-crm may set (write-back). */
entity CustomerDunning {
  key customer         : Association to Customers;
  key companyCode      : String(4) @title: '{i18n>CompanyCode}';
  key dunningArea      : String(2) @title: '{i18n>DunningArea}';
      dunningProcedure : String(4) @title: '{i18n>DunningProcedure}';
      dunningBlock     : String(1) @title: '{i18n>DunningBlock}';
      dunningLevel     : String(1) @title: '{i18n>DunningLevel}';
      lastDunnedOn     : Date      @title: '{i18n>LastDunnedOn}';
}

entity SalesOrders : RemovableInS4 {
  key ID                      : String(10) @title: '{i18n>SalesOrder}';
      type                    : String(4)  @title: '{i18n>SalesOrderType}';
      salesOrganization       : String(4)  @title: '{i18n>SalesOrganization}';
      distributionChannel     : String(2)  @title: '{i18n>DistributionChannel}';
      division                : String(2)  @title: '{i18n>Division}';
      soldTo                  : Association to Customers @title: '{i18n>SoldTo}';
      purchaseOrderByCustomer : String(35) @title: '{i18n>CustomerReference}';
      orderDate               : Date       @title: '{i18n>OrderDate}';
      netAmount               : Decimal(16, 3) @title: '{i18n>NetAmount}' @Measures.ISOCurrency: currency;
      currency                : String(5)  @title: '{i18n>Currency}';
      paymentTerms            : String(4)  @title: '{i18n>PaymentTerms}';
      processStatus           : String(1)  @title: '{i18n>ProcessStatus}';
      deliveryStatus          : String(1)  @title: '{i18n>DeliveryStatus}';
      billingStatus           : String(1)  @title: '{i18n>BillingStatus}';
      billingBlock            : String(2)  @title: '{i18n>BillingBlock}';
      deliveryBlock           : String(2)  @title: '{i18n>DeliveryBlock}';
      createdOn               : Date       @title: '{i18n>CreatedOn}';
      changedInS4At           : Timestamp  @title: '{i18n>ChangedInS4At}';
      items                   : Composition of many SalesOrderItems on items.salesOrder = $self;
}

entity SalesOrderItems {
  key salesOrder      : Association to SalesOrders;
  key item            : String(6)  @title: '{i18n>Item}';
      description     : String(40) @title: '{i18n>Description}';
      material        : String(40) @title: '{i18n>Material}';
      quantity        : Decimal(15, 3) @title: '{i18n>Quantity}' @Measures.Unit: unit;
      unit            : String(3)  @title: '{i18n>Unit}';
      netAmount       : Decimal(16, 3) @title: '{i18n>NetAmount}' @Measures.ISOCurrency: currency;
      currency        : String(5)  @title: '{i18n>Currency}';
      processStatus   : String(1)  @title: '{i18n>ProcessStatus}';
      billingBlock    : String(2)  @title: '{i18n>BillingBlock}';
      rejectionReason : String(2)  @title: '{i18n>RejectionReason}';
}

/** Billing documents: invoices, credit memos and their cancellations, with receivable status from FI. */
entity BillingDocuments : RemovableInS4 {
  key ID                      : String(10) @title: '{i18n>BillingDocument}';
      type                    : String(4)  @title: '{i18n>BillingDocumentType}';
      category                : String(1)  @title: '{i18n>BillingDocumentCategory}';
      sdDocumentCategory      : String(4)  @title: '{i18n>SDDocumentCategory}';
      documentDate            : Date       @title: '{i18n>BillingDate}';
      createdOn               : Date       @title: '{i18n>CreatedOn}';
      changedInS4At           : Timestamp  @title: '{i18n>ChangedInS4At}';
      isCancelled             : Boolean    @title: '{i18n>IsCancelled}';
      cancelledDocument       : String(10) @title: '{i18n>CancelledDocument}';
      salesOrganization       : String(4)  @title: '{i18n>SalesOrganization}';
      distributionChannel     : String(2)  @title: '{i18n>DistributionChannel}';
      division                : String(2)  @title: '{i18n>Division}';
      soldTo                  : Association to Customers @title: '{i18n>SoldTo}';
      payer                   : Association to Customers @title: '{i18n>Payer}';
      netAmount               : Decimal(16, 3) @title: '{i18n>NetAmount}' @Measures.ISOCurrency: currency;
      taxAmount               : Decimal(14, 3) @title: '{i18n>TaxAmount}' @Measures.ISOCurrency: currency;
      grossAmount             : Decimal(17, 3) @title: '{i18n>GrossAmount}' @Measures.ISOCurrency: currency;
      currency                : String(5)  @title: '{i18n>Currency}';
      paymentTerms            : String(4)  @title: '{i18n>PaymentTerms}';
      companyCode             : String(4)  @title: '{i18n>CompanyCode}';
      fiscalYear              : String(4)  @title: '{i18n>FiscalYear}';
      accountingDocument      : String(10) @title: '{i18n>AccountingDocument}';
      purchaseOrderByCustomer : String(35) @title: '{i18n>CustomerReference}';
      billingStatus           : String(1)  @title: '{i18n>BillingStatus}';
      postingStatus           : String(1)  @title: '{i18n>PostingStatus}';
      // The receivable status, from the invoice's FI items (ReceivableItems): kept here as real columns by the sync,
      // in the transaction that writes the FI items or the invoice (srv/sync/receivable-status.ts), so that lists sort,
      // filter and count by them through an index instead of summing up every FI item for every statement.
      // All null while FI has no item of the invoice.
      openAmount              : Decimal(24, 3) @title: '{i18n>OpenAmount}' @Measures.ISOCurrency: currency;
      /** The earliest due date of what is open; for a cleared invoice, the date it was due. */
      netDueDate              : Date       @title: '{i18n>NetDueDate}';
      isCleared               : Boolean    @title: '{i18n>IsCleared}';
      clearingDate            : Date       @title: '{i18n>ClearingDate}';
      /**
       * The net due date while an amount is open, 9999-12-31 otherwise (cleared, nothing open, no FI item yet).
       * Ascending, it orders invoices by days overdue descending, and `openDueDate < today` are the overdue ones:
       * an index on it serves the apps' default sort and overdue filter (srv/days-overdue.ts).
       */
      openDueDate             : Date       @UI.Hidden;
      /** Days past the net due date of what is open today; computed for the rows read only. */
      daysOverdue             : Integer = (
        case
          when openDueDate < $now then days_between(openDueDate, $now)
          when isCleared is null then null
          else 0
        end
      ) @title: '{i18n>DaysOverdue}';
      items                   : Composition of many BillingDocumentItems on items.billingDocument = $self;
      partners                : Composition of many BillingDocumentPartners on partners.billingDocument = $self;
      receivableItems         : Association to many ReceivableItems on receivableItems.billingDocument = $self;
}

entity BillingDocumentItems {
  key billingDocument : Association to BillingDocuments;
  key item            : String(6)  @title: '{i18n>Item}';
      description     : String(40) @title: '{i18n>Description}';
      material        : String(40) @title: '{i18n>Material}';
      quantity        : Decimal(13, 3) @title: '{i18n>Quantity}' @Measures.Unit: unit;
      unit            : String(3)  @title: '{i18n>Unit}';
      netAmount       : Decimal(16, 3) @title: '{i18n>NetAmount}' @Measures.ISOCurrency: currency;
      taxAmount       : Decimal(14, 3) @title: '{i18n>TaxAmount}' @Measures.ISOCurrency: currency;
      grossAmount     : Decimal(16, 3) @title: '{i18n>GrossAmount}' @Measures.ISOCurrency: currency;
      currency        : String(5)  @title: '{i18n>Currency}';
      salesOrder      : Association to SalesOrders @title: '{i18n>SalesOrder}';
      salesOrderItem  : String(6)  @title: '{i18n>SalesOrderItem}';
}

/** Partner functions of a billing document: AG sold-to, RE bill-to, RG payer, ... */
entity BillingDocumentPartners {
  key billingDocument : Association to BillingDocuments;
  key partnerFunction : String(2)  @title: '{i18n>PartnerFunction}';
      customer        : String(10) @title: '{i18n>Customer}';
      contactPerson   : String(10) @title: '{i18n>ContactPerson}';
}

/** FI open/cleared items of customers (A_OperationalAcctgDocItemCube, account type D). */
entity ReceivableItems {
  key companyCode        : String(4)  @title: '{i18n>CompanyCode}';
  key fiscalYear         : String(4)  @title: '{i18n>FiscalYear}';
  key accountingDocument : String(10) @title: '{i18n>AccountingDocument}';
  key item               : String(3)  @title: '{i18n>Item}';
      customer           : Association to Customers @title: '{i18n>Customer}';
      billingDocument    : Association to BillingDocuments @title: '{i18n>BillingDocument}';
      documentType       : String(2)  @title: '{i18n>AccountingDocumentType}';
      postingDate        : Date       @title: '{i18n>PostingDate}';
      documentDate       : Date       @title: '{i18n>DocumentDate}';
      netDueDate         : Date       @title: '{i18n>NetDueDate}';
      isCleared          : Boolean    @title: '{i18n>IsCleared}';
      clearingDate       : Date       @title: '{i18n>ClearingDate}';
      clearingDocument   : String(10) @title: '{i18n>ClearingDocument}';
      amount             : Decimal(24, 3) @title: '{i18n>Amount}' @Measures.ISOCurrency: currency;
      currency           : String(5)  @title: '{i18n>Currency}';
      debitCredit        : String(1)  @title: '{i18n>DebitCredit}';
      dunningLevel       : String(1)  @title: '{i18n>DunningLevel}';
      dunningBlock       : String(1)  @title: '{i18n>DunningBlock}';
      lastDunnedOn       : Date       @title: '{i18n>LastDunnedOn}';
      paymentTerms       : String(4)  @title: '{i18n>PaymentTerms}';
      isReversed         : Boolean    @title: '{i18n>IsReversed}';
}

/**
 * What each customer owes, from its open FI items: kept by the sync in the transaction that writes them
 * (srv/sync/customer-balances.ts), so that Customer 360's list sorts by it without summing every open item for
 * every page. What is overdue depends on the day: the first read of a new day brings every row to it (asOf).
 * A customer with open items in several currencies has no currency and no amounts here (its aging has each).
 */
entity CustomerBalances {
  key customer      : String(10);
      currency      : String(5);
      openAmount    : Decimal(24, 3);
      overdueAmount : Decimal(24, 3);
      /** The day overdueAmount was computed for. */
      asOf          : Date;
}
