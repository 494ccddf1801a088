// The audit log of personal data (@cap-js/audit-logging, db/data-privacy.cds), through ReceivablesService as the
// Fiori apps use it: a contact correction created and changed in draft is logged as PersonalDataModified with the
// customer as data subject and the old and new values; reading a customer's own words about a dispute is logged as
// SensitiveDataRead; reading what is not sensitive is not. The entries are taken where the plugin delivers them, at
// the audit-log service (in production the SAP Audit Log service's, locally the console's; in tests the plugin's
// base service, which writes nothing out, called in the request: in production the persistent queue sits between).
import cds from '@sap/cds'

const M = 'invoicecrm.mirror'
const API = '/odata/v4/receivables'

interface AuditEntry {
  event: string
  data: {
    user: string
    data_subject: { type: string; role: string; id: Record<string, string> }
    object: { type: string; id: Record<string, string> }
    attributes: { name: string; old?: unknown; new?: unknown }[]
  }
}

describe('audit log of personal data', () => {
  const { GET, POST, PATCH, expect } = cds.test(__dirname + '/..')
  const clerk = { auth: { username: 'clerk', password: 'clerk' } }
  const entries: AuditEntry[] = []
  /** The entries about one object so far. */
  const entriesFor = (event: string, objectId: string) => entries.filter(e => e.event === event && Object.values(e.data.object.id).includes(objectId))

  before(async () => {
    const audit = await cds.connect.to('audit-log')
    audit.prepend(() => audit.on('*', req => void entries.push({ event: req.event, data: req.data as AuditEntry['data'] })))
    await INSERT.into(`${M}.Customers`).entries({ ID: 'P1', name: 'Privacy GmbH', billingEmail: 'ap@privacy.example', language: 'DE' })
    await INSERT.into(`${M}.BillingDocuments`).entries({ ID: '90000901', type: 'F2', payer_ID: 'P1', soldTo_ID: 'P1', grossAmount: 100, currency: 'EUR', companyCode: '1710' })
  })

  it('logs a contact correction created and changed in draft, with the customer, the fields and their old and new values', async () => {
    const { data: draft } = await POST(`${API}/CustomerContacts`, { customer_ID: 'P1' }, clerk)
    const draftUrl = `${API}/CustomerContacts(ID=${draft.ID},IsActiveEntity=false)`
    await PATCH(draftUrl, { name: 'Pat Payables', email: 'pat@privacy.example', phone: '+49 30 1234567' }, clerk)
    // Drafts are not logged: only what becomes the contact's data.
    expect(entries.filter(e => e.data.object.id.ID === draft.ID)).to.deep.equal([])
    await POST(`${draftUrl}/ReceivablesService.draftActivate`, {}, clerk)

    const [created] = entriesFor('PersonalDataModified', draft.ID)
    expect(created.data.user).to.equal('clerk')
    expect(created.data.data_subject).to.deep.equal({ type: 'ReceivablesService.Customers', role: 'Customer', id: { ID: 'P1' } })
    expect(created.data.object).to.deep.equal({ type: 'ReceivablesService.CustomerContacts', id: { ID: draft.ID } })
    expect(created.data.attributes).to.deep.include.members([
      { name: 'name', new: 'Pat Payables' },
      { name: 'email', new: 'pat@privacy.example' },
      { name: 'phone', new: '+49 30 1234567' },
    ])

    // The billing contact redirected to another address.
    await POST(`${API}/CustomerContacts(ID=${draft.ID},IsActiveEntity=true)/ReceivablesService.draftEdit`, { PreserveChanges: true }, clerk)
    await PATCH(draftUrl, { email: 'pat@elsewhere.example' }, clerk)
    await POST(`${draftUrl}/ReceivablesService.draftActivate`, {}, clerk)
    const [, changed] = entriesFor('PersonalDataModified', draft.ID)
    expect(changed.data.user).to.equal('clerk')
    expect(changed.data.data_subject.id).to.deep.equal({ ID: 'P1' })
    expect(changed.data.attributes).to.deep.equal([{ name: 'email', old: 'pat@privacy.example', new: 'pat@elsewhere.example' }])
  })

  it("logs reading a customer's own words about a dispute as an access to sensitive data, and nothing else as one", async () => {
    const { data: dispute } = await POST(`${API}/Invoices('90000901')/ReceivablesService.recordDispute`,
      { source: 'phone', reason: 'other', comment: 'Paid in cash to your driver' }, clerk)
    const url = `${API}/Disputes(ID=${dispute.ID},IsActiveEntity=true)`
    // The action answers with the comment the clerk has just typed in: not a read of what the customer wrote.
    expect(entriesFor('SensitiveDataRead', dispute.ID)).to.deep.equal([])

    const { data } = await GET(`${url}?$select=customerComment,priority`, clerk)
    expect(data.customerComment).to.equal('Paid in cash to your driver')
    const accesses = entriesFor('SensitiveDataRead', dispute.ID)
    expect(accesses).to.have.length(1)
    const [read] = accesses
    expect(read.data.user).to.equal('clerk')
    expect(read.data.data_subject).to.deep.equal({ type: 'ReceivablesService.Customers', role: 'Customer', id: { ID: 'P1' } })
    expect(read.data.attributes).to.deep.equal([{ name: 'customerComment' }])

    // Nothing sensitive read, nothing logged.
    await GET(`${url}?$select=priority,status`, clerk)
    await GET(`${API}/Disputes?$select=ID,priority&$filter=ID eq ${dispute.ID}`, clerk)
    expect(entriesFor('SensitiveDataRead', dispute.ID)).to.have.length(1)
  })
})
