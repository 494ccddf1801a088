import cds from '@sap/cds'

// CAP 10.1.1 checks @requires and @restrict on a request's target only: an entity a user may not read is still
// reached through another entity's association, by $expand (Invoices?$expand=writeBackOperations), by a path or a
// lambda in $filter, $orderby or $apply (disputes/any(d:d/customerComment eq '…'), conversation/sentTo), and as an
// intermediate step of a navigation. This guard refuses such reads with 403, before the database sees them.

type Definition = {
  name: string
  kind?: string
  target?: string
  isAssociation?: boolean
  elements?: Record<string, Definition>
  actives?: Definition
  _service?: Definition
  '@requires'?: string | string[]
  '@restrict'?: Restriction[]
  '@cds.autoexposed'?: boolean
}
type Restriction = { grant?: string | string[]; to?: string | string[]; where?: unknown }
type Segment = string | { id: string; where?: Token[] }
type Token =
  | string
  | { ref?: Segment[]; xpr?: Token[]; args?: Token[] | Record<string, Token>; list?: Token[]; SELECT?: Select; expand?: Token[] | string[]; inline?: Token[]; where?: Token[]; orderBy?: Token[] }
type Select = { from?: { ref?: Segment[]; SELECT?: Select }; columns?: Token[]; where?: Token[]; having?: Token[]; orderBy?: Token[]; groupBy?: Token[] }

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value])
/** Grants that restrict the entity's CRUD events; a @restrict of bound actions alone leaves reading open. */
const CRUD_GRANTS = new Set(['*', 'READ', 'WRITE', 'CREATE', 'UPDATE', 'DELETE'])

/** Whether the user may read the entity directly, as CAP decides for a request targeting it. */
export function mayRead(entity: Definition, user: cds.User): boolean {
  const definition = entity.actives ?? entity
  const service = definition._service
  const serviceRoles = service && (service['@requires'] ?? service['@restrict']?.flatMap(r => asList(r.to)))
  if (serviceRoles && asList(serviceRoles).length && !asList(serviceRoles).some(role => user.is(role))) return false
  const requires = definition['@requires']
  if (requires && !asList(requires).some(role => user.is(role))) return false
  const restrictions = (definition['@restrict'] ?? []).filter(r => asList(r.grant ?? '*').some(grant => CRUD_GRANTS.has(grant)))
  // An entity CAP exposed on its own (texts, draft administrative data) is read with its parent, which the path passed.
  if (!restrictions.length) return true
  // A where-restricted grant filters rows only where the entity is the target, not along a path: not enough here.
  return restrictions.some(r => !r.where && asList(r.grant ?? '*').some(g => g === '*' || g === 'READ') && asList(r.to ?? 'any').some(role => user.is(role)))
}

class Walk {
  constructor(
    private readonly definitions: Record<string, Definition>,
    private readonly user: cds.User
  ) {}

  /** The first entity along the query's paths the user may not read, if any. */
  refused?: string

  /** Checks the query and its sub-queries; the entity its clauses refer to. */
  query(select: Select | undefined): Definition | undefined {
    if (!select) return
    const entity = select.from?.SELECT ? this.query(select.from.SELECT) : this.from(select.from?.ref)
    for (const clause of [select.columns, select.where, select.having, select.orderBy, select.groupBy]) this.tokens(clause, entity)
    return entity
  }

  /** The navigation's entity set and every step after it, each with its key predicate. */
  private from(ref: Segment[] | undefined): Definition | undefined {
    if (!ref?.length) return
    const [root, ...rest] = ref
    const entity = this.definitions[typeof root === 'string' ? root : root.id]
    if (!entity) return
    this.check(entity)
    if (typeof root === 'object') this.tokens(root.where, entity)
    return this.path(rest, entity)
  }

  /** Follows a path of elements from an entity, checking every association's target; the entity it ends in. */
  private path(ref: Segment[], entity: Definition | undefined): Definition | undefined {
    let current = entity
    for (const segment of ref) {
      const element = current?.elements?.[typeof segment === 'string' ? segment : segment.id]
      if (!element) return // an alias, $now, $user, a column of an aggregation
      if (element.isAssociation && element.target) {
        current = this.definitions[element.target]
        if (current) this.check(current)
        if (typeof segment === 'object') this.tokens(segment.where, current)
      } else current = element.elements ? element : undefined
    }
    return current
  }

  private tokens(tokens: Token[] | Record<string, Token> | undefined, entity: Definition | undefined): void {
    for (const token of Array.isArray(tokens) ? tokens : Object.values(tokens ?? {})) {
      if (typeof token !== 'object' || token === null) continue
      if (token.ref?.[0] === '*' && token.expand) this.expandAll(entity)
      else if (token.ref) {
        const target = this.path(token.ref, entity)
        for (const nested of [token.expand, token.inline]) if (Array.isArray(nested)) this.tokens(nested as Token[], target)
        this.tokens(token.where, target)
        this.tokens(token.orderBy, target)
      }
      this.tokens(token.xpr, entity)
      this.tokens(token.args, entity)
      this.tokens(token.list, entity)
      if (token.SELECT) this.query(token.SELECT)
    }
  }

  /** $expand=*: every association of the entity. */
  private expandAll(entity: Definition | undefined): void {
    for (const element of Object.values(entity?.elements ?? {})) if (element.isAssociation && element.target) this.check(this.definitions[element.target])
  }

  private check(entity: Definition | undefined): void {
    if (entity && !this.refused && !mayRead(entity, this.user)) this.refused = (entity.actives ?? entity).name
  }
}

/** Refuses reads of the service that reach, through an association, an entity the user may not read directly. */
export function refuseReadsThroughAssociations(srv: cds.ApplicationService): void {
  srv.before('READ', '*', req => {
    if ((req.user as cds.User & { _is_privileged?: boolean })._is_privileged) return
    const walk = new Walk(srv.model.definitions as unknown as Record<string, Definition>, req.user)
    walk.query((req.query as unknown as { SELECT?: Select }).SELECT)
    if (walk.refused) return req.reject({ status: 403, message: 'ASSOCIATION_NOT_READABLE', args: [walk.refused.replace(/^.*\./, '')] })
  })
}
