// Reminder Policies: AR managers keep the steps by which the reminder run (srv/collections) reminds, in draft: per
// step its day relative to the net due date, level, tone, minimum amount, approval and escalation; per policy the
// rule that gives it to invoices (company code, payment terms, the customer's risk class) or whether it is the default.
using { CollectionsService as srv } from '../../srv/collections/service';

annotate srv.ReminderPolicies with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>ReminderPolicy}',
    TypeNamePlural: '{i18n>ReminderPolicies}',
    Title         : { Value: name },
    Description   : { Value: description },
  },
  UI.SelectionFields: [ isDefault, companyCode, paymentTerms, riskClass ],
  UI.LineItem: [
    { Value: name },
    { Value: isDefault },
    { Value: companyCode },
    { Value: paymentTerms },
    { Value: riskClass },
    { Value: rulePriority },
    { Value: description },
  ],
  // Rules in the order the run tries them.
  UI.PresentationVariant: {
    SortOrder     : [{ Property: rulePriority, Descending: false }],
    Visualizations: ['@UI.LineItem'],
  },
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Policy', Label: '{i18n>ReminderPolicy}', Target: '@UI.FieldGroup#Policy' },
    { $Type: 'UI.ReferenceFacet', ID: 'Steps', Label: '{i18n>ReminderSteps}', Target: 'steps/@UI.PresentationVariant' },
  ],
  UI.FieldGroup #Policy: { Data: [
    { Value: name },
    { Value: description },
    { Value: isDefault },
    { Value: companyCode },
    { Value: paymentTerms },
    { Value: riskClass },
    { Value: rulePriority },
  ] },
) {
  riskClass @Common.Text: riskClassText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'RiskClasses',
    Parameters    : [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: riskClass, ValueListProperty: 'code' }]
  };
};

annotate srv.ReminderSteps with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>ReminderStep}',
    TypeNamePlural: '{i18n>ReminderSteps}',
    Title         : { Value: level },
  },
  UI.LineItem: [
    { Value: offsetDays },
    { Value: level },
    { Value: tone },
    { Value: minimumOpenAmount },
    { Value: needsApproval },
    { Value: escalation },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: offsetDays, Descending: false }],
    Visualizations: ['@UI.LineItem'],
  },
) {
  tone       @Common.Text: toneText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'ReminderTones',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: tone, ValueListProperty: 'code' }]
  };
  escalation @Common.Text: escalationText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'Escalations',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: escalation, ValueListProperty: 'code' }]
  };
  policy     @UI.Hidden;
};

// The reminder runs, newest first, each with its reminders: the proposals an AR manager reviews (the exceptions
// first: customers who broke a promise, dispute an invoice or reported a payment not received), approves or removes,
// and then sends; and every decision of the run, why an invoice was or was not reminded.
annotate srv.ReminderRuns with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>ReminderRun}',
    TypeNamePlural: '{i18n>ReminderRuns}',
    Title         : { Value: asOf },
    Description   : { Value: status },
  },
  UI.SelectionFields: [ asOf, status, trigger ],
  UI.LineItem: [
    { Value: asOf },
    { Value: startedAt },
    { Value: trigger },
    { Value: startedBy },
    { Value: status },
    { Value: invoicesChecked },
    { Value: remindersDue },
    { Value: proposals },
    { Value: heldBack },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.EntityContainer/runReminders', Label: '{i18n>RunNow}' },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.EntityContainer/sendDueReminders', Label: '{i18n>SendDueReminders}' },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: startedAt, Descending: true }],
    Visualizations: ['@UI.LineItem'],
  },
  UI.HeaderFacets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Counts', Target: '@UI.FieldGroup#Counts' },
  ],
  UI.FieldGroup #Counts: { Data: [
    { Value: invoicesChecked },
    { Value: remindersDue },
    { Value: proposals },
    { Value: heldBack },
    { Value: startedBy },
    { Value: finishedAt },
  ] },
  UI.Identification: [
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.sendDue', Label: '{i18n>SendDueReminders}' },
  ],
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Reminders', Label: '{i18n>Reminders}', Target: 'reminders/@UI.PresentationVariant' },
    { $Type: 'UI.ReferenceFacet', ID: 'Decisions', Label: '{i18n>ReminderDecisions}', Target: 'decisions/@UI.LineItem' },
  ],
);

annotate srv.Reminders with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>Reminder}',
    TypeNamePlural: '{i18n>Reminders}',
    Title         : { Value: invoice_ID },
  },
  UI.LineItem: [
    { Value: customer_ID },
    { Value: invoice_ID },
    { Value: level },
    { Value: amount },
    { Value: status },
    { Value: isException, Criticality: exceptionCriticality, @HTML5.CssDefaults: { width: '8em' } },
    { Value: brokenPromises },
    { Value: openDisputes },
    { Value: paymentsNotReceived },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.approve', Label: '{i18n>Approve}' },
    { $Type: 'UI.DataFieldForAction', Action: 'CollectionsService.remove', Label: '{i18n>Remove}' },
  ],
  // The proposals first, and of them the exceptions; then the larger amounts.
  UI.PresentationVariant: {
    SortOrder     : [
      { Property: awaitsDecision, Descending: true },
      { Property: isException, Descending: true },
      { Property: amount, Descending: true },
    ],
    Visualizations: ['@UI.LineItem'],
  },
) {
  customer @Common.Text: customerName @Common.TextArrangement: #TextFirst;
  status   @Common.Text: statusText.name @Common.TextArrangement: #TextOnly;
};

annotate srv.ReminderRuns with {
  status  @Common.Text: statusText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'RunStatuses',
    Parameters    : [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: status, ValueListProperty: 'code' }]
  };
  trigger @Common.Text: triggerText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'RunTriggers',
    Parameters    : [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: trigger, ValueListProperty: 'code' }]
  };
};

// The reminders sent are shown as queued at once.
annotate srv.ReminderRuns actions {
  sendDue @Common.SideEffects: { TargetProperties: ['in/*'], TargetEntities: ['in/reminders'] };
}

// Only a proposal can be approved or removed.
annotate srv.Reminders actions {
  approve @Core.OperationAvailable: { $edmJson: { $Eq: [ { $Path: 'in/status' }, 'proposed' ] } }
          @Common.SideEffects: { TargetProperties: ['in/*'] };
  remove  @Core.OperationAvailable: { $edmJson: { $Eq: [ { $Path: 'in/status' }, 'proposed' ] } }
          @Common.SideEffects: { TargetProperties: ['in/*'] };
}

annotate srv.ReminderDecisions with @(
  UI.LineItem: [
    { Value: invoice_ID },
    { Value: customer_ID },
    { Value: decision },
    { Value: amount },
  ],
) {
  decision @Common.Text: decisionText.name @Common.TextArrangement: #TextOnly;
};
