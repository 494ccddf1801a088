// Two customers for the tests of the account page (test/account-page.test.ts, test/account-page-browser.test.ts),
// written straight into the mirror and the CRM: customer A with invoices in every state (open, overdue, sent,
// confirmed, disputed, promised, payment reported, paid 3 and 14 months ago, cancelled, and some nobody answered about
// yet), a statement sent, one confirmed and a draft, an open and a resolved dispute, a recent and an old sales order;
// customer B with a few of the same. Billing document numbers the S/4HANA simulator knows, so that its GetPDF prints
// them. Plain INSERTs: runs on SQLite and PostgreSQL.
import cds from '@sap/cds'
import { addDays } from '../srv/collections/reminder-rules'
import { monthsBefore } from '../srv/account/account'
import { seedStatement, type SeededCustomer } from './statement-seed'

const M = 'invoicecrm.mirror'
const C = 'invoicecrm.crm'
const COLLECTIONS = 'invoicecrm.collections'

/** Whom A's links are sent to. */
export const CONTACT = 'einkauf@kunde-a.example'

export const DAY_MS = 86_400_000
export const today = new Date().toISOString().slice(0, 10)
export const daysFromToday = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10)

// Billing document numbers the S/4HANA simulator knows (its GetPDF prints any of them).
export const A = {
  ID: 'C8101',
  name: 'Kunde A Maschinenbau GmbH',
  open: '90000001',
  overdue: '90000002',
  confirmed: '90000003',
  disputed: '90000004',
  promised: '90000005',
  reported: '90000006',
  paid3: '90000007',
  paid14: '90000008',
  toConfirm: '90000009',
  toDispute: '90000010',
  toPromise: '90000011',
  toReport: '90000012',
  byInvoiceLink: '90000013',
  cancelled: '90000014',
}
export const B = { ID: 'C8202', name: 'Kunde B Handel AG', open: '90000021', paid: '90000022', disputed: '90000023', order: '0000008202' }
export const A_ORDERS = { recent: '0000008101', old: '0000008102' }
/** A's open invoices (not the cancelled one), which its account lists. */
export const A_OPEN = [A.open, A.overdue, A.confirmed, A.disputed, A.promised, A.reported, A.toConfirm, A.toDispute, A.toPromise, A.toReport, A.byInvoiceLink]

export type Language = 'DE' | 'EN' | 'ZH'

/** The statements seeded: A's sent, confirmed and draft one, B's sent one. */
export interface SeededStatements {
  aSent: string
  aConfirmed: string
  aDraft: string
  bSent: string
}

export async function seedAccounts(languages: { a: Language; b: Language } = { a: 'DE', b: 'EN' }, names: { a: string; b: string } = { a: A.name, b: B.name }): Promise<SeededStatements> {
  await INSERT.into(`${M}.Customers`).entries([
    { ID: A.ID, businessPartner: '8101', name: names.a, language: languages.a, billingEmail: CONTACT },
    { ID: B.ID, businessPartner: '8202', name: names.b, language: languages.b, billingEmail: 'ap@kunde-b.example' },
  ])
  const invoice = (ID: string, payer: string, gross: number, opts: { due: string; open?: boolean; clearedOn?: string; date?: string; cancelled?: boolean }) => ({
    ID, type: 'F2', sdDocumentCategory: 'M', payer_ID: payer, soldTo_ID: payer, grossAmount: gross, netAmount: gross, taxAmount: 0, currency: 'EUR', companyCode: '1710',
    isCancelled: Boolean(opts.cancelled), isCleared: !opts.open, clearingDate: opts.clearedOn ?? null, openAmount: opts.open ? gross : 0,
    createdOn: opts.date ?? daysFromToday(-40), documentDate: opts.date ?? daysFromToday(-40), netDueDate: opts.due,
    openDueDate: opts.open && !opts.cancelled ? opts.due : '9999-12-31', purchaseOrderByCustomer: `PO-${ID}`,
  })
  const paid3 = monthsBefore(today, 3)
  const paid14 = monthsBefore(today, 14)
  await INSERT.into(`${M}.BillingDocuments`).entries([
    invoice(A.open, A.ID, 100, { due: daysFromToday(20), open: true }),
    invoice(A.overdue, A.ID, 200, { due: daysFromToday(-15), open: true }),
    invoice(A.confirmed, A.ID, 300, { due: daysFromToday(10), open: true }),
    invoice(A.disputed, A.ID, 400, { due: daysFromToday(5), open: true }),
    invoice(A.promised, A.ID, 500, { due: daysFromToday(-3), open: true }),
    invoice(A.reported, A.ID, 600, { due: daysFromToday(2), open: true }),
    invoice(A.paid3, A.ID, 700, { due: addDays(paid3 as never, -5), clearedOn: paid3, date: addDays(paid3 as never, -35) }),
    invoice(A.paid14, A.ID, 800, { due: addDays(paid14 as never, -5), clearedOn: paid14, date: addDays(paid14 as never, -35) }),
    invoice(A.toConfirm, A.ID, 110, { due: daysFromToday(30), open: true }),
    invoice(A.toDispute, A.ID, 120, { due: daysFromToday(30), open: true }),
    invoice(A.toPromise, A.ID, 130, { due: daysFromToday(30), open: true }),
    invoice(A.toReport, A.ID, 140, { due: daysFromToday(30), open: true }),
    invoice(A.byInvoiceLink, A.ID, 150, { due: daysFromToday(30), open: true }),
    invoice(A.cancelled, A.ID, 999, { due: daysFromToday(30), open: true, cancelled: true }),
    invoice(B.open, B.ID, 1000, { due: daysFromToday(-20), open: true }),
    invoice(B.paid, B.ID, 2000, { due: daysFromToday(-60), clearedOn: daysFromToday(-30) }),
    invoice(B.disputed, B.ID, 3000, { due: daysFromToday(7), open: true }),
  ])
  await INSERT.into(`${M}.BillingDocumentItems`).entries(
    [A.toDispute, B.open].map(ID => ({ billingDocument_ID: ID, item: '000010', description: 'Leistung', quantity: 1, unit: 'PC', netAmount: ID === B.open ? 1000 : 120, currency: 'EUR' }))
  )
  const sentAt = new Date(Date.now() - 30 * DAY_MS).toISOString()
  await INSERT.into(`${C}.InvoiceConversations`).entries([
    ...A_OPEN.filter(ID => ID !== A.confirmed).map(ID => ({ invoice_ID: ID, customer_ID: A.ID, dispatchStatus: 'sent', sentTo: CONTACT, sentAt, dispatchAttempts: 1 })),
    { invoice_ID: A.confirmed, customer_ID: A.ID, dispatchStatus: 'sent', sentTo: CONTACT, sentAt, confirmedAt: sentAt, confirmedBy: CONTACT, confirmationChannel: 'web' },
  ])
  await INSERT.into(`${C}.InvoiceConversations`).entries({ invoice_ID: B.open, customer_ID: B.ID, dispatchStatus: 'sent', sentTo: 'ap@kunde-b.example', sentAt })
  const dispute = (invoice: string, customer: string, status: string, extra: object = {}) => ({
    ID: cds.utils.uuid(), invoice_ID: invoice, customer_ID: customer, reason: 'wrongPrice', wholeInvoice: true, currency: 'EUR', status, source: 'web',
    raisedBy: customer === A.ID ? CONTACT : 'ap@kunde-b.example', createdAt: new Date(Date.now() - 20 * DAY_MS).toISOString(), ...extra,
  })
  await INSERT.into(`${C}.Disputes`).entries([
    dispute(A.disputed, A.ID, 'Open', { disputedAmount: 400 }),
    dispute(A.paid3, A.ID, 'Resolved', { reason: 'wrongQuantity', outcome: 'accepted', resolution: 'Gutschrift über 70,00 EUR erstellt.', createdAt: new Date(Date.now() - 120 * DAY_MS).toISOString() }),
    dispute(B.disputed, B.ID, 'InProcess', { disputedAmount: 3000, internalNote: 'B only' }),
  ])
  await INSERT.into(`${COLLECTIONS}.PaymentPromises`).entries([
    { ID: cds.utils.uuid(), invoice_ID: A.promised, customer_ID: A.ID, promisedDate: daysFromToday(5), currency: 'EUR', openAmountAtPromise: 500, status: 'open', source: 'web', promisedBy: CONTACT },
    { ID: cds.utils.uuid(), invoice_ID: B.open, customer_ID: B.ID, promisedDate: daysFromToday(6), currency: 'EUR', openAmountAtPromise: 1000, status: 'open', source: 'web', promisedBy: 'ap@kunde-b.example' },
  ])
  await INSERT.into(`${COLLECTIONS}.PaymentReports`).entries({
    ID: cds.utils.uuid(), invoice_ID: A.reported, customer_ID: A.ID, paidOn: daysFromToday(-1), reportedOn: today, amount: 600, currency: 'EUR', status: 'reported', source: 'web', reportedBy: CONTACT,
  })
  await INSERT.into(`${M}.SalesOrders`).entries([
    { ID: A_ORDERS.recent, type: 'OR', soldTo_ID: A.ID, purchaseOrderByCustomer: 'PO-A-2026', orderDate: daysFromToday(-50), netAmount: 4200, currency: 'EUR', processStatus: 'B', deliveryStatus: 'C', billingStatus: 'A' },
    { ID: A_ORDERS.old, type: 'OR', soldTo_ID: A.ID, purchaseOrderByCustomer: 'PO-A-OLD', orderDate: monthsBefore(today, 13), netAmount: 100, currency: 'EUR', processStatus: 'C', deliveryStatus: 'C', billingStatus: 'C' },
    { ID: B.order, type: 'OR', soldTo_ID: B.ID, purchaseOrderByCustomer: 'PO-B-2026', orderDate: daysFromToday(-10), netAmount: 9900, currency: 'EUR', processStatus: 'A', deliveryStatus: 'A', billingStatus: 'A' },
  ])
  const seeded = (ID: string, name: string, invoices: [string, string, string]): SeededCustomer => ({ ID, name, language: 'DE', invoices })
  const a = seeded(A.ID, names.a, [A.open, A.overdue, A.paid3])
  const b = seeded(B.ID, names.b, [B.open, B.paid, B.disputed])
  return {
    aSent: (await seedStatement(a, '2026-10')).ID,
    aConfirmed: (await seedStatement(a, '2026-09', 'confirmed')).ID,
    aDraft: (await seedStatement(a, '2026-11', 'draft')).ID,
    bSent: (await seedStatement(b, '2026-10')).ID,
  }
}
