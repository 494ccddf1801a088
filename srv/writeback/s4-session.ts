import cds from '@sap/cds'
import { executeHttpRequest } from '@sap-cloud-sdk/http-client'
import { timeout } from '@sap-cloud-sdk/resilience'
import type { HttpDestinationOrFetchOptions } from '@sap-cloud-sdk/connectivity'
import type { Method } from '@sap-cloud-sdk/http-client'
import { describeFailure, gatewayError, type HttpErrorLike } from '../sync/s4-client'
import type { S4Settings } from '../sync/s4-destination'
import { retryDelay, sleep } from '../retry-delay'

const LOG = cds.log('writeback')

/** A failed S/4HANA request, with what S/4 said. `transient`: worth another delivery attempt later. */
export class S4WriteError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | undefined,
    readonly transient: boolean,
    readonly code?: string,
    readonly transactionId?: string,
    readonly retryAfterMs?: number
  ) {
    super(message)
  }
}

export interface S4Response {
  status: number
  data: unknown
  headers: Record<string, unknown>
}

interface CsrfSession {
  token: string
  cookies: string
}

export interface RequestOptions {
  headers?: Record<string, string>
  body?: unknown
  /** 404 is an answer here (e.g. "no such text yet"), not an error. */
  allow404?: boolean
}

/**
 * Writes to S/4HANA through the SAP Cloud SDK: one CSRF token per service, fetched once and sent with its session
 * cookies on every modifying request, fetched again when S/4 answers 403 "x-csrf-token: Required".
 * Reads are retried on 5xx/429/timeouts/dropped connections. A write is retried right away only when S/4 answered
 * 429 or 503, which mean it was not carried out; after a timeout or a lost connection nobody knows whether it was,
 * so the caller's next delivery attempt reads first and decides (see srv/writeback/targets).
 */
export class S4Session {
  /** Per service; a promise, so that concurrent writes share one fetch. */
  private csrf = new Map<string, Promise<CsrfSession>>()

  constructor(
    private readonly destination: HttpDestinationOrFetchOptions,
    private readonly settings: Pick<S4Settings, 'timeoutMs' | 'retry'>
  ) {}

  async read(url: string, options: RequestOptions = {}): Promise<S4Response> {
    return this.withRetries('get', url, options)
  }

  async write(method: 'post' | 'patch' | 'delete', url: string, options: RequestOptions = {}): Promise<S4Response> {
    return this.withRetries(method, url, options)
  }

  private async withRetries(method: Method, url: string, options: RequestOptions): Promise<S4Response> {
    const { attempts, baseDelayMs, maxDelayMs } = this.settings.retry
    const modifying = method !== 'get'
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, url, options, modifying)
      } catch (error) {
        if (!(error instanceof S4WriteError)) throw error
        const notCarriedOut = error.httpStatus === 429 || error.httpStatus === 503
        if (!error.transient || attempt >= attempts || (modifying && !notCarriedOut)) throw error
        const wait = Math.min(maxDelayMs, error.retryAfterMs ?? retryDelay(attempt, baseDelayMs, { maxMs: maxDelayMs, jitter: true }))
        LOG.warn(`${method.toUpperCase()} ${pathOf(url)} attempt ${attempt} failed (${error.message}); retrying in ${Math.round(wait)} ms`)
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
      throw toWriteError(method, url, error)
    }
  }

  private async fetchCsrf(service: string): Promise<CsrfSession> {
    const response = await this.withRetries('get', `${service}/`, { headers: { 'x-csrf-token': 'Fetch' } })
    const token = response.headers['x-csrf-token']
    if (typeof token !== 'string' || !token || token.toLowerCase() === 'required')
      throw new S4WriteError(`${service}: S/4HANA sent no CSRF token`, response.status, false)
    const setCookie = response.headers['set-cookie']
    const cookies = (Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? [setCookie] : []).map(c => String(c).split(';')[0]).join('; ')
    return { token, cookies }
  }
}

const pathOf = (url: string) => url.split('?')[0]
const serviceRoot = (url: string) => /^(.*?\/sap\/opu\/odata\/sap\/[^/?]+)/.exec(url)?.[1] ?? pathOf(url)

function responseOf(error: unknown) {
  let e = error as HttpErrorLike
  while (!e.response && e.cause) e = e.cause
  return e.response
}

function toWriteError(method: string, url: string, error: unknown): S4WriteError {
  const failure = describeFailure(error)
  const gateway = gatewayError(responseOf(error)?.data)
  return new S4WriteError(
    `${method.toUpperCase()} ${pathOf(url)}: ${failure.message}`,
    failure.status,
    failure.retriable,
    gateway?.code,
    gateway?.transactionId,
    failure.retryAfterMs
  )
}

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
