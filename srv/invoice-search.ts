// $search on Invoices looks in the fields @cds.search names (srv/receivables-service.cds): the number, the PO number,
// the payer's name. CAP 10.1.1 searches as `ID IN (SELECT ID FROM <the Invoices view> LEFT JOIN Customers WHERE …)`,
// which joins every invoice to its conversation, open dispute, dunning block and payer, for the page and again for
// its count: about a second at 100k invoices on SQLite. The same search as a condition on the invoice's own columns,
// the payer's name by a subquery on the customers, reads the invoice table once, without joins, and lets the count
// be taken from the table (srv/invoice-count.ts). Case-insensitive containment, as CAP's search.
//
// Only a single search term; a search expression (AND, OR, NOT of terms) is left to CAP.

type Token = string | { ref?: string[]; val?: unknown; func?: string; args?: Token[]; xpr?: Token[]; list?: Token[]; SELECT?: { from: { ref: string[] }; columns: Token[]; where: Token[] } }
type Select = { from?: { ref?: unknown[] }; where?: Token[]; search?: Token[] | undefined }
type Entity = { name: string; elements: Record<string, { isAssociation?: boolean; target?: string; keys?: { ref: string[] }[] }>; [annotation: string]: unknown }

const contains = (ref: string[], term: string): Token => ({
  xpr: [{ func: 'contains', args: [{ func: 'tolower', args: [{ ref }] }, { val: term.toLowerCase() }] }],
})

/** The searched fields of the entity as conditions: own columns directly, fields of a to-one association by its foreign key. */
function conditions(entity: Entity, term: string): Token[] | undefined {
  const terms: Token[] = []
  for (const key of Object.keys(entity)) {
    if (!key.startsWith('@cds.search.') || !entity[key]) continue
    const path = key.slice('@cds.search.'.length).split('.')
    const element = entity.elements[path[0]]
    if (!element) return undefined
    if (path.length === 1 && !element.isAssociation) terms.push(contains(path, term))
    else if (path.length === 2 && element.isAssociation && element.keys?.length === 1 && element.target) {
      const key = element.keys[0].ref[0]
      const names = { SELECT: { from: { ref: [element.target] }, columns: [{ ref: [key] }], where: [contains([path[1]], term)] } }
      terms.push({ xpr: [{ ref: [`${path[0]}_${key}`] }, 'in', names] })
    } else return undefined
  }
  return terms.length ? terms.flatMap((t, i) => (i ? ['or', t] : [t])) : undefined
}

/** Replaces a single-term $search of Invoices by the equivalent condition, in place. */
export function searchAsCondition(select: Select, entity: Entity) {
  const search = select.search
  if (search?.length !== 1 || typeof search[0] !== 'object' || typeof search[0].val !== 'string') return
  const term = search[0].val.trim()
  const condition = term && conditions(entity, term)
  if (!condition) return
  // Not `delete`: CAP 10.1.1 keeps the search on the query's prototype, which an own property shadows.
  select.search = undefined
  select.where = select.where?.length ? [{ xpr: select.where }, 'and', { xpr: condition }] : [{ xpr: condition }]
}

