using { invoicecrm.integration as integration } from '../../db/integration';
using from '../../db/schedules';
using { invoicecrm.writeback as writeback } from '../../db/writeback';

/** Integration administrators watch and steer the S/4HANA sync here. */
@path: '/odata/v4/integration'
service IntegrationService {

  /**
   * Per synced entity: its checkpoint and last run from the database, its schedule from the configuration,
   * and the job syncing it right now with its progress (the virtual elements, filled by the handler).
   */
  @readonly
  entity SyncStates as select from integration.SyncSchedules
    mixin {
      lastRun : Association to SyncRuns on lastRun.ID = $projection.lastRunID;
    }
    into {
      key entity,
          paused,
          pausedAt,
          @title: '{i18n>LastChangeStamp}'
          state.deltaStamp     as lastChangeStamp : Timestamp,
          @title: '{i18n>LastSuccessAt}'
          state.lastSuccessAt  as lastSuccessAt   : Timestamp,
          state.lastRun.ID     as lastRunID       : UUID,
          @title: '{i18n>RunStatus}'
          state.lastRun.status as lastRunStatus   : integration.RunStatus,
          @title: '{i18n>RowsRead}'
          state.lastRun.rowsRead     as lastRunRowsRead    : Integer,
          @title: '{i18n>RowsUpserted}'
          state.lastRun.rowsUpserted as lastRunRowsWritten : Integer,
          lastRun,
          @title: '{i18n>ScheduleEnabled}'
          virtual enabled      : Boolean,
          @title: '{i18n>DeltaCron}'
          virtual cron         : String(100),
          @title: '{i18n>FullCron}'
          virtual fullCron     : String(100),
          @title: '{i18n>NextRunAt}'
          virtual nextRunAt    : Timestamp,
          @title: '{i18n>Running}'
          virtual running      : Boolean,
          @title: '{i18n>Queued}'
          virtual queued       : Boolean,
          @title: '{i18n>Job}'
          virtual runningJob   : String(200),
          @title: '{i18n>StartedAt}'
          virtual runningSince : Timestamp,
          @title: '{i18n>Pages}'
          virtual pages        : Integer,
          @title: '{i18n>RowsRead}'
          virtual rowsRead     : Integer,
          @title: '{i18n>RowsUpserted}'
          virtual rowsUpserted : Integer,
          @title: '{i18n>RowsRejected}'
          virtual rowsRejected : Integer,
    };

  /** Every sync run with its counters; errors and rejections below it. */
  @readonly
  entity SyncRuns as projection on integration.SyncRuns;

  @readonly
  entity SyncRunErrors as projection on integration.SyncRunErrors;

  /** Records S/4HANA sent that could not be mirrored, with the reason. */
  @readonly
  entity SyncRejections as projection on integration.SyncRejections;

  /**
   * The job runner's recent jobs, newest first: waiting, running (with progress), waiting for a retry, failed
   * after all retries, completed (synced or skipped). Kept by the runner (Redis, or memory without it), not the database.
   */
  @readonly
  @cds.persistence.skip
  entity SyncJobs {
    key ID            : String(200);
        entity        : String(40)  @title: '{i18n>SyncEntity}';
        mode          : integration.SyncMode @title: '{i18n>SyncMode}';
        trigger       : String(10)  @title: '{i18n>Trigger}' enum { schedule; manual; };
        state         : String(10)  @title: '{i18n>JobState}' enum { waiting; delayed; active; completed; failed; };
        outcome       : String(10)  @title: '{i18n>Outcome}' enum { synced; skipped; };
        message       : String(1000) @title: '{i18n>Message}';
        attempts      : Integer     @title: '{i18n>Attempt}';
        maxAttempts   : Integer;
        correlationId : String(36)  @title: '{i18n>CorrelationId}';
        createdAt     : Timestamp;
        startedAt     : Timestamp   @title: '{i18n>StartedAt}';
        finishedAt    : Timestamp   @title: '{i18n>FinishedAt}';
        pages         : Integer     @title: '{i18n>Pages}';
        rowsRead      : Integer     @title: '{i18n>RowsRead}';
        rowsUpserted  : Integer     @title: '{i18n>RowsUpserted}';
        rowsRejected  : Integer     @title: '{i18n>RowsRejected}';
        errorCount    : Integer     @title: '{i18n>Errors}';
        syncRunId     : UUID;
  }

  /** What invoice-crm writes back to S/4HANA: every operation with its status, S/4's last error and its attempts. */
  @readonly
  @cds.redirection.target
  entity WriteBackOperations as projection on writeback.WriteBackOperations {
    *,
    invoice.ID  as invoiceNumber : String(10),
    customer.ID as customerNumber : String(10),
  } excluding { invoice, customer, dispute } actions {
    /** Sends a failed operation again, with a fresh retry budget; or a pending one that no queue message will deliver. */
    action retry() returns WriteBackOperations;
    /** Gives up on a failed or pending operation, saying why; it stays listed as discarded. */
    action discard(reason : String(1000) @mandatory) returns WriteBackOperations;
  };

  @readonly
  entity WriteBackAttempts as projection on writeback.WriteBackAttempts;

  /** The monitor's counters: write-back operations per status. */
  @readonly
  entity WriteBackQueue as select from writeback.WriteBackOperations {
    key status,
        count(1) as operations : Integer @title: '{i18n>Operations}',
        min(createdAt) as oldest : Timestamp @title: '{i18n>OldestOperation}',
  } group by status;

  /** Custom field mappings as checked against the tenant's $metadata at start-up. */
  @readonly
  @cds.persistence.skip
  entity CustomFieldMappings {
    key entity : String(40) @title: '{i18n>S4Entity}';
    key field  : String(60) @title: '{i18n>Field}';
        usable : Boolean @title: '{i18n>Usable}';
        reason : String(500) @title: '{i18n>Reason}';
  }

  type RunRequest {
    entity  : String(40);
    mode    : integration.SyncMode;
    /** queued, or skipped because the entity is syncing right now. */
    status  : String(10);
    /** The queued job (see SyncJobs), or for a skipped request the job that is syncing the entity. */
    jobId   : String(200);
    message : String(1000);
  }

  /** Queues a sync of one entity, or of 'all' in dependency order: a delta, or with full = true a reconciliation. */
  action runNow(entity : String(40) not null, full : Boolean) returns many RunRequest;

  /** Stops the entity's (or 'all') scheduled syncs until resumed, in every instance and across restarts. */
  action pause(entity : String(40) not null) returns many SyncStates;

  action resume(entity : String(40) not null) returns many SyncStates;
}
