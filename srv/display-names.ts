// Country and language names in the reader's language, from the ISO codes S/4HANA keeps on a business partner
// (country DE, correspondence language DE). Node's ICU knows them in every language the apps speak, so no code
// list has to be loaded and kept current for them.

export type Kind = 'region' | 'language'

/** One formatter per locale and kind: building one costs more than using it. */
const formatters = new Map<string, Intl.DisplayNames>()

function formatter(locale: string, type: Kind): Intl.DisplayNames {
  const key = `${locale}|${type}`
  let names = formatters.get(key)
  if (!names) {
    // CAP's locales are underscored (zh_CN); Intl wants BCP 47 tags. An unknown locale falls back to English.
    const tag = locale.replace('_', '-')
    names = new Intl.DisplayNames(Intl.DisplayNames.supportedLocalesOf([tag]).length ? [tag] : ['en'], { type, fallback: 'code' })
    formatters.set(key, names)
  }
  return names
}

/** The name of a country (ISO 3166 code) or a language (ISO 639 code) in the given locale; the code if it has none. */
export function nameOfCode(code: string | null | undefined, type: Kind, locale: string): string | null {
  if (!code) return null
  try {
    return formatter(locale, type).of(type === 'region' ? code.toUpperCase() : code.toLowerCase()) ?? code
  } catch {
    // not a well-formed code (RangeError): shown as it is
    return code
  }
}
