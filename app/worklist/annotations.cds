// Collector Worklist: the customers with something to collect, the most urgent first, each with the reasons of its
// place (srv/collections/priority-score.ts); "my worklist" by default; a customer given to a collector, and a call,
// mail or meeting recorded with its outcome and follow-up date, on the customer's page.
using { CollectionsService as srv } from '../../srv/collections/service';

annotate srv.Worklist with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>Customer}',
    TypeNamePlural: '{i18n>CollectorWorklist}',
    Title         : { Value: customerName },
    Description   : { Value: customer_ID },
  },
  UI.SelectionFields: [ isMine, collector, nextActionOn, dunningBlockProposed ],
  UI.LineItem: [
    { Value: customer_ID },
    { $Type: 'UI.DataFieldForAnnotation', Target: '@UI.DataPoint#Score', Label: '{i18n>PriorityScore}' },
    { Value: reasons },
    { Value: overdueAmount },
    { Value: oldestDaysOverdue },
    { Value: collector },
    { Value: nextActionOn },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.assign', Label: '{i18n>Assign}' },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.EntityContainer/refreshWorklist', Label: '{i18n>RefreshWorklist}' },
  ],
  UI.DataPoint #Score: {
    Value      : score,
    Title      : '{i18n>PriorityScore}',
    Criticality: scoreCriticality,
  },
  UI.PresentationVariant: {
    SortOrder     : [{ Property: score, Descending: true }],
    Visualizations: ['@UI.LineItem'],
  },
  // The list a collector opens: the customers given to them, the most urgent first.
  UI.SelectionPresentationVariant #Mine: {
    Text            : '{i18n>MyWorklist}',
    SelectionVariant: { SelectOptions: [{ PropertyName: isMine, Ranges: [{ Sign: #I, Option: #EQ, Low: true }] }] },
    PresentationVariant: {
      SortOrder     : [{ Property: score, Descending: true }],
      Visualizations: ['@UI.LineItem'],
    },
  },
  UI.HeaderFacets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Score', Target: '@UI.DataPoint#Score' },
    { $Type: 'UI.ReferenceFacet', ID: 'Reasons', Target: '@UI.FieldGroup#Reasons', Label: '{i18n>PriorityReasons}' },
  ],
  UI.FieldGroup #Reasons: { Data: [ { Value: reasons }, { Value: collector }, { Value: nextActionOn } ] },
  UI.Identification: [
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.recordContact', Label: '{i18n>RecordContact}' },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.assign', Label: '{i18n>Assign}' },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.setCollectionTerms', Label: '{i18n>SetCollectionTerms}' },
  ],
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Signals', Label: '{i18n>PrioritySignals}', Target: '@UI.FieldGroup#Signals' },
    { $Type: 'UI.ReferenceFacet', ID: 'Contacts', Label: '{i18n>Contacts}', Target: 'contacts/@UI.PresentationVariant' },
    { $Type: 'UI.ReferenceFacet', ID: 'Promises', Label: '{i18n>PaymentPromises}', Target: 'promises/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'PaymentReports', Label: '{i18n>PaymentReports}', Target: 'paymentReports/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'DunningBlocks', Label: '{i18n>DunningBlockProposals}', Target: 'dunningBlocks/@UI.LineItem' },
  ],
  UI.FieldGroup #Signals: { Data: [
    { Value: overdueAmount },
    { Value: overdueInvoices },
    { Value: oldestDaysOverdue },
    { Value: brokenPromises },
    { Value: paymentsNotReceived },
    { Value: openDisputes },
    { Value: unconfirmedInvoices },
    { Value: lastCsat },
    { Value: refreshedAt },
    { Value: policyName },
    { Value: riskClass },
    { Value: timeZone },
  ] },
) {
  customer    @Common.Text: customerName @Common.TextArrangement: #TextFirst;
  riskClass   @Common.Text: riskClassText.name @Common.TextArrangement: #TextOnly;
  collector   @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'FinanceUsers',
    Parameters: [
      { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: collector, ValueListProperty: 'ID' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' },
    ]
  };
};

// After an action the customer's row, its contacts and its promises are read again.
annotate srv.Worklist actions {
  assign @Common.SideEffects: { TargetProperties: ['in/*'] } (collector @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'FinanceUsers',
    Parameters: [
      { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: collector, ValueListProperty: 'ID' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' },
    ]
  });
  setCollectionTerms @Common.SideEffects: { TargetProperties: ['in/*'] } (
    policy @Common.ValueListWithFixedValues @Common.ValueList: {
      CollectionPath: 'ReminderPolicies',
      Parameters: [
        { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: policy, ValueListProperty: 'ID' },
        { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' },
      ]
    },
    riskClass @Common.ValueListWithFixedValues @Common.ValueList: {
      CollectionPath: 'RiskClasses',
      Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: riskClass, ValueListProperty: 'code' }]
    }
  );
  recordContact @Common.SideEffects: { TargetProperties: ['in/*'], TargetEntities: ['in/contacts', 'in/promises'] } (
    channel @Common.ValueListWithFixedValues @Common.ValueList: {
      CollectionPath: 'Channels',
      Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: channel, ValueListProperty: 'code' }]
    },
    outcome @Common.ValueListWithFixedValues @Common.ValueList: {
      CollectionPath: 'ContactOutcomes',
      Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: outcome, ValueListProperty: 'code' }]
    },
    note @UI.MultiLineText,
    disputeReason @Common.ValueListWithFixedValues @Common.ValueList: {
      CollectionPath: 'DisputeReasons',
      Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: disputeReason, ValueListProperty: 'code' }]
    }
  );
}

annotate srv.CollectionContacts with @(
  UI.LineItem: [
    { Value: createdAt, Label: '{i18n>ContactedAt}' },
    { Value: channel },
    { Value: outcome },
    { Value: invoice_ID },
    { Value: note },
    { Value: followUpOn },
    { Value: createdBy, Label: '{i18n>Collector}' },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: createdAt, Descending: true }],
    Visualizations: ['@UI.LineItem'],
  },
) {
  channel @Common.Text: channelText.name @Common.TextArrangement: #TextOnly;
  outcome @Common.Text: outcomeText.name @Common.TextArrangement: #TextOnly;
};

// A customer's promises on its page; all promises in a list of their own (the launchpad's tiles of the promises due
// today and of the broken ones open it filtered), the earliest promised date first.
annotate srv.PaymentPromises with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>PaymentPromise}',
    TypeNamePlural: '{i18n>PaymentPromises}',
    Title         : { Value: invoice_ID },
  },
  UI.LineItem: [
    { Value: invoice_ID },
    { Value: promisedDate },
    { Value: amount },
    { Value: status },
    { Value: promisedBy },
  ],
  UI.SelectionFields: [ status, promisedDate, invoiceCleared, customer_ID ],
  UI.LineItem #All: [
    { Value: customer_ID },
    { Value: invoice_ID },
    { Value: promisedDate },
    { Value: amount },
    { Value: status },
    { Value: source },
    { Value: promisedBy },
    { Value: createdAt, Label: '{i18n>PromisedAt}' },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: promisedDate }],
    Visualizations: ['@UI.LineItem#All'],
  },
) {
  status   @Common.Text: statusText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'PromiseStatuses',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: status, ValueListProperty: 'code' }]
  };
  source   @Common.Text: sourceText.name @Common.TextArrangement: #TextOnly;
  customer @Common.Text: customerName @Common.TextArrangement: #TextFirst;
};

// How well collections work (a list of its own, "Effectiveness" above the worklist): per reminder step, the share of
// reminded invoices paid within 7 days; in a second tab, the promises to pay kept, by how they were made.
annotate srv.ReminderEffectiveness with @(
  UI.HeaderInfo: { TypeName: '{i18n>ReminderEffectiveness}', TypeNamePlural: '{i18n>ReminderEffectiveness}' },
  UI.LineItem: [
    { Value: policyName },
    { Value: level },
    // Wide enough for the titles in EN and DE ("Days from Due Date", "Bezahlt binnen 7 Tagen (%)") with a sort icon.
    { Value: offsetDays, @HTML5.CssDefaults: { width: '12em' } },
    { Value: remindersSent },
    { Value: paidWithin7Days, @HTML5.CssDefaults: { width: '14em' } },
    { Value: paidWithin7DaysPercent, @HTML5.CssDefaults: { width: '17em' } },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: policyName }, { Property: offsetDays }],
    Visualizations: ['@UI.LineItem'],
  },
  UI.SelectionVariant #Reminders: { Text: '{i18n>ReminderEffectiveness}', SelectOptions: [] },
);

annotate srv.PromiseEffectiveness with @(
  UI.HeaderInfo: { TypeName: '{i18n>PromiseEffectiveness}', TypeNamePlural: '{i18n>PromiseEffectiveness}' },
  UI.LineItem: [
    { Value: source },
    { Value: promises },
    { Value: kept },
    { Value: broken },
    { Value: stillOpen },
    { Value: keptPercent },
  ],
  UI.SelectionVariant #Promises: { Text: '{i18n>PromiseEffectiveness}', SelectOptions: [] },
) {
  source @Common.Text: sourceText.name @Common.TextArrangement: #TextOnly;
};

// The payments the customer reported ("I've paid" on the page, or on the phone), with the remittance advice attached.
annotate srv.PaymentReports with @(
  UI.LineItem: [
    { Value: invoice_ID },
    { Value: paidOn },
    { Value: amount },
    { Value: reference },
    { Value: status },
    // The customer's remittance advice: a link that downloads it (served as an attachment only).
    { Value: remittanceAdvice.content, Label: '{i18n>RemittanceAdvice}' },
    { Value: reportedBy },
  ],
) {
  status @Common.Text: statusText.name @Common.TextArrangement: #TextOnly;
};

// A policy picked in Set Policy and Risk shows by its name.
annotate srv.ReminderPolicies with {
  ID @Common.Text: name @Common.TextArrangement: #TextOnly;
};

// A dunning block proposed after a final notice: AR managers approve or reject it, and lift an approved one.
annotate srv.DunningBlockProposals with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>DunningBlockProposal}',
    TypeNamePlural: '{i18n>DunningBlockProposals}',
    Title         : { Value: customerName },
  },
  // Five columns: more would be hidden in pop-ins at 1440 px. When each step happened is on the timeline.
  UI.LineItem: [
    { Value: status },
    { Value: invoice_ID },
    { Value: companyCode, @HTML5.CssDefaults: { width: '10em' } },
    { Value: decidedBy },
    { Value: note },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.approveBlock', Label: '{i18n>ApproveDunningBlock}' },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.rejectBlock', Label: '{i18n>RejectDunningBlock}' },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.liftBlock', Label: '{i18n>LiftDunningBlock}' },
  ],
) {
  status @Common.Text: statusText.name @Common.TextArrangement: #TextOnly;
};

annotate srv.DunningBlockProposals actions {
  approveBlock @Core.OperationAvailable: { $edmJson: { $Eq: [ { $Path: 'in/status' }, 'proposed' ] } }
               @Common.SideEffects: { TargetProperties: ['in/*'] };
  rejectBlock  @Core.OperationAvailable: { $edmJson: { $Eq: [ { $Path: 'in/status' }, 'proposed' ] } }
               @Common.SideEffects: { TargetProperties: ['in/*'] };
  liftBlock    @Core.OperationAvailable: { $edmJson: { $Eq: [ { $Path: 'in/status' }, 'approved' ] } }
               @Common.SideEffects: { TargetProperties: ['in/*'] };
}
