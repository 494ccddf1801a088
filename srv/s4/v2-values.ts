// OData V2 JSON values <-> CAP values, driven by the Edm type each element of srv/external carries (@odata.Type).
// S/4HANA's V2 JSON encodes dates as "/Date(ms)/", times as "PT10H15M00S" and decimals as strings; a value
// that does not parse is a malformed record, reported by name so the sync can reject just that record.

export interface EdmElement {
  '@odata.Type'?: string
  '@sap.display.format'?: string
  type?: string
  length?: number
  key?: boolean
}

export class MalformedValue extends Error {}

const V2_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/
const V2_TIME = /^PT(\d{1,2})H(\d{1,2})M(\d{1,2})(?:\.\d+)?S$/
const DECIMAL = /^-?\d+(\.\d+)?$/

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

function epochOf(raw: unknown): number {
  const match = typeof raw === 'string' ? V2_DATE.exec(raw) : null
  if (!match) throw new MalformedValue(`not an OData V2 date (${preview(raw)})`)
  const ms = Number(match[1])
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > 8.64e15) throw new MalformedValue(`date out of range (${preview(raw)})`)
  return ms
}

function preview(raw: unknown): string {
  const text = typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw)
  return text === undefined ? 'undefined' : text.length > 40 ? text.slice(0, 40) + '…' : text
}

export function isDateOnly(element: EdmElement): boolean {
  return element['@odata.Type'] === 'Edm.DateTime' && (element['@sap.display.format'] === 'Date' || element.type === 'cds.Date')
}

/** Converts one V2 JSON value to what CAP stores; throws MalformedValue with a reason a person can act on. */
export function fromV2(element: EdmElement, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null
  switch (element['@odata.Type']) {
    case 'Edm.String':
    case 'Edm.Guid': {
      if (typeof raw !== 'string') throw new MalformedValue(`expected text, got ${preview(raw)}`)
      if (element.length && raw.length > element.length) throw new MalformedValue(`longer than ${element.length} characters`)
      return raw
    }
    case 'Edm.DateTime': {
      const iso = new Date(epochOf(raw)).toISOString()
      return isDateOnly(element) ? iso.slice(0, 10) : iso
    }
    case 'Edm.DateTimeOffset':
      return new Date(epochOf(raw)).toISOString()
    case 'Edm.Time': {
      const match = typeof raw === 'string' ? V2_TIME.exec(raw) : null
      if (!match || Number(match[1]) > 23 || Number(match[2]) > 59 || Number(match[3]) > 59)
        throw new MalformedValue(`not an OData V2 time (${preview(raw)})`)
      return `${pad(Number(match[1]))}:${pad(Number(match[2]))}:${pad(Number(match[3]))}`
    }
    case 'Edm.Decimal':
    case 'Edm.Int64': {
      const text = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw
      if (typeof text !== 'string' || !DECIMAL.test(text)) throw new MalformedValue(`expected a decimal number, got ${preview(raw)}`)
      return text
    }
    case 'Edm.Boolean':
      if (typeof raw !== 'boolean') throw new MalformedValue(`expected true or false, got ${preview(raw)}`)
      return raw
    case 'Edm.Int32':
    case 'Edm.Int16':
    case 'Edm.Byte':
      if (typeof raw !== 'number' || !Number.isInteger(raw)) throw new MalformedValue(`expected a whole number, got ${preview(raw)}`)
      return raw
    default:
      return raw
  }
}

/** A literal for $filter, e.g. datetimeoffset'2025-01-10T10:15:00.123Z' or 'O''Neil'. */
export function v2Literal(element: EdmElement, value: string | number | boolean): string {
  switch (element['@odata.Type']) {
    case 'Edm.DateTimeOffset':
      return `datetimeoffset'${new Date(value as string).toISOString()}'`
    case 'Edm.DateTime':
      return `datetime'${new Date(value as string).toISOString().slice(0, 19)}'`
    case 'Edm.Time': {
      const [h, m, s] = String(value).split(':')
      return `time'PT${h}H${m}M${s}S'`
    }
    case 'Edm.Boolean':
    case 'Edm.Int32':
    case 'Edm.Int16':
    case 'Edm.Byte':
      return String(value)
    case 'Edm.Decimal':
      return `${value}M`
    default:
      return `'${String(value).replace(/'/g, "''")}'`
  }
}
