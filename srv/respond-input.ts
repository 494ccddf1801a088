import cds from '@sap/cds'
import { messageFor } from './request-language'
import { collectionsSettings } from './collections/settings'
import express, { type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express'

// The customers' endpoints are public: what CAP does not check of their input is checked here, before CAP sees it,
// so that anything malformed gets a 4xx with a message a customer understands (and never a 500, a stack trace or an
// echo of the input): the method, the content type and encoding, the size, a JSON object with only the action's
// parameters (srv/respond/service.cds, read from the model), each of the JSON type its CDS type calls for (CAP
// 10.1.1 takes "3" and [7] for an Integer, and answers "Infinity" for a Decimal and an object nested thousands deep
// with a 500), and no control characters in a text (line breaks only where the parameter is @UI.MultiLineText).
// Lengths, ranges, formats, enums and mandatory parameters are the model's, which CAP checks itself;
// srv/respond-errors.ts keeps its answers from quoting the input.

/** Control characters have no business in a name, an address or a token; comments may break lines. */
/* eslint-disable no-control-regex -- finding control characters is what these are for */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f]/
/* eslint-enable no-control-regex */
/** A decimal as OData's JSON may send it, as a string: digits, a point, digits (CAP checks precision and range). */
const DECIMAL_TEXT = /^-?\d{1,34}(\.\d{1,34})?$/
/** A calendar day as OData writes it; 2027-02-30 is refused by the round trip through Date. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
/** More disputed lines than any invoice the page shows has. */
const MAX_LINES = 500

/** A refusal: the key of its text, and the field it is about (a parameter's name or path, never the client's text). */
type Problem = { key: string; field?: string }
const problem = (key: string, field?: string): Problem => ({ key, field })

type Parameter = { type?: string; enum?: Record<string, unknown>; '@UI.MultiLineText'?: boolean; items?: Parameter; elements?: Record<string, Parameter> }

/** The parameters of a RespondService action, as the model declares them; undefined for anything else. */
function parametersOf(action: string): Record<string, Parameter> | undefined {
  const definition = cds.model?.definitions[`RespondService.${action}`] as { kind?: string; params?: Record<string, Parameter> } | undefined
  return definition?.kind === 'action' ? (definition.params ?? {}) : undefined
}

/** The built-in type a parameter's type comes down to (crm.EMailAddress: cds.String), and the enum on the way. */
function typeOf(parameter: Parameter): { builtin?: string; enum?: Record<string, unknown> } {
  let { type, enum: values } = parameter
  for (let hops = 0; type && !type.startsWith('cds.') && hops < 10; hops++) {
    const definition = cds.model?.definitions[type] as Parameter | undefined
    values ??= definition?.enum
    type = definition?.type
  }
  return { builtin: type, enum: values }
}

function scalarProblem(value: unknown, parameter: Parameter, field: string): Problem | undefined {
  const type = typeOf(parameter)
  switch (type.builtin) {
    case 'cds.String':
    case 'cds.LargeString':
    case 'cds.UUID':
      if (typeof value !== 'string') return problem('RESPOND_NOT_TEXT', field)
      // CAP's own enum check would quote the value, and the answer then could not say which field it was.
      if (type.enum && !Object.hasOwn(type.enum, value)) return problem('RESPOND_NOT_OFFERED', field)
      return (parameter['@UI.MultiLineText'] ? CONTROL : CONTROL_OR_BREAK).test(value) ? problem('RESPOND_CONTROL_CHARACTERS', field) : undefined
    case 'cds.Integer':
    case 'cds.Int16':
    case 'cds.Int32':
    case 'cds.UInt8':
      return Number.isSafeInteger(value) ? undefined : problem('RESPOND_NOT_WHOLE_NUMBER', field)
    case 'cds.Decimal':
      return Number.isFinite(value) || (typeof value === 'string' && DECIMAL_TEXT.test(value)) ? undefined : problem('RESPOND_NOT_AMOUNT', field)
    case 'cds.Date':
      return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().startsWith(value)
        ? undefined
        : problem('RESPOND_NOT_DATE', field)
    case 'cds.Boolean':
      return typeof value === 'boolean' ? undefined : problem('RESPOND_NOT_TRUE_OR_FALSE', field)
    default:
      return problem('RESPOND_FIELD_NOT_EXPECTED', field)
  }
}

function problemOf(body: unknown, parameters: Record<string, Parameter>, prefix = ''): Problem | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return prefix ? problem('RESPOND_LINE_NOT_AN_OBJECT', prefix) : problem('RESPOND_NOT_AN_OBJECT')
  // Not the field's name: it is the client's text, and an answer never quotes that.
  if (Object.keys(body).some(name => !Object.hasOwn(parameters, name))) return prefix ? problem('RESPOND_LINE_HAS_UNEXPECTED_FIELD', prefix) : problem('RESPOND_HAS_UNEXPECTED_FIELD')
  for (const [name, value] of Object.entries(body)) {
    // Missing ones are CAP's to refuse (@mandatory).
    if (value === null || value === undefined) continue
    const field = prefix ? `${prefix}.${name}` : name
    const lines = parameters[name].items?.elements
    if (!lines) {
      const refusal = scalarProblem(value, parameters[name], field)
      if (refusal) return refusal
      continue
    }
    if (!Array.isArray(value) || value.length > MAX_LINES) return problem('RESPOND_NOT_LINES', field)
    for (const [i, line] of value.entries()) {
      const refusal = problemOf(line, lines, `${field}[${i}]`)
      if (refusal) return refusal
    }
  }
  return undefined
}

/** What the customer reads: the text of a key in the language the request asks for. */
function fail(req: Request, res: Response, status: number, { key, field }: Problem) {
  const message = messageFor(req, key, field ? [field] : [])
  return res.status(status).json({ error: { code: String(status), message } })
}

const parseJson = express.json({ limit: '100kb', type: () => true })
/**
 * The actions that take a file, base64 (a remittance advice, a customer's own statement), with room for their other
 * fields: the body may be a third larger than the largest file, and that room more. A disagreement with a statement
 * carries flagged lines with comments besides its file.
 */
const FILE_ACTIONS = new Map([
  ['/attachRemittanceAdvice', 16 * 1024],
  ['/disagreeWithStatement', 128 * 1024],
])
const fileParsers = new Map<string, RequestHandler>()
function parseFile(path: string): RequestHandler {
  let parser = fileParsers.get(path)
  if (!parser) {
    const limit = Math.ceil((collectionsSettings().remittanceAdviceMaxBytes * 4) / 3) + FILE_ACTIONS.get(path)!
    parser = express.json({ limit, type: () => true })
    fileParsers.set(path, parser)
  }
  return parser
}

/** Express middleware for /rest/respond: only POST of a JSON object to one of the actions, each field as declared. */
export const respondInput: (RequestHandler | ErrorRequestHandler)[] = [
  (req: Request, res: Response, next: NextFunction) => {
    if (!parametersOf(req.path.replace(/^\//, ''))) return fail(req, res, 404, problem('RESPOND_NOTHING_HERE'))
    if (req.method !== 'POST') return res.set('Allow', 'POST') && fail(req, res, 405, problem('RESPOND_FROM_THE_PAGE'))
    if (!req.is('application/json')) return fail(req, res, 415, problem('RESPOND_FROM_THE_PAGE'))
    // The page never compresses its few bytes; a compressed body is only good for decompression bombs.
    const encoding = req.headers['content-encoding']
    if (encoding && encoding !== 'identity') return fail(req, res, 415, problem('RESPOND_FROM_THE_PAGE'))
    next()
  },
  (req: Request, res: Response, next: NextFunction) => (FILE_ACTIONS.has(req.path) ? parseFile(req.path) : parseJson)(req, res, next),
  (req: Request, res: Response, next: NextFunction) => {
    const found = problemOf(req.body, parametersOf(req.path.replace(/^\//, ''))!)
    return found ? fail(req, res, 400, found) : next()
  },
  // What express.json refuses (not JSON, too large, nested beyond reason) gets a JSON answer like everything else.
  ((error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 400
    fail(req, res, status, problem(status === 413 ? 'RESPOND_TOO_LARGE' : 'RESPOND_UNREADABLE'))
  }) as ErrorRequestHandler,
]
