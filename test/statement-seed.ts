// A sent monthly statement written straight into the database, as generating, approving and sending leave it: the
// statement with its lines (two invoices and a payment posted in October) and its open items at the month's end, and
// the mirror rows it stands on (the customer, its invoices). For the tests of the customer's side of a statement
// (test/statement-answers.test.ts, test/statement-page.test.ts); plain INSERTs, so that it runs on PostgreSQL too.
import cds from '@sap/cds'

const S = 'invoicecrm.statements'
const M = 'invoicecrm.mirror'

export interface SeededCustomer {
  ID: string
  name: string
  language: 'EN' | 'DE' | 'ZH'
  /** Its invoices' numbers: the first two posted in the period, the third older and open, overdue. */
  invoices: [string, string, string]
}

/** The customer and its three invoices in the mirror. */
export async function seedCustomer(customer: SeededCustomer): Promise<void> {
  await INSERT.into(`${M}.Customers`).entries({
    ID: customer.ID, businessPartner: customer.ID.replace(/\D/g, ''), name: customer.name, billingEmail: `ap@${customer.ID.toLowerCase()}.example`, language: customer.language,
  })
  const [first, second, older] = customer.invoices
  const invoice = (ID: string, gross: number, date: string, due: string, po: string) => ({
    ID, type: 'F2', payer_ID: customer.ID, soldTo_ID: customer.ID, grossAmount: gross, netAmount: gross, taxAmount: 0, openAmount: gross, currency: 'EUR',
    companyCode: '1710', isCancelled: false, isCleared: false, createdOn: date, documentDate: date, netDueDate: due, openDueDate: due, purchaseOrderByCustomer: po,
  })
  await INSERT.into(`${M}.BillingDocuments`).entries([
    invoice(first, 1000, '2026-10-05', '2026-11-04', `PO-${first}`),
    invoice(second, 500, '2026-10-12', '2026-11-11', `PO-${second}`),
    invoice(older, 300, '2026-08-01', '2026-09-15', `PO-${older}`),
  ])
  // A line each, of a sales order of its own: what a dispute's write-back writes to.
  await INSERT.into(`${M}.BillingDocumentItems`).entries(
    [first, second, older].map((ID, i) => ({
      billingDocument_ID: ID, item: '000010', description: `Leistung ${i + 1}`, quantity: 1, unit: 'PC', netAmount: [1000, 500, 300][i], currency: 'EUR', salesOrder_ID: `1${ID.slice(-7)}`, salesOrderItem: '000010',
    }))
  )
}

export interface SeededStatement {
  ID: string
  lines: { lineNo: number; billingDocument: string | null; accountingDocument: string; amount: string }[]
}

/**
 * A statement of the customer for a month: opening 1,000.00 (the older invoice's 300 and 700 the payment cleared),
 * the two invoices (1,000 and 500) and the payment (−700) posted, closing 1,800.00 in three open items.
 */
export async function seedStatement(customer: SeededCustomer, month: string, status = 'sent'): Promise<SeededStatement> {
  const ID = cds.utils.uuid()
  const [first, second, older] = customer.invoices
  const day = (d: number) => `${month}-${String(d).padStart(2, '0')}`
  await INSERT.into(`${S}.Statements`).entries({
    ID, customer_ID: customer.ID, companyCode: '1710', currency: 'EUR', periodStart: day(1), periodEnd: day(28), statementDate: day(28),
    openingBalance: '1000.000', debits: '1500.000', credits: '-700.000', closingBalance: '1800.000', status, recipientEmail: `ap@${customer.ID.toLowerCase()}.example`,
    contentHash: 'c'.repeat(64), generatedAt: new Date().toISOString(), generatedBy: 'statement run',
    ...(status !== 'draft' && { approvedAt: new Date().toISOString(), approvedBy: 'clerk' }),
    ...(['sent', 'noAnswer'].includes(status) && { sentAt: new Date().toISOString(), sentBy: 'manager' }),
  })
  const lines = [
    { lineNo: 1, documentType: 'RV', accountingDocument: `94${first.slice(-8)}`, billingDocument: first, purchaseOrder: `PO-${first}`, postingDate: day(5), netDueDate: '2026-12-04', amount: '1000.000' },
    { lineNo: 2, documentType: 'RV', accountingDocument: `94${second.slice(-8)}`, billingDocument: second, purchaseOrder: `PO-${second}`, postingDate: day(12), netDueDate: '2026-12-11', amount: '500.000' },
    { lineNo: 3, documentType: 'DZ', accountingDocument: `14${customer.ID.slice(-4)}0031`, billingDocument: null, purchaseOrder: null, postingDate: day(20), netDueDate: null, amount: '-700.000' },
  ]
  await INSERT.into(`${S}.StatementLines`).entries(
    lines.map(line => ({ statement_ID: ID, fiscalYear: month.slice(0, 4), accountingItem: '1', documentDate: line.postingDate, ...line }))
  )
  await INSERT.into(`${S}.StatementOpenItems`).entries([
    { statement_ID: ID, lineNo: 1, fiscalYear: '2026', accountingDocument: `94${older.slice(-8)}`, accountingItem: '1', documentType: 'RV', postingDate: '2026-08-01', netDueDate: day(1), billingDocument: older, purchaseOrder: `PO-${older}`, daysOverdue: 27, agingBucket: 1, amount: '300.000' },
    { statement_ID: ID, lineNo: 2, fiscalYear: '2026', accountingDocument: lines[0].accountingDocument, accountingItem: '1', documentType: 'RV', postingDate: day(5), netDueDate: '2026-12-04', billingDocument: first, purchaseOrder: `PO-${first}`, daysOverdue: 0, agingBucket: 0, amount: '1000.000' },
    { statement_ID: ID, lineNo: 3, fiscalYear: '2026', accountingDocument: lines[1].accountingDocument, accountingItem: '1', documentType: 'RV', postingDate: day(12), netDueDate: '2026-12-11', billingDocument: second, purchaseOrder: `PO-${second}`, daysOverdue: 0, agingBucket: 0, amount: '500.000' },
  ])
  return { ID, lines: lines.map(({ lineNo, billingDocument, accountingDocument, amount }) => ({ lineNo, billingDocument, accountingDocument, amount })) }
}
