// Statement Customers: AR managers decide who gets monthly statements and when, in draft. Three tabs of one list:
// the customers AR chose (or kept out) one by one, with their recipient; the payment terms that make a customer a
// statement customer unless its own choice says otherwise; and the schedule, one row: the statement day, how many
// days before it the drafts come, when an unanswered statement is reminded, and what a sharp change is.
using { StatementsService as srv } from '../../srv/statements/service';
using from '../../srv/statements/apps';

annotate srv.StatementProfiles with @(
  // The customer's name with its number (its text arrangement).
  UI.HeaderInfo: {
    TypeName      : '{i18n>StatementCustomer}',
    TypeNamePlural: '{i18n>StatementCustomers}',
    Title         : { Value: customer_ID },
  },
  UI.SelectionFields: [ customer_ID, monthly, channel ],
  UI.SelectionPresentationVariant #Profiles: {
    Text               : '{i18n>StatementCustomers}',
    SelectionVariant   : { SelectOptions: [] },
    PresentationVariant: {
      SortOrder     : [{ Property: customer_ID, Descending: false }],
      Visualizations: ['@UI.LineItem'],
    },
  },
  UI.LineItem: [
    { Value: customer_ID, @HTML5.CssDefaults: { width: '18rem' } },
    { Value: monthly, @HTML5.CssDefaults: { width: '11rem' } },
    { Value: recipientEmail, @HTML5.CssDefaults: { width: '18rem' } },
    { Value: channel, @HTML5.CssDefaults: { width: '10rem' } },
    { Value: modifiedAt, @HTML5.CssDefaults: { width: '11rem' } },
    { Value: modifiedBy, @HTML5.CssDefaults: { width: '9rem' } },
  ],
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Profile', Label: '{i18n>MonthlyStatements}', Target: '@UI.FieldGroup#Profile' },
  ],
  UI.FieldGroup #Profile: { Data: [
    { Value: customer_ID },
    { Value: monthly },
    { Value: recipientEmail },
    { Value: channel },
  ] },
) {
  // Picked once, when the customer is added: the key of its row.
  customer @Core.Immutable;
};

annotate srv.StatementRules with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>StatementRule}',
    TypeNamePlural: '{i18n>StatementRules}',
    Title         : { Value: paymentTerms },
    Description   : { Value: description },
  },
  UI.SelectionPresentationVariant #Rules: {
    Text               : '{i18n>StatementRules}',
    SelectionVariant   : { SelectOptions: [] },
    PresentationVariant: {
      SortOrder     : [{ Property: paymentTerms, Descending: false }],
      Visualizations: ['@UI.LineItem'],
    },
  },
  UI.LineItem: [
    { Value: paymentTerms },
    { Value: description },
    { Value: modifiedAt },
    { Value: modifiedBy },
  ],
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Rule', Label: '{i18n>StatementRule}', Target: '@UI.FieldGroup#Rule' },
  ],
  UI.FieldGroup #Rule: { Data: [
    { Value: paymentTerms },
    { Value: description },
  ] },
) {
  ID @UI.Hidden;
};

// One row, kept rather than created or deleted (srv/statements/service.ts makes it before it is first read).
annotate srv.StatementSchedules with @(
  Capabilities.InsertRestrictions.Insertable: false,
  Capabilities.DeleteRestrictions.Deletable : false,
  UI.HeaderInfo: {
    TypeName      : '{i18n>StatementSchedule}',
    TypeNamePlural: '{i18n>StatementSchedule}',
    Title         : { Value: '{i18n>StatementSchedule}' },
  },
  UI.SelectionPresentationVariant #Schedule: {
    Text               : '{i18n>StatementSchedule}',
    SelectionVariant   : { SelectOptions: [] },
    PresentationVariant: { Visualizations: ['@UI.LineItem'] },
  },
  UI.LineItem: [
    { Value: workingDay },
    { Value: draftLeadDays },
    { Value: reminderAfterDays },
    { Value: sharpChangePercent },
    { Value: modifiedAt },
    { Value: modifiedBy },
  ],
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Schedule', Label: '{i18n>StatementSchedule}', Target: '@UI.FieldGroup#Schedule' },
  ],
  UI.FieldGroup #Schedule: { Data: [
    { Value: workingDay },
    { Value: draftLeadDays },
    { Value: reminderAfterDays },
    { Value: sharpChangePercent },
  ] },
) {
  ID @UI.Hidden;
};
