// Integration state: where each sync stands, what every run did, which records S/4HANA sent that we rejected.
namespace invoicecrm.integration;

using { cuid } from '@sap/cds/common';

type SyncMode   : String(5) enum { delta; full; };
/** A run: a sync of the entity (SyncMode), or a targeted read of the documents S/4HANA's business events named. */
type RunMode    : String(5) enum { delta; full; event; };
type RunStatus  : String(10) enum { running; succeeded; failed; };

/** One row per mirrored entity: the checkpoint the next run resumes from. Written in the page's transaction. */
entity SyncStates {
  key entity        : String(40) @title: '{i18n>SyncEntity}';
      /** Delta position: the change-stamp bucket read last, and the last key read inside it while the bucket is unfinished. */
      deltaStamp    : Timestamp  @title: '{i18n>LastChangeStamp}';
      deltaKey      : String(200);
      /**
       * The reconciliation under way, so a crash resumes it: the last key it read, the newest change stamp when
       * it started (the delta checkpoint it sets), and whether the mirror had rows to sweep when it started.
       */
      fullRun       : UUID;
      fullKey       : String(200);
      fullBaseline  : Timestamp;
      fullSweep     : Boolean;
      lastRun       : Association to SyncRuns;
      lastSuccessAt : Timestamp  @title: '{i18n>LastSuccessAt}';
}

entity SyncRuns : cuid {
  entity       : String(40) @title: '{i18n>SyncEntity}';
  mode         : RunMode    @title: '{i18n>SyncMode}';
  status       : RunStatus  @title: '{i18n>RunStatus}' default 'running';
  startedAt    : Timestamp  @title: '{i18n>StartedAt}';
  finishedAt   : Timestamp  @title: '{i18n>FinishedAt}';
  durationMs   : Integer    @title: '{i18n>DurationMs}';
  pages        : Integer default 0 @title: '{i18n>Pages}';
  rowsRead     : Integer default 0 @title: '{i18n>RowsRead}';
  rowsUpserted : Integer default 0 @title: '{i18n>RowsUpserted}';
  rowsDeleted  : Integer default 0 @title: '{i18n>RowsDeleted}';
  rowsRejected : Integer default 0 @title: '{i18n>RowsRejected}';
  errorCount   : Integer default 0 @title: '{i18n>Errors}';
  /** How often a page timed out and was asked for again at half the size; the smallest page size the run asked for. */
  pageSizeReductions : Integer default 0 @title: '{i18n>PageSizeReductions}';
  smallestPageSize   : Integer @title: '{i18n>SmallestPageSize}';
  message      : String(1000) @title: '{i18n>Message}';
  errors       : Composition of many SyncRunErrors on errors.run = $self;
  rejections   : Composition of many SyncRejections on rejections.run = $self;
}

/** Every failed call to S/4HANA during a run, including the ones a retry later got through. */
entity SyncRunErrors : cuid {
  run        : Association to SyncRuns;
  at         : Timestamp     @title: '{i18n>At}';
  attempt    : Integer       @title: '{i18n>Attempt}';
  httpStatus : Integer       @title: '{i18n>HttpStatus}';
  retried    : Boolean       @title: '{i18n>Retried}';
  message    : String(1000)  @title: '{i18n>Message}';
}

/** A record S/4HANA sent that could not be mirrored, with the reason; the rest of its page went on. */
entity SyncRejections : cuid {
  run       : Association to SyncRuns;
  entity    : String(40)   @title: '{i18n>SyncEntity}';
  recordKey : String(200)  @title: '{i18n>RecordKey}';
  reason    : String(1000) @title: '{i18n>Reason}';
  at        : Timestamp    @title: '{i18n>At}';
}

/**
 * Keys a full reconciliation has seen in S/4HANA so far, committed with each page. When the reconciliation
 * completes, mirror rows whose key is not here were removed in S/4HANA. Emptied afterwards.
 */
entity SyncSeenKeys {
  key reconciliation : UUID;
  key recordKey      : String(200);
}
