import cds from '@sap/cds'
import { executeHttpRequest } from '@sap-cloud-sdk/http-client'
import { timeout } from '@sap-cloud-sdk/resilience'
import type { HttpDestinationOrFetchOptions } from '@sap-cloud-sdk/connectivity'
import type { S4Settings } from './s4-destination'
import { retryDelay, sleep } from '../retry-delay'

const LOG = cds.log('s4')

export interface V2Page {
  results: Record<string, unknown>[]
  /** The server's continuation link: S/4HANA capped the page below the $top we asked for. */
  next?: string
  /** All rows matching the query, when asked for with $inlinecount=allpages. */
  count?: number
}

export interface FailedAttempt {
  attempt: number
  httpStatus?: number
  message: string
  willRetry: boolean
}

export class S4RequestError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
    /** S/4HANA did not answer within the timeout. */
    readonly timedOut = false
  ) {
    super(message)
  }
}

export interface RequestOptions {
  /** 'throw': a timeout is not retried at the same request but thrown at once, for the caller to ask for less. */
  onTimeout?: 'retry' | 'throw'
}

const RETRIABLE = new Set([408, 429, 500, 502, 503, 504])

/** Seconds or an HTTP date, as S/4HANA and its gateways send it; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || !header.trim()) return undefined
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** The parts of a SAP Gateway error body ({error:{code,message:{value},innererror:{transactionid}}}). */
export function gatewayError(body: unknown): { code?: string; text?: string; transactionId?: string } | undefined {
  const parsed = typeof body === 'string' && body.startsWith('{') ? (() => { try { return JSON.parse(body) as unknown } catch { return body } })() : body
  const error = (parsed as { error?: { code?: string; message?: { value?: string } | string; innererror?: { transactionid?: string } } } | undefined)?.error
  if (!error) return undefined
  return { code: error.code, text: typeof error.message === 'string' ? error.message : error.message?.value, transactionId: error.innererror?.transactionid }
}

/** The message of a SAP Gateway error body, or of whatever else came back. */
export function gatewayMessage(body: unknown): string | undefined {
  const error = gatewayError(body)
  if (!error) return typeof body === 'string' && body ? body.slice(0, 300) : undefined
  return [error.code, error.text].filter(Boolean).join(': ')
}

/**
 * Reads S/4HANA OData V2 resources through the SAP Cloud SDK: timeouts per request, retries with exponential
 * backoff on 5xx/429/timeouts/dropped connections honouring Retry-After, no retry on other 4xx. Every failed
 * attempt is reported to the caller so the sync run can record it.
 */
export class S4Client {
  constructor(
    private readonly destination: HttpDestinationOrFetchOptions,
    private readonly settings: Pick<S4Settings, 'timeoutMs' | 'retry'>
  ) {}

  async getPage(api: string, resource: string, query: Record<string, string>, onFailure?: (f: FailedAttempt) => unknown, options?: RequestOptions): Promise<V2Page> {
    const search = new URLSearchParams({ ...query, $format: 'json' }).toString().replace(/\+/g, '%20')
    const data = await this.get(`/sap/opu/odata/sap/${api}/${resource}?${search}`, onFailure, options)
    const d = (data as { d?: { results?: unknown; __next?: string; __count?: string } })?.d
    if (!d || !Array.isArray(d.results)) throw new S4RequestError(`${api}/${resource}: the response is not an OData V2 collection`)
    return { results: d.results as Record<string, unknown>[], next: d.__next, count: d.__count === undefined ? undefined : Number(d.__count) }
  }

  async get(url: string, onFailure?: (f: FailedAttempt) => unknown, options: RequestOptions = {}): Promise<unknown> {
    const { attempts, baseDelayMs, maxDelayMs } = this.settings.retry
    for (let attempt = 1; ; attempt++) {
      const started = Date.now()
      try {
        const response = await executeHttpRequest(
          this.destination,
          { method: 'get', url, headers: { Accept: 'application/json' }, middleware: [timeout(this.settings.timeoutMs)] },
          { fetchCsrfToken: false }
        )
        return response.data
      } catch (error) {
        const failure = describeFailure(error)
        // No answer in all the time allowed: a timeout, whatever words the SDK wraps it in.
        const timedOut = failure.status === undefined && Date.now() - started >= this.settings.timeoutMs
        const message = `GET ${url.split('?')[0]} failed: ${failure.message}`
        if (timedOut && options.onTimeout === 'throw') throw new S4RequestError(message, undefined, true)
        const willRetry = failure.retriable && attempt < attempts
        await onFailure?.({ attempt, httpStatus: failure.status, message: failure.message, willRetry })
        if (!willRetry) throw new S4RequestError(message, failure.status, timedOut)
        const wait = Math.min(maxDelayMs, failure.retryAfterMs ?? retryDelay(attempt, baseDelayMs, { maxMs: maxDelayMs, jitter: true }))
        LOG.warn(`GET ${url.split('?')[0]} attempt ${attempt} failed (${failure.message}); retrying in ${Math.round(wait)} ms`)
        await sleep(wait)
      }
    }
  }
}

export interface HttpErrorLike {
  message?: string
  code?: string
  response?: { status: number; headers?: Record<string, unknown>; data?: unknown }
  cause?: HttpErrorLike
}

/** What went wrong with a request: S/4's answer (status, Gateway message, Retry-After), or no answer at all. */
export function describeFailure(error: unknown) {
  let e = error as HttpErrorLike
  while (!e.response && e.cause) e = e.cause
  const response = e.response
  if (response) {
    const detail = gatewayMessage(response.data)
    return {
      status: response.status,
      retriable: RETRIABLE.has(response.status),
      retryAfterMs: retryAfterMs(response.headers?.['retry-after']),
      message: detail ? `HTTP ${response.status}: ${detail}` : `HTTP ${response.status}`,
    }
  }
  // No response at all: a timeout, a refused or dropped connection. Worth another try.
  return { status: undefined, retriable: true, retryAfterMs: undefined, message: (error as Error).message ?? String(error) }
}
