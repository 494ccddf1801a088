import cds from '@sap/cds'
import { writeBackSettings } from './settings'
import { WriteBackDocumentLeases } from '#cds-models/invoicecrm/writeback'

// One delivery at a time per S/4 document, across app instances: a lease row per document (WriteBackDocumentLeases),
// taken with a conditional UPDATE (or by inserting the row) in a short transaction of its own and renewed the same
// way while S/4 answers. No database connection is held in between (SQLite has just one; a pool has few), and a
// lease of a crashed instance runs out by itself after cds.requires.writeback.delivery.documentLeaseMs.

const LOG = cds.log('writeback')

export interface Lease {
  /** false once a renewal found the lease taken over (it had run out): stop before the next write */
  held(): boolean
}

export type Leased<T> = { done: T } | { busyForMs: number }

/** Runs `work` holding the document's lease; answers how long the lease is still taken when another delivery has it. */
export async function withDocumentLease<T>(document: string, work: (lease: Lease) => Promise<T>): Promise<Leased<T>> {
  const holder = cds.utils.uuid()
  const ms = writeBackSettings().delivery.documentLeaseMs
  const busyForMs = await take(document, holder, ms)
  if (busyForMs) return { busyForMs }
  let held = true
  const renewal = setInterval(() => {
    renew(document, holder, ms).then(
      renewed => (held &&= renewed),
      error => LOG.warn(`lease on ${document} not renewed: ${(error as Error).message}`)
    )
  }, ms / 3)
  renewal.unref()
  try {
    return { done: await work({ held: () => held }) }
  } finally {
    clearInterval(renewal)
    // A lease not given back runs out by itself.
    await cds.tx(() => DELETE.from(WriteBackDocumentLeases).where({ document, holder })).catch(error => LOG.warn(`lease on ${document} not given back: ${(error as Error).message}`))
  }
}

/** 0 when taken; else the ms the current holder's lease still runs. */
async function take(document: string, holder: string, ms: number): Promise<number> {
  const now = Date.now()
  const until = new Date(now + ms).toISOString()
  const expired = new Date(now).toISOString()
  const busy = () =>
    cds.tx(async () => {
      const current = await SELECT.one.from(WriteBackDocumentLeases).columns('until').where({ document })
      return current ? Math.max(1, Date.parse(current.until!) - now) : undefined
    })
  const taken = await cds.tx(() => UPDATE(WriteBackDocumentLeases).set({ holder, until }).where`document = ${document} and until < ${expired}`)
  if (taken) return 0
  const remaining = await busy()
  if (remaining) return remaining
  try {
    await cds.tx(() => INSERT.into(WriteBackDocumentLeases).entries({ document, holder, until }))
    return 0
  } catch (error) {
    // Another delivery inserted the row first; any other error is a real one.
    const meanwhile = await busy()
    if (meanwhile) return meanwhile
    throw error
  }
}

async function renew(document: string, holder: string, ms: number): Promise<boolean> {
  const until = new Date(Date.now() + ms).toISOString()
  return (await cds.tx(() => UPDATE(WriteBackDocumentLeases).set({ until }).where({ document, holder }))) > 0
}
