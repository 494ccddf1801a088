// Monthly Statements: AR's review of each month's statements of account, the exceptions first (a sharp change, a
// negative balance, no recipient, an open dispute, figures that do not reconcile), each approved and sent one by one
// or all of a month at once; a statement's page with its figures, the items posted in the month, the items open at
// its end with their aging, the customer's answer, who did what when, and the PDF as it was sent.
using { StatementsService as srv } from '../../srv/statements/service';
using from '../../srv/statements/apps';

annotate srv.Statements with @(
  // The customer's name with its number (its text arrangement); the month, company code and currency in the header.
  UI.HeaderInfo: {
    TypeName      : '{i18n>Statement}',
    TypeNamePlural: '{i18n>Statements}',
    Title         : { Value: customer_ID },
  },
  UI.SelectionFields: [ periodStart, status, isException, companyCode, currency, customer_ID ],
  // Widths that fit every column but the currency on a 1440 px screen (the amounts show it), with short titles where
  // the field's own is long; the currency is the first column to go where the screen is narrower (UI.Importance).
  UI.LineItem: [
    { Value: customer_ID, @HTML5.CssDefaults: { width: '12rem' }, @UI.Importance: #High },
    { Value: companyCode, @HTML5.CssDefaults: { width: '7.5rem' } },
    { Value: currency, @HTML5.CssDefaults: { width: '5rem' }, @UI.Importance: #Low },
    { Value: periodStart, Label: '{i18n>StatementPeriod}', @HTML5.CssDefaults: { width: '6rem' }, @UI.Importance: #High },
    { Value: openingBalance, @HTML5.CssDefaults: { width: '9rem' } },
    { Value: closingBalance, @HTML5.CssDefaults: { width: '9rem' }, @UI.Importance: #High },
    { Value: status, Label: '{i18n>Status}', @HTML5.CssDefaults: { width: '6rem' }, @UI.Importance: #High },
    // Labelled in the cell (manifest.json: showDataFieldsLabel): "Sharp Change: Yes".
    { $Type: 'UI.DataFieldForAnnotation', Target: '@UI.FieldGroup#Flags', Label: '{i18n>StatementExceptions}', @HTML5.CssDefaults: { width: '11rem' }, @UI.Importance: #High },
    { Value: sentAt, @HTML5.CssDefaults: { width: '8.5rem' } },
    { Value: answeredAt, @HTML5.CssDefaults: { width: '8.5rem' } },
    { $Type: 'UI.DataFieldForAction', Action: 'StatementsService.approve', Label: '{i18n>Approve}' },
    { $Type: 'UI.DataFieldForAction', Action: 'StatementsService.sendToCustomer', Label: '{i18n>SendToCustomer}' },
    { $Type: 'UI.DataFieldForAction', Action: 'StatementsService.EntityContainer/generateStatements', Label: '{i18n>GenerateStatements}' },
    { $Type: 'UI.DataFieldForAction', Action: 'StatementsService.EntityContainer/approveStatements', Label: '{i18n>ApproveAllStatements}' },
    { $Type: 'UI.DataFieldForAction', Action: 'StatementsService.EntityContainer/sendStatements', Label: '{i18n>SendAllStatements}' },
  ],
  // The exceptions' rows stand out (UI.CriticalityType: 2 critical).
  UI.LineItem.@UI.Criticality: exceptionCriticality,
  // The exceptions first, to be looked at one by one; then by customer, the latest month first.
  UI.PresentationVariant: {
    SortOrder     : [
      { Property: isException, Descending: true },
      { Property: customer_ID, Descending: false },
      { Property: periodStart, Descending: true },
    ],
    Visualizations: ['@UI.LineItem'],
  },
  // Which exceptions a statement has: only those it has are shown (none for most statements).
  UI.FieldGroup #Flags: { Data: [
    { Value: sharpChange, Criticality: exceptionCriticality, @UI.Hidden: { $edmJson: { $Not: { $Path: 'sharpChange' } } } },
    { Value: negativeBalance, Criticality: exceptionCriticality, @UI.Hidden: { $edmJson: { $Not: { $Path: 'negativeBalance' } } } },
    { Value: noRecipient, Criticality: exceptionCriticality, @UI.Hidden: { $edmJson: { $Not: { $Path: 'noRecipient' } } } },
    { Value: openDispute, Criticality: exceptionCriticality, @UI.Hidden: { $edmJson: { $Not: { $Path: 'openDispute' } } } },
    { Value: unreconciled, Criticality: exceptionCriticality, @UI.Hidden: { $edmJson: { $Not: { $Path: 'unreconciled' } } } },
  ] },

  UI.HeaderFacets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Status', Target: '@UI.DataPoint#Status' },
    { $Type: 'UI.ReferenceFacet', ID: 'Closing', Target: '@UI.DataPoint#Closing' },
    { $Type: 'UI.ReferenceFacet', ID: 'Period', Target: '@UI.FieldGroup#Period', Label: '{i18n>StatementPeriod}' },
    { $Type: 'UI.ReferenceFacet', ID: 'Exceptions', Target: '@UI.FieldGroup#Exceptions', Label: '{i18n>StatementExceptions}' },
  ],
  UI.DataPoint #Status : { Value: status, Title: '{i18n>StatementStatus}' },
  UI.DataPoint #Closing: { Value: closingBalance, Title: '{i18n>ClosingBalance}' },
  UI.FieldGroup #Period: { Data: [
    { Value: periodStart },
    { Value: periodEnd },
    { Value: companyCode },
    { Value: currency },
  ] },
  UI.FieldGroup #Exceptions: { Data: [
    { Value: isException, Criticality: exceptionCriticality },
    { Value: sharpChange },
    { Value: negativeBalance },
    { Value: noRecipient },
    { Value: openDispute },
    { Value: unreconciled },
  ] },
  UI.Identification: [
    { $Type: 'UI.DataFieldForAction', Action: 'StatementsService.approve', Label: '{i18n>Approve}' },
    { $Type: 'UI.DataFieldForAction', Action: 'StatementsService.sendToCustomer', Label: '{i18n>SendToCustomer}' },
  ],
  UI.Facets: [
    { $Type: 'UI.CollectionFacet', ID: 'Figures', Label: '{i18n>StatementFigures}', Facets: [
      { $Type: 'UI.ReferenceFacet', ID: 'Balances', Label: '{i18n>StatementFigures}', Target: '@UI.FieldGroup#Figures' },
      { $Type: 'UI.ReferenceFacet', ID: 'Statement', Label: '{i18n>Statement}', Target: '@UI.FieldGroup#Statement' },
    ] },
    { $Type: 'UI.ReferenceFacet', ID: 'Lines', Label: '{i18n>StatementLines}', Target: 'lines/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'OpenItems', Label: '{i18n>StatementOpenItems}', Target: 'openItems/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'Answer', Label: '{i18n>CustomerAnswer}', Target: '@UI.FieldGroup#Answer' },
    { $Type: 'UI.ReferenceFacet', ID: 'Control', Label: '{i18n>InternalControl}', Target: '@UI.FieldGroup#Control' },
  ],
  UI.FieldGroup #Figures: { Data: [
    { Value: openingBalance },
    { Value: debits },
    { Value: credits },
    { Value: closingBalance },
    { Value: previousClosing },
  ] },
  UI.FieldGroup #Statement: { Data: [
    { Value: statementDate },
    { Value: recipientEmail },
    { Value: pdf, Label: '{i18n>StatementPdf}' },
  ] },
  UI.FieldGroup #Answer: { Data: [
    { Value: answeredAt },
    { Value: answeredBy },
    { Value: answeredFrom },
    { Value: customerBalance },
    { Value: customerComment },
  ] },
  UI.FieldGroup #Control: { Data: [
    { Value: generatedAt },
    { Value: generatedBy },
    { Value: approvedAt },
    { Value: approvedBy },
    { Value: sentAt },
    { Value: sentBy },
    { Value: mailedAt },
    { Value: mailError },
    { Value: reminderSentAt },
    { Value: contentHash },
  ] },
) {
  customerComment @UI.MultiLineText;
  // Day and minute, as short as a column allows.
  sentAt          @UI.DateTimeStyle: 'short';
  answeredAt      @UI.DateTimeStyle: 'short';
};

// A statement is approved as a draft and sent once approved, to its recipient (one without is approved, then printed);
// the row and its page show the new status at once. The month's actions refresh the list.
annotate srv.Statements actions {
  approve        @Common.SideEffects: { TargetProperties: ['in/*'] };
  sendToCustomer @Common.SideEffects: { TargetProperties: ['in/*'] }
                 @Core.OperationAvailable: ($self.status = 'approved' and $self.recipientEmail is not null);
}
annotate srv.generateStatements with @Common.SideEffects: { TargetEntities: ['/StatementsService.EntityContainer/Statements'] } (period @title: '{i18n>StatementPeriod}');
annotate srv.approveStatements with @Common.SideEffects: { TargetEntities: ['/StatementsService.EntityContainer/Statements'] } (period @title: '{i18n>StatementPeriod}');
annotate srv.sendStatements with @Common.SideEffects: { TargetEntities: ['/StatementsService.EntityContainer/Statements'] } (period @title: '{i18n>StatementPeriod}');

// The items posted in the month, in posting order; those the customer flagged as wrong say why.
annotate srv.StatementLines with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>StatementLine}',
    TypeNamePlural: '{i18n>StatementLines}',
    Title         : { Value: accountingDocument },
  },
  // Widths that fit every column on a 1440 px screen.
  UI.LineItem: [
    { Value: postingDate, @HTML5.CssDefaults: { width: '7rem' } },
    { Value: documentType, @HTML5.CssDefaults: { width: '12.5rem' } },
    { Value: accountingDocument, @HTML5.CssDefaults: { width: '10rem' } },
    { Value: billingDocument, @HTML5.CssDefaults: { width: '8.5rem' } },
    { Value: purchaseOrder, @HTML5.CssDefaults: { width: '9.5rem' } },
    { Value: netDueDate, @HTML5.CssDefaults: { width: '7rem' } },
    { Value: amount, @HTML5.CssDefaults: { width: '9rem' } },
    { Value: flagged, @HTML5.CssDefaults: { width: '10.5rem' } },
    { Value: flagReason, @HTML5.CssDefaults: { width: '8rem' } },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: lineNo, Descending: false }],
    Visualizations: ['@UI.LineItem'],
  },
) {
  amount     @Measures.ISOCurrency: statement.currency;
  flagReason @Common.Text: flagReasonText.name @Common.TextArrangement: #TextOnly;
};

// The items open at the month's end, with their age then.
annotate srv.StatementOpenItems with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>StatementOpenItem}',
    TypeNamePlural: '{i18n>StatementOpenItems}',
    Title         : { Value: accountingDocument },
  },
  // Widths that fit every column on a 1440 px screen.
  UI.LineItem: [
    { Value: postingDate, @HTML5.CssDefaults: { width: '7rem' } },
    { Value: documentType, @HTML5.CssDefaults: { width: '12.5rem' } },
    { Value: accountingDocument, @HTML5.CssDefaults: { width: '10rem' } },
    { Value: billingDocument, @HTML5.CssDefaults: { width: '8.5rem' } },
    { Value: purchaseOrder, @HTML5.CssDefaults: { width: '9.5rem' } },
    { Value: netDueDate, @HTML5.CssDefaults: { width: '7rem' } },
    { Value: daysOverdue, @HTML5.CssDefaults: { width: '7rem' } },
    { Value: agingBucket, @HTML5.CssDefaults: { width: '10rem' } },
    { Value: amount, @HTML5.CssDefaults: { width: '9rem' } },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: lineNo, Descending: false }],
    Visualizations: ['@UI.LineItem'],
  },
) {
  amount      @Measures.ISOCurrency: statement.currency;
  agingBucket @Common.Text: agingBucketText.name @Common.TextArrangement: #TextOnly;
};
