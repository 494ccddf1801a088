/**
 * Internal representation of Edm values and their conversions.
 *
 *   Edm.String / Guid / Binary     string
 *   Edm.DateTime                   number: epoch milliseconds (UTC)
 *   Edm.DateTimeOffset             string: UTC ISO with 7 fractional digits, '2025-01-10T10:15:00.1234567Z'
 *                                  (fixed width, so string order = time order, sub-millisecond ticks kept)
 *   Edm.Time                       number: seconds since midnight
 *   Edm.Decimal / Int* / Double    number
 *   Edm.Boolean                    boolean
 *
 * Missing values (undefined) behave like SAP's initial values (see defaultValue).
 */
import type { EdmType, ElementInfo } from './model'
import { badRequest } from './errors'

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

// ---------------------------------------------------------------- DateTimeOffset (ISO with 7 digits)

/** ISO string with 7 fractional digits from epoch ms plus sub-millisecond ticks (0..9999, 100 ns each). */
export function isoFromMs(ms: number, ticks = 0): string {
  return new Date(ms).toISOString().slice(0, 23) + pad(ticks, 4) + 'Z'
}

export function msFromIso(iso: string): number {
  return Date.parse(iso.slice(0, 23) + 'Z')
}

const DTO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?$/

/** Normalises an ISO 8601 date-time (any offset, 0–7 fractional digits) to the internal UTC form. */
export function normalizeDateTimeOffset(s: string): string {
  const m = DTO_RE.exec(s)
  if (!m) throw badRequest(`Invalid DateTimeOffset value '${s}'`)
  const [, y, mo, d, h, mi, se = '00', frac = '', zone = 'Z'] = m
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se)
  if (Number.isNaN(ms)) throw badRequest(`Invalid DateTimeOffset value '${s}'`)
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    ms -= sign * (+zone.slice(1, 3) * 60 + +zone.slice(4, 6)) * 60000
  }
  return new Date(ms).toISOString().slice(0, 19) + '.' + frac.padEnd(7, '0') + 'Z'
}

// ---------------------------------------------------------------- DateTime (ms)

const DT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/

export function parseDateTime(s: string): number {
  const m = DT_RE.exec(s)
  if (!m) throw badRequest(`Invalid DateTime value '${s}'`)
  const [, y, mo, d, h = '0', mi = '0', se = '0', frac = ''] = m
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se, Math.floor(+(frac.padEnd(3, '0').slice(0, 3))))
  if (Number.isNaN(ms)) throw badRequest(`Invalid DateTime value '${s}'`)
  return ms
}

export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 19)

// ---------------------------------------------------------------- Time (seconds)

const TIME_RE = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/
export function parseTime(s: string): number {
  let m = TIME_RE.exec(s)
  if (m && s !== 'PT') return (+(m[1] ?? 0)) * 3600 + (+(m[2] ?? 0)) * 60 + (+(m[3] ?? 0))
  m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s)
  if (m) return +m[1] * 3600 + +m[2] * 60 + +(m[3] ?? 0)
  throw badRequest(`Invalid Time value '${s}'`)
}

export function formatTime(sec: number): string {
  const s = Math.floor(sec)
  return `PT${pad(Math.floor(s / 3600))}H${pad(Math.floor((s % 3600) / 60))}M${pad(s % 60)}S`
}

// ---------------------------------------------------------------- defaults, wire format

const NUMERIC = new Set<EdmType>(['Edm.Decimal', 'Edm.Double', 'Edm.Single', 'Edm.Int64', 'Edm.Int32', 'Edm.Int16', 'Edm.Byte', 'Edm.SByte'])
export const isNumeric = (t: EdmType) => NUMERIC.has(t)

/** SAP's initial value for a property that has no value. */
export function defaultValue(el: ElementInfo): unknown {
  switch (el.edmType) {
    case 'Edm.String': case 'Edm.Binary': return ''
    case 'Edm.Guid': return '00000000-0000-0000-0000-000000000000'
    case 'Edm.DateTime': case 'Edm.DateTimeOffset': return null
    case 'Edm.Time': return 0
    case 'Edm.Boolean': return false
    default: return 0
  }
}

/** A stored value as the JS value SAP Gateway puts on the wire (JSON.stringify gives the V2 format). */
export function wireValue(el: ElementInfo, v: unknown): string | number | boolean | null {
  if (v === undefined) v = defaultValue(el)
  if (v === null) return null
  switch (el.edmType) {
    case 'Edm.DateTime': return `/Date(${v as number})/`
    case 'Edm.DateTimeOffset': return `/Date(${msFromIso(v as string)}+0000)/`
    case 'Edm.Time': return formatTime(v as number)
    case 'Edm.Decimal': return el.scale !== undefined ? (v as number).toFixed(el.scale) : String(v)
    case 'Edm.Int64': case 'Edm.Double': case 'Edm.Single': return String(v)
    case 'Edm.Int32': case 'Edm.Int16': case 'Edm.Byte': case 'Edm.SByte': return v as number
    case 'Edm.Boolean': return v === true
    default: return v as string
  }
}

/** JSON text of a stored value in OData V2 (SAP Gateway) wire format. */
export function jsonValue(el: ElementInfo, v: unknown): string {
  return JSON.stringify(wireValue(el, v))
}

/** Converts a value from a JSON request payload (V2 wire format, ISO strings tolerated). */
export function fromPayload(el: ElementInfo, raw: unknown): unknown {
  if (raw === null) {
    if (!el.nullable) throw badRequest(`Property '${el.name}' must not be null`)
    return null
  }
  const bad = () => badRequest(`Invalid value for property '${el.name}' (${el.edmType}): ${JSON.stringify(raw)}`, '/IWBEP/CM_MGW_RT/000')
  switch (el.edmType) {
    case 'Edm.String': case 'Edm.Guid': case 'Edm.Binary': {
      if (typeof raw !== 'string') throw bad()
      if (el.maxLength !== undefined && raw.length > el.maxLength) throw badRequest(`Value for property '${el.name}' exceeds the maximum length ${el.maxLength}`, '/IWBEP/CM_MGW_RT/000')
      return raw
    }
    case 'Edm.DateTime': case 'Edm.DateTimeOffset': {
      if (typeof raw !== 'string') throw bad()
      const m = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(raw)
      // /Date(ms+0060)/: ms is UTC, the offset only tells the original zone
      if (m) return el.edmType === 'Edm.DateTime' ? +m[1] : isoFromMs(+m[1])
      return el.edmType === 'Edm.DateTime' ? parseDateTime(raw.replace(/Z$/, '')) : normalizeDateTimeOffset(raw)
    }
    case 'Edm.Time': if (typeof raw !== 'string') throw bad(); return parseTime(raw)
    case 'Edm.Boolean': if (typeof raw !== 'boolean') throw bad(); return raw
    default: {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN
      if (!Number.isFinite(n)) throw bad()
      return n
    }
  }
}

// ---------------------------------------------------------------- comparison

function isDigits(s: string): boolean {
  if (!s.length) return false
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 48 || c > 57) return false }
  return true
}

function stripZeros(s: string): string {
  let i = 0
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++
  return i ? s.slice(i) : s
}

const cmpPlain = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * SAP keeps document numbers ALPHA-converted (zero-padded) internally: '9' < '10'. Digit-only values of
 * short string properties therefore compare numerically; others compare as plain strings.
 */
export function cmpAlpha(a: string, b: string, maxLength: number): number {
  if (a === b) return 0
  const da = isDigits(a), db = isDigits(b)
  if (da && db) {
    const sa = stripZeros(a), sb = stripZeros(b)
    return sa.length !== sb.length ? sa.length - sb.length : cmpPlain(sa, sb)
  }
  if (da) return cmpPlain(a.padStart(maxLength, '0'), b)
  if (db) return cmpPlain(a, b.padStart(maxLength, '0'))
  return cmpPlain(a, b)
}

/** A comparator for stored values of an element (nulls first). */
export function comparatorFor(el: ElementInfo): (a: unknown, b: unknown) => number {
  const dflt = defaultValue(el)
  const base = el.alpha
    ? (a: unknown, b: unknown) => cmpAlpha(a as string, b as string, el.maxLength ?? 10)
    : (a: unknown, b: unknown) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0)
  return (a, b) => {
    if (a === undefined) a = dflt
    if (b === undefined) b = dflt
    if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1
    return base(a, b)
  }
}

// ---------------------------------------------------------------- URI literals (keys, ETags)

export function uriLiteral(el: ElementInfo, v: unknown, encode = true): string {
  const enc = encode ? encodeURIComponent : (s: string) => s
  if (v === undefined) v = defaultValue(el)
  if (v === null) return 'null'
  switch (el.edmType) {
    case 'Edm.DateTime': return `datetime'${enc(isoDate(v as number))}'`
    case 'Edm.DateTimeOffset': return `datetimeoffset'${enc(v as string)}'`
    case 'Edm.Time': return `time'${formatTime(v as number)}'`
    case 'Edm.Guid': return `guid'${v}'`
    case 'Edm.Decimal': return `${el.scale !== undefined ? (v as number).toFixed(el.scale) : v}M`
    case 'Edm.Int64': return `${v}L`
    case 'Edm.Double': return `${v}d`
    case 'Edm.Int32': case 'Edm.Int16': case 'Edm.Byte': case 'Edm.SByte': return String(v)
    case 'Edm.Boolean': return v ? 'true' : 'false'
    default: return `'${enc(String(v).replace(/'/g, "''"))}'`
  }
}

/** SAP Gateway's weak ETag: W/"datetimeoffset'2025-01-10T10%3A15%3A00.1234567Z'" */
export function etagValue(el: ElementInfo, v: unknown): string {
  return `W/"${uriLiteral(el, v)}"`
}
