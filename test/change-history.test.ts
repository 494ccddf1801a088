// The change history of disputes and contact corrections (@cap-js/change-tracking, db/change-tracking.cds), as the
// Fiori apps' object pages read it: a dispute's processing data and a contact edited in draft and saved, then their
// `changes` with the old and the new value and who changed it. A contact's personal fields are not in it (their
// changes are in the audit log, test/audit-log.test.ts); only AR reads it.
import cds from '@sap/cds'

const M = 'invoicecrm.mirror'
const API = '/odata/v4/receivables'

interface Change {
  attribute: string
  modification: string
  valueChangedFrom: string | null
  valueChangedTo: string | null
  valueChangedToLabel: string | null
  createdBy: string
  objectID: string
  entityLabel: string
}

describe('change history', () => {
  const { GET, POST, PATCH, expect } = cds.test(__dirname + '/..')
  const as = (user: string) => ({ auth: { username: user, password: user } })
  const clerk = as('clerk')

  /** The status of a request that may fail. */
  const status = (request: Promise<{ status: number }>) => request.then(r => r.status, (e: { response: { status: number } }) => e.response.status)
  const changesOf = async (url: string, user: object = clerk) => (await GET(`${url}/changes?$orderby=createdAt,attribute`, user)).data.value as Change[]
  /** Edits the active instance at `entity(key)` in draft as Fiori does: draftEdit, PATCH, draftActivate. */
  const editInDraft = async (entity: string, ID: string, patch: Record<string, unknown>, user = clerk) => {
    await POST(`${API}/${entity}(ID=${ID},IsActiveEntity=true)/ReceivablesService.draftEdit`, { PreserveChanges: true }, user)
    await PATCH(`${API}/${entity}(ID=${ID},IsActiveEntity=false)`, patch, user)
    await POST(`${API}/${entity}(ID=${ID},IsActiveEntity=false)/ReceivablesService.draftActivate`, {}, user)
  }

  before(async () => {
    await INSERT.into(`${M}.Customers`).entries({ ID: 'H1', name: 'History GmbH', billingEmail: 'ap@history.example', language: 'DE' })
    await INSERT.into(`${M}.BillingDocuments`).entries({ ID: '90000951', type: 'F2', payer_ID: 'H1', soldTo_ID: 'H1', grossAmount: 100, currency: 'EUR', companyCode: '1710' })
  })

  it("shows who changed a dispute's processing data in draft, from what to what", async () => {
    const { data: dispute } = await POST(`${API}/Invoices('90000951')/ReceivablesService.recordDispute`, { source: 'phone', reason: 'wrongPrice' }, clerk)
    const url = `${API}/Disputes(ID=${dispute.ID},IsActiveEntity=true)`
    await editInDraft('Disputes', dispute.ID, { processor: 'clerk', priority: 'high', internalNote: 'Price list of May applies' })
    await editInDraft('Disputes', dispute.ID, { processor: 'manager', internalNote: null }, as('manager'))

    const changes = (await changesOf(url)).filter(c => c.modification === 'update')
    const row = (c: Change) => ({ attribute: c.attribute, from: c.valueChangedFrom, to: c.valueChangedTo, by: c.createdBy })
    expect(changes.map(row)).to.deep.include.members([
      { attribute: 'processor', from: null, to: 'clerk', by: 'clerk' },
      { attribute: 'priority', from: 'medium', to: 'high', by: 'clerk' },
      { attribute: 'internalNote', from: null, to: 'Price list of May applies', by: 'clerk' },
      { attribute: 'processor', from: 'clerk', to: 'manager', by: 'manager' },
      { attribute: 'internalNote', from: 'Price list of May applies', to: null, by: 'manager' },
    ])
    // A dispute identified by its invoice; the priority by its text from the code list.
    expect(changes.every(c => c.entityLabel === 'Dispute' && c.objectID === '90000951')).to.equal(true)
    expect(changes.find(c => c.attribute === 'priority')!.valueChangedToLabel).to.equal('High')
    const inGerman = await changesOf(url, { ...clerk, headers: { 'Accept-Language': 'de' } })
    expect(inGerman.find(c => c.attribute === 'priority' && c.modification === 'update')!.valueChangedToLabel).to.equal('Hoch')
    // Nothing but the processing data: the status moves by actions, and the timeline shows that.
    expect([...new Set(changes.map(c => c.attribute))].sort()).to.deep.equal(['internalNote', 'priority', 'processor'])
  })

  it("shows who made a contact the billing contact and who changed that, without the contact's personal data", async () => {
    const { data: draft } = await POST(`${API}/CustomerContacts`, { customer_ID: 'H1', name: 'Pat Payables', email: 'pat@history.example' }, clerk)
    // As Fiori elements reads it for a new contact: its draft has no history yet.
    expect((await GET(`${API}/CustomerContacts(ID=${draft.ID},IsActiveEntity=false)/changes`, clerk)).data.value).to.deep.equal([])
    await POST(`${API}/CustomerContacts(ID=${draft.ID},IsActiveEntity=false)/ReceivablesService.draftActivate`, {}, clerk)
    await editInDraft('CustomerContacts', draft.ID, { isBillingContact: false, email: 'pat@elsewhere.example', phone: '+49 30 7654321' }, as('manager'))

    const url = `${API}/CustomerContacts(ID=${draft.ID},IsActiveEntity=true)`
    const changes = await changesOf(url)
    const row = (c: Change) => ({ modification: c.modification, attribute: c.attribute, from: c.valueChangedFrom, to: c.valueChangedTo, by: c.createdBy })
    expect(changes.map(row)).to.deep.include.members([
      { modification: 'create', attribute: 'customer', from: null, to: 'H1', by: 'clerk' },
      { modification: 'create', attribute: 'isBillingContact', from: null, to: 'true', by: 'clerk' },
      { modification: 'update', attribute: 'isBillingContact', from: 'true', to: 'false', by: 'manager' },
    ])
    expect(changes.map(c => c.attribute)).not.to.include.any.members(['name', 'email', 'phone', 'note'])
    expect(JSON.stringify(changes)).not.to.match(/history\.example|elsewhere|Pat Payables|7654321/)

    // The history is AR's: an integration admin reads neither the contact's nor the service's change view.
    expect(await status(GET(`${url}/changes`, as('admin')))).to.equal(403)
    expect(await status(GET(`${API}/ChangeView`, as('admin')))).to.be.oneOf([403, 405])
  })
})
