import { v2Literal } from '../s4/v2-values'

// S/4HANA stores change stamps more finely than its V2 JSON shows them: LastChangeDateTime has 100 ns ticks on the
// server but travels as whole milliseconds; business partners only have a date and a time to the second. Rows whose
// stamps look equal on the wire may be ordered by invisible ticks, so a key tie-breaker only works across whole
// "buckets" of equal visible stamps. The engine therefore never ends a page inside a bucket; a bucket larger than a
// page is read on its own, ordered by key.

export interface ChangeStamp {
  /** Remote properties that make up the stamp, in $orderby order. */
  readonly properties: string[]
  /** Wire resolution: stamps in the same bucket are indistinguishable to us. */
  readonly bucketMs: number
  /** How far before the checkpoint a new delta run starts, for stamps that are known to be set late. */
  readonly overlapMs: number
  /** The bucket (epoch ms) of a converted record. */
  bucketOf(record: Record<string, unknown>): number
  /** $filter for all rows in this bucket or later. */
  from(bucket: number): string
  /** $filter for the rows of exactly this bucket. */
  within(bucket: number): string
}

const DTO = { '@odata.Type': 'Edm.DateTimeOffset' }
const DATE = { '@odata.Type': 'Edm.DateTime' }
const TIME = { '@odata.Type': 'Edm.Time' }
const iso = (ms: number) => new Date(ms).toISOString()

/** A single Edm.DateTimeOffset property such as LastChangeDateTime (sales orders, billing documents). */
export function dateTimeOffsetStamp(property: string): ChangeStamp {
  const literal = (ms: number) => v2Literal(DTO, iso(ms))
  return {
    properties: [property],
    bucketMs: 1,
    overlapMs: 0,
    bucketOf: record => Date.parse(record[property] as string),
    from: bucket => `${property} ge ${literal(bucket)}`,
    within: bucket => `${property} ge ${literal(bucket)} and ${property} lt ${literal(bucket + 1)}`,
  }
}

/** A date plus a time to the second (LastChangeDate + LastChangeTime of business partners), with an overlap window. */
export function dateAndTimeStamp(dateProperty: string, timeProperty: string, overlapMs: number): ChangeStamp {
  const parts = (ms: number) => ({ date: v2Literal(DATE, iso(ms).slice(0, 10)), time: v2Literal(TIME, iso(ms).slice(11, 19)) })
  return {
    properties: [dateProperty, timeProperty],
    bucketMs: 1000,
    overlapMs,
    bucketOf: record => Date.parse(`${record[dateProperty]}T${record[timeProperty] ?? '00:00:00'}Z`),
    from: bucket => {
      const { date, time } = parts(bucket)
      return `(${dateProperty} gt ${date} or (${dateProperty} eq ${date} and ${timeProperty} ge ${time}))`
    },
    within: bucket => {
      const { date, time } = parts(bucket)
      return `${dateProperty} eq ${date} and ${timeProperty} eq ${time}`
    },
  }
}
