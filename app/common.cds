// Texts and value helps of the code fields, shared by the apps: each enum shows its text from a code list
// (srv/receivables/apps.cds, db/codes.cds) and offers its values as a fixed list in filters and dialogs.
using { ReceivablesService as srv } from '../srv/receivables/service';
using from '../srv/receivables/apps';
using { CollectionsService as collections } from '../srv/collections/service';
using { StatementsService as statements } from '../srv/statements/service';
using from '../srv/statements/apps';

// A customer number's name: the value helps above show it, and a filter that arrives with a customer number (a
// drill-down from Customer 360) reads it for its token; shown beside the number, not in its place.
annotate srv.Customers with {
  ID @Common.Text: name @Common.TextArrangement: #TextSeparate;
}

annotate srv.Invoices with {
  ID             @Common.SemanticObject: 'Invoice';
  payer          @Common.Text: payer.name @Common.TextArrangement: #TextFirst @Common.ValueList: {
    CollectionPath: 'Customers',
    Parameters: [
      { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: payer_ID, ValueListProperty: 'ID' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'city' }
    ]
  };
  soldTo         @Common.Text: soldTo.name @Common.TextArrangement: #TextFirst;
  paymentState   @Common.Text: paymentStateText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'PaymentStates',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: paymentState, ValueListProperty: 'code' }]
  };
  agingBucket    @Common.Text: agingBucketText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'AgingBuckets',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: agingBucket, ValueListProperty: 'code' }]
  };
  dispatchStatus @Common.Text: dispatchStatusText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'DispatchStatuses',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: dispatchStatus, ValueListProperty: 'code' }]
  };
  disputeStatus  @Common.Text: disputeStatusText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'DisputeStatuses',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: disputeStatus, ValueListProperty: 'code' }]
  };
}

annotate srv.Disputes with {
  status   @Common.Text: statusName @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'DisputeStatuses',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: status, ValueListProperty: 'code' }]
  };
  reason   @Common.Text: reasonText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'DisputeReasons',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: reason, ValueListProperty: 'code' }]
  };
  outcome  @Common.Text: outcomeName @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'DisputeOutcomes',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: outcome, ValueListProperty: 'code' }]
  };
  source   @Common.Text: sourceText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'Channels',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: source, ValueListProperty: 'code' }]
  };
  priority @Common.Text: priorityText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'Priorities',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: priority, ValueListProperty: 'code' }]
  };
  // The invoice's number is the Invoice's ID: without the mapping the dispute's own ID would be passed as the
  // invoice to open (Manage Invoices then reads an invoice that does not exist); the dispute's ID goes as `dispute`,
  // renamed first (the renamings apply in order).
  invoice  @Common.SemanticObject: 'Invoice' @Common.SemanticObjectMapping: [
    { LocalProperty: ID, SemanticObjectProperty: 'dispute' },
    { LocalProperty: invoice_ID, SemanticObjectProperty: 'ID' },
  ];
  customer @Common.Text: customer.name @Common.TextArrangement: #TextFirst @Common.ValueList: {
    CollectionPath: 'Customers',
    Parameters: [
      { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: customer_ID, ValueListProperty: 'ID' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' }
    ]
  };
}

annotate srv.Conversations with {
  dispatchStatus      @Common.Text: dispatchStatusText.name @Common.TextArrangement: #TextOnly;
  confirmationChannel @Common.Text: confirmationChannelText.name @Common.TextArrangement: #TextOnly;
}

annotate srv.Timeline with {
  kind    @Common.Text: kindText.name @Common.TextArrangement: #TextOnly;
  message @UI.Hidden;
  params  @UI.Hidden;
}

// An entry's text is rendered for its reader (srv/crm/timeline-text.ts): the database cannot sort or filter by it.
annotate srv.Timeline with @(
  Capabilities.SortRestrictions.NonSortableProperties    : [text],
  Capabilities.FilterRestrictions.NonFilterableProperties: [text],
);

// The code lists: the code is the key, the name is what people read.
annotate srv.PaymentStates with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.DispatchStatuses with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.DisputeStatuses with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.DisputeReasons with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.DisputeOutcomes with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.Channels with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.Priorities with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.AgingBuckets with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.ReminderTones with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.Escalations with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.ContactOutcomes with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.Channels with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.DisputeReasons with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.PromiseStatuses with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.RiskClasses with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.RunStatuses with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.RunTriggers with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate collections.DunningBlockProposalStatuses with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate statements.StatementStatuses with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate statements.AgingBuckets with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate statements.DisputeReasons with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };

// Monthly statements: the status by name, the customer by name beside its number, picked from the mirrored customers.
annotate statements.Customers with {
  ID @Common.Text: name @Common.TextArrangement: #TextSeparate;
}
annotate statements.Statements with {
  status   @Common.Text: statusText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'StatementStatuses',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: status, ValueListProperty: 'code' }]
  };
  customer @Common.Text: customerName @Common.TextArrangement: #TextFirst @Common.ValueList: {
    CollectionPath: 'Customers',
    Parameters: [
      { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: customer_ID, ValueListProperty: 'ID' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'city' }
    ]
  };
}
annotate statements.StatementProfiles with {
  customer @Common.Text: customerName @Common.TextArrangement: #TextFirst @Common.ValueList: {
    CollectionPath: 'Customers',
    Parameters: [
      { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: customer_ID, ValueListProperty: 'ID' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'city' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'billingEmail' }
    ]
  };
}

// Who may run an action is decided on the server; the status flow (srv/receivables/flows.cds) makes the apps offer
// the status actions only in the statuses they start from. Escalating also needs a manager and no escalation yet.
annotate srv.Disputes actions {
  addComment      @Common.SideEffects: { TargetEntities: ['in/comments'] };
  escalate        @Core.OperationAvailable: in.canEscalate;
}
