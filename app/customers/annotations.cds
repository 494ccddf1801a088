// Customer 360: find a customer (list report), then everything about it on one object page: contacts (as S/4HANA
// has them, AR's corrections, the customers' proposals), open receivables and aging, invoices, orders, disputes,
// survey answers and the timeline. Contact corrections are CRM data, edited in draft on their own page.
using { ReceivablesService as srv } from '../../srv/receivables/service';
using from '../../srv/receivables/apps';
using from '../common';

annotate srv.Customers with {
  country  @Common.Text: countryName @Common.TextArrangement: #TextFirst @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'Countries',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: country, ValueListProperty: 'code' }]
  };
  language @Common.Text: languageName @Common.TextArrangement: #TextFirst;
}

annotate srv.Customers with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>Customer}',
    TypeNamePlural: '{i18n>Customers}',
    Title         : { Value: name },
    Description   : { Value: ID },
  },
  UI.SelectionFields: [ ID, name, city, country, billingEmail ],
  // The list report's two tabs: the customers, and AR's contact corrections (created and edited there, in draft).
  UI.SelectionPresentationVariant #Customers: {
    Text               : '{i18n>Customers}',
    SelectionVariant   : { SelectOptions: [] },
    PresentationVariant: { Visualizations: ['@UI.LineItem'] },
  },
  // What each customer owes and disputes, sortable: who to call first (srv/receivables/service.cds).
  UI.LineItem: [
    { Value: ID },
    { Value: name },
    { Value: country },
    { Value: openAmount },
    { Value: overdueAmount },
    { Value: disputedAmount },
    { Value: billingEmail },
    { Value: isBlocked },
  ],
  UI.HeaderFacets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Contact', Target: '@UI.FieldGroup#Contact', Label: '{i18n>ContactInS4}' },
    { $Type: 'UI.ReferenceFacet', ID: 'OpenAmount', Target: '@UI.DataPoint#OpenAmount' },
    { $Type: 'UI.ReferenceFacet', ID: 'OverdueAmount', Target: '@UI.DataPoint#OverdueAmount' },
    { $Type: 'UI.ReferenceFacet', ID: 'Dso', Target: '@UI.DataPoint#Dso' },
    { $Type: 'UI.ReferenceFacet', ID: 'DaysLate', Target: '@UI.DataPoint#DaysLate' },
    { $Type: 'UI.ReferenceFacet', ID: 'AgingChart', Target: 'agingBuckets/@UI.Chart#Aging', Label: '{i18n>Aging}' },
  ],
  UI.DataPoint #OpenAmount: { Value: openAmount, Title: '{i18n>OpenAmount}' },
  // Red as soon as anything is overdue; DSO and lateness amber and red past a month's and a fortnight's worth.
  UI.DataPoint #OverdueAmount: { Value: overdueAmount, Title: '{i18n>OverdueAmount}', CriticalityCalculation: {
    ImprovementDirection: #Minimize, ToleranceRangeHighValue: 0, DeviationRangeHighValue: 0,
  } },
  UI.DataPoint #Dso: { Value: daysSalesOutstanding, Title: '{i18n>DaysSalesOutstanding}', CriticalityCalculation: {
    ImprovementDirection: #Minimize, ToleranceRangeHighValue: 45, DeviationRangeHighValue: 60,
  } },
  UI.DataPoint #DaysLate: { Value: averageDaysLate, Title: '{i18n>AverageDaysLate}', CriticalityCalculation: {
    ImprovementDirection: #Minimize, ToleranceRangeHighValue: 5, DeviationRangeHighValue: 15,
  } },
  // Computed for the customers read (srv/receivables/customer-kpis.ts): the database cannot sort or filter by them.
  Capabilities.SortRestrictions.NonSortableProperties    : [daysSalesOutstanding, averageDaysLate],
  Capabilities.FilterRestrictions.NonFilterableProperties: [daysSalesOutstanding, averageDaysLate],
  UI.FieldGroup #Contact: { Data: [
    { Value: billingEmail },
    { Value: language },
    { Value: city },
    { Value: country },
  ] },
  UI.FieldGroup #Blocks: { Data: [
    { Value: businessPartner },
    { Value: category },
    { Value: isBlocked },
    { Value: orderBlock },
    { Value: billingBlock },
    { Value: deliveryBlock },
    { Value: postingBlock },
  ] },
  UI.Facets: [
    { $Type: 'UI.CollectionFacet', ID: 'Aging', Label: '{i18n>Aging}', Facets: [
      { $Type: 'UI.ReferenceFacet', ID: 'AgingTotals', Label: '{i18n>AgingPerCurrency}', Target: 'aging/@UI.LineItem' },
      { $Type: 'UI.ReferenceFacet', ID: 'AgingBuckets', Label: '{i18n>AgingBuckets}', Target: 'agingBuckets/@UI.PresentationVariant#Aging' },
    ] },
    { $Type: 'UI.CollectionFacet', ID: 'Contacts', Label: '{i18n>Contacts}', Facets: [
      { $Type: 'UI.ReferenceFacet', ID: 'ContactS4', Label: '{i18n>ContactInS4}', Target: '@UI.FieldGroup#Contact' },
      { $Type: 'UI.ReferenceFacet', ID: 'Corrections', Label: '{i18n>ContactCorrections}', Target: 'contacts/@UI.LineItem' },
      { $Type: 'UI.ReferenceFacet', ID: 'Proposals', Label: '{i18n>ContactProposals}', Target: 'contactProposals/@UI.LineItem' },
    ] },
    { $Type: 'UI.ReferenceFacet', ID: 'Invoices', Label: '{i18n>Invoices}', Target: 'invoices/@UI.LineItem#OfCustomer' },
    { $Type: 'UI.ReferenceFacet', ID: 'Orders', Label: '{i18n>SalesOrders}', Target: 'salesOrders/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'Disputes', Label: '{i18n>Disputes}', Target: 'disputes/@UI.LineItem#OfCustomer' },
    { $Type: 'UI.ReferenceFacet', ID: 'Surveys', Label: '{i18n>SurveyAnswers}', Target: 'surveyInvitations/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'Timeline', Label: '{i18n>Timeline}', Target: 'timeline/@UI.PresentationVariant' },
    { $Type: 'UI.ReferenceFacet', ID: 'Blocks', Label: '{i18n>MasterData}', Target: '@UI.FieldGroup#Blocks' },
  ],
);

annotate srv.CustomerAging with @(UI.LineItem: [
  { Value: currency },
  { Value: notDue },
  { Value: overdue1to30 },
  { Value: overdue31to60 },
  { Value: overdue61to90 },
  { Value: overdueOver90 },
  { Value: totalOpen },
]);

// The aging as a coloured column chart in the header, and as rows whose amounts open Manage Invoices at the
// customer's invoices in that bucket and currency (srv/days-overdue.ts filters them by the open due date).
annotate srv.CustomerAgingBuckets with @(
  UI.Chart #Aging: {
    ChartType        : #Column,
    Title            : '{i18n>Aging}',
    Dimensions       : [ bucket ],
    Measures         : [ amount ],
    MeasureAttributes: [{ Measure: amount, Role: #Axis1, DataPoint: '@UI.DataPoint#AgingAmount' }],
  },
  UI.DataPoint #AgingAmount: { Value: amount, Title: '{i18n>OpenAmount}', Criticality: criticality },
  UI.LineItem #Aging: [
    { Value: bucket, Criticality: criticality },
    { $Type: 'UI.DataFieldWithIntentBasedNavigation', Value: amount, SemanticObject: 'Invoice', Action: 'manage', Mapping: [
      { LocalProperty: customer, SemanticObjectProperty: 'payer_ID' },
      { LocalProperty: bucket, SemanticObjectProperty: 'agingBucket' },
    ] },
  ],
  UI.PresentationVariant #Aging: { SortOrder: [{ Property: bucket }], Visualizations: ['@UI.LineItem#Aging'] },
);

annotate srv.CustomerAgingBuckets with {
  bucket @Common.Text: bucketText.name @Common.TextArrangement: #TextOnly;
}

annotate srv.Invoices with @(
  UI.LineItem #OfCustomer: [
    { Value: ID },
    { Value: documentDate },
    { Value: grossAmount },
    { Value: openAmount },
    { Value: netDueDate },
    { Value: daysOverdue, Criticality: overdueCriticality },
    { Value: paymentState, Criticality: overdueCriticality },
    { Value: dispatchStatus },
    { Value: disputeStatus },
  ],
  UI.PresentationVariant #OfCustomer: { SortOrder: [{ Property: daysOverdue, Descending: true }], Visualizations: ['@UI.LineItem#OfCustomer'] },
);

annotate srv.SalesOrders with @(UI.LineItem: [
  { Value: ID },
  { Value: orderDate },
  { Value: purchaseOrderByCustomer },
  { Value: netAmount },
  { Value: deliveryStatus },
  { Value: billingStatus },
]);

annotate srv.Disputes with @(UI.LineItem #OfCustomer: [
  { Value: invoice_ID },
  { Value: reason },
  { Value: disputedAmount },
  { Value: status, Criticality: statusCriticality },
  { Value: slaDueAt, Criticality: slaCriticality },
]);

annotate srv.SurveyInvitations with @(UI.LineItem: [
  { Value: sentAt },
  { Value: trigger },
  { Value: invoice_ID },
  { Value: answer.csat },
  { Value: answer.nps },
  { Value: answer.comment },
  { Value: answer.answeredAt },
]);

annotate srv.ContactProposals with @(UI.LineItem: [
  { Value: at },
  { Value: proposedName },
  { Value: proposedEmail },
  { Value: proposedBy },
  { Value: invoice_ID },
  { $Type: 'UI.DataFieldForAction', Action: 'ReceivablesService.accept', Label: '{i18n>AcceptProposal}', Inline: true },
]);

annotate srv.ContactProposals with {
  invoice @title: '{i18n>BillingDocument}';
}

annotate srv.ContactProposals actions {
  accept @Core.OperationAvailable: in.canAccept @Common.SideEffects: { TargetEntities: ['in/customer/contacts'], TargetProperties: ['in/canAccept'] };
}

annotate srv.CustomerContacts with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>ContactCorrection}',
    TypeNamePlural: '{i18n>ContactCorrections}',
    Title         : { Value: name },
    Description   : { Value: customer.name },
  },
  UI.LineItem: [
    { Value: name },
    { Value: email },
    { Value: phone },
    { Value: isBillingContact },
    { Value: note },
    { Value: modifiedAt },
    { Value: modifiedBy },
  ],
  UI.SelectionPresentationVariant #Corrections: {
    Text               : '{i18n>ContactCorrections}',
    SelectionVariant   : { SelectOptions: [] },
    PresentationVariant: { Visualizations: ['@UI.LineItem#Corrections'] },
  },
  UI.LineItem #Corrections: [
    { Value: customer_ID },
    { Value: name },
    { Value: email },
    { Value: phone },
    { Value: isBillingContact },
    { Value: modifiedAt },
  ],
  UI.FieldGroup #Contact: { Data: [
    { Value: customer_ID },
    { Value: name },
    { Value: email },
    { Value: phone },
    { Value: isBillingContact },
    { Value: note },
  ] },
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Contact', Label: '{i18n>Contact}', Target: '@UI.FieldGroup#Contact' },
    // Who made the contact a billing contact or moved it to another customer (db/change-tracking.cds); not in draft.
    { $Type: 'UI.ReferenceFacet', ID: 'ChangeHistory', Label: '{i18n>ChangeHistory}', Target: 'changes/@UI.PresentationVariant',
      @UI.PartOfPreview: false, @UI.Hidden: (not $draft.IsActiveEntity) },
  ],
);

annotate srv.CustomerContacts with {
  customer @Common.Text: customer.name @Common.TextArrangement: #TextFirst @Common.ValueList: {
    CollectionPath: 'Customers',
    Parameters: [
      { $Type: 'Common.ValueListParameterInOut', LocalDataProperty: customer_ID, ValueListProperty: 'ID' },
      { $Type: 'Common.ValueListParameterDisplayOnly', ValueListProperty: 'name' }
    ]
  };
  note @UI.MultiLineText;
}

annotate srv.SurveyInvitations with {
  answer  @title: '{i18n>SurveyAnswer}';
  invoice @title: '{i18n>BillingDocument}';
}

annotate srv.Countries with { code @Common.Text: name @Common.TextArrangement: #TextFirst; };
