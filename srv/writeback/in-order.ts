import cds from '@sap/cds'
import { S4Error, type S4Client } from '../s4/client'
import { WriteBackAttempts, WriteBackOperations, type WriteBackOperation } from '#cds-models/invoicecrm/writeback'
import type { Filled } from '../model-types'
import { targets, type Delivered } from './targets'
import { writeBackSettings } from './settings'
import { withDocumentLease, type Lease } from './document-lease'
import { retryDelay } from '../retry-delay'

// Delivers write-back operations in the order of the CRM changes that caused them (see db/writeback.cds). A queue
// message names one operation; its delivery takes the operation's S/4 document (in this process: one after the
// other; across instances: the document's lease) and delivers every due pending operation of the document in
// sequence order: a state an older operation would set is superseded by a newer one, and an operation waits while an
// older one on its S/4 object waits for its next attempt. Every outcome is written in a short transaction of its own
// right after S/4 answered, so that no database connection is held while S/4 answers (SQLite has just one).

const LOG = cds.log('writeback')

/** An operation as delivery reads it; its sequence is text on PostgreSQL (Integer64), which only goes back into queries. */
type OperationRow = Filled<WriteBackOperation, 'ID' | 'target' | 'event' | 'status' | 'attempts' | 's4Object' | 'payload'>

export interface DeliveryContext {
  s4: S4Client
  /** plans the queue message that delivers the operation after the delay (in the current transaction) */
  schedule(operation: string, delayMs: number): Promise<void>
}

/** What a pass over a document left waiting: per S/4 object, when its next operation may go. */
interface Pass {
  waitingUntil: Map<string, number>
  scheduled: Set<string>
}

const readOperation = async (ID: string) => (await cds.tx(() => SELECT.one.from(WriteBackOperations).where({ ID }))) as OperationRow | null

export async function deliverInOrder(id: string, context: DeliveryContext) {
  const op = await readOperation(id)
  // Delivered, parked or discarded meanwhile (e.g. by the pass of an earlier operation on the document): nothing to do.
  if (!op || op.status !== 'Pending') return
  const document = op.s4Document ?? op.s4Object
  const leased = await oneAtATime(document, () => withDocumentLease(document, lease => deliverDocument(document, context, lease)))
  if ('busyForMs' in leased) {
    // Another instance delivers to the document; its pass may take this operation along, else this message does.
    const { retryDelayMs } = writeBackSettings().delivery
    return context.schedule(id, Math.min(leased.busyForMs, retryDelayMs * 4) + Math.random() * retryDelayMs)
  }
  const after = await readOperation(id)
  if (after?.status !== 'Pending' || leased.done.scheduled.has(id)) return
  // Left waiting for an older operation on its object (or for its own next attempt): come back when that one is due.
  const waitUntil = leased.done.waitingUntil.get(after.s4Object) ?? dueAt(after)
  await context.schedule(id, Math.max(0, waitUntil - Date.now()) + 10)
}

const dueAt = (op: OperationRow) => (op.nextAttemptAt ? Date.parse(op.nextAttemptAt) : 0)

async function deliverDocument(document: string, context: DeliveryContext, lease: Lease): Promise<Pass> {
  // Operations planned before s4Document existed name their document by their object.
  const pending = (await cds.tx(() =>
    SELECT.from(WriteBackOperations)
      .where`status = 'Pending' and (s4Document = ${document} or (s4Document is null and s4Object = ${document}))`
      .orderBy('sequence', 'createdAt')
  )) as OperationRow[]
  const pass: Pass = { waitingUntil: new Map(), scheduled: new Set() }
  for (const op of pending) {
    if (!lease.held()) break // taken over after it ran out: the next holder goes on
    if (targets[op.target].setsState) {
      const newer = await newerOperation(op)
      if (newer) {
        await supersede(op, newer)
        continue
      }
    }
    if (pass.waitingUntil.has(op.s4Object)) continue
    if (dueAt(op) > Date.now()) {
      pass.waitingUntil.set(op.s4Object, dueAt(op))
      continue
    }
    const retryAt = await attempt(op, context)
    if (retryAt) {
      pass.waitingUntil.set(op.s4Object, retryAt)
      pass.scheduled.add(op.ID)
    }
  }
  return pass
}

/** The newest later operation on the same S/4 object, whatever its status: a state the CRM decided after this one. */
async function newerOperation(op: OperationRow): Promise<Newer | undefined> {
  if (op.sequence === null) return undefined
  return ((await cds.tx(() =>
    SELECT.one.from(WriteBackOperations).columns('ID', 'event', 'status').where({ s4Object: op.s4Object, sequence: { '>': op.sequence } }).orderBy('sequence desc')
  )) as Newer | null) ?? undefined
}

type Newer = Filled<WriteBackOperation, 'ID' | 'event' | 'status'>

const supersededResult = (newer: Pick<Newer, 'ID' | 'event'>) =>
  `not written: a newer operation (${newer.event}, ${newer.ID}) sets the same S/4 object`

async function supersede(op: OperationRow, newer: Newer) {
  await cds.tx(() =>
    UPDATE(WriteBackOperations).set({ status: 'Superseded', supersededBy_ID: newer.ID, nextAttemptAt: null, result: supersededResult(newer) }).where({ ID: op.ID, status: 'Pending' })
  )
  LOG.info(`write-back ${op.ID} (${op.target} ${op.s4Object}) superseded by ${newer.ID} (${newer.event})`)
}

/** One delivery attempt; answers when the next attempt is due, or undefined when the operation is delivered or parked. */
async function attempt(op: OperationRow, context: DeliveryContext): Promise<number | undefined> {
  const attempts = op.attempts + 1
  const now = new Date().toISOString()
  let delivered: Delivered
  try {
    const answer = await targets[op.target].deliver({ ID: op.ID, payload: JSON.parse(op.payload) as unknown }, context.s4)
    delivered = typeof answer === 'string' ? { result: answer } : answer
  } catch (error) {
    return failed(op, attempts, now, error, context)
  }
  const { result, mirror } = delivered
  await cds.tx(async () => {
    await UPDATE(WriteBackOperations)
      .set({ status: 'Delivered', attempts, lastAttemptAt: now, deliveredAt: now, nextAttemptAt: null, result, httpStatus: null, errorCode: null, errorMessage: null, errorTransaction: null })
      .where({ ID: op.ID })
    await INSERT.into(WriteBackAttempts).entries({ ID: cds.utils.uuid(), operation_ID: op.ID, outcome: 'delivered', message: result.slice(0, 1000) })
    // The apps show what S/4 holds now, not only after the next reconciliation.
    if (mirror) await UPDATE(mirror.entity).set(mirror.set).where(mirror.where)
    // Older states of the object that were parked (or are still waiting) must never overwrite this one: an admin's
    // retry of them is refused from now on.
    if (targets[op.target].setsState && op.sequence !== null)
      await UPDATE(WriteBackOperations)
        .set({ status: 'Superseded', supersededBy_ID: op.ID, nextAttemptAt: null, result: supersededResult(op) })
        .where({ s4Object: op.s4Object, sequence: { '<': op.sequence }, status: { in: ['Pending', 'Failed'] } })
  })
  LOG.info(`write-back ${op.ID} (${op.target} ${op.s4Object}) delivered: ${result}`)
  return undefined
}

async function failed(op: OperationRow, attempts: number, now: string, error: unknown, context: DeliveryContext): Promise<number | undefined> {
  const failure = error instanceof S4Error ? error : undefined
  const { maxAttempts, retryDelayMs, maxRetryDelayMs } = writeBackSettings().delivery
  // Anything but a permanent answer from S/4 (4xx) may pass: S/4 down, a timeout, a destination not yet bound.
  const retry = (failure?.transient ?? true) && attempts < maxAttempts
  const delay = Math.max(failure?.retryAfterMs ?? 0, retryDelay(attempts, retryDelayMs, { maxMs: maxRetryDelayMs }))
  const message = ((error as Error).message ?? String(error)).slice(0, 1000)
  await cds.tx(async () => {
    await UPDATE(WriteBackOperations)
      .set({
        status: retry ? 'Pending' : 'Failed',
        attempts,
        lastAttemptAt: now,
        nextAttemptAt: retry ? new Date(Date.now() + delay).toISOString() : null,
        httpStatus: failure?.httpStatus ?? null,
        errorCode: failure?.code?.slice(0, 60) ?? null,
        errorMessage: message,
        errorTransaction: failure?.transactionId?.slice(0, 60) ?? null,
      })
      .where({ ID: op.ID })
    await INSERT.into(WriteBackAttempts).entries({ ID: cds.utils.uuid(), operation_ID: op.ID, outcome: retry ? 'retry' : 'failed', httpStatus: failure?.httpStatus ?? null, message })
    if (retry) await context.schedule(op.ID, delay)
  })
  if (!retry) {
    LOG.error(`write-back ${op.ID} (${op.target} ${op.s4Object}) parked as failed after ${attempts} attempt(s): ${message}`)
    return undefined
  }
  LOG.warn(`write-back ${op.ID} (${op.target} ${op.s4Object}) attempt ${attempts} failed: ${message}; next attempt in ${Math.round(delay / 1000)} s`)
  return Date.now() + delay
}

const inFlight = new Map<string, Promise<unknown>>()

/**
 * The queue delivers several messages at once; in this process, deliveries to the same S/4 document wait for each
 * other here rather than for the lease, which keeps the lease for what it is for: other instances.
 */
function oneAtATime<T>(document: string, deliver: () => Promise<T>): Promise<T> {
  const before = inFlight.get(document) ?? Promise.resolve()
  const mine = before.catch(() => undefined).then(deliver)
  const settled = mine.catch(() => undefined)
  inFlight.set(document, settled)
  void settled.then(() => {
    if (inFlight.get(document) === settled) inFlight.delete(document)
  })
  return mine
}
