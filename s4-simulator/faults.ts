/**
 * Fault injection for the simulator: latency, random 503/429 (with Retry-After) and dropped
 * connections by rate, plus a deterministic queue for tests ("the next 2 requests get 503").
 */
import { Rng } from './data-generator'

export interface FaultSettings {
  /** added to every OData request */
  latencyMs: number
  /** fraction (0..1) of requests answered with 503 or 429 */
  errorRate: number
  /** share of those errors that are 503 (the rest are 429) */
  status503Share: number
  /** Retry-After header (seconds) on injected 503/429; null = no header */
  retryAfterSeconds: number | null
  /** fraction (0..1) of requests whose socket is destroyed without a response */
  dropRate: number
  /** fraction (0..1) of requests that are carried out, but whose response is lost (the socket is destroyed instead) */
  lostResponseRate: number
  /** a read asking for at least this many rows ($top) is answered only after slowPageMs, as S/4HANA does large $expand pages under load; 0 = off */
  slowPageTop: number
  slowPageMs: number
}

export type PathMatch = string | RegExp | undefined

interface Queued { kind: 'fail' | 'drop' | 'lose' | 'late'; status: number; retryAfterSeconds: number | null; match: PathMatch; delayMs?: number }

export interface FaultDecision {
  latencyMs: number
  drop: boolean
  status?: number
  retryAfterSeconds?: number | null
  /** carry the request out, then destroy the socket instead of answering */
  loseResponse?: boolean
  /** carry the request out, then answer only after this many ms (a client timeout after S/4 applied the change) */
  answerAfterMs?: number
}

const DEFAULTS: FaultSettings = { latencyMs: 0, errorRate: 0, status503Share: 0.5, retryAfterSeconds: 1, dropRate: 0, lostResponseRate: 0, slowPageTop: 0, slowPageMs: 0 }

export class Faults implements FaultSettings {
  latencyMs = 0
  errorRate = 0
  status503Share = 0.5
  retryAfterSeconds: number | null = 1
  dropRate = 0
  lostResponseRate = 0
  slowPageTop = 0
  slowPageMs = 0
  private queue: Queued[] = []
  private rng: Rng

  constructor(settings: Partial<FaultSettings> = {}, seed = 1) {
    this.rng = new Rng(seed)
    this.set(settings)
  }

  set(settings: Partial<FaultSettings>): this {
    for (const k of Object.keys(DEFAULTS) as Array<keyof FaultSettings>) {
      if (settings[k] === undefined) continue
      const v = settings[k]
      if (k === 'retryAfterSeconds') { this.retryAfterSeconds = v === null ? null : Number(v); continue }
      const n = Number(v)
      if (!Number.isFinite(n) || n < 0) throw new Error(`invalid fault setting ${k}=${String(v)}`)
      if ((k === 'errorRate' || k === 'dropRate' || k === 'status503Share' || k === 'lostResponseRate') && n > 1) throw new Error(`${k} must be between 0 and 1`)
      ;(this as unknown as Record<string, number>)[k] = n
    }
    return this
  }

  /** The next `n` requests (whose path matches, if given) are answered with `status`. */
  failNext(n: number, status = 503, retryAfterSeconds: number | null = this.retryAfterSeconds, match?: PathMatch): this {
    for (let i = 0; i < n; i++) this.queue.push({ kind: 'fail', status, retryAfterSeconds, match })
    return this
  }

  /** The next `n` requests (whose path matches, if given) lose their connection without a response. */
  dropNext(n: number, match?: PathMatch): this {
    for (let i = 0; i < n; i++) this.queue.push({ kind: 'drop', status: 0, retryAfterSeconds: null, match })
    return this
  }

  /** The next `n` requests (whose path matches) are carried out, but their responses are lost. */
  loseResponseNext(n: number, match?: PathMatch): this {
    for (let i = 0; i < n; i++) this.queue.push({ kind: 'lose', status: 0, retryAfterSeconds: null, match })
    return this
  }

  /** The next `n` requests (whose path matches) are carried out, and answered only after `delayMs`. */
  answerLateNext(n: number, delayMs: number, match?: PathMatch): this {
    for (let i = 0; i < n; i++) this.queue.push({ kind: 'late', status: 0, retryAfterSeconds: null, match, delayMs })
    return this
  }

  get pending(): number { return this.queue.length }

  /** Back to no faults (settings and queue). */
  reset(): this {
    this.queue = []
    return this.set(DEFAULTS)
  }

  settings(): FaultSettings & { pending: number } {
    return {
      latencyMs: this.latencyMs, errorRate: this.errorRate, status503Share: this.status503Share,
      retryAfterSeconds: this.retryAfterSeconds, dropRate: this.dropRate, lostResponseRate: this.lostResponseRate,
      slowPageTop: this.slowPageTop, slowPageMs: this.slowPageMs, pending: this.queue.length,
    }
  }

  /**
   * `target` is what the request names: its path, and for writes the method too ("POST /…"), which `match` is tested on;
   * `top` the rows a read asks for.
   */
  decide(target: string, top?: number): FaultDecision {
    const d: FaultDecision = { latencyMs: this.latencyMs, drop: false }
    const i = this.queue.findIndex((q) => !q.match || (typeof q.match === 'string' ? target.includes(q.match) : q.match.test(target)))
    if (i >= 0) {
      const q = this.queue.splice(i, 1)[0]
      if (q.kind === 'drop') d.drop = true
      else if (q.kind === 'lose') d.loseResponse = true
      else if (q.kind === 'late') d.answerAfterMs = q.delayMs
      else { d.status = q.status; d.retryAfterSeconds = q.retryAfterSeconds }
      return d
    }
    if (this.dropRate && this.rng.next() < this.dropRate) { d.drop = true; return d }
    if (this.lostResponseRate && this.rng.next() < this.lostResponseRate) { d.loseResponse = true; return d }
    if (this.errorRate && this.rng.next() < this.errorRate) {
      d.status = this.rng.next() < this.status503Share ? 503 : 429
      d.retryAfterSeconds = this.retryAfterSeconds
    }
    if (!d.status && this.slowPageTop && top !== undefined && top >= this.slowPageTop) d.answerAfterMs = this.slowPageMs
    return d
  }
}
