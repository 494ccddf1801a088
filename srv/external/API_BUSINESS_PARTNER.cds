// SAP S/4HANA API_BUSINESS_PARTNER (Business Partner, Customer and Supplier Integration, SAP_COM_0008): hand-written subset of SAP's published OData V2 metadata.

@cds.external: true
@path: '/sap/opu/odata/sap/API_BUSINESS_PARTNER'
service API_BUSINESS_PARTNER {

  @cds.persistence.skip: true
  @sap.deletable: false
  entity A_BusinessPartner {
    @odata.Type: 'Edm.String'
    key BusinessPartner : String(10) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    Customer : String(10);
    @odata.Type: 'Edm.String'
    BusinessPartnerCategory : String(1);
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    BusinessPartnerFullName : String(81);
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    BusinessPartnerName : String(81);
    @odata.Type: 'Edm.String'
    OrganizationBPName1 : String(40);
    @odata.Type: 'Edm.String'
    CorrespondenceLanguage : String(2);
    @odata.Type: 'Edm.String'
    Language : String(2);
    @odata.Type: 'Edm.String'
    SearchTerm1 : String(20);
    @odata.Type: 'Edm.Boolean'
    BusinessPartnerIsBlocked : Boolean;
    @odata.Type: 'Edm.Boolean'
    IsMarkedForArchiving : Boolean;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date' @sap.creatable: false @sap.updatable: false
    CreationDate : Date;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date' @sap.creatable: false @sap.updatable: false
    LastChangeDate : Date;
    @odata.Type: 'Edm.Time' @odata.Precision: 0 @sap.creatable: false @sap.updatable: false
    LastChangeTime : Time;
    to_BusinessPartnerAddress : Composition of many A_BusinessPartnerAddress
                                  on to_BusinessPartnerAddress.BusinessPartner = BusinessPartner;
    to_Customer : Association to one A_Customer on to_Customer.Customer = Customer;
  }

  @cds.persistence.skip: true
  entity A_BusinessPartnerAddress {
    @odata.Type: 'Edm.String'
    key BusinessPartner : String(10) not null;
    @odata.Type: 'Edm.String'
    key AddressID : String(10) not null;
    @odata.Type: 'Edm.DateTimeOffset' @odata.Precision: 0
    ValidityStartDate : Timestamp;
    @odata.Type: 'Edm.DateTimeOffset' @odata.Precision: 0
    ValidityEndDate : Timestamp;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    FullName : String(80);
    @odata.Type: 'Edm.String'
    StreetName : String(60);
    @odata.Type: 'Edm.String'
    HouseNumber : String(10);
    @odata.Type: 'Edm.String'
    PostalCode : String(10);
    @odata.Type: 'Edm.String'
    CityName : String(40);
    @odata.Type: 'Edm.String'
    Region : String(3);
    @odata.Type: 'Edm.String'
    Country : String(3);
    @odata.Type: 'Edm.String'
    Language : String(2);
    to_EmailAddress : Composition of many A_AddressEmailAddress on to_EmailAddress.AddressID = AddressID;
  }

  @cds.persistence.skip: true
  entity A_AddressEmailAddress {
    @odata.Type: 'Edm.String'
    key AddressID : String(10) not null;
    @odata.Type: 'Edm.String'
    key Person : String(10) not null;
    @odata.Type: 'Edm.String'
    key OrdinalNumber : String(3) not null;
    @odata.Type: 'Edm.Boolean'
    IsDefaultEmailAddress : Boolean;
    @odata.Type: 'Edm.String'
    EmailAddress : String(241);
  }

  @cds.persistence.skip: true
  @sap.creatable: false
  @sap.deletable: false
  entity A_Customer {
    @odata.Type: 'Edm.String'
    key Customer : String(10) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    CustomerName : String(80);
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false
    CustomerFullName : String(220);
    @odata.Type: 'Edm.String'
    CustomerAccountGroup : String(4);
    @odata.Type: 'Edm.String'
    OrderIsBlockedForCustomer : String(2);
    @odata.Type: 'Edm.String'
    BillingIsBlockedForCustomer : String(2);
    @odata.Type: 'Edm.String'
    DeliveryIsBlocked : String(2);
    @odata.Type: 'Edm.Boolean'
    PostingIsBlocked : Boolean;
    @odata.Type: 'Edm.Boolean'
    DeletionIndicator : Boolean;
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date' @sap.creatable: false @sap.updatable: false
    CreationDate : Date;
    to_CustomerCompany : Composition of many A_CustomerCompany on to_CustomerCompany.Customer = Customer;
    to_CustomerSalesArea : Composition of many A_CustomerSalesArea on to_CustomerSalesArea.Customer = Customer;
  }

  @cds.persistence.skip: true
  @sap.deletable: false
  entity A_CustomerCompany {
    @odata.Type: 'Edm.String'
    key Customer : String(10) not null;
    @odata.Type: 'Edm.String'
    key CompanyCode : String(4) not null;
    @odata.Type: 'Edm.String'
    PaymentTerms : String(4);
    @odata.Type: 'Edm.String'
    PaymentBlockingReason : String(1);
    @odata.Type: 'Edm.String'
    AccountingClerk : String(2);
    @odata.Type: 'Edm.Boolean'
    DeletionIndicator : Boolean;
    to_CustomerDunning : Composition of many A_CustomerDunning
                           on to_CustomerDunning.Customer = Customer and to_CustomerDunning.CompanyCode = CompanyCode;
  }

  @cds.persistence.skip: true
  entity A_CustomerDunning {
    @odata.Type: 'Edm.String'
    key Customer : String(10) not null;
    @odata.Type: 'Edm.String'
    key CompanyCode : String(4) not null;
    @odata.Type: 'Edm.String'
    key DunningArea : String(2) not null;
    @odata.Type: 'Edm.String'
    DunningProcedure : String(4);
    @odata.Type: 'Edm.String'
    DunningBlock : String(1);
    @odata.Type: 'Edm.String'
    DunningLevel : String(1);
    @odata.Type: 'Edm.DateTime' @odata.Precision: 0 @sap.display.format: 'Date'
    LastDunnedOn : Date;
    @odata.Type: 'Edm.String'
    DunningRecipient : String(10);
  }

  @cds.persistence.skip: true
  @sap.deletable: false
  entity A_CustomerSalesArea {
    @odata.Type: 'Edm.String'
    key Customer : String(10) not null;
    @odata.Type: 'Edm.String'
    key SalesOrganization : String(4) not null;
    @odata.Type: 'Edm.String'
    key DistributionChannel : String(2) not null;
    @odata.Type: 'Edm.String'
    key Division : String(2) not null;
    @odata.Type: 'Edm.String'
    Currency : String(5);
    @odata.Type: 'Edm.String'
    CustomerPaymentTerms : String(4);
    @odata.Type: 'Edm.String'
    OrderIsBlockedForCustomer : String(2);
    @odata.Type: 'Edm.String'
    BillingIsBlockedForCustomer : String(2);
    @odata.Type: 'Edm.String'
    DeliveryIsBlockedForCustomer : String(2);
    @odata.Type: 'Edm.Boolean'
    DeletionIndicator : Boolean;
  }
}
