// SAP S/4HANA business events this app follows. S/4HANA's asynchronous APIs are published apart from its OData APIs,
// so the events are declared here on the imported services, as CAP's guide "Events from S/4" describes. They are
// notifications: the data carries only the document's key; srv/sync/s4-events.ts reads the document itself.
// There is no business event for FI open items (API_OPLACCTGDOCITEMCUBE_SRV): a billing document's event also
// re-reads its FI items, and the scheduled reconciliation of ReceivableItems covers payments and clearings.

using { API_BILLING_DOCUMENT_SRV } from './external/API_BILLING_DOCUMENT_SRV';
using { API_SALES_ORDER_SRV } from './external/API_SALES_ORDER_SRV';
using { API_BUSINESS_PARTNER } from './external/API_BUSINESS_PARTNER';

extend service API_BILLING_DOCUMENT_SRV with {
  @topic: 'sap.s4.beh.billingdocument.v1.BillingDocument.Created.v1'
  event BillingDocument.Created { BillingDocument : String(10); }
  @topic: 'sap.s4.beh.billingdocument.v1.BillingDocument.Changed.v1'
  event BillingDocument.Changed { BillingDocument : String(10); }
}

extend service API_SALES_ORDER_SRV with {
  @topic: 'sap.s4.beh.salesorder.v1.SalesOrder.Created.v1'
  event SalesOrder.Created { SalesOrder : String(10); }
  @topic: 'sap.s4.beh.salesorder.v1.SalesOrder.Changed.v1'
  event SalesOrder.Changed { SalesOrder : String(10); }
  @topic: 'sap.s4.beh.salesorder.v1.SalesOrder.Deleted.v1'
  event SalesOrder.Deleted { SalesOrder : String(10); }
}

extend service API_BUSINESS_PARTNER with {
  @topic: 'sap.s4.beh.businesspartner.v1.BusinessPartner.Created.v1'
  event BusinessPartner.Created { BusinessPartner : String(10); }
  @topic: 'sap.s4.beh.businesspartner.v1.BusinessPartner.Changed.v1'
  event BusinessPartner.Changed { BusinessPartner : String(10); }
}
