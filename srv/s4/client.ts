import cds from '@sap/cds'
import { executeHttpRequest, type Method } from '@sap-cloud-sdk/http-client'
import { timeout } from '@sap-cloud-sdk/resilience'
import type { HttpDestinationOrFetchOptions } from '@sap-cloud-sdk/connectivity'
import type { S4Settings } from './destination'
import { apiRoot } from './apis'
import { describeFailure, gatewayError, responseOf } from './failures'
import { retryDelay, sleep } from '../retry-delay'

const LOG = cds.log('s4')

export interface V2Page {
  results: Record<string, unknown>[]
  /** The server's continuation link: S/4HANA capped the page below the $top we asked for. */
  next?: string
  /** All rows matching the query, when asked for with $inlinecount=allpages. */
  count?: number
}

export interface S4Response {
  status: number
  data: unknown
  headers: Record<string, unknown>
}

export interface FailedAttempt {
  attempt: number
  httpStatus?: number
  message: string
  willRetry: boolean
}

/** A failed S/4HANA request, with what S/4 said. `transient`: the same request may succeed later. */
export class S4Error extends Error {
  readonly httpStatus?: number
  readonly transient: boolean
  /** S/4HANA did not answer within the timeout. */
  readonly timedOut: boolean
  readonly code?: string
  readonly transactionId?: string
  readonly retryAfterMs?: number

  constructor(message: string, details: Partial<Pick<S4Error, 'httpStatus' | 'transient' | 'timedOut' | 'code' | 'transactionId' | 'retryAfterMs'>> = {}) {
    super(message)
    this.httpStatus = details.httpStatus
    this.transient = details.transient ?? false
    this.timedOut = details.timedOut ?? false
    this.code = details.code
    this.transactionId = details.transactionId
    this.retryAfterMs = details.retryAfterMs
  }
}

export interface RequestOptions {
  headers?: Record<string, string>
  body?: unknown
  /** 404 is an answer here (e.g. "no such text yet"), not an error. */
  allow404?: boolean
  /** Told of every failed attempt, retried or not, for the caller's record (a sync run's). */
  onFailure?: (failure: FailedAttempt) => unknown
  /** 'throw': a read's timeout is not retried at the same request but thrown at once, for the caller to ask for less. */
  onTimeout?: 'retry' | 'throw'
}

interface CsrfSession {
  token: string
  cookies: string
}

/**
 * Talks to S/4HANA through the SAP Cloud SDK, with one retry policy for reads and writes: a timeout per request;
 * retries with exponential backoff on 5xx/429/timeouts/dropped connections, honouring Retry-After; none on other 4xx.
 * A write is repeated only when S/4 answered 429 or 503, which mean it was not carried out; after a timeout or a lost
 * connection nobody knows whether it was, so the write-back's next delivery attempt reads first and decides
 * (srv/writeback/targets). Writes carry a CSRF token per service, fetched once with its session cookies and again
 * when S/4 answers 403 "x-csrf-token: Required".
 */
export class S4Client {
  /** Per service; a promise, so that concurrent writes share one fetch. */
  private csrf = new Map<string, Promise<CsrfSession>>()

  constructor(
    private readonly destination: HttpDestinationOrFetchOptions,
    private readonly settings: Pick<S4Settings, 'timeoutMs' | 'retry'>
  ) {}

  /** A page of an OData V2 collection of the API. */
  async getPage(api: string, resource: string, query: Record<string, string>, options?: RequestOptions): Promise<V2Page> {
    const search = new URLSearchParams({ ...query, $format: 'json' }).toString().replace(/\+/g, '%20')
    const { data } = await this.read(`${apiRoot(api)}/${resource}?${search}`, options)
    const d = (data as { d?: { results?: unknown; __next?: string; __count?: string } })?.d
    if (!d || !Array.isArray(d.results)) throw new S4Error(`${api}/${resource}: the response is not an OData V2 collection`)
    return { results: d.results as Record<string, unknown>[], next: d.__next, count: d.__count === undefined ? undefined : Number(d.__count) }
  }

  read(url: string, options: RequestOptions = {}): Promise<S4Response> {
    return this.withRetries('get', url, options)
  }

  write(method: 'post' | 'patch' | 'delete', url: string, options: RequestOptions = {}): Promise<S4Response> {
    return this.withRetries(method, url, options)
  }

  private async withRetries(method: Method, url: string, options: RequestOptions): Promise<S4Response> {
    const { attempts, baseDelayMs, maxDelayMs } = this.settings.retry
    const modifying = method !== 'get'
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, url, options, modifying)
      } catch (error) {
        if (!(error instanceof S4Error)) throw error
        if (error.timedOut && !modifying && options.onTimeout === 'throw') throw error
        const notCarriedOut = error.httpStatus === 429 || error.httpStatus === 503
        const willRetry = error.transient && attempt < attempts && (!modifying || notCarriedOut)
        await options.onFailure?.({ attempt, httpStatus: error.httpStatus, message: error.message, willRetry })
        if (!willRetry) throw error
        const wait = Math.min(maxDelayMs, error.retryAfterMs ?? retryDelay(attempt, baseDelayMs, { maxMs: maxDelayMs, jitter: true }))
        LOG.warn(`attempt ${attempt} failed (${error.message}); retrying in ${Math.round(wait)} ms`)
        await sleep(wait)
      }
    }
  }

  private async once(method: Method, url: string, options: RequestOptions, modifying: boolean, csrfRenewed = false): Promise<S4Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers }
    const service = serviceRoot(url)
    if (modifying) {
      if (!this.csrf.has(service)) this.csrf.set(service, this.fetchCsrf(service).catch(error => { this.csrf.delete(service); throw error }))
      const session = await this.csrf.get(service)!
      headers['x-csrf-token'] = session.token
      if (session.cookies) headers.cookie = session.cookies
    }
    const started = Date.now()
    try {
      const response = await executeHttpRequest(
        this.destination,
        { method, url, headers, data: options.body, middleware: [timeout(this.settings.timeoutMs)] },
        { fetchCsrfToken: false }
      )
      return { status: response.status, data: response.data, headers: response.headers as Record<string, unknown> }
    } catch (error) {
      const response = responseOf(error)
      if (response?.status === 404 && options.allow404) return { status: 404, data: response.data, headers: response.headers ?? {} }
      if (modifying && response?.status === 403 && String(response.headers?.['x-csrf-token'] ?? '').toLowerCase() === 'required' && !csrfRenewed) {
        // The token expired with S/4's session: one new token, one more try.
        this.csrf.delete(service)
        return this.once(method, url, options, modifying, true)
      }
      const failure = describeFailure(error)
      const gateway = gatewayError(response?.data)
      throw new S4Error(`${method.toUpperCase()} ${pathOf(url)} failed: ${failure.message}`, {
        httpStatus: failure.status,
        transient: failure.retriable,
        // No answer in all the time allowed: a timeout, whatever words the SDK wraps it in.
        timedOut: failure.status === undefined && Date.now() - started >= this.settings.timeoutMs,
        code: gateway?.code,
        transactionId: gateway?.transactionId,
        retryAfterMs: failure.retryAfterMs,
      })
    }
  }

  private async fetchCsrf(service: string): Promise<CsrfSession> {
    const response = await this.withRetries('get', `${service}/`, { headers: { 'x-csrf-token': 'Fetch' } })
    const token = response.headers['x-csrf-token']
    if (typeof token !== 'string' || !token || token.toLowerCase() === 'required') throw new S4Error(`${service}: S/4HANA sent no CSRF token`, { httpStatus: response.status })
    const setCookie = response.headers['set-cookie']
    const cookies = (Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? [setCookie] : []).map(c => String(c).split(';')[0]).join('; ')
    return { token, cookies }
  }
}

const pathOf = (url: string) => url.split('?')[0]
const serviceRoot = (url: string) => /^(.*?\/sap\/opu\/odata\/sap\/[^/?]+)/.exec(url)?.[1] ?? pathOf(url)

/** The ETag S/4 sent with an entity: the ETag header, or __metadata.etag in the body. */
export function etagOf(response: S4Response): string | undefined {
  const header = response.headers.etag
  if (typeof header === 'string' && header) return header
  return (response.data as { d?: { __metadata?: { etag?: string } } })?.d?.__metadata?.etag
}

/** The entity of an OData V2 single-entity response. */
export function entityOf<T>(response: S4Response): T {
  return (response.data as { d: T }).d
}
