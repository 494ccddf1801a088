import cds from '@sap/cds'

// The apps read an object's sections by navigation: Invoices('…')/items, Customers('…')/aging. CAP 10.1.1 turns that
// into `SELECT … FROM InvoiceItems WHERE EXISTS (SELECT 1 FROM Invoices WHERE ID = InvoiceItems.billingDocument_ID
// AND ID = ?)`. When the parent is a view with joins or aggregates (Invoices, the aging), SQLite cannot turn that
// EXISTS into a join: it runs the subquery for every row of the child table (300,000 items at 100k invoices), and an
// aggregate child (the aging) is computed for every customer before the filter. This reads such a navigation as the
// filter it means, `WHERE billingDocument_ID = ?`, which the child's index answers.
//
// Only for a navigation from an entity's key to a to-many association whose condition equates the target's
// foreign key with that key (a backlink `children.parent = $self`, or `children.parent.ID = $self.ID`); anything
// else (draft-enabled parents, filtered associations, longer paths) stays as CAP reads it.

type Token = string | { ref?: (string | { id: string; where?: Token[] })[]; val?: unknown; xpr?: Token[] }
type Element = { type?: string; target?: string; on?: Token[]; keys?: { ref: string[] }[]; key?: boolean; isAssociation?: boolean; is2many?: boolean }
type Entity = { name: string; elements: Record<string, Element>; keys?: Record<string, Element>; drafts?: unknown }

/** key = value terms joined by `and`, as CAP writes an OData key predicate; undefined for anything else. */
function keyValues(where: Token[] | undefined): Map<string, unknown> | undefined {
  if (!where?.length) return undefined
  const values = new Map<string, unknown>()
  for (let i = 0; i < where.length; i += 4) {
    const [ref, op, val, and] = where.slice(i, i + 4)
    if (typeof ref !== 'object' || ref.ref?.length !== 1 || typeof ref.ref[0] !== 'string' || op !== '=' || typeof val !== 'object' || !('val' in val)) return undefined
    if (and !== undefined && and !== 'and') return undefined
    values.set(ref.ref[0], val.val)
  }
  return values
}

/** The target's columns equal to which parent key: { billingDocument_ID: 'ID' } for `items.billingDocument = $self`. */
function foreignKeyOf(association: string, element: Element, parent: Entity, target: Entity): Map<string, string> | undefined {
  const on = element.on
  if (on?.length !== 3 || on[1] !== '=') return undefined
  const refs = [on[0], on[2]].map(t => (typeof t === 'object' && t.ref?.every(s => typeof s === 'string') ? (t.ref as string[]) : undefined))
  if (!refs[0] || !refs[1]) return undefined
  const [mine, theirs] = refs[0][0] === association ? [refs[1], refs[0].slice(1)] : [refs[0], refs[1].slice(1)]
  const parentKeys = Object.keys(parent.keys ?? {}).filter(k => !parent.keys![k].isAssociation)
  // backlink: children.parent = $self
  if (mine.length === 1 && mine[0] === '$self' && theirs.length === 1) {
    const backlink = target.elements[theirs[0]]
    if (!backlink?.isAssociation || backlink.on) return undefined
    const keys = backlink.keys?.map(k => k.ref.join('_')) ?? []
    if (keys.length !== parentKeys.length || !keys.every(k => parentKeys.includes(k))) return undefined
    return new Map(keys.map(k => [`${theirs[0]}_${k}`, k]))
  }
  // children.parent.ID = $self.ID, or children.customer = $self.ID
  const key = mine[0] === '$self' ? mine.slice(1) : mine
  if (key.length !== 1 || parentKeys.length !== 1 || key[0] !== parentKeys[0]) return undefined
  const column = theirs.join('_')
  return target.elements[column] && !target.elements[column].isAssociation ? new Map([[column, key[0]]]) : undefined
}

/** Rewrites a READ of Parent(key)/children into a READ of the children filtered by their foreign key, in place. */
export function readNavigationAsFilter(req: cds.Request) {
  const select = (req.query as { SELECT?: { from?: Token; where?: Token[] } }).SELECT
  const from = select?.from
  if (!select || typeof from !== 'object' || from.ref?.length !== 2) return
  const [parentSegment, navigation] = from.ref
  if (typeof parentSegment !== 'object') return
  const model = cds.model as unknown as { definitions: Record<string, Entity> }
  const parent = model.definitions[parentSegment.id]
  const name = typeof navigation === 'string' ? navigation : navigation.id
  const association = parent?.elements[name]
  if (!parent || parent.drafts || !association?.isAssociation || !association.is2many || !association.target) return
  const target = model.definitions[association.target]
  const parentKey = keyValues(parentSegment.where)
  const columns = target && foreignKeyOf(name, association, parent, target)
  if (!parentKey || !columns || [...columns.values()].some(k => !parentKey.has(k))) return
  const conditions: Token[][] = [...columns].map(([column, key]) => [{ ref: [column] }, '=', { val: parentKey.get(key) }])
  if (typeof navigation === 'object' && navigation.where) conditions.push(navigation.where)
  if (select.where?.length) conditions.push(select.where)
  select.from = { ref: [target.name] }
  select.where = conditions.flatMap((c, i) => (i ? ['and', { xpr: c }] : [{ xpr: c }]))
}
