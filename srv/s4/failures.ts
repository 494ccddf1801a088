// What went wrong with a request to S/4HANA, read off the SAP Cloud SDK's error: S/4's answer (status, the SAP
// Gateway error body, Retry-After) or no answer at all. Reads and writes judge failures by the same rules here.

/** Statuses after which the same request may succeed: S/4 or a gateway in front of it was busy or down. */
const RETRIABLE = new Set([408, 429, 500, 502, 503, 504])

export interface HttpErrorLike {
  message?: string
  code?: string
  response?: { status: number; headers?: Record<string, unknown>; data?: unknown }
  cause?: HttpErrorLike
}

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

/** S/4's answer inside the SDK's error, which may wrap it in causes. */
export function responseOf(error: unknown) {
  let e = error as HttpErrorLike
  while (!e.response && e.cause) e = e.cause
  return e.response
}

/** What went wrong with a request: S/4's answer (status, Gateway message, Retry-After), or no answer at all. */
export function describeFailure(error: unknown) {
  const response = responseOf(error)
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
