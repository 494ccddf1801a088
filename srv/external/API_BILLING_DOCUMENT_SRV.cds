// SAP S/4HANA API_BILLING_DOCUMENT_SRV (Billing Document Integration, SAP_COM_0120): hand-written subset of SAP's published OData V2 metadata.

@cds.external: true
@path: '/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV'
service API_BILLING_DOCUMENT_SRV {

  @cds.persistence.skip: true
  @sap.creatable: false
  @sap.updatable: false
  @sap.deletable: false
  entity A_BillingDocument {
    @odata.Type: 'Edm.String'
    key BillingDocument : String(10) not null;
    @odata.Type: 'Edm.String'
    BillingDocumentType : String(4);
    @odata.Type: 'Edm.String'
    SDDocumentCategory : String(4);
    @odata.Type: 'Edm.String'
    BillingDocumentCategory : String(1);
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    BillingDocumentDate : Date;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    CreationDate : Date;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    LastChangeDate : Date;
    @odata.Type: 'Edm.DateTimeOffset' @odata.Precision: 7 @odata.etag
    LastChangeDateTime : Timestamp;
    @odata.Type: 'Edm.Boolean'
    BillingDocumentIsCancelled : Boolean;
    @odata.Type: 'Edm.String'
    CancelledBillingDocument : String(10);
    @odata.Type: 'Edm.String'
    SalesOrganization : String(4);
    @odata.Type: 'Edm.String'
    DistributionChannel : String(2);
    @odata.Type: 'Edm.String'
    Division : String(2);
    @odata.Type: 'Edm.String'
    SoldToParty : String(10);
    @odata.Type: 'Edm.String'
    PayerParty : String(10);
    @odata.Type: 'Edm.Decimal'
    TotalNetAmount : Decimal(16, 3);
    @odata.Type: 'Edm.Decimal'
    TaxAmount : Decimal(14, 3);
    @odata.Type: 'Edm.Decimal'
    TotalGrossAmount : Decimal(17, 3);
    @odata.Type: 'Edm.String'
    TransactionCurrency : String(5);
    @odata.Type: 'Edm.String'
    CustomerPaymentTerms : String(4);
    @odata.Type: 'Edm.String'
    CompanyCode : String(4);
    @odata.Type: 'Edm.String'
    FiscalYear : String(4);
    @odata.Type: 'Edm.String'
    AccountingDocument : String(10);
    @odata.Type: 'Edm.String'
    PurchaseOrderByCustomer : String(35);
    @odata.Type: 'Edm.String'
    OverallBillingStatus : String(1);
    @odata.Type: 'Edm.String'
    AccountingPostingStatus : String(1);
    to_Item : Composition of many A_BillingDocumentItem on to_Item.BillingDocument = BillingDocument;
    to_Partner : Composition of many A_BillingDocumentPartner on to_Partner.BillingDocument = BillingDocument;
  }

  @cds.persistence.skip: true
  @sap.creatable: false
  @sap.updatable: false
  @sap.deletable: false
  entity A_BillingDocumentItem {
    @odata.Type: 'Edm.String'
    key BillingDocument : String(10) not null;
    @odata.Type: 'Edm.String'
    key BillingDocumentItem : String(6) not null;
    @odata.Type: 'Edm.String'
    BillingDocumentItemText : String(40);
    @odata.Type: 'Edm.String'
    Material : String(40);
    @odata.Type: 'Edm.Decimal'
    BillingQuantity : Decimal(13, 3);
    @odata.Type: 'Edm.String'
    BillingQuantityUnit : String(3);
    @odata.Type: 'Edm.Decimal'
    NetAmount : Decimal(16, 3);
    @odata.Type: 'Edm.Decimal'
    GrossAmount : Decimal(16, 3);
    @odata.Type: 'Edm.Decimal'
    TaxAmount : Decimal(14, 3);
    @odata.Type: 'Edm.String'
    TransactionCurrency : String(5);
    @odata.Type: 'Edm.String'
    SalesDocument : String(10);
    @odata.Type: 'Edm.String'
    SalesDocumentItem : String(6);
    @odata.Type: 'Edm.String'
    ReferenceSDDocument : String(10);
    @odata.Type: 'Edm.String'
    ReferenceSDDocumentItem : String(6);
  }

  @cds.persistence.skip: true
  @sap.creatable: false
  @sap.updatable: false
  @sap.deletable: false
  entity A_BillingDocumentPartner {
    @odata.Type: 'Edm.String'
    key BillingDocument : String(10) not null;
    @odata.Type: 'Edm.String'
    key PartnerFunction : String(2) not null;
    @odata.Type: 'Edm.String'
    Customer : String(10);
    @odata.Type: 'Edm.String'
    ContactPerson : String(10);
  }

  // Result of the GetPDF function import: the billing document PDF, base64-encoded.
  type GetPDFResult {
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    BillingDocumentBinary : LargeString not null;
  }

  // GET /GetPDF?BillingDocument='90000001' (SAP declares the parameter as Edm.String with MaxLength 11000).
  function GetPDF(BillingDocument : String(10)) returns GetPDFResult;
}
