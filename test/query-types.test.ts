// Reads that SQLite runs and PostgreSQL refuses with an SQL error (srv/query-types.ts): each is a 400 with a
// translated message on both databases, also inside a $batch change set, where on PostgreSQL the failed statement
// used to fail every later request of the set too; the same reads done right still work.
import path from 'node:path'
import cds from '@sap/cds'

describe('reads only SQLite would run', () => {
  const { GET, POST, expect, axios } = cds.test(path.join(__dirname, '..'))
  const as = (user: string, language = 'en') => ({ auth: { username: user, password: user }, headers: { 'accept-language': language }, validateStatus: () => true })
  before(() => (axios.defaults.validateStatus = () => true))

  const refused: [name: string, url: string, user: string, message: string][] = [
    ['a text function on a timestamp', `/odata/v4/receivables/Timeline?$filter=${encodeURIComponent("startswith(at,'2026')")}`, 'clerk', 'startswith works on text only; at is not text.'],
    ['a text function on an amount', `/odata/v4/receivables/InvoiceItems?$filter=${encodeURIComponent("contains(taxAmount,'1')")}`, 'clerk', 'contains works on text only; taxAmount is not text.'],
    ['a negative $skip', '/odata/v4/integration/WriteBackOperations?$skip=-5', 'admin', '$skip must not be negative (-5).'],
    ['a negative $top', '/odata/v4/integration/WriteBackOperations?$top=-1', 'admin', '$top must not be negative (-1).'],
    ['a negative $skip in $expand', `/odata/v4/integration/WriteBackOperations?$expand=${encodeURIComponent('log($skip=-1)')}`, 'admin', '$skip must not be negative (-1).'],
    [
      'a $filter after $apply on a property not grouped by',
      `/odata/v4/integration/WriteBackOperations?$apply=${encodeURIComponent('groupby((httpStatus))')}&$filter=${encodeURIComponent("contains(modifiedBy,'a')")}`,
      'admin',
      'modifiedBy is not among the properties $apply groups by; $filter and $orderby after $apply see only those.',
    ],
    [
      'an integer property compared with a number its type cannot hold',
      `/odata/v4/integration/SyncRuns/$count?$filter=${encodeURIComponent('durationMs eq 2147483648')}`,
      'admin',
      '2147483648 is no value durationMs can have: it holds whole numbers from -2147483648 to 2147483647.',
    ],
    [
      '$top after an $apply that pages itself',
      `/odata/v4/receivables/FollowUpTasks?$apply=${encodeURIComponent('skip(1)/top(1)')}&$top=0`,
      'clerk',
      '$top and $skip cannot follow skip() or top() in $apply; page in one of the two.',
    ],
    [
      'a file to group by in $apply',
      `/odata/v4/collections/RemittanceAdvices?$apply=${encodeURIComponent('groupby((content))')}`,
      'manager',
      'content is a file; $apply cannot group by it.',
    ],
    [
      "a draft's SiblingEntity expanded inside $expand after a navigation",
      `/odata/v4/receivables/DisputeComments(ID=${cds.utils.uuid()},IsActiveEntity=false)/dispute?$expand=${encodeURIComponent('lines($expand=SiblingEntity)')}`,
      'clerk',
      'SiblingEntity can be expanded inside $expand only when the entity is read by its key, not after a navigation; read the entity by its key instead.',
    ],
    [
      'a virtual element in $filter after a navigation',
      `/odata/v4/receivables/CustomerContacts(ID=${cds.utils.uuid()},IsActiveEntity=true)/customer?$filter=${encodeURIComponent("endswith(countryName,'y')")}`,
      'clerk',
      'countryName is computed when read; it cannot be used in $filter, $orderby or $apply.',
    ],
    [
      'a virtual element in $orderby',
      '/odata/v4/integration/SyncStates?$orderby=nextRunAt',
      'admin',
      'nextRunAt is computed when read; it cannot be used in $filter, $orderby or $apply.',
    ],
    [
      'an amount compared with text that is no number',
      `/odata/v4/receivables/CustomerAgingBuckets/$count?$filter=${encodeURIComponent("amount gt '%'")}`,
      'clerk',
      '"%" is not a number, so amount cannot be compared with it.',
    ],
    [
      'a fraction in a list of values of an integer property',
      `/odata/v4/integration/WriteBackOperations?$filter=${encodeURIComponent('httpStatus in (200,404.5)')}`,
      'admin',
      '404.5 is no value httpStatus can have: it holds whole numbers from -2147483648 to 2147483647.',
    ],
  ]
  for (const [name, url, user, message] of refused)
    it(`answers ${name} with 400`, async () => {
      const { status, data } = await GET(url, as(user))
      expect(status, JSON.stringify(data)).to.equal(400)
      expect((data as { error: { message: string } }).error.message).to.equal(message)
    })

  it('says why in the user language', async () => {
    const { data } = await GET(refused[0][1], as('clerk', 'de'))
    expect((data as { error: { message: string } }).error.message).to.equal('startswith ist nur auf Text anwendbar; at ist kein Text.')
  })

  it('refuses them in a $batch change set without failing the requests beside them', async () => {
    const requests = [
      { id: '1', method: 'GET', url: 'WriteBackOperations?$skip=-5', atomicityGroup: 'g1' },
      { id: '2', method: 'GET', url: 'WriteBackOperations?$top=1', atomicityGroup: 'g1' },
      { id: '3', method: 'GET', url: 'WriteBackOperations?$top=1' },
    ].map(r => ({ ...r, headers: { 'content-type': 'application/json' } }))
    const { status, data } = await POST('/odata/v4/integration/$batch', { requests }, as('admin'))
    expect(status).to.equal(200)
    const statuses = Object.fromEntries((data as { responses: { id: string; status: number }[] }).responses.map(r => [r.id, r.status]))
    expect(statuses['1']).to.equal(400)
    expect(statuses['3']).to.equal(200)
  })

  it('still answers the same reads done right', async () => {
    for (const [url, user] of [
      [`/odata/v4/receivables/Timeline?$filter=${encodeURIComponent("startswith(text,'Invoice')")}`, 'clerk'],
      ['/odata/v4/integration/WriteBackOperations?$skip=0', 'admin'],
      [`/odata/v4/receivables/FollowUpTasks?$apply=${encodeURIComponent('skip(1)/top(1)')}`, 'clerk'],
      [`/odata/v4/receivables/Timeline?$apply=${encodeURIComponent("filter(kind eq 'comment')")}&$top=1&$skip=1`, 'clerk'],
      [`/odata/v4/integration/SyncRuns/$count?$filter=${encodeURIComponent('durationMs lt 2147483647')}`, 'admin'],
      [`/odata/v4/receivables/Disputes?$top=1&$expand=${encodeURIComponent('lines($expand=SiblingEntity)')}`, 'clerk'],
      ['/odata/v4/receivables/Customers?$select=ID,countryName&$orderby=country', 'clerk'],
      [`/odata/v4/receivables/CustomerAgingBuckets/$count?$filter=${encodeURIComponent("amount gt '12.5' and amount lt 99")}`, 'clerk'],
      [`/odata/v4/integration/WriteBackOperations?$apply=${encodeURIComponent('groupby((httpStatus))')}&$filter=${encodeURIComponent('httpStatus eq null')}`, 'admin'],
    ]) {
      const { status, data } = await GET(url, as(user))
      expect(status, `${url}: ${JSON.stringify(data)}`).to.equal(200)
    }
  })
})
