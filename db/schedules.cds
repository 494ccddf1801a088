// The operator's pause switch per synced entity. When and how each entity syncs (crons, page size) is
// configuration (cds.requires.jobs); whether its schedule is paused is state: kept in the database so that it
// survives restarts and every instance sees the same.
namespace invoicecrm.integration;

using { invoicecrm.integration.SyncStates } from './integration';

/** One row per synced entity, created when the job runner starts. */
entity SyncSchedules {
  key entity   : String(40) @title: '{i18n>SyncEntity}';
      paused   : Boolean default false @title: '{i18n>Paused}';
      pausedAt : Timestamp @title: '{i18n>PausedAt}';
      /** The sync's checkpoint and last run; absent until the entity's first sync. */
      state    : Association to SyncStates on state.entity = entity;
}
