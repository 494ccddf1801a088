import cds from '@sap/cds'
import { S4Client } from '../s4/client'
import { s4Destination, s4Settings } from '../s4/destination'
import { SyncEngine, type RunOptions, type RunSummary, type SyncMode } from './engine'
import { descriptionOf, descriptions, pageSize } from './descriptions'
import { syncEvents } from '../sync-events'

export { descriptions } from './descriptions'
export type { RunSummary, SyncMode } from './engine'


/** The engine, talking to the configured S/4HANA destination (or, in development, the simulator). */
export function syncEngine(): SyncEngine {
  const settings = s4Settings()
  return new SyncEngine(new S4Client(s4Destination(settings), settings), cds.model!)
}

/**
 * Runs the sync for one entity or for all of them, in dependency order (customers before the documents that
 * name them). Returns one summary per entity; a failed entity does not stop the others.
 */
export async function runSync(
  entity: string,
  mode: SyncMode = 'delta',
  onProgress?: RunOptions['onProgress'],
  /** Overrides cds.requires.sync.pageSize, e.g. with a scheduled job's own page size. */
  pageSizeOverride?: number
): Promise<RunSummary[]> {
  const engine = syncEngine()
  const selected = entity === 'all' ? descriptions : [descriptionOf(entity)]
  const summaries: RunSummary[] = []
  for (const d of selected) {
    const summary = await engine.run(d, { mode, pageSize: pageSizeOverride ?? pageSize(), onProgress })
    summaries.push(summary)
    syncEvents.emit('completed', summary)
  }
  return summaries
}
