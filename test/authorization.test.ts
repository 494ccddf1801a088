// Who may do what, checked over HTTP for every entity and action of the finance services: a user without a
// finance role gets nothing, AR roles get nothing of the integration admin's, and every action names its roles.
import path from 'node:path'
import cds from '@sap/cds'

type Definition = { kind: string; '@restrict'?: unknown; '@requires'?: unknown; actions?: Record<string, Definition>; '@cds.persistence.skip'?: boolean }

const FINANCE_SERVICES = ['ReceivablesService', 'IntegrationService', 'LaunchpadService']

describe('authorization of the finance services', () => {
  const { GET, POST, expect, axios } = cds.test(path.join(__dirname, '..'))
  const as = (user: string) => ({ auth: { username: user, password: user }, validateStatus: () => true })

  before(() => {
    axios.defaults.validateStatus = () => true
  })

  const definitions = () => Object.entries(cds.model!.definitions as unknown as Record<string, Definition>)
  const pathOf = (service: string) => (cds.services[service] as unknown as { path: string }).path
  /** The entities a client can address: no drafts, no texts of code lists. */
  const entitiesOf = (service: string) =>
    definitions()
      .filter(([name, d]) => d.kind === 'entity' && name.startsWith(`${service}.`) && !name.endsWith('.drafts') && !name.endsWith('.texts') && !name.endsWith('DraftAdministrativeData'))
      .map(([name, d]) => ({ name: name.slice(service.length + 1), definition: d }))

  it('gives every entity and every action of the finance services a restriction', () => {
    const unrestricted: string[] = []
    for (const service of FINANCE_SERVICES) {
      const serviceDefinition = cds.model!.definitions[service] as unknown as Definition
      const serviceWide = Boolean(serviceDefinition['@restrict'] || serviceDefinition['@requires'])
      for (const { name, definition } of entitiesOf(service)) {
        if (!definition['@restrict'] && !serviceWide) unrestricted.push(`${service}.${name}`)
        // A bound action is checked against its entity's grants if the entity has any, else the service's @requires.
        const coveredByService = !definition['@restrict'] && Boolean(serviceDefinition['@requires'])
        for (const [action, a] of Object.entries(definition.actions ?? {}))
          if (!a['@restrict'] && !a['@requires'] && !coveredByService && !action.startsWith('draft')) unrestricted.push(`${service}.${name}.${action}`)
      }
      // An unbound action is the service's: its @requires covers it.
      for (const [name, d] of definitions())
        if ((d.kind === 'action' || d.kind === 'function') && name.startsWith(`${service}.`) && !d['@restrict'] && !d['@requires'] && !serviceDefinition['@requires'])
          unrestricted.push(name)
    }
    expect(unrestricted).to.deep.equal([])
  })

  it('refuses every entity of the finance services to a user without a finance role', async () => {
    const answers: string[] = []
    for (const service of FINANCE_SERVICES)
      for (const { name } of entitiesOf(service)) {
        const { status } = await GET(`${pathOf(service)}/${name}?$top=1`, as('outsider'))
        if (status !== 403) answers.push(`${service}.${name}: ${status}`)
      }
    expect(answers).to.deep.equal([])
  })

  it("refuses the integration admin's entities and actions to AR, and AR's actions to the integration admin", async () => {
    const answers: string[] = []
    for (const { name } of entitiesOf('IntegrationService')) {
      const { status } = await GET(`/odata/v4/integration/${name}?$top=1`, as('clerk'))
      if (status !== 403) answers.push(`IntegrationService.${name} for clerk: ${status}`)
    }
    const refused = async (url: string, user: string, body: object = {}) => {
      const { status } = await POST(url, body, as(user))
      if (status !== 403) answers.push(`${url} for ${user}: ${status}`)
    }
    await refused('/odata/v4/integration/runNow', 'manager', { entity: 'Customers' })
    await refused('/odata/v4/integration/pause', 'clerk', { entity: 'Customers' })
    await refused(`/odata/v4/receivables/Invoices('1')/ReceivablesService.recordConfirmation`, 'admin', { source: 'phone' })
    await refused(`/odata/v4/receivables/Invoices('1')/ReceivablesService.resendInvoice`, 'admin')
    await refused(`/odata/v4/receivables/Disputes(ID=${cds.utils.uuid()},IsActiveEntity=true)/ReceivablesService.escalate`, 'clerk', { reason: 'x' })
    expect(answers).to.deep.equal([])
  })

  it("keeps the conversation's personal data from the integration admin, and gives it the mirror", async () => {
    const answers: string[] = []
    const expectStatus = async (entity: string, status: number) => {
      const { status: actual } = await GET(`/odata/v4/receivables/${entity}?$top=1`, as('admin'))
      if (actual !== status) answers.push(`${entity}: ${actual}`)
    }
    for (const entity of ['Conversations', 'Disputes', 'DisputeLines', 'DisputeComments', 'ContactProposals', 'CustomerContacts',
      'SurveyInvitations', 'SurveyAnswers', 'FollowUpTasks', 'Timeline', 'WriteBackOperations'])
      await expectStatus(entity, 403)
    for (const entity of ['Customers', 'CustomerSalesAreas', 'CustomerCompanies', 'CustomerDunning', 'SalesOrders', 'SalesOrderItems',
      'Invoices', 'InvoiceItems', 'InvoicePartners', 'ReceivableItems'])
      await expectStatus(entity, 200)
    expect(answers).to.deep.equal([])
  })

  describe('reads through associations', () => {
    type Element = { isAssociation?: boolean; is2many?: boolean; target?: string; key?: boolean; virtual?: boolean; type?: string }
    const ROLES = ['clerk', 'manager', 'admin']
    /** CAP's own draft associations: their targets are read with the entity, never by themselves. */
    const DRAFT_ASSOCIATIONS = new Set(['DraftAdministrativeData', 'SiblingEntity'])
    const DRAFT_ELEMENTS = new Set(['IsActiveEntity', 'HasActiveEntity', 'HasDraftEntity'])
    const direct = new Map<string, number>()
    /** The status of reading the entity set directly; memoized, as every association asks for its target's. */
    const readDirectly = async (service: string, entity: string, user: string) => {
      const key = `${user} ${service}.${entity}`
      if (!direct.has(key)) direct.set(key, (await GET(`${pathOf(service)}/${entity.replace(/\./g, '_')}?$top=1`, as(user))).status)
      return direct.get(key)!
    }
    /**
     * Code list texts and the dunning block view: CAP serves these auto-exposed entities only with the entity pointing to
     * them. So is the change history (@cap-js/change-tracking's ChangeView, not readable by itself): each entity's
     * `changes` are its own changes only.
     */
    const exposedWithParent = (target: string) => {
      const definition = cds.model!.definitions[target] as unknown as Record<string, unknown>
      if (definition['@Capabilities.ReadRestrictions.Readable'] === false) return true
      return Boolean(definition['@cds.autoexposed'] && !definition['@restrict'] && !definition['@requires'])
    }
    /** A property of the target that a $filter over a to-one association can compare. */
    const propertyOf = (target: string) => {
      const elements = Object.entries((cds.model!.definitions[target] as unknown as { elements: Record<string, Element> }).elements)
      const [name] = elements.find(([n, e]) => !e.isAssociation && !e.virtual && !DRAFT_ELEMENTS.has(n) && e.type !== 'cds.LargeBinary') ?? []
      return name
    }

    it('refuses an $expand or a $filter over every association whose target the role may not read directly', async function () {
      this.timeout(600_000)
      const answers: string[] = []
      let probes = 0
      for (const service of FINANCE_SERVICES)
        for (const { name, definition } of entitiesOf(service)) {
          const associations = Object.entries((definition as unknown as { elements?: Record<string, Element> }).elements ?? {}).filter(
            ([a, e]) => e.isAssociation && !DRAFT_ASSOCIATIONS.has(a) && e.target?.startsWith(`${service}.`)
          )
          for (const user of ROLES) {
            if ((await readDirectly(service, name, user)) !== 200) continue
            for (const [association, element] of associations) {
              const target = element.target!.slice(service.length + 1)
              const expected = exposedWithParent(element.target!) || (await readDirectly(service, target, user)) === 200 ? 200 : 403
              const property = propertyOf(element.target!)
              const filter = element.is2many ? `${association}/any()` : `${association}/${property} ne null`
              for (const query of [`$expand=${association}`, `$filter=${encodeURIComponent(filter)}`, `$orderby=${association}/${property}`].slice(0, element.is2many ? 2 : 3)) {
                const { status } = await GET(`${pathOf(service)}/${name}?$top=1&${query}`, as(user))
                probes++
                if (status !== expected) answers.push(`${user} ${service}.${name}?${decodeURIComponent(query)}: ${status}, reading ${target} directly ${expected}`)
              }
            }
          }
        }
      expect(answers.join('\n')).to.equal('')
      expect(probes).to.be.greaterThan(300)
    })

    it('refuses deeper paths too: nested $expand, lambdas in $apply, navigation from a refused entity', async () => {
      const answers: string[] = []
      for (const [url, status] of [
        [`Customers?$expand=invoices($expand=disputes)`, 403],
        [`Customers?$expand=invoices($filter=timeline/any(t:t/actor eq 'x'))`, 403],
        [`Invoices?$apply=${encodeURIComponent(`filter(disputes/any(d:d/customerComment eq 'x'))/aggregate($count as n)`)}`, 403],
        [`Invoices?$filter=${encodeURIComponent(`disputes/any(d:d/comments/any(c:c/text eq 'x'))`)}`, 403],
        [`Invoices?$orderby=conversation/sentTo`, 403],
        [`Invoices('1')/disputes`, 403],
        [`Disputes(ID=${cds.utils.uuid()},IsActiveEntity=true)/invoice`, 403],
        [`Customers?$expand=contacts($expand=changes)`, 403],
        [`Customers?$expand=invoices($expand=items)`, 200],
        [`Invoices?$filter=${encodeURIComponent(`items/any(i:i/netAmount gt 0)`)}`, 200],
      ] as const) {
        const { status: actual } = await GET(`/odata/v4/receivables/${url}`, as('admin'))
        if (actual !== status) answers.push(`${decodeURIComponent(url)}: ${actual}`)
      }
      expect(answers).to.deep.equal([])
    })
  })

  it('lets each role read what its apps show', async () => {
    for (const [user, url] of [
      ['clerk', '/odata/v4/receivables/Invoices?$top=1'],
      ['manager', '/odata/v4/receivables/Disputes?$top=1'],
      ['admin', '/odata/v4/receivables/Customers?$top=1'],
      ['admin', '/odata/v4/integration/WriteBackOperations?$top=1'],
      ['clerk', '/odata/v4/launchpad/kpis()'],
    ]) {
      const { status } = await GET(url, as(user))
      expect(status, `${user} ${url}`).to.equal(200)
    }
  })
})
