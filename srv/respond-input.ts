import { DisputeReason } from '#cds-models/invoicecrm/crm'
import express, { type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express'

// The customers' endpoints are public: their input is checked here, before CAP sees it, so that anything malformed
// gets a 4xx with a message a customer understands (and never a 500, a stack trace or an echo of the input),
// and nothing malformed reaches the database. The model's own checks (@mandatory, @assert.range, enums) stay
// as the second line.

type Check = (value: unknown, field: string) => string | undefined

/* eslint-disable no-control-regex -- finding control characters is what these are for */
/** Control characters have no business in a name, an address or a token; comments may break lines. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f]/
const EMAIL = /^[^\s@<>(),;:"\u0000-\u001f\u007f]+@(?:[^\s@<>(),;:".\u0000-\u001f\u007f]+\.)+[^\s@<>(),;:".\u0000-\u001f\u007f]{2,}$/
/* eslint-enable no-control-regex */

const text =
  (max: number, { required = false, multiline = false } = {}): Check =>
  (value, field) => {
    if (value === undefined || value === null) return required ? `${field} is missing` : undefined
    if (typeof value !== 'string') return `${field} must be text`
    if (required && !value.trim()) return `${field} is missing`
    if (value.length > max) return `${field} is longer than ${max} characters`
    if ((multiline ? CONTROL : CONTROL_OR_BREAK).test(value)) return `${field} contains characters that are not allowed`
    return undefined
  }

const integer =
  (min: number, max: number, required = false): Check =>
  (value, field) => {
    if (value === undefined || value === null) return required ? `${field} is missing` : undefined
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return `${field} must be a whole number from ${min} to ${max}`
    return undefined
  }

const amount: Check = (value, field) => {
  if (value === undefined || value === null) return undefined
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,14}(\.\d{1,3})?$/.test(value) ? Number(value) : NaN
  if (!Number.isFinite(number) || number < 0 || number > 99_999_999_999_999) return `${field} must be an amount of at least 0`
  return undefined
}

const email: Check = (value, field) => text(241, { required: true })(value, field) ?? (EMAIL.test(value as string) ? undefined : `${field} is not a valid e-mail address`)

const LINE: Record<string, Check> = { item: text(6, { required: true }), amount, quantity: amount }

const lines: Check = (value, field) => {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || value.length > 500) return `${field} must be a list of invoice lines`
  for (const [i, line] of value.entries()) {
    const problem = fields(line, LINE, `${field}[${i}]`)
    if (problem) return problem
  }
  return undefined
}

const token = text(200, { required: true })

/** One of the reasons the model lists: CAP's own enum check would quote the value it refuses. */
const disputeReason: Check = (value, field) =>
  text(20, { required: true })(value, field) ??
  (Object.hasOwn(DisputeReason, value as string) ? undefined : `${field} is not one of the reasons offered`)

const ACTIONS: Record<string, Record<string, Check>> = {
  view: { token },
  confirm: { token },
  dispute: { token, reason: disputeReason, comment: text(2000, { multiline: true }), lines, amount },
  proposeContact: { token, name: text(81, { required: true }), email },
  answerSurvey: { token, csat: integer(1, 5, true), nps: integer(0, 10), comment: text(1000, { multiline: true }) },
}

function fields(body: unknown, checks: Record<string, Check>, prefix = ''): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `${prefix || 'The request'} must be a JSON object`
  // Not the field's name: it is the client's text, and an answer never quotes that.
  if (Object.keys(body).some(name => !Object.hasOwn(checks, name))) return `${prefix || 'The request'} has a field that is not expected here`
  for (const [name, check] of Object.entries(checks)) {
    const problem = check((body as Record<string, unknown>)[name], prefix ? `${prefix}.${name}` : name)
    if (problem) return problem
  }
  return undefined
}

const fail = (res: Response, status: number, message: string) => res.status(status).json({ error: { code: String(status), message } })

const parseJson = express.json({ limit: '100kb', type: () => true })

/** Express middleware for /rest/respond: only POST of a JSON object to one of the actions, each field as declared. */
export const respondInput: (RequestHandler | ErrorRequestHandler)[] = [
  (req: Request, res: Response, next: NextFunction) => {
    const action = req.path.replace(/^\//, '')
    if (!Object.hasOwn(ACTIONS, action)) return fail(res, 404, 'There is nothing here.')
    if (req.method !== 'POST') return res.set('Allow', 'POST') && fail(res, 405, 'Please send your answer from the page in the e-mail.')
    if (!req.is('application/json')) return fail(res, 415, 'Please send your answer from the page in the e-mail.')
    // The page never compresses its few bytes; a compressed body is only good for decompression bombs.
    const encoding = req.headers['content-encoding']
    if (encoding && encoding !== 'identity') return fail(res, 415, 'Please send your answer from the page in the e-mail.')
    next()
  },
  parseJson,
  (req: Request, res: Response, next: NextFunction) => {
    const problem = fields(req.body, ACTIONS[req.path.replace(/^\//, '')])
    return problem ? fail(res, 400, problem) : next()
  },
  // What express.json refuses (not JSON, too large, nested beyond reason) gets a JSON answer like everything else.
  ((error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 400
    fail(res, status, status === 413 ? 'The request is too large.' : 'The request could not be read.')
  }) as ErrorRequestHandler,
]
