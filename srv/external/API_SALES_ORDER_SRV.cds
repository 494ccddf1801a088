// SAP S/4HANA API_SALES_ORDER_SRV (Sales Order Integration, SAP_COM_0109): hand-written subset of SAP's published OData V2 metadata.

@cds.external: true
@path: '/sap/opu/odata/sap/API_SALES_ORDER_SRV'
service API_SALES_ORDER_SRV {

  @cds.persistence.skip: true
  entity A_SalesOrder {
    @odata.Type: 'Edm.String'
    key SalesOrder : String(10) not null;
    @odata.Type: 'Edm.String'
    SalesOrderType : String(4);
    @odata.Type: 'Edm.String'
    SalesOrganization : String(4);
    @odata.Type: 'Edm.String'
    DistributionChannel : String(2);
    @odata.Type: 'Edm.String'
    OrganizationDivision : String(2);
    @odata.Type: 'Edm.String'
    SoldToParty : String(10);
    @odata.Type: 'Edm.String'
    PurchaseOrderByCustomer : String(35);
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    SalesOrderDate : Date;
    @odata.Type: 'Edm.Decimal' @sap.creatable: false @sap.updatable: false
    TotalNetAmount : Decimal(16, 3);
    @odata.Type: 'Edm.String'
    TransactionCurrency : String(5);
    @odata.Type: 'Edm.String'
    CustomerPaymentTerms : String(4);
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    OverallSDProcessStatus : String(1);
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    OverallTotalDeliveryStatus : String(1);
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    OverallOrdReltdBillgStatus : String(1);
    @odata.Type: 'Edm.String'
    HeaderBillingBlockReason : String(2);
    @odata.Type: 'Edm.String'
    DeliveryBlockReason : String(2);
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date' @sap.creatable: false @sap.updatable: false
    CreationDate : Date;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date' @sap.creatable: false @sap.updatable: false
    LastChangeDate : Date;
    @odata.Type: 'Edm.DateTimeOffset' @odata.Precision: 7 @odata.etag @sap.creatable: false @sap.updatable: false
    LastChangeDateTime : Timestamp;
    to_Item : Composition of many A_SalesOrderItem on to_Item.SalesOrder = SalesOrder;
    to_Text : Composition of many A_SalesOrderText on to_Text.SalesOrder = SalesOrder;
  }

  @cds.persistence.skip: true
  entity A_SalesOrderItem {
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    key SalesOrder : String(10) not null;
    @odata.Type: 'Edm.String'
    key SalesOrderItem : String(6) not null;
    @odata.Type: 'Edm.String'
    SalesOrderItemText : String(40);
    @odata.Type: 'Edm.String'
    Material : String(40);
    @odata.Type: 'Edm.Decimal'
    RequestedQuantity : Decimal(15, 3);
    @odata.Type: 'Edm.String'
    RequestedQuantityUnit : String(3);
    @odata.Type: 'Edm.Decimal' @sap.creatable: false @sap.updatable: false
    NetAmount : Decimal(16, 3);
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    TransactionCurrency : String(5);
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    SDProcessStatus : String(1);
    @odata.Type: 'Edm.String'
    ItemBillingBlockReason : String(2);
    @odata.Type: 'Edm.String'
    SalesDocumentRjcnReason : String(2);
  }

  @cds.persistence.skip: true
  entity A_SalesOrderText {
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    key SalesOrder : String(10) not null;
    @odata.Type: 'Edm.String'
    key Language : String(2) not null;
    @odata.Type: 'Edm.String'
    key LongTextID : String(4) not null;
    @odata.Type: 'Edm.String' @sap.filterable: false
    LongText : LargeString;
  }
}
