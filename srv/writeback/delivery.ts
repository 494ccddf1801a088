import cds from '@sap/cds'
import { s4Destination, s4Settings } from '../sync/s4-destination'
import { S4Session, S4WriteError } from './s4-session'
import { deliveries, type Target } from './targets'
import { writeBackSettings } from './settings'

// Delivers write-back operations; callers reach this service through cds.queued(...) (see plan.ts). A message
// names one operation. The operation is read in a short transaction of its own, before the queue's transaction
// first touches the database, so that no connection is held while S/4HANA answers (SQLite has just one: the app
// would stand still for as long as S/4 takes). The outcome is written in the queue's transaction. An operation
// that fails transiently is scheduled again with growing delays until its retry
// budget is used up; then, or at once for a permanent error, it is parked as Failed with S/4's error for an
// integration admin to retry or discard.

const LOG = cds.log('writeback')
const W = 'invoicecrm.writeback'

interface OperationRow {
  ID: string
  target: Target
  status: string
  attempts: number
  s4Object: string
  payload: string
}

export default class WriteBackService extends cds.Service {
  async init() {
    this.on('deliver', req => deliverOperation(this, (req.data as { operation: string }).operation))
    return super.init()
  }
}

let session: { destination: string; s4: S4Session } | undefined

/** One session per destination, so that its CSRF token and cookies serve every delivery. */
export function s4Session(): S4Session {
  const destination = s4Destination()
  const key = JSON.stringify(destination)
  if (session?.destination !== key) session = { destination: key, s4: new S4Session(destination, s4Settings()) }
  return session.s4
}

async function deliverOperation(writeback: cds.Service, id: string) {
  const op = (await cds.tx(() => SELECT.one.from(`${W}.WriteBackOperations`).columns('ID', 'target', 'status', 'attempts', 's4Object', 'payload').where({ ID: id }))) as
    | OperationRow
    | undefined
  // Delivered, parked or discarded meanwhile (e.g. a message delivered again after a crash): nothing to do.
  if (!op || op.status !== 'Pending') return
  const attempt = op.attempts + 1
  const now = new Date().toISOString()
  try {
    const result = await oneAtATime(op.s4Object, () => deliveries[op.target]({ ID: op.ID, payload: JSON.parse(op.payload) as never }, s4Session()))
    await UPDATE(`${W}.WriteBackOperations`)
      .set({ status: 'Delivered', attempts: attempt, lastAttemptAt: now, deliveredAt: now, nextAttemptAt: null, result, httpStatus: null, errorCode: null, errorMessage: null, errorTransaction: null })
      .where({ ID: id })
    await INSERT.into(`${W}.WriteBackAttempts`).entries({ ID: cds.utils.uuid(), operation_ID: id, outcome: 'delivered', message: result.slice(0, 1000) })
    LOG.info(`write-back ${id} (${op.target} ${op.s4Object}) delivered: ${result}`)
  } catch (error) {
    const failure = error instanceof S4WriteError ? error : undefined
    const { maxAttempts, retryDelayMs, maxRetryDelayMs } = writeBackSettings().delivery
    // Anything but a permanent answer from S/4 (4xx) may pass: S/4 down, a timeout, a destination not yet bound.
    const retry = (failure?.transient ?? true) && attempt < maxAttempts
    const delay = Math.max(failure?.retryAfterMs ?? 0, Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (attempt - 1)))
    const message = ((error as Error).message ?? String(error)).slice(0, 1000)
    await UPDATE(`${W}.WriteBackOperations`)
      .set({
        status: retry ? 'Pending' : 'Failed',
        attempts: attempt,
        lastAttemptAt: now,
        nextAttemptAt: retry ? new Date(Date.now() + delay).toISOString() : null,
        httpStatus: failure?.httpStatus ?? null,
        errorCode: failure?.code?.slice(0, 60) ?? null,
        errorMessage: message,
        errorTransaction: failure?.transactionId?.slice(0, 60) ?? null,
      })
      .where({ ID: id })
    await INSERT.into(`${W}.WriteBackAttempts`).entries({ ID: cds.utils.uuid(), operation_ID: id, outcome: retry ? 'retry' : 'failed', httpStatus: failure?.httpStatus ?? null, message })
    if (retry) {
      LOG.warn(`write-back ${id} (${op.target} ${op.s4Object}) attempt ${attempt} failed: ${message}; next attempt in ${Math.round(delay / 1000)} s`)
      await scheduleDelivery(writeback, id, delay)
    } else LOG.error(`write-back ${id} (${op.target} ${op.s4Object}) parked as failed after ${attempt} attempt(s): ${message}`)
  }
}

const inFlight = new Map<string, Promise<unknown>>()

/**
 * The queue delivers several messages at once; writes to the same S/4 object wait for each other, since a text is
 * read, extended and written back without an ETag to catch a concurrent append.
 */
function oneAtATime<T>(s4Object: string, deliver: () => Promise<T>): Promise<T> {
  const before = inFlight.get(s4Object) ?? Promise.resolve()
  const mine = before.catch(() => undefined).then(deliver)
  const settled = mine.catch(() => undefined)
  inFlight.set(s4Object, settled)
  void settled.then(() => {
    if (inFlight.get(s4Object) === settled) inFlight.delete(s4Object)
  })
  return mine
}

/** One pending message per operation: a task name is a singleton in the queue. (@cap-js/cds-types lacks .as.) */
async function scheduleDelivery(writeback: cds.Service, id: string, delayMs: number) {
  const task = writeback.schedule('deliver', { operation: id }) as unknown as { as(name: string): { after(ms: number): Promise<unknown> } }
  await task.as(`writeback ${id}`).after(delayMs)
}

/** An integration admin sends a parked operation again, with a fresh retry budget. */
export async function retryOperation(id: string) {
  const changed = await UPDATE(`${W}.WriteBackOperations`)
    .set({ status: 'Pending', attempts: 0, nextAttemptAt: null })
    .where({ ID: id, status: 'Failed' })
  if (!changed) return false
  await cds.queued(await cds.connect.to('writeback')).send('deliver', { operation: id })
  return true
}

/** An integration admin gives up on an operation S/4 should not or cannot get, saying why. */
export async function discardOperation(id: string, reason: string, user: string) {
  const changed = await UPDATE(`${W}.WriteBackOperations`)
    .set({ status: 'Discarded', discardedBy: user, discardedAt: new Date().toISOString(), discardReason: reason, nextAttemptAt: null })
    .where({ ID: id, status: { in: ['Failed', 'Pending'] } })
  return changed > 0
}
