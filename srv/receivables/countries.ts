import { Customers } from '#cds-models/invoicecrm/mirror'
import { nameOfCode } from '../display-names'

// The values of Customer 360's country filter: the countries the mirrored customers are in (distinct codes, read from
// the index on the country, db/indexes.cds), each by its name in the reader's language, sorted by that name as the
// reader's language sorts.

type Limit = { rows?: { val?: number }; offset?: { val?: number } }

export async function countriesOf(locale: string, limit?: Limit): Promise<{ code: string; name: string }[] & { $count?: number }> {
  const codes = (await SELECT.distinct.from(Customers).columns('country').where({ country: { '!=': null } })) as { country: string }[]
  const collator = new Intl.Collator(locale.replace('_', '-'))
  const countries = codes.map(({ country }) => ({ code: country, name: nameOfCode(country, 'region', locale) ?? country })).sort((a, b) => collator.compare(a.name, b.name))
  const offset = limit?.offset?.val ?? 0
  const page: { code: string; name: string }[] & { $count?: number } = countries.slice(offset, limit?.rows?.val === undefined ? undefined : offset + limit.rows.val)
  page.$count = countries.length
  return page
}
