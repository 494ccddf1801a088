// What the Integration Monitor app (app/monitor) needs beyond IntegrationService itself: the runs of each synced
// entity, the code lists that give the statuses their texts and criticalities, which actions a row allows, and
// actions bound to a sync state, so that the app runs, pauses and resumes the entity of the row (the unbound
// actions stay for scripts).
using { IntegrationService } from './service';
using { invoicecrm.codes as codes } from '../../db/integration-codes';

extend service IntegrationService with {
  @readonly entity SyncRunStatuses   as projection on codes.SyncRunStatuses;
  @readonly entity SyncModes         as projection on codes.SyncModes;
  @readonly entity SyncEntities      as projection on codes.SyncEntities;
  @readonly entity WriteBackStatuses as projection on codes.WriteBackStatuses;
  @readonly entity WriteBackTargets  as projection on codes.WriteBackTargets;
  @readonly entity WriteBackEvents   as projection on codes.WriteBackEvents;
  @readonly entity AttemptOutcomes   as projection on codes.AttemptOutcomes;
}

extend IntegrationService.SyncStates with columns {
  runs : Association to many IntegrationService.SyncRuns on runs.entity = $self.entity,
  entityText : Association to one IntegrationService.SyncEntities on entityText.code = $self.entity,
  (coalesce(paused, false) = false) as canPause : Boolean,
  lastRunStatusText : Association to one IntegrationService.SyncRunStatuses on lastRunStatusText.code = $self.lastRunStatus,
}

extend IntegrationService.SyncStates with actions {
  /** Queues a delta sync of this entity (skipped while it syncs already). */
  action runDelta() returns IntegrationService.SyncStates;
  /** Queues a full reconciliation of this entity: also finds what was deleted in S/4HANA. */
  action runFull() returns IntegrationService.SyncStates;
  action pauseSchedule() returns IntegrationService.SyncStates;
  action resumeSchedule() returns IntegrationService.SyncStates;
}

extend IntegrationService.SyncRuns with columns {
  entityText : Association to one IntegrationService.SyncEntities on entityText.code = $self.entity,
  statusText : Association to one IntegrationService.SyncRunStatuses on statusText.code = $self.status,
  modeText   : Association to one IntegrationService.SyncModes on modeText.code = $self.mode,
}

extend IntegrationService.SyncRejections with columns {
  entityText : Association to one IntegrationService.SyncEntities on entityText.code = $self.entity,
}

extend IntegrationService.WriteBackOperations with columns {
  (status = 'Failed') as canRetry : Boolean,
  (status = 'Failed' or status = 'Pending') as canDiscard : Boolean,
  statusText : Association to one IntegrationService.WriteBackStatuses on statusText.code = $self.status,
  targetText : Association to one IntegrationService.WriteBackTargets on targetText.code = $self.target,
  eventText  : Association to one IntegrationService.WriteBackEvents on eventText.code = $self.event,
}

extend IntegrationService.WriteBackQueue with columns {
  statusText : Association to one IntegrationService.WriteBackStatuses on statusText.code = $self.status,
}

extend IntegrationService.WriteBackAttempts with columns {
  outcomeText : Association to one IntegrationService.AttemptOutcomes on outcomeText.code = $self.outcome,
}
