// Code lists for the enums of the sync and the write-back: the Integration Monitor shows their texts (English,
// German, Simplified Chinese, from db/data) instead of the codes, and offers them as fixed value helps in filters.
namespace invoicecrm.codes;

using { sap } from '@sap/cds/common';
using { invoicecrm.integration as integration } from './integration';
using { invoicecrm.writeback as writeback } from './writeback';

/** How a status shows, as UI.CriticalityType: 0 neutral (grey), 1 negative (red), 2 critical (yellow), 3 positive (green). */
aspect WithCriticality { criticality : Integer default 0; }

entity SyncRunStatuses   : sap.common.CodeList, WithCriticality { key code : integration.RunStatus; }
entity SyncModes         : sap.common.CodeList { key code : integration.RunMode; }
/** The mirrored entities by name (srv/sync/descriptions.ts names them): what the monitor and its messages call them. */
entity SyncEntities      : sap.common.CodeList { key code : String(40); }
entity WriteBackStatuses : sap.common.CodeList, WithCriticality { key code : writeback.OperationStatus; }
entity WriteBackTargets  : sap.common.CodeList { key code : writeback.Target; }
entity WriteBackEvents   : sap.common.CodeList { key code : writeback.Event; }
/** The outcomes of a delivery attempt (writeback.WriteBackAttempts.outcome). */
entity AttemptOutcomes   : sap.common.CodeList, WithCriticality { key code : String(20); }
