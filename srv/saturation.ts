import cds from '@sap/cds'
import { messageFor } from './request-language'
import type { Request, RequestHandler, Response } from 'express'

// When more arrives than the database can take, the client is told to come back (503 with Retry-After), never
// answered 500. Two parts:
// - an admission gate in front of the customers' endpoint (/rest/respond), which anyone can flood: a few answers at
//   a time, the others wait their turn in memory, and what cannot get a turn soon is refused at once, before it holds
//   a database connection;
// - for every service, a database connection that could not be had in time (the pool's acquireTimeoutMillis, e.g.
//   "ResourceRequest timed out" on PostgreSQL) becomes that 503 too: nothing was done, so trying again is safe.

export interface AdmissionSettings {
  /** Requests in progress at once: well below the database pool, which the rest of the app needs too. */
  concurrent: number
  /** Requests waiting for their turn; one more is refused at once. */
  queued: number
  /** How long a request waits for its turn before it is refused. */
  maxWaitMs: number
  /** What Retry-After says. */
  retryAfterSeconds: number
}

const DEFAULTS: AdmissionSettings = { concurrent: 8, queued: 500, maxWaitMs: 10_000, retryAfterSeconds: 2 }

/** cds.requires.respond.admission, over the defaults. */
export const admissionSettings = (): AdmissionSettings => ({ ...DEFAULTS, ...(cds.env.requires.respond as { admission?: Partial<AdmissionSettings> } | undefined)?.admission })

/** The translated 503 answer, in the JSON shape of CAP's errors. */
function sendBusy(req: Request, res: Response, retryAfterSeconds: number) {
  const message = messageFor(req, 'SERVICE_BUSY')
  res.status(503).setHeader('Retry-After', String(retryAfterSeconds))
  res.json({ error: { code: '503', message } })
}

/** At most `concurrent` requests in progress and `queued` waiting (first come, first served); the rest get 503. */
export function admission(settings: AdmissionSettings = admissionSettings()): RequestHandler {
  let running = 0
  const waiting: (() => void)[] = []
  const release = () => {
    const next = waiting.shift()
    if (next) next() // the freed place goes straight to the next in line
    else running--
  }
  return (req, res, next) => {
    const admit = () => {
      let done = false
      const leave = () => {
        if (done) return
        done = true
        release()
      }
      res.once('finish', leave)
      res.once('close', leave)
      next()
    }
    if (running < settings.concurrent) {
      running++
      return admit()
    }
    if (waiting.length >= settings.queued) return sendBusy(req, res, settings.retryAfterSeconds)
    const turn = () => {
      clearTimeout(timer)
      res.off('close', gaveUp)
      admit()
    }
    const leaveQueue = () => {
      const i = waiting.indexOf(turn)
      if (i >= 0) waiting.splice(i, 1)
    }
    const timer = setTimeout(() => {
      leaveQueue()
      sendBusy(req, res, settings.retryAfterSeconds)
    }, settings.maxWaitMs)
    // A client that gave up waiting leaves the queue.
    const gaveUp = () => {
      clearTimeout(timer)
      leaveQueue()
    }
    res.once('close', gaveUp)
    waiting.push(turn)
  }
}

/** The pool's error when no connection became free within acquireTimeoutMillis (generic-pool's TimeoutError). */
const isPoolTimeout = (error: unknown) => error instanceof Error && error.name === 'TimeoutError' && /ResourceRequest timed out/.test(error.message)

/** Answers a request whose database connection could not be had in time with 503 and Retry-After, in every service. */
export function answerPoolTimeoutsWith503() {
  cds.on('serving', srv => {
    if (!(srv instanceof cds.ApplicationService)) return
    srv.on('error', (error: Error & { status?: number; statusCode?: number; code?: string }, req: cds.Request) => {
      if (!isPoolTimeout(error)) return
      error.status = error.statusCode = 503
      error.code = '503'
      error.message = 'SERVICE_BUSY'
      req.http?.res.setHeader('Retry-After', String(admissionSettings().retryAfterSeconds))
    })
  })
}
