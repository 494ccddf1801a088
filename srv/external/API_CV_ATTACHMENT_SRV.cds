// SAP S/4HANA API_CV_ATTACHMENT_SRV (Attachments, SAP_COM_0002 and others): hand-written subset of SAP's published OData V2 metadata.
// invoice-crm uses it to leave evidence of the customer's answer on the invoice's sales order (BUS2032) or, where
// the tenant supports it, on the billing document (VBRK): a URL back to the CRM record or a PDF.

@cds.external: true
@path: '/sap/opu/odata/sap/API_CV_ATTACHMENT_SRV'
service API_CV_ATTACHMENT_SRV {

  // A media entity: a POST with the file as the body and Slug/BusinessObjectTypeName/LinkedSAPObjectKey headers creates one.
  @cds.persistence.skip: true
  @sap.updatable: false
  entity AttachmentContentSet {
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    key DocumentInfoRecordDocType : String(3) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    key DocumentInfoRecordDocNumber : String(25) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    key DocumentInfoRecordDocVersion : String(2) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    key DocumentInfoRecordDocPart : String(3) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    key LogicalDocument : String(32) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    key ArchiveDocumentID : String(40) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    key LinkedSAPObjectKey : String(90) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    key BusinessObjectTypeName : String(40) not null;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    FileName : String(255);
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    DocumentURL : String(4096);
    @odata.Type: 'Edm.String' @sap.updatable: false @sap.filterable: false
    MimeType : String(128);
    @odata.Type: 'Edm.Binary' @sap.updatable: false @Core.MediaType: MimeType @sap.filterable: false
    Content : LargeBinary;
    @odata.Type: 'Edm.String' @sap.creatable: false @sap.updatable: false @sap.filterable: false
    CreatedByUser : String(12);
    @odata.Type: 'Edm.DateTime' @odata.Precision: 7 @sap.creatable: false @sap.updatable: false @sap.filterable: false
    CreationDateTime : DateTime;
  }

  // GET /GetAllOriginals?LinkedSAPObjectKey='…'&BusinessObjectTypeName='BUS2032'&SemanticObject=''&SAPObjectType=''&SAPObjectNodeType=''
  function GetAllOriginals(LinkedSAPObjectKey : String(90), BusinessObjectTypeName : String(40), SemanticObject : String(40),
                           SAPObjectType : String(30), SAPObjectNodeType : String(30)) returns many AttachmentContentSet;

  // POST /CreateUrlAsAttachment?…&Url='…'&UrlDescription='…'&MIMEType='text/url'
  action CreateUrlAsAttachment(HarmonizedDocumentType : String(40), SAPObjectType : String(30), SAPObjectNodeType : String(30),
                               SemanticObject : String(40), LinkedSAPObjectKey : String(90), BusinessObjectTypeName : String(40),
                               Url : String(255), UrlDescription : String(255), MIMEType : String(40)) returns AttachmentContentSet;
}
