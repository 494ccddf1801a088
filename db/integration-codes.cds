// Code lists for the enums of the sync and the write-back: the Integration Monitor shows their texts (English,
// German, Simplified Chinese, from db/data) instead of the codes, and offers them as fixed value helps in filters.
namespace invoicecrm.codes;

using { sap } from '@sap/cds/common';
using { invoicecrm.integration as integration } from './integration';
using { invoicecrm.writeback as writeback } from './writeback';

entity SyncRunStatuses   : sap.common.CodeList { key code : integration.RunStatus; }
entity SyncModes         : sap.common.CodeList { key code : integration.SyncMode; }
entity WriteBackStatuses : sap.common.CodeList { key code : writeback.OperationStatus; }
entity WriteBackTargets  : sap.common.CodeList { key code : writeback.Target; }
entity WriteBackEvents   : sap.common.CodeList { key code : writeback.Event; }
/** The outcomes of a delivery attempt (writeback.WriteBackAttempts.outcome). */
entity AttemptOutcomes   : sap.common.CodeList { key code : String(20); }
