// Manage Invoices: every mirrored invoice with its CRM state (list report), and one invoice with its items,
// partners, sales order, timeline and write-back status (object page).
using { ReceivablesService as srv } from '../../srv/receivables/service';
using from '../../srv/receivables/apps';
using from '../common';

annotate srv.Invoices with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>Invoice}',
    TypeNamePlural: '{i18n>Invoices}',
    Title         : { Value: ID },
    Description   : { Value: payer.name },
  },
  // The filters a clerk uses every day; the others (due date, confirmation, dispute status, dunning block, amounts)
  // are under Adapt Filters, and come into the bar when a tile or a link brings a value for them.
  UI.SelectionFields: [ payer_ID, paymentState, daysOverdue, dispatchStatus, hasOpenDispute ],
  UI.LineItem: [
    { Value: ID },
    { Value: payer_ID },
    { Value: grossAmount },
    { Value: openAmount },
    { Value: netDueDate },
    { Value: daysOverdue, Criticality: overdueCriticality },
    { Value: paymentState, Criticality: overdueCriticality },
    { Value: dispatchStatus },
    { Value: isConfirmed },
    { Value: disputeStatus },
    { Value: dunningBlock },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.resendInvoice', Label: '{i18n>ResendInvoice}' },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.revokeLinks', Label: '{i18n>RevokeLinks}' },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.recordConfirmation', Label: '{i18n>RecordConfirmation}' },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.recordDispute', Label: '{i18n>RecordDispute}' },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: daysOverdue, Descending: true }],
    Visualizations: ['@UI.LineItem'],
  },
  UI.HeaderFacets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Amounts', Target: '@UI.FieldGroup#Amounts', Label: '{i18n>Amounts}' },
    { $Type: 'UI.ReferenceFacet', ID: 'State', Target: '@UI.FieldGroup#State', Label: '{i18n>CrmState}' },
  ],
  UI.FieldGroup #Amounts: { Data: [
    { Value: grossAmount },
    { Value: openAmount },
    { Value: paymentState, Criticality: overdueCriticality },
    { Value: daysOverdue, Criticality: overdueCriticality },
  ] },
  UI.FieldGroup #State: { Data: [
    { Value: dispatchStatus },
    { Value: isConfirmed },
    { Value: confirmedAt },
    { Value: disputeStatus },
    { Value: dunningBlock },
  ] },
  UI.FieldGroup #General: { Data: [
    { Value: ID },
    { Value: type },
    { Value: documentDate },
    { Value: payer_ID },
    { Value: soldTo_ID },
    { Value: purchaseOrderByCustomer },
    { Value: companyCode },
    { Value: paymentTerms },
    { Value: netDueDate },
    { Value: clearingDate },
  ] },
  UI.FieldGroup #Amounts2: { Data: [
    { Value: netAmount },
    { Value: taxAmount },
    { Value: grossAmount },
    { Value: openAmount },
    { Value: currency },
  ] },
  UI.FieldGroup #Delivery: { Data: [
    { Value: crmConversation.dispatchStatus },
    { Value: crmConversation.sentTo },
    { Value: crmConversation.sentAt },
    { Value: crmConversation.openedAt },
    { Value: crmConversation.dispatchAttempts },
    { Value: crmConversation.dispatchError },
    { Value: crmConversation.confirmedAt },
    { Value: crmConversation.confirmedBy },
    { Value: crmConversation.confirmationChannel },
    { Value: crmConversation.confirmationNote },
  ] },
  UI.Facets: [
    { $Type: 'UI.CollectionFacet', ID: 'Overview', Label: '{i18n>Overview}', Facets: [
      { $Type: 'UI.ReferenceFacet', ID: 'General', Label: '{i18n>General}', Target: '@UI.FieldGroup#General' },
      { $Type: 'UI.ReferenceFacet', ID: 'AmountDetails', Label: '{i18n>Amounts}', Target: '@UI.FieldGroup#Amounts2' },
    ] },
    { $Type: 'UI.ReferenceFacet', ID: 'Items', Label: '{i18n>Items}', Target: 'items/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'Partners', Label: '{i18n>Partners}', Target: 'partners/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'Delivery', Label: '{i18n>DeliveryAndConfirmation}', Target: '@UI.FieldGroup#Delivery' },
    { $Type: 'UI.ReferenceFacet', ID: 'Disputes', Label: '{i18n>Disputes}', Target: 'disputes/@UI.LineItem#OfInvoice' },
    { $Type: 'UI.ReferenceFacet', ID: 'Timeline', Label: '{i18n>Timeline}', Target: 'timeline/@UI.PresentationVariant' },
    { $Type: 'UI.ReferenceFacet', ID: 'WriteBack', Label: '{i18n>WriteBackToS4}', Target: 'writeBackOperations/@UI.LineItem' },
  ],
  UI.Identification: [
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.resendInvoice', Label: '{i18n>ResendInvoice}' },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.revokeLinks', Label: '{i18n>RevokeLinks}' },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.recordConfirmation', Label: '{i18n>RecordConfirmation}' },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.recordDispute', Label: '{i18n>RecordDispute}' },
    { $Type: 'UI.DataFieldForIntentBasedNavigation', SemanticObject: 'Dispute', Action: 'manage', Label: '{i18n>OpenDispute}',
      Mapping: [{ LocalProperty: ID, SemanticObjectProperty: 'invoice_ID' }],
      @UI.Hidden: { $edmJson: { $Not: { $Path: 'hasOpenDispute' } } } },
  ],
);

// What each action changes on the invoice, for the app to read again afterwards. Resend is offered only where it can
// send (canResend, srv/receivables/apps.cds).
annotate srv.Invoices actions {
  resendInvoice @Core.OperationAvailable: in.canResend @Common.SideEffects: {
    TargetProperties: ['in/dispatchStatus'],
    TargetEntities  : ['in/dispatchStatusText', 'in/crmConversation', 'in/timeline'],
  };
  revokeLinks @Common.SideEffects: { TargetEntities: ['in/timeline'] };
  recordConfirmation @Common.SideEffects: {
    TargetProperties: ['in/isConfirmed', 'in/confirmedAt', 'in/canResend'],
    TargetEntities  : ['in/crmConversation', 'in/timeline'],
  };
  recordDispute @Common.SideEffects: {
    TargetProperties: ['in/hasOpenDispute', 'in/disputeStatus', 'in/canResend'],
    TargetEntities  : ['in/disputeStatusText', 'in/disputes', 'in/timeline'],
  };
}

annotate srv.Invoices actions {
  recordConfirmation(source @title: '{i18n>Source}' @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'Channels',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: source, ValueListProperty: 'code' }]
  }, note @title: '{i18n>Note}' @UI.MultiLineText);
  recordDispute(source @title: '{i18n>Source}' @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'Channels',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: source, ValueListProperty: 'code' }]
  }, reason @title: '{i18n>DisputeReason}' @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'DisputeReasons',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: reason, ValueListProperty: 'code' }]
  }, comment @title: '{i18n>CustomerComment}' @UI.MultiLineText, amount @title: '{i18n>DisputedAmount}');
}

annotate srv.InvoiceItems with @(UI.LineItem: [
  { Value: item },
  { Value: description },
  { Value: material },
  { Value: quantity },
  { Value: netAmount },
  { Value: taxAmount },
  { Value: grossAmount },
  { Value: salesOrder_ID },
]);

annotate srv.InvoiceItems with {
  salesOrder @Common.SemanticObject: 'SalesOrder';
}

annotate srv.InvoicePartners with @(UI.LineItem: [
  { Value: partnerFunction },
  { Value: customer },
  { Value: contactPerson },
]);

annotate srv.Disputes with @(UI.LineItem #OfInvoice: [
  { Value: createdAt },
  { Value: reason },
  { Value: disputedAmount },
  { Value: status, Criticality: statusCriticality },
  { Value: slaDueAt, Criticality: slaCriticality },
  { Value: outcome },
]);

annotate srv.Timeline with @(
  UI.LineItem: [
    { Value: at },
    { Value: kind },
    { Value: actor },
    { Value: text },
  ],
  UI.PresentationVariant: { SortOrder: [{ Property: at, Descending: true }], Visualizations: ['@UI.LineItem'] },
);

annotate srv.WriteBackOperations with @(UI.LineItem: [
  { Value: createdAt },
  { Value: target },
  { Value: event },
  { Value: status },
  { Value: attempts },
  { Value: lastAttemptAt },
  { Value: errorMessage },
  { Value: deliveredAt },
]);

annotate srv.WriteBackOperations with {
  status @Common.Text: statusText.name @Common.TextArrangement: #TextOnly;
  target @Common.Text: targetText.name @Common.TextArrangement: #TextOnly;
  event  @Common.Text: eventText.name @Common.TextArrangement: #TextOnly;
}
