import cds from '@sap/cds'

// Reads that SQLite runs (it has no types to speak of) and PostgreSQL and HANA refuse with an SQL error, which CAP
// 10.1.1 answers with 500: a text function on an element that is not text ($filter=startswith(createdAt,'2026'),
// contains(amount,'1'): "function strpos(numeric, unknown) does not exist"), a negative $skip or $top ("OFFSET/LIMIT must not be
// negative"), at the top or inside $expand; and after an $apply that groups, a $filter or $orderby on a property
// that is not among the grouped ones ("column … must appear in the GROUP BY clause"); a number compared with an
// integer property that its type cannot hold ($filter=durationMs eq 2147483648: "value out of range for type
// integer", as PostgreSQL types the parameter after the property); $top or $skip after an $apply that pages itself
// (skip(1)/top(1)), which CAP nests into a query that selects each foreign key twice ("column reference … is
// ambiguous"); a draft's SiblingEntity expanded inside an $expand of a read by navigation
// (DisputeComments(…)/dispute?$expand=lines($expand=SiblingEntity)), for which CAP's draft handling names a column
// PostgreSQL does not have ("column $s.isactiveentity does not exist"); a file (a stream) in $apply's groupby, beside
// which CAP selects its media type ungrouped ("column … mediatype must appear in the GROUP BY clause"); and on every
// database a virtual element (filled by a handler for the rows read: a country's name, a sync's schedule) in $filter
// or $orderby ("Virtual elements are not allowed in expressions"). In a $batch change set, PostgreSQL's aborted transaction then failed every
// later request of the set too. Refused with 400 before the database sees them, on every database alike.

type Element = { name: string; type?: string; target?: string; isAssociation?: boolean; virtual?: boolean; elements?: Record<string, Element> }
type Segment = string | { id: string; where?: Token[] }
type Limit = { rows?: { val?: unknown }; offset?: { val?: unknown } }
type Token = {
  ref?: Segment[]
  val?: unknown
  as?: string
  func?: string
  xpr?: Token[]
  args?: Token[] | Record<string, Token>
  list?: Token[]
  SELECT?: Select
  expand?: Token[] | string[]
  where?: Token[]
  orderBy?: Token[]
  limit?: Limit
}
type Select = { from?: { ref?: Segment[]; SELECT?: Select }; columns?: Token[]; where?: Token[]; having?: Token[]; orderBy?: Token[]; groupBy?: Token[]; limit?: Limit }
type Refusal = { message: string; args: string[] }

/** OData's string functions, as CAP 10.1.1's parser names them. */
const TEXT_FUNCTIONS = new Set(['contains', 'startswith', 'endswith', 'indexof', 'length', 'substring', 'tolower', 'toupper', 'trim', 'concat', 'matchespattern'])
const TEXT_TYPES = new Set(['cds.String', 'cds.LargeString', 'cds.UUID'])
const AGGREGATES = new Set(['count', 'countdistinct', 'sum', 'min', 'max', 'avg', 'average'])
/** The values each integer type holds on every database (HANA's and PostgreSQL's columns of the type). */
const INTEGER_RANGES: Record<string, [min: number, max: number]> = {
  'cds.UInt8': [0, 255],
  'cds.Int16': [-32768, 32767],
  'cds.Int32': [-2147483648, 2147483647],
  'cds.Integer': [-2147483648, 2147483647],
  'cds.Int64': [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  'cds.Integer64': [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
}
/** Numeric types: PostgreSQL refuses to compare them with text that is not a number (22P02), SQLite compares anyway. */
const NUMERIC_TYPES = new Set([...Object.keys(INTEGER_RANGES), 'cds.Decimal', 'cds.Double'])
const NUMBER_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i
const COMPARISONS = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=', 'in', 'not in'])

/** Whether an $expand inside another one (depth > 0) expands a draft's SiblingEntity. */
const expandsSiblingWithin = (columns: (Token | string)[] | undefined, depth = 0): boolean =>
  (columns ?? []).some(c => typeof c === 'object' && Boolean(c.expand) && ((depth > 0 && c.ref?.[0] === 'SiblingEntity') || expandsSiblingWithin(c.expand, depth + 1)))

/** Whether a query, or one it reads from, takes only a page of rows: skip() or top() of an $apply. */
const pagedWithin = (select: Select | undefined): boolean => Boolean(select && (select.limit || pagedWithin(select.from?.SELECT)))

class Check {
  refusal?: Refusal
  constructor(private readonly definitions: Record<string, Element>) {}

  query(select: Select | undefined): void {
    if (!select || this.refusal) return
    if (select.from?.SELECT) this.query(select.from.SELECT)
    const entity = this.from(select.from?.ref)
    if (!this.refusal && select.limit && pagedWithin(select.from?.SELECT)) this.refusal = { message: 'PAGING_AFTER_APPLY_PAGING', args: [] }
    if (!this.refusal && (select.from?.ref?.length ?? 0) > 1 && expandsSiblingWithin(select.columns)) this.refusal = { message: 'SIBLING_EXPAND_AFTER_NAVIGATION', args: [] }
    this.limit(select.limit)
    if (select.groupBy?.length) {
      this.streamsIn(select.groupBy, entity)
      const grouped = new Set([...select.groupBy, ...(select.columns ?? [])].flatMap(t => [t.as, t.ref?.join('/')]).filter(name => name !== undefined))
      for (const clause of [select.having, select.orderBy]) this.ungrouped(clause, grouped, entity)
    }
    for (const clause of [select.columns, select.where, select.having, select.orderBy, select.groupBy]) this.tokens(clause, entity)
    for (const clause of [select.where, select.having, select.orderBy, select.groupBy]) this.virtualIn(clause, entity)
  }

  /**
   * A virtual element in a condition, an order or a grouping: the database has no column for it. srv/request-guards.ts
   * refuses those of the entity set a URL starts with before CAP parses it; this one also those of the entity a
   * navigation or an $expand reads (CustomerContacts(…)/customer?$filter=endswith(countryName,'y')).
   */
  private virtualIn(tokens: Token[] | Record<string, Token> | string[] | undefined, entity: Element | undefined): void {
    for (const token of Array.isArray(tokens) ? tokens : Object.values(tokens ?? {})) {
      if (this.refusal) return
      if (typeof token !== 'object' || token === null) continue
      const element = token.ref ? this.elementAt(token.ref, entity) : undefined
      if (element?.virtual) return void (this.refusal = { message: 'VIRTUAL_ELEMENT_NOT_IN_EXPRESSIONS', args: [element.name] })
      this.virtualIn(token.xpr, entity)
      this.virtualIn(token.args, entity)
      this.virtualIn(token.list, entity)
    }
  }

  /** A file (LargeBinary, a stream in OData) to group by: CAP selects its media type beside it, ungrouped. */
  private streamsIn(groupBy: Token[], entity: Element | undefined): void {
    for (const token of groupBy) {
      const element = token.ref && !this.refusal ? this.elementAt(token.ref, entity) : undefined
      if (element && this.builtin(element.type) === 'cds.LargeBinary') this.refusal = { message: 'GROUP_BY_FILE', args: [element.name] }
    }
  }

  private from(ref: Segment[] | undefined): Element | undefined {
    if (!ref?.length) return
    const [root, ...rest] = ref
    const entity = this.definitions[typeof root === 'string' ? root : root.id]
    if (typeof root === 'object') this.tokens(root.where, entity)
    return this.entityAt(rest, entity)
  }

  /** The entity a path of associations leads to, checking the filters on the way. */
  private entityAt(ref: Segment[], entity: Element | undefined): Element | undefined {
    let current = entity
    for (const segment of ref) {
      const element = current?.elements?.[typeof segment === 'string' ? segment : segment.id]
      if (!element) return
      current = element.isAssociation && element.target ? this.definitions[element.target] : element.elements ? element : undefined
      if (typeof segment === 'object') this.tokens(segment.where, current)
    }
    return current
  }

  /** The element a path ends in (undefined for an alias, $now, a column of an aggregation). */
  private elementAt(ref: Segment[], entity: Element | undefined): Element | undefined {
    const head = this.entityAt(ref.slice(0, -1), entity)
    const last = ref.at(-1)
    return last === undefined ? undefined : head?.elements?.[typeof last === 'string' ? last : last.id]
  }

  private builtin(type: string | undefined): string | undefined {
    for (let t = type, hops = 0; t && hops < 10; t = this.definitions[t]?.type, hops++) if (t.startsWith('cds.')) return t
  }

  private limit(limit: Limit | undefined): void {
    if (!this.refusal && typeof limit?.offset?.val === 'number' && limit.offset.val < 0) this.refusal = { message: 'SKIP_NOT_NEGATIVE', args: [String(limit.offset.val)] }
    if (!this.refusal && typeof limit?.rows?.val === 'number' && limit.rows.val < 0) this.refusal = { message: 'TOP_NOT_NEGATIVE', args: [String(limit.rows.val)] }
  }

  private tokens(tokens: Token[] | Record<string, Token> | string[] | undefined, entity: Element | undefined): void {
    if (Array.isArray(tokens)) this.comparisons(tokens as (Token | string)[], entity)
    for (const token of Array.isArray(tokens) ? tokens : Object.values(tokens ?? {})) {
      if (this.refusal) return
      if (typeof token !== 'object' || token === null) continue
      if (token.func && TEXT_FUNCTIONS.has(token.func.toLowerCase())) this.textArguments(token.func, token.args, entity)
      if (token.ref && token.ref[0] !== '*') {
        const target = this.entityAt(token.ref, entity)
        this.limit(token.limit)
        for (const clause of [token.expand, token.where, token.orderBy]) this.tokens(clause, target)
        for (const clause of [token.where, token.orderBy]) this.virtualIn(clause, target)
      }
      this.tokens(token.xpr, entity)
      this.tokens(token.args, entity)
      this.tokens(token.list, entity)
      if (token.SELECT) this.query(token.SELECT)
    }
  }

  /** A property of the entity used after the grouping without being grouped by (aggregated ones are fine). */
  private ungrouped(tokens: Token[] | Record<string, Token> | undefined, grouped: Set<string>, entity: Element | undefined): void {
    for (const token of Array.isArray(tokens) ? tokens : Object.values(tokens ?? {})) {
      if (this.refusal || typeof token !== 'object' || token === null) return
      if (token.func && AGGREGATES.has(token.func.toLowerCase())) continue
      const name = token.ref?.map(segment => (typeof segment === 'string' ? segment : segment.id)).join('/')
      if (name && !grouped.has(name) && this.elementAt(token.ref!, entity)) return void (this.refusal = { message: 'NOT_AMONG_GROUPED', args: [name] })
      this.ungrouped(token.xpr, grouped, entity)
      this.ungrouped(token.args, grouped, entity)
      this.ungrouped(token.list, grouped, entity)
    }
  }

  /** `ref op val`, `val op ref` and `ref in (vals)` where the value is no number or does not fit the property's integer type. */
  private comparisons(tokens: (Token | string)[], entity: Element | undefined): void {
    for (let i = 0; i + 2 < tokens.length && !this.refusal; i++) {
      const [left, op, right] = tokens.slice(i, i + 3)
      if (typeof op !== 'string' || !COMPARISONS.has(op.toLowerCase()) || typeof left !== 'object' || typeof right !== 'object') continue
      const [ref, value] = left.ref ? [left.ref, right] : [right.ref, left]
      const element = ref ? this.elementAt(ref, entity) : undefined
      const type = element && this.builtin(element.type)
      if (!element || !type || !NUMERIC_TYPES.has(type)) continue
      for (const { val } of value.list ?? [value])
        if (typeof val === 'string' && !NUMBER_TEXT.test(val)) return void (this.refusal = { message: 'TEXT_NOT_A_NUMBER', args: [val, element.name] })
      const range = INTEGER_RANGES[type]
      if (!range) continue
      for (const { val } of value.list ?? [value])
        if (typeof val === 'number' && (val < range[0] || val > range[1] || !Number.isInteger(val)))
          return void (this.refusal = { message: 'NUMBER_OUT_OF_RANGE', args: [String(val), element.name, String(range[0]), String(range[1])] })
    }
  }

  private textArguments(func: string, args: Token['args'], entity: Element | undefined): void {
    for (const arg of Array.isArray(args) ? args : Object.values(args ?? {})) {
      const element = arg?.ref ? this.elementAt(arg.ref, entity) : undefined
      if (!element || element.isAssociation || element.elements) continue
      const type = this.builtin(element.type)
      if (type && !TEXT_TYPES.has(type)) return void (this.refusal = { message: 'TEXT_FUNCTION_ON_NON_TEXT', args: [func, element.name] })
    }
  }
}

/** Refuses reads of the service that only SQLite would run (see above) with 400. */
export function refuseUntypedReads(srv: cds.ApplicationService): void {
  srv.before('READ', '*', req => {
    const check = new Check(srv.model.definitions as unknown as Record<string, Element>)
    check.query((req.query as unknown as { SELECT?: Select }).SELECT)
    if (check.refusal) return req.reject({ status: 400, ...check.refusal })
  })
}
