import cds from '@sap/cds'
import { s4Destination, s4Settings } from '../s4/destination'
import { S4Client } from '../s4/client'
import { deliverInOrder } from './in-order'
import { clearStuckMessages } from '../queue-recovery'
import { WriteBackOperations } from '#cds-models/invoicecrm/writeback'

// Delivers write-back operations; callers reach this service through cds.queued(...) (see plan.ts). A message
// names one operation; in-order.ts delivers it after the older operations on its S/4 document, without holding a
// database connection while S/4 answers. An operation that fails transiently is scheduled again with growing delays
// until its retry budget is used up; then, or at once for a permanent error, it is parked as Failed with S/4's error
// for an integration admin to retry or discard.

export default class WriteBackService extends cds.Service {
  async init() {
    this.on('deliver', req => deliverOperation(this, (req.data as { operation: string }).operation))
    return super.init()
  }
}

let client: { destination: string; s4: S4Client } | undefined

/** One client per destination, so that its CSRF token and cookies serve every delivery. */
export function s4Client(): S4Client {
  const destination = s4Destination()
  const key = JSON.stringify(destination)
  if (client?.destination !== key) client = { destination: key, s4: new S4Client(destination, s4Settings()) }
  return client.s4
}

/** Delivers the operation, in order with the others on its S/4 document (see in-order.ts). */
const deliverOperation = (writeback: cds.Service, id: string) =>
  deliverInOrder(id, { s4: s4Client(), schedule: (operation, delayMs) => scheduleDelivery(writeback, operation, delayMs) })

/** One pending message per operation: a task name is a singleton in the queue. (@cap-js/cds-types lacks .as.) */
async function scheduleDelivery(writeback: cds.Service, id: string, delayMs: number) {
  const task = writeback.schedule('deliver', { operation: id }) as unknown as { as(name: string): { after(ms: number): Promise<unknown> } }
  await task.as(`writeback ${id}`).after(delayMs)
}

/** An integration admin sends a parked operation again, with a fresh retry budget. */
export async function retryOperation(id: string) {
  const changed = await UPDATE(WriteBackOperations)
    .set({ status: 'Pending', attempts: 0, nextAttemptAt: null })
    .where({ ID: id, status: 'Failed' })
  // Or one stuck Pending: no message of the queue will deliver it (stranded by a stopped instance, overdue, dead).
  if (!changed && !(await retryStuck(id))) return false
  await cds.queued(await cds.connect.to('writeback')).send('deliver', { operation: id })
  return true
}

async function retryStuck(id: string) {
  const op = await SELECT.one.from(WriteBackOperations).columns('status').where({ ID: id })
  if (op?.status !== 'Pending' || !(await clearStuckMessages('writeback', 'deliver', { operation: id }))) return false
  return (await UPDATE(WriteBackOperations).set({ attempts: 0, nextAttemptAt: null }).where({ ID: id, status: 'Pending' })) > 0
}

/** An integration admin gives up on an operation S/4 should not or cannot get, saying why. */
export async function discardOperation(id: string, reason: string, user: string) {
  const changed = await UPDATE(WriteBackOperations)
    .set({ status: 'Discarded', discardedBy: user, discardedAt: new Date().toISOString(), discardReason: reason, nextAttemptAt: null })
    .where({ ID: id, status: { in: ['Failed', 'Pending'] } })
  return changed > 0
}
