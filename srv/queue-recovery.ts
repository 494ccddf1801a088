import cds from '@sap/cds'

// WHY: CAP 10.1.1's persistent queue (@sap/cds/libx/queue/processing.js, the implementation cds.requires.scheduling
// selects by default) marks the messages it takes as status 'processing' without a lastAttemptTimestamp, and takes a
// message again only when `status is null or lastAttemptTimestamp < now - timeout`. A message in flight when the
// process stops is therefore never taken again: after kill -9, and after a SIGTERM (what `cf restart` and every
// redeploy send), as CAP's shutdown closes the database pool under the running handlers and exits a second later.
// Measured: 14 of 266 invoice mails never sent and 2 write-backs left Pending after a kill -9.
//
// So, for each queue, at start-up and then periodically:
// - a message found in 'processing' without a timestamp is stamped `lastAttemptTimestamp = now + timeout`. It may
//   belong to another instance that is processing it right now (several instances share the database), so it is
//   left alone for one timeout (cds.requires.<service>.queued.timeout, or cds.requires.queue.timeout).
// - a stamped message still in 'processing' one timeout later is handed back (status null, no timestamp, as when it
//   was queued) with a conditional UPDATE, and the queue is flushed: CAP only schedules its processing for new
//   messages and at start. The stamp lies one timeout ahead so that CAP's own rule would take the message only one
//   timeout after us: never while we hand it back, and still if this module is gone.
// - CAP's own rule covers a message with a timestamp (one retried after a failure): flushed once it is overdue.
// The queue's taking of a message stamps it the same way at once (stampWhenTaken): a message retried long after its
// last failure would otherwise be in hand and overdue at the same time, and taken again while it runs. So a message
// in 'processing' carries its stamp from the moment it is taken; the passes stamp only what an instance without this
// module took (during a rolling redeploy).
// On SIGTERM, the instance stops taking messages, lets those it holds finish (at most SHUTDOWN_GRACE_MS), and then
// shuts down as CAP does, so that a redeploy strands nothing. The handlers make a message that runs twice harmless
// (an invoice mail checks its conversation, a write-back its marker in S/4HANA).

const LOG = cds.log('queue')
const MESSAGES = 'cds.outbox.Messages'
const PROCESSING = 'processing'
/** Cloud Foundry kills an app 10 s after SIGTERM. */
const SHUTDOWN_GRACE_MS = 8000

interface QueueOptions {
  timeout: string | number
  maxAttempts: number
}
type QueuedService = cds.Service & { queued: QueueOptions; flush(): Promise<unknown> }

export interface Queue {
  service: string
  /** cds.outbox.Messages.target of its messages */
  target: string
  timeoutMs: number
  maxAttempts: number
  flush(): Promise<unknown>
}

const ms4 = (cds.utils as unknown as { ms4: (span: string | number) => number }).ms4

/** The timeout of the queue with that target, as CAP 10.1.1 configures it: its own (`queued: {…}`) or the shared one. */
function timeoutOfTarget(target: string): number {
  const requires = cds.env.requires as Record<string, { queued?: unknown; outboxed?: unknown; timeout?: string | number } | undefined>
  const own = requires[target]?.outboxed ?? requires[target]?.queued
  return ms4((own && typeof own === 'object' ? (own as { timeout?: string | number }).timeout : undefined) ?? requires.queue!.timeout!)
}

/** A queued service's queue, named as CAP 10.1.1 names it: its own (`queued: {…}`) or the shared 'queue'. */
export async function queueOf(service: string): Promise<Queue> {
  const queued = cds.queued(await cds.connect.to(service)) as QueuedService
  const config = (cds.env.requires as Record<string, { queued?: unknown; outboxed?: unknown } | undefined>)[service]
  const own = config?.outboxed ?? config?.queued
  const target = typeof own === 'string' ? own : own && typeof own === 'object' ? service : 'queue'
  return { service, target, timeoutMs: ms4(queued.queued.timeout), maxAttempts: queued.queued.maxAttempts, flush: () => queued.flush() }
}

const iso = (ms: number) => new Date(ms).toISOString()

/** One pass over a queue (see above); in a transaction of its own. */
export async function recoverQueue(queue: Queue, now = Date.now()): Promise<{ handedBack: number; stamped: number; overdue: number }> {
  const { target, timeoutMs } = queue
  const outcome = await cds.tx({ user: new cds.User.Privileged() }, async () => {
    const handedBack = await UPDATE(MESSAGES)
      .set({ status: null, lastAttemptTimestamp: null })
      .where({ target, status: PROCESSING, attempts: 0 })
      .and(`lastAttemptTimestamp <=`, iso(now))
      .and(`lastAttemptTimestamp >=`, iso(now - timeoutMs))
    const stamped = await UPDATE(MESSAGES).set({ lastAttemptTimestamp: iso(now + timeoutMs) }).where({ target, status: PROCESSING, lastAttemptTimestamp: null })
    const overdue = (await SELECT.one.from(MESSAGES).columns('count(1) as n').where({ target, status: PROCESSING, attempts: { '<': queue.maxAttempts } }).and(`lastAttemptTimestamp <`, iso(now - timeoutMs))) as { n: number }
    return { handedBack, stamped, overdue: Number(overdue.n) }
  })
  if (outcome.handedBack) LOG.warn(`${queue.service}: ${outcome.handedBack} message(s) left in processing by a stopped instance taken up again`)
  if (outcome.overdue) LOG.warn(`${queue.service}: ${outcome.overdue} message(s) in processing for longer than the timeout (a stopped instance's): flushed, to be taken again`)
  if (outcome.handedBack || outcome.overdue) void queue.flush().catch(error => LOG.error(`${queue.service}: flush after recovery failed`, error))
  return outcome
}

/**
 * Whether a message for `data` is one the queue will still deliver by itself: queued or due within its timeout (a
 * message in hand or about to be), or scheduled for later, with attempts left. What else there is for `data` (stranded,
 * overdue, dead) is removed, in the caller's transaction, so that the message the caller sends next is the only one.
 * Answers false (and removes nothing) while a live message exists, or when another request removed them first.
 */
export async function clearStuckMessages(service: string, event: string, data: Record<string, string>): Promise<boolean> {
  const queue = await queueOf(service)
  const now = Date.now()
  const candidates = (await SELECT.from(MESSAGES)
    .columns('ID', 'msg', 'status', 'attempts', 'timestamp')
    .where({ target: queue.target, msg: { like: `%"event":"${event}"%` } })) as { ID: string; msg: string; status: string | null; attempts: number; timestamp: string }[]
  const mine = candidates.filter(row => {
    const message = JSON.parse(row.msg) as { data?: Record<string, unknown> }
    return Object.entries(data).every(([key, value]) => message.data?.[key] === value)
  })
  const live = mine.some(row => (row.attempts ?? 0) < queue.maxAttempts && new Date(row.timestamp).getTime() > now - queue.timeoutMs)
  if (live) return false
  for (const row of mine) {
    const removed = await DELETE.from(MESSAGES).where({ ID: row.ID, status: row.status, attempts: row.attempts })
    if (!removed) return false
  }
  return true
}

/**
 * WHY (CAP 10.1.1): the queue takes messages with `UPDATE … SET status = 'processing'` (libx/queue/processing.js) and
 * leaves their lastAttemptTimestamp as it was: none for a new message, the time of the last failure for a retried
 * one. A message retried more than one timeout after that failure (its instance stopped meanwhile, or no flush came
 * sooner) is in hand and yet overdue by CAP's own rule `lastAttemptTimestamp < now - timeout`: the next flush of any
 * instance, or the one recoverQueue starts for overdue messages every few seconds, takes it again while it runs, and
 * it is delivered twice. So the taking stamps it as a recovery pass would on first sight (now + timeout): in hand for
 * one timeout, whatever its attempts. One UPDATE takes the messages of one queue; the stamp goes into that statement.
 */
function stampWhenTaken(): void {
  const db = cds.db as cds.DatabaseService
  db.before('UPDATE', MESSAGES, async req => {
    const { data, where } = (req.query as { UPDATE: { data?: Record<string, unknown>; where?: unknown[] } }).UPDATE
    if (data?.status !== PROCESSING || 'lastAttemptTimestamp' in data) return
    // The same rows (locked by the queue's SELECT … FOR UPDATE in this transaction); a CXN array is taken as it is.
    const taken = (await SELECT.one.from(MESSAGES).columns('target').where(where as never)) as { target: string } | undefined
    if (taken) data.lastAttemptTimestamp = iso(Date.now() + timeoutOfTarget(taken.target))
  })
}

/** Starts the recovery of the given queued services: at once, and then periodically while the server runs. */
export function recoverQueues(services: string[]): void {
  // Before the queue's first processing, which starts on 'listening'.
  cds.once('served', stampWhenTaken)
  cds.on('listening', async () => {
    const queues = await Promise.all(services.map(queueOf))
    const pass = () => Promise.all(queues.map(queue => recoverQueue(queue).catch(error => LOG.error(`${queue.service}: recovery pass failed`, error))))
    const intervalMs = Math.min(60_000, Math.max(1000, Math.min(...queues.map(q => q.timeoutMs)) / 3))
    const timer = setInterval(pass, intervalMs).unref()
    cds.on('shutdown', () => clearInterval(timer))
    drainOnSigterm(services)
    await pass()
  })
}

/**
 * CAP's SIGTERM handler (bin/serve.js) shuts down at once. In front of it: stop taking messages, wait until those in
 * hand are committed, then hand over to CAP. In hand: from the queue's SELECT … FOR UPDATE until its transaction ends,
 * and from a handler's start until the queue's transaction around it ends ('done' follows the commit). Between the
 * two there are only microtasks, so the count is checked again once they have run.
 */
function drainOnSigterm(services: string[]): void {
  const shutdown = (cds as unknown as { shutdown?: () => Promise<void> }).shutdown
  if (!shutdown || !process.listeners('SIGTERM').includes(shutdown)) return LOG.warn('No SIGTERM handler of cds serve found: messages in hand at a stop are recovered after the timeout')
  let inHand = 0
  let stopping = false
  const idle = new Set<() => void>()
  const hold = () => {
    const context = cds.context as (cds.EventContext & { on(event: 'done', listener: () => void): void }) | undefined
    if (!context) return
    inHand++
    context.on('done', () => {
      if (--inHand === 0) setImmediate(() => inHand === 0 && idle.forEach(resolve => resolve()))
    })
  }
  for (const name of services) {
    const srv = cds.unqueued(cds.services[name] as cds.Service)
    srv.prepend(() => srv.before('*', hold))
  }
  const db = cds.db as cds.DatabaseService
  db.prepend(() =>
    db.on('SELECT', MESSAGES, (req, next) => {
      if (!(req.query as { SELECT: { forUpdate?: unknown } }).SELECT.forUpdate) return next()
      if (stopping) return []
      hold()
      return next()
    })
  )
  process.removeListener('SIGTERM', shutdown)
  process.on('SIGTERM', () => {
    if (stopping) return
    stopping = true
    LOG.info(`SIGTERM: finishing what the queue has in hand before the shutdown`)
    const drained = new Promise<void>(resolve => {
      if (!inHand) return resolve()
      idle.add(resolve)
      setTimeout(resolve, SHUTDOWN_GRACE_MS).unref()
    })
    void drained.then(() => shutdown())
  })
}
