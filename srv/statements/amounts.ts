// Statement figures add up many amounts and must come out exact (a closing balance is compared to the customer's
// own books to the cent). Amounts are Decimal(24, 3) in the database and arrive as strings or numbers depending on
// the database driver; here they are whole thousandths in a bigint, so that no sum ever rounds.

export type Milli = bigint

const SCALE = 3

/** A database or JSON amount ('-12.5', -12.5, '100') as whole thousandths. */
export function toMilli(value: string | number | null | undefined): Milli {
  if (value === null || value === undefined || value === '') return 0n
  const text = typeof value === 'number' ? value.toFixed(SCALE) : value.trim()
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text)
  if (!match) throw new Error(`not an amount: ${text}`)
  const [, sign, whole, fraction = ''] = match
  // Digits beyond the third decimal cannot occur in Decimal(24, 3); a number's binary noise is cut by toFixed above.
  const milli = BigInt((whole || '0') + fraction.padEnd(SCALE, '0').slice(0, SCALE))
  return sign === '-' ? -milli : milli
}

/** Thousandths as the decimal string the database and the hash take: always three decimals, '-' for negatives. */
export function fromMilli(milli: Milli): string {
  const negative = milli < 0n
  const digits = (negative ? -milli : milli).toString().padStart(SCALE + 1, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`
}

export const sumMilli = (values: Iterable<Milli>): Milli => {
  let sum = 0n
  for (const value of values) sum += value
  return sum
}
