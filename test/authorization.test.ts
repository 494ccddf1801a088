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
        for (const [action, a] of Object.entries(definition.actions ?? {}))
          if (!a['@restrict'] && !a['@requires'] && !action.startsWith('draft')) unrestricted.push(`${service}.${name}.${action}`)
      }
      for (const [name, d] of definitions())
        if ((d.kind === 'action' || d.kind === 'function') && name.startsWith(`${service}.`) && !d['@restrict'] && !d['@requires']) unrestricted.push(name)
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
