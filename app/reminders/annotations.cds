// Reminder Policies: AR managers keep the steps by which the reminder run (srv/collections) reminds, in draft: per
// step its day relative to the net due date, level, tone, minimum amount, approval and escalation; per policy the
// rule that gives it to invoices (company code, payment terms) or whether it is the default.
using { CollectionsService as srv } from '../../srv/collections/service';

annotate srv.ReminderPolicies with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>ReminderPolicy}',
    TypeNamePlural: '{i18n>ReminderPolicies}',
    Title         : { Value: name },
    Description   : { Value: description },
  },
  UI.SelectionFields: [ isDefault, companyCode, paymentTerms ],
  UI.LineItem: [
    { Value: name },
    { Value: isDefault },
    { Value: companyCode },
    { Value: paymentTerms },
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
    { Value: rulePriority },
  ] },
);

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
