// A confirmed statement written back to S/4HANA (the S/4HANA simulator over HTTP, the persistent queue): the statement
// PDF with the confirmation note lands as an attachment on the customer's business partner (BUS1006), or its customer
// record (KNA1) where the tenant supports it, with the write-back's guarantees: a fault is retried, an upload that got
// through but whose answer was lost is not repeated, and a tenant that does not take the object type parks it visibly.
import cds from '@sap/cds'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { eventually } from './support'
import { pdfText, plain } from './pdf-text'
import { runSync } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'
import { writeBackSettings } from '../srv/writeback'
import { planStatementWriteBack } from '../srv/writeback/plan'

const S = 'invoicecrm.statements'
const W = 'invoicecrm.writeback'
const ATTACHMENTS = 'AttachmentContentSet'

interface Operation {
  status: string
  attempts: number
  result: string | null
  errorCode: string | null
  s4Object: string
  target: string
}

describe('a confirmed statement written back to S/4HANA', function () {
  this.timeout(120_000)
  const { expect } = cds.test(__dirname + '/..')
  const settings = s4Settings()
  const original = { url: settings.url, target: { ...writeBackSettings().targets.statementAttachment } }
  let sim: Simulator
  let customers: { ID: string; businessPartner: string; name: string }[]

  /** A statement of the customer, confirmed by its contact, written to the database as the answer leaves it. */
  async function confirmedStatement(customer: string, month: string): Promise<string> {
    const ID = cds.utils.uuid()
    await INSERT.into(`${S}.Statements`).entries({
      ID, customer_ID: customer, companyCode: '1710', currency: 'EUR', periodStart: `${month}-01`, periodEnd: `${month}-28`,
      statementDate: `${month}-28`, openingBalance: '100.000', debits: '1134.560', credits: '-200.000', closingBalance: '1034.560',
      status: 'confirmed', answeredAt: '2026-11-05T09:30:00Z', answeredBy: 'ap@customer.example', contentHash: 'x'.repeat(64),
    })
    await INSERT.into(`${S}.StatementOpenItems`).entries({
      statement_ID: ID, lineNo: 1, fiscalYear: '2026', accountingDocument: '9400000001', accountingItem: '1', documentType: 'RV',
      postingDate: `${month}-10`, netDueDate: `${month}-25`, billingDocument: '90000001', daysOverdue: 3, agingBucket: 1, amount: '1034.560',
    })
    return ID
  }
  const writeBack = (statement: string) => cds.tx(() => planStatementWriteBack(statement))
  const operationOf = (statement: string) =>
    eventually('the write-back to settle', async () => {
      const op = (await SELECT.one.from(`${W}.WriteBackOperations`).where({ statement_ID: statement })) as Operation | undefined
      return op && op.status !== 'Pending' ? op : undefined
    }, 30_000)
  const attachmentsOn = (objectType: string, key: string) =>
    sim.store.table(ATTACHMENTS).rows.filter(r => r.BusinessObjectTypeName === objectType && r.LinkedSAPObjectKey === key.padStart(10, '0'))

  before(async () => {
    sim = createSimulator({ volume: { customers: 8, salesOrders: 10, billingDocuments: 12 } as never, seed: 17 })
    settings.url = await sim.listen(0)
    await runSync('all')
    customers = (await SELECT.from('invoicecrm.mirror.Customers').columns('ID', 'businessPartner', 'name').orderBy('ID')) as typeof customers
    expect(customers.length).to.be.greaterThan(3)
  })

  afterEach(() => {
    sim.faults.reset()
    Object.assign(writeBackSettings().targets.statementAttachment, original.target)
  })

  after(async () => {
    Object.assign(settings, { url: original.url })
    await sim?.close()
  })

  it("attaches the statement PDF with the confirmation note to the customer's business partner", async () => {
    const customer = customers[0]
    const statement = await confirmedStatement(customer.ID, '2026-10')
    expect(await writeBack(statement)).to.equal(1)
    const op = await operationOf(statement)
    expect([op.status, op.target, op.s4Object]).to.deep.equal(['Delivered', 'statementAttachment', `BUS1006 ${customer.businessPartner.padStart(10, '0')}`])
    const [attachment] = attachmentsOn('BUS1006', customer.businessPartner)
    expect(attachment.FileName).to.match(/^Statement 1710 EUR 2026-10 confirmed \[crm:[0-9a-f-]{36}\]\.pdf$/)
    expect(attachment.MimeType).to.equal('application/pdf')
    const text = plain(await pdfText(Buffer.from(attachment.Content as string, 'base64')))
    expect(text).to.include(customer.ID)
    expect(text).to.include('ap@customer.example')
    // In the customer's correspondence language: 1,034.56 or 1.034,56.
    expect(text).to.match(/1[.,]034[.,]56/)
  })

  it('a fault is retried, and an upload whose answer was lost is not made twice', async () => {
    const customer = customers[1]
    const statement = await confirmedStatement(customer.ID, '2026-09')
    sim.faults.failNext(1, 503, 0, /AttachmentContentSet/)
    sim.faults.loseResponseNext(1, /AttachmentContentSet/)
    await writeBack(statement)
    const op = await operationOf(statement)
    expect(op.status).to.equal('Delivered')
    // The 503 is retried by the S/4 client within the attempt; the lost answer ends an attempt, the next finds the upload.
    expect(op.attempts).to.be.at.least(2)
    expect(op.result).to.match(/already on BUS1006/)
    expect(attachmentsOn('BUS1006', customer.businessPartner)).to.have.length(1)
  })

  it('on the customer record (KNA1) where the tenant takes it; parked visibly where it does not', async () => {
    Object.assign(writeBackSettings().targets.statementAttachment, { objectType: 'KNA1' })
    const refused = await confirmedStatement(customers[2].ID, '2026-08')
    await writeBack(refused)
    const parked = await operationOf(refused)
    expect([parked.status, parked.errorCode]).to.deep.equal(['Failed', 'CV/120'])
    sim.attachments.objectTypes.push('KNA1')
    const taken = await confirmedStatement(customers[3].ID, '2026-08')
    await writeBack(taken)
    expect((await operationOf(taken)).status).to.equal('Delivered')
    expect(attachmentsOn('KNA1', customers[3].ID)).to.have.length(1)
  })

  it('plans nothing when the target is switched off', async () => {
    Object.assign(writeBackSettings().targets.statementAttachment, { enabled: false })
    expect(await writeBack(await confirmedStatement(customers[0].ID, '2026-07'))).to.equal(0)
  })
})
