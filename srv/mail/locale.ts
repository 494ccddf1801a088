// The languages mails are written in, and how each writes amounts and dates. S/4HANA gives a customer's
// correspondence language as an ISO code ('EN', 'DE', 'ZH'); a language we have no texts for gets English,
// the lingua franca of the customers we cannot address in their own.

export const MAIL_LANGUAGES = ['EN', 'DE', 'ZH'] as const
export type MailLanguage = (typeof MAIL_LANGUAGES)[number]

/** Also the HTML lang attribute. zh-CN: Simplified Chinese, as the texts are written. */
const LOCALES: Record<MailLanguage, string> = { EN: 'en-GB', DE: 'de-DE', ZH: 'zh-CN' }

/** The language to write in for an S/4HANA language key; case and surrounding blanks do not matter. */
export function mailLanguage(language: string | null | undefined): MailLanguage {
  const key = (language ?? '').trim().toUpperCase()
  return (MAIL_LANGUAGES as readonly string[]).includes(key) ? (key as MailLanguage) : 'EN'
}

/** Amounts arrive as numbers or as decimal strings (OData V2, CAP decimals). */
export type Amount = number | string
/** A calendar date: 'YYYY-MM-DD' (CAP Date) or a Date at midnight UTC (S/4HANA V2 /Date(…)/). */
export type CalendarDate = string | Date

export interface LocaleFormat {
  locale: string
  money(amount: Amount, currency: string): string
  quantity(value: Amount): string
  date(value: CalendarDate): string
  /** The month of a day, as a statement's period is named: "November 2026", "November 2026", "2026年11月". */
  month(value: CalendarDate): string
}

export function localeFormat(language: MailLanguage): LocaleFormat {
  const locale = LOCALES[language]
  // Calendar dates have no time zone: read and write them in UTC, so that no server time zone shifts the day.
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })
  const months = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' })
  const quantities = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 })
  return {
    locale,
    // The currency decides the decimals (JPY none, EUR two), the locale the symbol's place and the separators.
    money: (amount, currency) => new Intl.NumberFormat(locale, { style: 'currency', currency }).format(toNumber(amount)),
    quantity: value => quantities.format(toNumber(value)),
    date: value => dates.format(toDate(value)),
    month: value => months.format(toDate(value)),
  }
}

function toNumber(value: Amount): number {
  const number = typeof value === 'number' ? value : Number(value)
  if (typeof value === 'string' && value.trim() === '') throw new Error(`Not an amount: '${value}'`)
  if (!Number.isFinite(number)) throw new Error(`Not an amount: '${value}'`)
  return number
}

function toDate(value: CalendarDate): Date {
  const date = value instanceof Date ? value : new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(date.getTime())) throw new Error(`Not a date: '${String(value)}'`)
  return date
}
