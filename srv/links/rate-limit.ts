import type { Request, RequestHandler, Response } from 'express'
import { isIPv6 } from 'node:net'
import { failureSettings } from './config'

// Throttling for the customer-facing link endpoints, which anyone on the internet can call without logging in:
// a general request limit per client, and a stricter one for failed link verifications, so that a client
// trying tokens is shut out even when it then presents a well-formed one. In memory, per instance: with n
// instances a client gets up to n times the limit, which is still a limit (a shared store is not worth a
// Redis round trip on every click).
//
// The client is req.ip. Behind proxies, express only knows the client when `trust proxy` is set to the number
// of proxies in front of the app, which server.ts has to do (app.set('trust proxy', n) at 'bootstrap'); without
// it, req.ip is the Cloud Foundry router and every customer shares one limit. On BTP: 1 when customers reach
// the service's own route (CF router), 2 through the app router (CF router, app router, CF router). Never more
// than there are: the client can write anything into X-Forwarded-For, and express counts from the right.

const TOO_MANY = 'Too many requests. Please wait a moment and try again.'
const DEFAULT_MAX_KEYS = 100_000

interface Bucket {
  tokens: number
  at: number
}

/**
 * A token bucket per key: `capacity` requests at once, refilled evenly over `windowMs`, so a key that used all
 * gets one more every windowMs / capacity. A bucket that has refilled is the same as none and is swept; beyond
 * maxKeys the least recently used one goes, so memory stays bounded even when keys are many.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>()
  private readonly perMs: number
  private sweeper?: NodeJS.Timeout

  constructor(
    readonly capacity: number,
    readonly windowMs: number,
    readonly maxKeys = DEFAULT_MAX_KEYS
  ) {
    if (!(capacity >= 1) || !(windowMs > 0) || !(maxKeys >= 1)) throw new RangeError('A rate limit needs max ≥ 1, windowMs > 0 and maxKeys ≥ 1')
    this.perMs = capacity / windowMs
  }

  /** Takes a token: 0 if there was one, else the milliseconds until there is. */
  take(key: string, now = Date.now()): number {
    const tokens = this.tokens(key, now)
    if (tokens < 1) return this.untilOne(tokens)
    this.store(key, { tokens: tokens - 1, at: now })
    return 0
  }

  /** Milliseconds until the key has a token again; 0 if it has one. */
  waitMs(key: string, now = Date.now()): number {
    const tokens = this.tokens(key, now)
    return tokens < 1 ? this.untilOne(tokens) : 0
  }

  get size(): number {
    return this.buckets.size
  }

  /** Forgets the buckets that have refilled. */
  sweep(now = Date.now()): void {
    for (const [key, bucket] of this.buckets) if (this.refilled(bucket, now) >= this.capacity) this.buckets.delete(key)
  }

  close(): void {
    clearInterval(this.sweeper)
    this.sweeper = undefined
    this.buckets.clear()
  }

  private tokens(key: string, now: number): number {
    const bucket = this.buckets.get(key)
    return bucket ? this.refilled(bucket, now) : this.capacity
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.perMs)
  }

  private untilOne(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.perMs))
  }

  private store(key: string, bucket: Bucket): void {
    // Delete first, so that the Map's insertion order is least recently used first.
    this.buckets.delete(key)
    this.buckets.set(key, bucket)
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!)
    // Lazily and unref'd: no timer for a limiter never used, and none that keeps the process alive.
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(this.windowMs, 1000)).unref()
  }
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

export function sendTooManyRequests(res: Response, waitMs: number): void {
  const { status, code, message } = new TooManyRequests(waitMs)
  res.status(status).set('Retry-After', retryAfterSeconds(waitMs)).json({ error: { code, message } })
}

export interface RateLimitOptions {
  windowMs: number
  /** Requests per key and window; a burst of max is allowed, then one per windowMs / max. */
  max: number
  /** Default: the client's IP (see clientIp). */
  key?: (req: Request) => string
  /** Bound on the keys kept; default 100,000 (a few MB). */
  maxKeys?: number
}

/** An express middleware that answers 429 with Retry-After once a key has used up its requests. */
export function rateLimit({ windowMs, max, key = clientIp, maxKeys }: RateLimitOptions): RequestHandler {
  const buckets = new TokenBuckets(max, windowMs, maxKeys)
  return (req, res, next) => {
    const wait = buckets.take(key(req))
    if (wait) return sendTooManyRequests(res, wait)
    next()
  }
}

// Failed verifications (cds.requires.links.failures, default 20 per 10 minutes and client): one per process,
// shared by every link endpoint, so a client cannot spread its guesses over them.
let failures: TokenBuckets | undefined
const failureBuckets = () => (failures ??= new TokenBuckets(failureSettings().max, failureSettings().windowMs))

export function recordFailure(ip: string): void {
  failureBuckets().take(ip)
}

/** Milliseconds until the client may try again; 0 if it is not blocked. */
export const blockedFor = (ip: string): number => failureBuckets().waitMs(ip)

export const isBlocked = (ip: string): boolean => blockedFor(ip) > 0

/** For tests, and for a changed cds.requires.links.failures to take effect. */
export function resetFailures(): void {
  failures?.close()
  failures = undefined
}
