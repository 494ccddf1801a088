// Integration Monitor: each synced entity with its schedule, last run and running job (list report), its runs
// with their errors and rejections (object pages), and the write-back to S/4HANA: the operations with S/4HANA's
// errors and their attempts, retry and discard (a second list report), with the queue's counts per status.
using { IntegrationService as srv } from '../../srv/integration/service';
using from '../../srv/integration/monitor';

annotate srv.SyncStates with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>SyncState}',
    TypeNamePlural: '{i18n>SyncStates}',
    Title         : { Value: entity },
  },
  UI.SelectionFields: [ entity, paused, lastRunStatus, lastSuccessAt ],
  // Widths that fit every column on a 1440 px screen (Fiori elements would give the status half of the row).
  UI.LineItem: [
    { Value: entity, @HTML5.CssDefaults: { width: '12rem' } },
    { Value: paused, @HTML5.CssDefaults: { width: '5rem' } },
    { Value: lastRunStatus, Criticality: lastRunStatusText.criticality, @HTML5.CssDefaults: { width: '8rem' } },
    { Value: lastSuccessAt, @HTML5.CssDefaults: { width: '11rem' } },
    { Value: nextRunAt, @HTML5.CssDefaults: { width: '11rem' } },
    { Value: running, @HTML5.CssDefaults: { width: '5rem' } },
    { Value: queued, @HTML5.CssDefaults: { width: '5rem' } },
    // The last finished run's counts; a running run's progress is on the entity's page.
    { Value: lastRunRowsRead, @HTML5.CssDefaults: { width: '7rem' } },
    { Value: lastRunRowsWritten, @HTML5.CssDefaults: { width: '7rem' } },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.runDelta', Label: '{i18n>RunNow}' },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.runFull', Label: '{i18n>RunFullReconciliation}' },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.pauseSchedule', Label: '{i18n>PauseSchedule}' },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.resumeSchedule', Label: '{i18n>ResumeSchedule}' },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: entity }],
    Visualizations: ['@UI.LineItem'],
  },
  UI.Identification: [
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.runDelta', Label: '{i18n>RunNow}' },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.runFull', Label: '{i18n>RunFullReconciliation}' },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.pauseSchedule', Label: '{i18n>PauseSchedule}' },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.resumeSchedule', Label: '{i18n>ResumeSchedule}' },
  ],
  UI.HeaderFacets: [
    { $Type: 'UI.ReferenceFacet', ID: 'LastRun', Target: '@UI.FieldGroup#LastRun', Label: '{i18n>LastRun}' },
    { $Type: 'UI.ReferenceFacet', ID: 'Progress', Target: '@UI.FieldGroup#Progress', Label: '{i18n>Progress}' },
  ],
  UI.FieldGroup #LastRun: { Data: [
    { Value: lastRunStatus, Criticality: lastRunStatusText.criticality },
    { Value: lastRunRowsRead },
    { Value: lastRunRowsWritten },
    { Value: lastSuccessAt },
    { Value: lastChangeStamp },
  ] },
  UI.FieldGroup #Progress: { Data: [
    { Value: running },
    { Value: queued },
    { Value: runningJob },
    { Value: runningSince },
    { Value: pages },
    { Value: rowsRead },
    { Value: rowsUpserted },
    { Value: rowsRejected },
  ] },
  UI.FieldGroup #Schedule: { Data: [
    { Value: enabled },
    { Value: cron },
    { Value: fullCron },
    { Value: nextRunAt },
    { Value: paused },
    { Value: pausedAt },
  ] },
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Schedule', Label: '{i18n>Schedule}', Target: '@UI.FieldGroup#Schedule' },
    { $Type: 'UI.ReferenceFacet', ID: 'Runs', Label: '{i18n>SyncRuns}', Target: 'runs/@UI.PresentationVariant' },
  ],
  // The schedule and the running job come from the job runner, not the database: nothing to sort or filter on.
  Capabilities.SortRestrictions.NonSortableProperties: [
    enabled, cron, fullCron, nextRunAt, running, runningJob, runningSince, pages, rowsRead, rowsUpserted, rowsRejected,
  ],
  Capabilities.FilterRestrictions.NonFilterableProperties: [
    enabled, cron, fullCron, nextRunAt, running, runningJob, runningSince, pages, rowsRead, rowsUpserted, rowsRejected,
  ],
);

annotate srv.SyncStates with {
  entity    @title: '{i18n>SyncEntity}';
  lastRunID @UI.Hidden;
  canPause  @UI.Hidden;
};

// Pause what runs on its schedule, resume what is paused; afterwards the row and its runs are read again.
annotate srv.SyncStates actions {
  runDelta       @Common.SideEffects: { TargetProperties: ['in/*'], TargetEntities: ['in/runs'] };
  runFull        @Common.SideEffects: { TargetProperties: ['in/*'], TargetEntities: ['in/runs'] };
  pauseSchedule  @Core.OperationAvailable: in.canPause @Common.SideEffects: { TargetProperties: ['in/*'] };
  resumeSchedule @Core.OperationAvailable: in.paused @Common.SideEffects: { TargetProperties: ['in/*'] };
};

annotate srv.SyncRuns with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>SyncRun}',
    TypeNamePlural: '{i18n>SyncRuns}',
    Title         : { Value: entity },
    Description   : { Value: startedAt },
  },
  UI.LineItem: [
    { Value: startedAt },
    { Value: mode },
    { Value: status, Criticality: statusText.criticality },
    { Value: durationMs },
    { Value: pages },
    { Value: rowsRead },
    { Value: rowsUpserted },
    { Value: rowsDeleted },
    { Value: rowsRejected },
    { Value: errorCount },
    { Value: message },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: startedAt, Descending: true }],
    Visualizations: ['@UI.LineItem'],
  },
  UI.HeaderFacets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Outcome', Target: '@UI.FieldGroup#Outcome', Label: '{i18n>SyncRun}' },
  ],
  UI.FieldGroup #Outcome: { Data: [
    { Value: status, Criticality: statusText.criticality },
    { Value: mode },
    { Value: startedAt },
    { Value: finishedAt },
    { Value: durationMs },
  ] },
  UI.FieldGroup #Counters: { Data: [
    { Value: pages },
    { Value: rowsRead },
    { Value: rowsUpserted },
    { Value: rowsDeleted },
    { Value: rowsRejected },
    { Value: errorCount },
    { Value: pageSizeReductions },
    { Value: smallestPageSize },
    { Value: message },
  ] },
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Counters', Label: '{i18n>Progress}', Target: '@UI.FieldGroup#Counters' },
    { $Type: 'UI.ReferenceFacet', ID: 'Errors', Label: '{i18n>RunErrors}', Target: 'errors/@UI.LineItem' },
    { $Type: 'UI.ReferenceFacet', ID: 'Rejections', Label: '{i18n>Rejections}', Target: 'rejections/@UI.LineItem' },
  ],
);

annotate srv.SyncRuns with {
  ID @UI.Hidden;
};

annotate srv.SyncRunErrors with @(UI.LineItem: [
  { Value: at },
  { Value: attempt },
  { Value: httpStatus },
  { Value: retried },
  { Value: message },
]);

annotate srv.SyncRejections with {
  entity @Common.Text: entityText.name @Common.TextArrangement: #TextOnly;
};

annotate srv.SyncRejections with @(UI.LineItem: [
  { Value: at },
  { Value: recordKey },
  { Value: reason },
]);

annotate srv.WriteBackOperations with @(
  UI.HeaderInfo: {
    TypeName      : '{i18n>WriteBackOperation}',
    TypeNamePlural: '{i18n>WriteBackOperations}',
    Title         : { Value: target },
    Description   : { Value: s4Object },
  },
  UI.SelectionFields: [ status, target, event, invoiceNumber, customerNumber ],
  UI.LineItem: [
    // Widths for the code columns: Fiori elements would size them for their texts' 255 characters and push the
    // rest of the row out of sight.
    { Value: createdAt },
    { Value: status, Criticality: statusText.criticality, @HTML5.CssDefaults: { width: '8rem' } },
    { Value: target, @HTML5.CssDefaults: { width: '10rem' } },
    { Value: event, @HTML5.CssDefaults: { width: '9rem' } },
    { Value: invoiceNumber, @HTML5.CssDefaults: { width: '8rem' } },
    { Value: customerNumber, @HTML5.CssDefaults: { width: '7rem' } },
    { Value: attempts, @HTML5.CssDefaults: { width: '6rem' } },
    { Value: errorMessage, @UI.Importance: #High },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.retry', Label: '{i18n>RetryWriteBack}' },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.discard', Label: '{i18n>DiscardWriteBack}' },
  ],
  // The list's views (manifest.json): what needs an admin first, what is still under way, everything.
  UI.SelectionVariant #Failed: {
    Text         : '{i18n>FailedOperations}',
    SelectOptions: [{ PropertyName: status, Ranges: [{ Sign: #I, Option: #EQ, Low: 'Failed' }] }],
  },
  UI.SelectionVariant #Pending: {
    Text         : '{i18n>PendingOperations}',
    SelectOptions: [{ PropertyName: status, Ranges: [{ Sign: #I, Option: #EQ, Low: 'Pending' }] }],
  },
  UI.SelectionVariant #All: {
    Text         : '{i18n>AllOperations}',
    SelectOptions: [],
  },
  UI.PresentationVariant: {
    SortOrder     : [{ Property: createdAt, Descending: true }],
    Visualizations: ['@UI.LineItem'],
  },
  UI.HeaderFacets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Delivery', Target: '@UI.FieldGroup#Delivery', Label: '{i18n>WriteBackDelivery}' },
  ],
  UI.FieldGroup #Delivery: { Data: [
    { Value: status, Criticality: statusText.criticality },
    { Value: attempts },
    { Value: lastAttemptAt },
    { Value: nextAttemptAt },
    { Value: deliveredAt },
  ] },
  UI.FieldGroup #Change: { Data: [
    { Value: target },
    { Value: event },
    { Value: invoiceNumber },
    { Value: customerNumber },
    { Value: s4Object },
    { Value: s4Document },
    // The order of the CRM changes on the S/4 object, and the newer operation that replaced this one (Superseded).
    { Value: sequence },
    { Value: supersededBy_ID },
    { Value: createdAt },
    { Value: createdBy },
    { Value: result },
  ] },
  UI.FieldGroup #S4Error: { Data: [
    { Value: httpStatus },
    { Value: errorCode },
    { Value: errorMessage },
    { Value: errorTransaction },
  ] },
  UI.FieldGroup #Discard: { Data: [
    { Value: discardedBy },
    { Value: discardedAt },
    { Value: discardReason },
  ] },
  UI.FieldGroup #Payload: { Data: [{ Value: payload }] },
  UI.Facets: [
    { $Type: 'UI.ReferenceFacet', ID: 'Change', Label: '{i18n>General}', Target: '@UI.FieldGroup#Change' },
    { $Type: 'UI.ReferenceFacet', ID: 'S4Error', Label: '{i18n>S4Error}', Target: '@UI.FieldGroup#S4Error' },
    { $Type: 'UI.ReferenceFacet', ID: 'Payload', Label: '{i18n>Payload}', Target: '@UI.FieldGroup#Payload' },
    { $Type: 'UI.ReferenceFacet', ID: 'Log', Label: '{i18n>DeliveryAttempts}', Target: 'log/@UI.PresentationVariant' },
    { $Type: 'UI.ReferenceFacet', ID: 'Discard', Label: '{i18n>Discarding}', Target: '@UI.FieldGroup#Discard' },
  ],
  UI.Identification: [
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.retry', Label: '{i18n>RetryWriteBack}' },
    { $Type: 'UI.DataFieldForAction', Action: 'IntegrationService.discard', Label: '{i18n>DiscardWriteBack}' },
  ],
);

annotate srv.WriteBackOperations with {
  ID                @UI.Hidden;
  canRetry          @UI.Hidden;
  canDiscard        @UI.Hidden;
  // The invoice opens in Manage Invoices for those who may read invoices (an AR lead who also administers the
  // integration); for an admin alone no target resolves and the number stays text. The operation's own key is
  // passed on renamed, else it would arrive as the invoice's key.
  invoiceNumber  @title: '{i18n>BillingDocument}' @Common.SemanticObject: 'Invoice' @Common.SemanticObjectMapping: [
    { LocalProperty: ID, SemanticObjectProperty: 'writeBackOperation' },
    { LocalProperty: invoiceNumber, SemanticObjectProperty: 'ID' },
  ];
  customerNumber @title: '{i18n>Customer}';
  payload        @title: '{i18n>Payload}' @UI.MultiLineText;
  supersededBy   @title: '{i18n>SupersededBy}';
};

// Retry and discard only where the status allows them; the server refuses the others anyway. Afterwards the page
// reads the whole operation again (status, discard information, attempts), not only what the action returned.
annotate srv.WriteBackOperations actions {
  retry   @Core.OperationAvailable: in.canRetry @Common.SideEffects: { TargetProperties: ['in/*'], TargetEntities: ['in/log'] };
  discard @Core.OperationAvailable: in.canDiscard @Common.SideEffects: { TargetProperties: ['in/*'] };
  discard(reason @title: '{i18n>DiscardReason}' @UI.MultiLineText);
};

annotate srv.WriteBackAttempts with @(
  UI.LineItem: [
    { Value: at },
    { Value: outcome, Criticality: outcomeText.criticality },
    { Value: httpStatus },
    { Value: message },
  ],
  UI.PresentationVariant: {
    SortOrder     : [{ Property: at, Descending: true }],
    Visualizations: ['@UI.LineItem'],
  },
);

annotate srv.WriteBackAttempts with {
  ID @UI.Hidden;
};

annotate srv.WriteBackQueue with @(
  UI.LineItem: [
    { Value: status, Criticality: statusText.criticality },
    { Value: operations },
    { Value: oldest },
  ],
  // A view of the write-back list (manifest.json): the operations per status.
  UI.SelectionVariant #Queue: {
    Text         : '{i18n>WriteBackQueue}',
    SelectOptions: [],
  },
);

annotate srv.WriteBackQueue with {
  status            @title: '{i18n>WriteBackStatus}';
};

// Codes show as texts in the user's language (srv/integration/monitor.cds, db/integration-codes.cds); the filters
// offer them as fixed lists.
annotate srv.SyncStates with {
  entity @Common.Text: entityText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'SyncEntities',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: entity, ValueListProperty: 'code' }]
  };
  lastRunStatus @Common.Text: lastRunStatusText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'SyncRunStatuses',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: lastRunStatus, ValueListProperty: 'code' }]
  };
};

annotate srv.SyncRuns with {
  entity @Common.Text: entityText.name @Common.TextArrangement: #TextOnly;
  status @Common.Text: statusText.name @Common.TextArrangement: #TextOnly;
  mode   @Common.Text: modeText.name @Common.TextArrangement: #TextOnly;
};

annotate srv.WriteBackOperations with {
  status @Common.Text: statusText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'WriteBackStatuses',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: status, ValueListProperty: 'code' }]
  };
  target @Common.Text: targetText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'WriteBackTargets',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: target, ValueListProperty: 'code' }]
  };
  event  @Common.Text: eventText.name @Common.TextArrangement: #TextOnly @Common.ValueListWithFixedValues @Common.ValueList: {
    CollectionPath: 'WriteBackEvents',
    Parameters: [{ $Type: 'Common.ValueListParameterInOut', LocalDataProperty: event, ValueListProperty: 'code' }]
  };
};

annotate srv.WriteBackQueue with {
  status @Common.Text: statusText.name @Common.TextArrangement: #TextOnly;
};

annotate srv.WriteBackAttempts with {
  outcome @Common.Text: outcomeText.name @Common.TextArrangement: #TextOnly;
};

annotate srv.SyncRunStatuses with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.SyncModes with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.WriteBackStatuses with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.WriteBackTargets with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.WriteBackEvents with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };
annotate srv.AttemptOutcomes with { code @Common.Text: name @Common.TextArrangement: #TextOnly; };

// Running a sync from the list: the row is read again at once, so that it says queued or running, and the list
// then refreshes by itself until the run is done (app/monitor/webapp/ext/RefreshWhileSyncing.controller.js).
annotate srv.SyncStates actions {
  runDelta @Common.SideEffects: { TargetProperties: [ 'in/running', 'in/queued', 'in/lastRunStatus', 'in/lastRunRowsRead', 'in/lastRunRowsWritten' ] };
  runFull  @Common.SideEffects: { TargetProperties: [ 'in/running', 'in/queued', 'in/lastRunStatus', 'in/lastRunRowsRead', 'in/lastRunRowsWritten' ] };
}
