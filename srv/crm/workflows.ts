import cds from '@sap/cds'
import { syncEvents, type SyncCompleted } from '../sync-events'
import { dispatchNewInvoices, dispatchToNewAddresses, surveyPaidInvoices } from './dispatch'
import { inBackgroundContext } from '../background-context'

// What follows in the conversation from what the mirror just learned: new invoices are sent, paid ones
// surveyed. All look at the whole mirror, not only at the run's rows, so nothing is missed after a restart.

const LOG = cds.log('crm')

const FOLLOW_UPS: Record<string, () => Promise<unknown>> = {
  BillingDocuments: dispatchNewInvoices,
  // Invoices that waited for their customer to be mirrored, and those of customers who have an address now.
  Customers: () => dispatchNewInvoices().then(dispatchToNewAddresses),
  ReceivableItems: surveyPaidInvoices,
}

let running = Promise.resolve()
/** Entities whose follow-up is queued and not yet started. */
const queued = new Set<string>()

/** Resolves when the follow-ups started so far are done (tests, shutdown). */
export const followUpsDone = () => running

export function followSyncs(): void {
  syncEvents.on('completed', (summary: SyncCompleted) => {
    const followUp = summary.status === 'succeeded' ? FOLLOW_UPS[summary.entity] : undefined
    // A follow-up still waiting to start will see this run's rows too: business events bring many small runs.
    if (!followUp || queued.has(summary.entity)) return
    queued.add(summary.entity)
    // One after the other, in a context of their own without a transaction: a follow-up never joins a sync's or a
    // request's transaction, and holds no database connection while it waits (SQLite has only one).
    running = running.then(() =>
      inBackgroundContext(async () => {
        queued.delete(summary.entity)
        await followUp().catch(error => LOG.error(`${summary.entity}: follow-up failed: ${(error as Error).message}`))
      })
    )
  })
}
