// SAP S/4HANA API_OPLACCTGDOCITEMCUBE_SRV (Accounting Document - Read, Finance - Accounting Analytics Integration, SAP_COM_0303): hand-written subset of SAP's published OData V2 metadata.

@cds.external: true
@path: '/sap/opu/odata/sap/API_OPLACCTGDOCITEMCUBE_SRV'
service API_OPLACCTGDOCITEMCUBE_SRV {

  @cds.persistence.skip: true
  @sap.creatable: false
  @sap.updatable: false
  @sap.deletable: false
  entity A_OperationalAcctgDocItemCube {
    @odata.Type: 'Edm.String'
    key CompanyCode : String(4) not null;
    @odata.Type: 'Edm.String'
    key FiscalYear : String(4) not null;
    @odata.Type: 'Edm.String'
    key AccountingDocument : String(10) not null;
    @odata.Type: 'Edm.String'
    key AccountingDocumentItem : String(3) not null;
    @odata.Type: 'Edm.String'
    FinancialAccountType : String(1);
    @odata.Type: 'Edm.String'
    Customer : String(10);
    @odata.Type: 'Edm.String'
    BillingDocument : String(10);
    @odata.Type: 'Edm.String'
    SalesDocument : String(10);
    @odata.Type: 'Edm.String'
    AccountingDocumentType : String(2);
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    PostingDate : Date;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    DocumentDate : Date;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    NetDueDate : Date;
    @odata.Type: 'Edm.Boolean'
    IsCleared : Boolean;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    ClearingDate : Date;
    @odata.Type: 'Edm.String'
    ClearingAccountingDocument : String(10);
    @odata.Type: 'Edm.Decimal'
    AmountInTransactionCurrency : Decimal(24, 3);
    @odata.Type: 'Edm.String'
    TransactionCurrency : String(5);
    @odata.Type: 'Edm.Decimal'
    AmountInCompanyCodeCurrency : Decimal(24, 3);
    @odata.Type: 'Edm.String'
    CompanyCodeCurrency : String(5);
    @odata.Type: 'Edm.String'
    DebitCreditCode : String(1);
    @odata.Type: 'Edm.String'
    DunningLevel : String(1);
    @odata.Type: 'Edm.String'
    DunningBlockingReason : String(1);
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    LastDunningDate : Date;
    @odata.Type: 'Edm.String'
    PaymentTerms : String(4);
    @odata.Type: 'Edm.String'
    InvoiceReference : String(10);
    @odata.Type: 'Edm.Boolean'
    IsReversal : Boolean;
    @odata.Type: 'Edm.Boolean'
    IsReversed : Boolean;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    LastChangeDate : Date;
  }
}
