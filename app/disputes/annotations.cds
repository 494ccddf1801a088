// Manage Disputes: the worklist with SLA and status, and one dispute with its lines, comments, status actions
// (only those its status allows) and the processing data that AR edits in draft.
using { ReceivablesService as srv } from '../../srv/receivables/service';
using from '../../srv/receivables/apps';
using from '../common';

annotate srv.Disputes with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>Dispute}',
    TypeNamePlural: '{i18n>Disputes}',
    Title         : { Value: invoice_ID },
    Description   : { Value: customer.name },
  },
  // A few filters in the bar; invoice, priority, escalation and source are under Adapt Filters.
  UI.SelectionFields: [ status, slaDueAt, customer_ID, reason, processor ],
  // What decides the next step first: a narrow screen shows the leading columns.
  UI.LineItem: [
    { Value: invoice_ID },
    { Value: status, Criticality: statusCriticality },
    { Value: slaDueAt, Criticality: slaCriticality },
    { Value: priority },
    { Value: customer_ID },
    { Value: reason },
    { Value: disputedAmount },
    { Value: processor },
    { Value: escalated },
    { Value: createdAt },
    // The status steps are taken on one dispute at a time, on its page. Named here, hidden, so that CAP's status flow
    // (srv/receivables/flows.cds, cds.features.annotate_for_flows) does not add them to the worklist's toolbar.
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.startProcessing', @UI.Hidden },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.resolveDispute', @UI.Hidden },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.close', @UI.Hidden },
    // Handing disputes to a colleague is done to many at once: select them, Assign. Shown always (@UI.Hidden: false):
    // else the status flow hides it by `$self.IsActiveEntity`, which `cds build` compiles before draft adds it.
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.assign', Label: '{i18n>Assign}', @UI.Hidden: false },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: slaDueAt, Descending: false }],
    Visualizations: ['@UI.LineItem'],
  },
  // The worklist opens on the disputes not closed yet, the most urgent SLA first.
  UI.SelectionPresentationVariant #Worklist: {
    Text            : '{i18n>UnfinishedDisputes}',
    SelectionVariant: {
      // The statuses to work on, each included (an excluded Closed would show as the token "!(=Closed)", a code).
      SelectOptions: [{ PropertyName: status, Ranges: [
        { Sign: #I, Option: #EQ, Low: 'Open' },
        { Sign: #I, Option: #EQ, Low: 'InProcess' },
        { Sign: #I, Option: #EQ, Low: 'Resolved' },
      ] }],
    },
    PresentationVariant: {
      SortOrder     : [{ Property: slaDueAt, Descending: false }],
      Visualizations: ['@UI.LineItem'],
    },
  },
  UI.HeaderFacets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Status', Target: '@UI.FieldGroup#Status', Label: '{i18n>DisputeStatus}' },
    { $Type: 'UI.ReferenceFacet', ID: 'Amount', Target: '@UI.DataPoint#Amount' },
  ],
  UI.DataPoint #Amount: { Value: disputedAmount, Title: '{i18n>DisputedAmount}' },
  UI.FieldGroup #Status: { Data: [
    { Value: status, Criticality: statusCriticality },
    { Value: slaDueAt, Criticality: slaCriticality },
    { Value: escalated },
  ] },
  UI.FieldGroup #Dispute: { Data: [
    { Value: invoice_ID },
    { Value: customer_ID },
    { Value: reason },
    { Value: wholeInvoice },
    { Value: disputedAmount },
    { Value: source },
    { Value: raisedBy },
    { Value: createdAt },
    { Value: customerComment },
  ] },
  UI.FieldGroup #Processing: { Data: [
    { Value: processor },
    { Value: priority },
    { Value: slaDueAt, Criticality: slaCriticality },
    { Value: internalNote },
  ] },
  UI.FieldGroup #Resolution: { Data: [
    { Value: outcome },
    { Value: resolution },
    { Value: resolvedAt },
    { Value: closedAt },
    { Value: escalatedAt },
    { Value: escalatedBy },
    { Value: escalationReason },
  ] },
  UI.Facets: [
    { $Type: 'UI.CollectionFacet', ID: 'Overview', Label: '{i18n>Overview}', Facets: [
      { $Type: 'UI.ReferenceFacet', ID: 'Dispute', Label: '{i18n>DisputeDetails}', Target: '@UI.FieldGroup#Dispute' },
      { $Type: 'UI.ReferenceFacet', ID: 'Processing', Label: '{i18n>Processing}', Target: '@UI.FieldGroup#Processing' },
      { $Type: 'UI.ReferenceFacet', ID: 'Resolution', Label: '{i18n>Resolution}', Target: '@UI.FieldGroup#Resolution' },
    ] },
    { $Type: 'UI.ReferenceFacet', ID: 'Lines', Label: '{i18n>DisputedLines}', Target: 'lines/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'Comments', Label: '{i18n>Comments}', Target: 'comments/@UI.LineItem' },
    // Who changed the processing data, from what to what (db/change-tracking.cds); loaded when opened, not in draft.
    { $Type: 'UI.ReferenceFacet', ID: 'ChangeHistory', Label: '{i18n>ChangeHistory}', Target: 'changes/@UI.PresentationVariant',
      @UI.PartOfPreview: false, @UI.Hidden: (not $draft.IsActiveEntity) },
  ],
  // The actions of the saved dispute, hidden while it is edited in draft. Said here with $draft, as the model can
  // say it: CAP's status flow would add the same condition by an element name that only its OData model has.
  UI.Identification: [
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.startProcessing', Label: '{i18n>StartProcessing}', @UI.Hidden: (not $draft.IsActiveEntity) },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.resolveDispute', Label: '{i18n>ResolveDispute}', @UI.Hidden: (not $draft.IsActiveEntity) },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.close', Label: '{i18n>CloseDispute}', @UI.Hidden: (not $draft.IsActiveEntity) },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.addComment', Label: '{i18n>AddComment}', @UI.Hidden: (not $draft.IsActiveEntity) },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.assign', Label: '{i18n>Assign}', @UI.Hidden: (not $draft.IsActiveEntity) },
    { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.escalate', Label: '{i18n>Escalate}', @UI.Hidden: (not $draft.IsActiveEntity) },
  ],
);

// The processor is one of the finance users (srv/crm/finance-users.ts), picked from a list, shown by name.
annotate srv.Disputes with {
  processor    @Common.FieldControl: #Optional @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'Processors',
    Parameters: [
      { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: processor, ValueListProperty: 'ID' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' },
    ]
  };
  internalNote @UI.MultiLineText;
  resolution   @UI.MultiLineText;
  customerComment @UI.MultiLineText;
}

annotate srv.Disputes actions {
  resolveDispute(outcome @title: '{i18n>DisputeOutcome}' @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'DisputeOutcomes',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: outcome, ValueListProperty: 'code' }]
  }, resolution @title: '{i18n>ResolutionForCustomer}' @UI.MultiLineText);
  addComment(text @title: '{i18n>Comment}' @UI.MultiLineText, internal @title: '{i18n>Internal}');
  escalate(reason @title: '{i18n>EscalationReason}' @UI.MultiLineText);
  assign(processor @title: '{i18n>Processor}' @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'Processors',
    Parameters: [
      { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: processor, ValueListProperty: 'ID' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' },
    ]
  });
}

annotate srv.Processors with {
  ID @Common.Text: name @Common.TextArrangement: #TextFirst;
}

// Lines and comments are what the customer and the actions recorded: shown, never edited here.
annotate srv.DisputeLines with @(
  Capabilities.InsertRestrictions.Insertable: false,
  Capabilities.UpdateRestrictions.Updatable  : false,
  Capabilities.DeleteRestrictions.Deletable  : false,
  UI.LineItem: [
    { Value: item },
    { Value: disputedAmount },
    { Value: disputedQuantity },
  ],
);

annotate srv.DisputeComments with @(
  Capabilities.InsertRestrictions.Insertable: false,
  Capabilities.UpdateRestrictions.Updatable  : false,
  Capabilities.DeleteRestrictions.Deletable  : false,
  UI.LineItem: [
    { Value: createdAt },
    { Value: createdBy },
    { Value: fromCustomer },
    { Value: internal },
    { Value: text },
  ],
  UI.PresentationVariant: { SortOrder: [{ Property: createdAt, Descending: true }], Visualizations: ['@UI.LineItem'] },
);

annotate srv.Disputes with @(
  Capabilities.InsertRestrictions.Insertable: false,
  Capabilities.DeleteRestrictions.Deletable : false,
  UI.UpdateHidden                           : (status = 'Closed'),
);
