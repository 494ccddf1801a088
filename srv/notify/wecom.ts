import cds from '@sap/cds'

// WeCom (企业微信) group robots: one markdown message to a customer's group through its webhook,
//
//   POST {url}/cgi-bin/webhook/send?key=KEY   {"msgtype":"markdown","markdown":{"content":"…"}}
//
// answered {"errcode":0,"errmsg":"ok"}; an errcode other than 0 is a failure even with HTTP 200. The base URL is
// cds.requires.wecom.url (https://qyapi.weixin.qq.com). The key is a secret, whoever has it can post into the group:
// it never leaves this module but in the request, and every text that leaves it (an error, a log line) has it
// replaced, whatever WeCom or the connection said.

const LOG = cds.log('wecom')

export interface WeComSettings {
  /** Where WeCom's API is; the webhook's path and key are added to it. */
  url?: string
  /** How long one message may take, connection included. */
  timeoutMs?: number
}

const DEFAULTS = { url: 'https://qyapi.weixin.qq.com', timeoutMs: 10_000 }

export const wecomSettings = (): Required<WeComSettings> => ({
  ...DEFAULTS,
  ...((cds.env.requires as Record<string, WeComSettings | undefined>).wecom ?? {}),
})

/** What WeCom accepts as a markdown message's content, in bytes of UTF-8. */
export const MAX_CONTENT_BYTES = 4096

/** A group robot's key, as WeCom shows it in the webhook URL. */
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const isWebhookKey = (key: unknown): key is string => typeof key === 'string' && KEY.test(key)

/**
 * The key of what AR pasted: the key itself, or the robot's whole webhook URL (…/cgi-bin/webhook/send?key=…), as
 * WeCom shows it; undefined for anything else.
 */
export function webhookKeyOf(input: string): string | undefined {
  const text = input.trim()
  if (isWebhookKey(text)) return text
  if (!/^https?:\/\//i.test(text)) return undefined
  try {
    const key = new URL(text).searchParams.get('key')
    return isWebhookKey(key) ? key : undefined
  } catch {
    return undefined
  }
}

/**
 * errcodes worth another try: -1 system busy, 45009 the robot's limit of 20 messages a minute, 45033 too many at once.
 * Any other errcode says that this message or this robot is refused (93000 invalid webhook key, 93004 robot disabled,
 * 93008 robot no longer in the group, 40058 invalid parameter, …): the same message gets the same answer again.
 */
const TRANSIENT_ERRCODES = new Set([-1, 45009, 45033])

/**
 * Why a message was not sent. permanent: WeCom refused it for good (the key, the robot, the message); otherwise it may
 * go through later (WeCom busy or rate-limited, HTTP 5xx, no connection, a timeout). The message never holds the key.
 */
export class WeComError extends Error {
  readonly permanent: boolean
  readonly errcode?: number
  readonly httpStatus?: number

  constructor(message: string, options: { permanent: boolean; errcode?: number; httpStatus?: number }) {
    super(message)
    this.name = 'WeComError'
    this.permanent = options.permanent
    this.errcode = options.errcode
    this.httpStatus = options.httpStatus
  }
}

/** The text without the key: the key itself, and any `key=` parameter of a URL quoted in it. */
export function redactKey(text: string, key?: string | null): string {
  let redacted = key ? text.split(key).join('<key>') : text
  redacted = redacted.replace(/([?&]key=)[^&\s"')]+/gi, '$1<key>')
  return redacted
}

export interface WeComMessageReference {
  /** What the message is about, for the log: the notice's ID, never a name. */
  reference?: string
  /** Which try this is, for the log. */
  attempt?: number
}

/** Sends one markdown message to the group of the robot with this key; throws a WeComError if it did not go. */
export async function sendWeComMarkdown(key: string, content: string, { reference, attempt }: WeComMessageReference = {}): Promise<void> {
  const bytes = Buffer.byteLength(content, 'utf8')
  // The caller's fault, not WeCom's answer: the same content would be refused every time.
  if (!content || bytes > MAX_CONTENT_BYTES) throw new WeComError(`WeCom message not sent: its content has ${bytes} bytes (1 to ${MAX_CONTENT_BYTES})`, { permanent: true })
  if (!isWebhookKey(key)) throw new WeComError('WeCom message not sent: the webhook key is malformed', { permanent: true })
  const { url, timeoutMs } = wecomSettings()
  try {
    await post(`${url.replace(/\/+$/, '')}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`, content, timeoutMs, key)
    LOG.info('WeCom message sent', { reference, attempt, bytes })
  } catch (error) {
    const failure = error instanceof WeComError ? error : unreachable(error, key)
    // One line per failed send, for operations: what, how WeCom answered, which try; never the key.
    LOG.warn('WeCom message not sent', { reference, attempt, errcode: failure.errcode, httpStatus: failure.httpStatus, permanent: failure.permanent, reason: failure.message })
    throw failure
  }
}

async function post(endpoint: string, content: string, timeoutMs: number, key: string): Promise<void> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
    // The key is in the URL: it is not handed on to wherever a redirect points.
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  })
  const text = await response.text()
  const httpStatus = response.status
  if (httpStatus < 200 || httpStatus > 299) {
    // WeCom busy or throttling, or something in between that is: later. Anything else (a redirect, 4xx): the
    // request itself is wrong, and stays wrong.
    const transient = httpStatus >= 500 || httpStatus === 429 || httpStatus === 408
    throw new WeComError(`WeCom message not sent: HTTP ${httpStatus}${excerpt(text, key)}`, { permanent: !transient, httpStatus })
  }
  let answer: { errcode?: unknown; errmsg?: unknown }
  try {
    answer = JSON.parse(text) as typeof answer
  } catch {
    // A 2xx that is no WeCom answer: a proxy's page, most likely; try again later.
    throw new WeComError(`WeCom message not sent: HTTP ${httpStatus} without WeCom's answer${excerpt(text, key)}`, { permanent: false, httpStatus })
  }
  const errcode = Number(answer?.errcode)
  if (errcode === 0) return
  if (!Number.isInteger(errcode)) throw new WeComError(`WeCom message not sent: HTTP ${httpStatus} without an errcode${excerpt(text, key)}`, { permanent: false, httpStatus })
  const errmsg = typeof answer.errmsg === 'string' ? redactKey(answer.errmsg, key).slice(0, 300) : ''
  throw new WeComError(`WeCom refused the message: errcode ${errcode}${errmsg ? ` (${errmsg})` : ''}`, { permanent: !TRANSIENT_ERRCODES.has(errcode), errcode, httpStatus })
}

/** No answer: no connection, a timeout, a broken response. Not fetch's error itself (a TypeError, which CAP's queue takes for a bug). */
function unreachable(error: unknown, key: string): WeComError {
  const e = error as Error & { cause?: { code?: string; message?: string } }
  const timeout = e?.name === 'TimeoutError' || e?.name === 'AbortError'
  const detail = timeout ? 'timed out' : [e?.cause?.code, e?.cause?.message ?? e?.message].filter(Boolean).join(': ') || 'error'
  return new WeComError(`WeCom not reached (${redactKey(detail, key).slice(0, 300)})`, { permanent: false })
}

const excerpt = (text: string, key: string) => {
  const body = redactKey(text.replace(/\s+/g, ' ').trim(), key).slice(0, 200)
  return body ? `: ${body}` : ''
}
