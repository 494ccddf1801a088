// Statement Customers: AR managers decide who gets monthly statements and when, in draft. Tabs of one list: the
// customers AR chose (or kept out) one by one, with their recipient; the payment terms that make a customer a
// statement customer unless its own choice says otherwise; the schedule, one row: the statement day, how many days
// before it the drafts come, when an unanswered statement is reminded, and what a sharp change is; the customers'
// WeCom groups (set by an action: the webhook key is never shown) and the notices sent to them, failures first.
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

annotate srv.WeComGroups with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>WeComGroup}',
    TypeNamePlural: '{i18n>WeComGroups}',
    Title         : { Value: customer_ID },
  },
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Group', Label: '{i18n>WeComGroup}', Target: '@UI.FieldGroup#Group' },
  ],
  UI.FieldGroup #Group: { Data: [
    { Value: customer_ID },
    { Value: active },
    { Value: hasWebhookKey },
    { Value: modifiedAt },
    { Value: modifiedBy },
  ] },
  UI.SelectionPresentationVariant #WeCom: {
    Text               : '{i18n>WeComGroups}',
    SelectionVariant   : { SelectOptions: [] },
    PresentationVariant: {
      SortOrder     : [{ Property: customer_ID, Descending: false }],
      Visualizations: ['@UI.LineItem'],
    },
  },
  UI.LineItem: [
    { $Type: 'UI.DataFieldForAction', Action: 'StatementsService.EntityContainer/setWeComGroup', Label: '{i18n>SetWeComGroup}' },
    { Value: customer_ID, @HTML5.CssDefaults: { width: '22rem' } },
    { Value: active, @HTML5.CssDefaults: { width: '11rem' } },
    { Value: hasWebhookKey, @HTML5.CssDefaults: { width: '9rem' } },
    { Value: modifiedAt, @HTML5.CssDefaults: { width: '11rem' } },
    { Value: modifiedBy, @HTML5.CssDefaults: { width: '9rem' } },
  ],
) {
  customer @Common.Text: customerName @Common.TextArrangement: #TextFirst;
};

annotate srv.WeComNotices with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>WeComNotice}',
    TypeNamePlural: '{i18n>WeComNotices}',
    Title         : { Value: customer_ID },
    Description   : { Value: kind },
  },
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Notice', Label: '{i18n>WeComNotice}', Target: '@UI.FieldGroup#Notice' },
  ],
  UI.FieldGroup #Notice: { Data: [
    { Value: customer_ID },
    { Value: kind },
    { Value: statementReminder },
    { Value: status },
    { Value: attempts },
    { Value: lastError },
    { Value: queuedAt },
    { Value: sentAt },
  ] },
  UI.SelectionPresentationVariant #Notices: {
    Text               : '{i18n>WeComNotices}',
    SelectionVariant   : { SelectOptions: [] },
    PresentationVariant: {
      SortOrder     : [{ Property: status, Descending: false }, { Property: queuedAt, Descending: true }],
      Visualizations: ['@UI.LineItem'],
    },
  },
  UI.LineItem: [
    { Value: customer_ID },
    { Value: kind },
    { Value: statementReminder },
    { Value: status },
    { Value: attempts },
    { Value: lastError },
    { Value: queuedAt },
    { Value: sentAt },
  ],
) {
  ID     @UI.Hidden;
  kind   @Common.Text: kindText.name @Common.TextArrangement: #TextOnly;
  status @Common.Text: statusText.name @Common.TextArrangement: #TextOnly;
  customer @Common.Text: customerName @Common.TextArrangement: #TextFirst;
};

// Setting a group shows it in the list at once; the dialog offers the notices switched on, as a new group wants them.
annotate srv.setWeComGroup with @Common.SideEffects: { TargetEntities: ['/StatementsService.EntityContainer/WeComGroups'] } (active @UI.ParameterDefaultValue: true);
