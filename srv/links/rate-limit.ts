import type { Request, RequestHandler, Response } from 'express'
import { createHash } from 'node:crypto'
import { isIPv6 } from 'node:net'
import cds from '@sap/cds'
import { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { jobsSettings, redisOf } from '../jobs/config'
import { failureSettings } from './config'
import { messageFor } from '../request-language'

// Throttling for the customer-facing link endpoints, which anyone on the internet can call without logging in:
// a general request limit per client, and a stricter one for failed link verifications, so that a client
// trying tokens is shut out even when it then presents a well-formed one. With Redis bound (the jobs' Redis,
// cds.requires.jobs.redis / REDIS_URL / the bound service), the counters live there, so the limit holds across
// instances; without it, in memory per instance. When Redis is down, an in-memory insurance limiter takes
// over: per instance again, but requests are neither refused nor let through unlimited because of the outage.
//
// The client is req.ip. Behind proxies, express only knows the client when `trust proxy` is set to the number
// of proxies in front of the app, which server.ts has to do (app.set('trust proxy', n) at 'bootstrap'); without
// it, req.ip is the Cloud Foundry router and every customer shares one limit. On BTP: 1 when customers reach
// the service's own route (CF router), 2 through the app router (CF router, app router, CF router). Never more
// than there are: the client can write anything into X-Forwarded-For, and express counts from the right.

/** The key of its text in _i18n/messages*.properties. */
const TOO_MANY = 'TOO_MANY_REQUESTS'
// Prefixed with the app's name, as other apps may share the Redis; the client's address never appears in a
// key, only its hash (an IP is personal data), and every key expires with its window.
const KEY_PREFIX = 'invoice-crm:rate'

let redis: Redis | undefined
function sharedRedis(): Redis | undefined {
  const target = redisOf(jobsSettings() ?? {})
  if (!target) return undefined
  // No offline queue: while Redis is unreachable, calls fail at once and the insurance limiter answers.
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
  if (!redis) {
    redis = typeof target === 'string' ? new Redis(target, options) : new Redis({ ...target, ...options })
    // Reconnects keep failing during an outage; the jobs runner on the same Redis reports it, here it is only noise.
    redis.on('error', error => cds.log('links').debug('rate limits in memory while Redis is unreachable:', error.message))
  }
  return redis
}

export interface LimiterOptions {
  /** Requests per key and window (a fixed window: max at most, then none until the window is over). */
  max: number
  /** Whole seconds are what the store keeps; shorter windows are rounded up to one second. */
  windowMs: number
  /** Names the limit in its keys, so that two limits do not count together. */
  name: string
  /** A Redis client; default the app's (see sharedRedis), none: in memory. */
  redis?: Redis | null
}

/** A limit in Redis when there is one, with an in-memory insurance for outages; else in memory. */
export function limiter({ max, windowMs, name, redis: client = sharedRedis() }: LimiterOptions): RateLimiterAbstract {
  if (!(max >= 1) || !(windowMs > 0)) throw new RangeError('A rate limit needs max ≥ 1 and windowMs > 0')
  const options = { points: max, duration: Math.max(1, Math.ceil(windowMs / 1000)), keyPrefix: `${KEY_PREFIX}:${name}` }
  const memory = new RateLimiterMemory(options)
  return client ? new RateLimiterRedis({ ...options, storeClient: client, rejectIfRedisNotReady: true, insuranceLimiter: memory }) : memory
}

const hashed = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 22)

/** Takes a point: 0 if there was one, else the milliseconds until there is. */
async function take(limit: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limit.consume(hashed(key))
    return 0
  } catch (refused) {
    if (refused instanceof RateLimiterRes) return Math.max(1, refused.msBeforeNext)
    throw refused
  }
}

/** Milliseconds until the key has a point again; 0 if it has one. */
async function waitMs(limit: RateLimiterAbstract, key: string): Promise<number> {
  const state = await limit.get(hashed(key))
  return state && state.remainingPoints <= 0 ? Math.max(1, state.msBeforeNext) : 0
}

/**
 * The key of a client: its IP address, for IPv6 its /64, which is what one subscriber usually gets, so that
 * walking through the addresses of one's own network does not escape the limit.
 */
export function clientIp(req: Request): string {
  const ip = (req.ip ?? req.socket?.remoteAddress ?? 'unknown').replace(/%.*$/, '')
  if (!isIPv6(ip)) return ip
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return ip.slice(7)
  const [head, tail] = ip.split('::')
  const groups = (part?: string) => (part ? part.split(':') : [])
  const full = tail === undefined ? groups(head) : [...groups(head), ...Array(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)]
  return `${full.slice(0, 4).map(g => parseInt(g, 16).toString(16)).join(':')}::/64`
}

/** What a throttled client is told, and in retryAfterMs when it may try again. */
export class TooManyRequests extends Error {
  readonly status = 429
  readonly code = '429'
  constructor(readonly retryAfterMs: number) {
    super(TOO_MANY)
    this.name = 'TooManyRequests'
  }
}

/** Retry-After is in whole seconds; rounded up, so that a client that waits as told is let in. */
export const retryAfterSeconds = (waitMs: number): string => String(Math.max(1, Math.ceil(waitMs / 1000)))

/** 429 with Retry-After, in the language the request asks for. */
export function sendTooManyRequests(req: Request, res: Response, waitMs: number): void {
  const { status, code } = new TooManyRequests(waitMs)
  res.status(status).set('Retry-After', retryAfterSeconds(waitMs)).json({ error: { code, message: messageFor(req, TOO_MANY) } })
}

export interface RateLimitOptions {
  windowMs: number
  /** Requests per key and window. */
  max: number
  /** Default: the client's IP (see clientIp). */
  key?: (req: Request) => string
  /** Names the limit in its Redis keys; default 'requests'. */
  name?: string
  /** Default: the app's Redis if bound; null: in memory. */
  redis?: Redis | null
}

/** An express middleware that answers 429 with Retry-After once a key has used up its requests. */
export function rateLimit({ windowMs, max, key = clientIp, name = 'requests', redis: client }: RateLimitOptions): RequestHandler {
  const limit = limiter({ max, windowMs, name, redis: client })
  return (req, res, next) => {
    take(limit, key(req)).then(wait => (wait ? sendTooManyRequests(req, res, wait) : next()), next)
  }
}

// Failed verifications (cds.requires.links.failures, default 20 per 10 minutes and client): one limit shared by
// every link endpoint, so a client cannot spread its guesses over them.
let failures: RateLimiterAbstract | undefined
const failureLimit = () => (failures ??= limiter({ ...failureSettings(), name: 'failures' }))

export async function recordFailure(ip: string): Promise<void> {
  await take(failureLimit(), ip)
}

/** Milliseconds until the client may try again; 0 if it is not blocked. */
export const blockedFor = (ip: string): Promise<number> => waitMs(failureLimit(), ip)

export const isBlocked = async (ip: string): Promise<boolean> => (await blockedFor(ip)) > 0

/** For tests, and for a changed cds.requires.links.failures to take effect. */
export async function resetFailures(): Promise<void> {
  failures = undefined
  // The counters in Redis outlive this process: forget them too, or the next limit starts where this one was.
  const client = sharedRedis()
  if (!client) return
  for await (const keys of client.scanStream({ match: `${KEY_PREFIX}:failures:*`, count: 1000 }) as AsyncIterable<string[]>) if (keys.length) await client.del(...keys)
}
