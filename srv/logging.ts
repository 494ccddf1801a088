import cds from '@sap/cds'
import type { Writable } from 'node:stream'
import { formatWithOptions } from 'node:util'
import winston from 'winston'

// Every cds.log() logger, CAP's own included, writes through winston: one JSON object per line in production
// (NODE_ENV=production), for the platform's log service to parse; a readable line in development. Each line
// carries the correlation id of its request or job run (cds.context.id). The code does not log personal data;
// masking e-mail addresses is the safety net for text that quotes data anyway (an S/4HANA error, a rejection).
// Imported by srv/server.ts, which cds serve loads before it creates its own loggers.

/** cds.log's level numbers: a logger writes what is at or below its level. */
const LEVELS = { error: 1, warn: 2, info: 3, debug: 4, trace: 5 } as const
type LevelName = keyof typeof LEVELS

type Log = (...args: unknown[]) => void
type CdsLogger = Record<'trace' | 'debug' | 'info' | 'log' | 'warn' | 'error', Log>
type LoggerFactory = (label: string, level: number) => CdsLogger

const EMAIL = /[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/g
export const redact = (text: string): string => text.replace(EMAIL, '<e-mail>')

/**
 * What a user filtered or searched for is often a name: CAP's request log ([odata] GET … { $filter }) keeps
 * the query's shape but not its string literals.
 */
const QUERY_TEXT: Record<string, (value: string) => string> = {
  $filter: value => value.replace(/'(?:[^']|'')*'/g, "'…'"),
  $search: () => '…',
}

const MESSAGE = Symbol.for('message')
/** Keys a log call's fields cannot override. */
const RESERVED = ['level', 'logger', 'msg', 'correlation_id', 'tenant_id', 'timestamp']

export interface LoggingOptions {
  /** JSON lines; default: in production. */
  json?: boolean
  /** Where to write; default: stdout. */
  stream?: Writable
}

export function loggerFactory({ json = process.env.NODE_ENV === 'production', stream }: LoggingOptions = {}): LoggerFactory {
  const logger = winston.createLogger({
    // Levels are decided per cds logger below; winston writes what it is given.
    levels: { error: 0, warn: 1, info: 2, debug: 3, trace: 4 },
    level: 'trace',
    format: winston.format(info => {
      const { level, message, logger: label, ...fields } = info as Record<string, unknown>
      const line = json ? JSON.stringify({ level, logger: label, msg: message, ...fields }) : readable(level as string, label as string, message as string, fields)
      ;(info as Record<symbol, string>)[MESSAGE] = redact(line)
      return info
    })(),
    transports: [stream ? new winston.transports.Stream({ stream }) : new winston.transports.Console()],
  })
  return (label, level) => {
    const at = (name: LevelName): Log => (LEVELS[name] > level ? () => {} : (...args) => logger.log({ level: name, ...entry(label, args) }))
    return { trace: at('trace'), debug: at('debug'), info: at('info'), log: at('info'), warn: at('warn'), error: at('error') }
  }
}

/**
 * A request CAP refused with a 4xx, as its error middleware logs it (`403 - <error>`): one line with the method and
 * the path (no query, whose values may be personal data) and the error's code, not the error's stack trace, nor its
 * message, which may quote what the client sent.
 */
function refusal(error: Error & { status?: unknown; code?: unknown; target?: unknown; token_payload?: unknown }): string | undefined {
  // CAP's JWT authentication logs a rejected token with the token's payload (names, e-mail address) attached.
  const status = error.token_payload ? 401 : Number(error.status)
  if (!(status >= 400 && status < 500)) return
  const request = cds.context?.http?.req
  const where = request ? ` ${request.method} ${request.originalUrl.split('?')[0]}` : ''
  const target = typeof error.target === 'string' ? ` on ${error.target}` : ''
  return `refused${where} (${error.token_payload ? error.message : (error.code ?? status)}${target})`
}

/** What one log call says: its text, and the fields of a trailing plain object such as { run: id }. */
function entry(label: string, args: unknown[]) {
  // CAP's error middleware logs `log(status, '-', error)`; its JWT authentication `warn('Unauthenticated request:', error)`.
  const fromErrorMiddleware = typeof args[0] === 'number' && args[1] === '-'
  args = args.map(arg => (arg instanceof Error && (fromErrorMiddleware || 'token_payload' in arg) && refusal(arg)) || arg)
  const last = args.at(-1)
  const fields = args.length > 1 && isPlainObject(last) ? { ...(args.pop() as Record<string, unknown>) } : {}
  for (const [key, mask] of Object.entries(QUERY_TEXT)) if (typeof fields[key] === 'string') fields[key] = mask(fields[key] as string)
  const context = cds.context
  return {
    ...Object.fromEntries(Object.entries(fields).filter(([key, value]) => value !== undefined && !RESERVED.includes(key))),
    // An Error comes with its stack: util.format prints it.
    message: formatWithOptions({ colors: false, breakLength: Infinity }, ...args),
    logger: label,
    ...(context?.id && { correlation_id: context.id }),
    ...(context?.tenant && { tenant_id: context.tenant }),
    timestamp: new Date().toISOString(),
  }
}

function readable(level: string, label: string, message: string, fields: Record<string, unknown>): string {
  const { correlation_id, timestamp, tenant_id, ...rest } = fields
  const details = Object.entries(rest).map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : value}`)
  const id = correlation_id ? ` (${correlation_id})` : ''
  const tenant = tenant_id ? `|${tenant_id}` : ''
  return `${timestamp} ${level.toUpperCase().padEnd(5)} [${label}${tenant}]${id} ${message}${details.length ? `  ${details.join(' ')}` : ''}`
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype

/** Makes winston the logger of cds.log, also for the loggers created before this module was loaded. */
export function installLogging(options?: LoggingOptions): void {
  const log = cds.log as unknown as { Logger: LoggerFactory; loggers: Record<string, CdsLogger & { label: string; level: number }> }
  log.Logger = loggerFactory(options)
  for (const existing of Object.values(log.loggers)) Object.assign(existing, log.Logger(existing.label, existing.level))
}

installLogging()
