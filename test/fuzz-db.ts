// The database side of the OData fuzz test (test/odata-fuzz.test.ts), in a process of its own so that the test's
// process keeps its own cds.db for the other suites: `seed` writes a small known data set, `hash` prints a hash of
// every table's content, to compare before and after requests that must change nothing. The database is the app's
// (test/app-database.ts: the schema deployed), as the environment gives it.
// Usage: node --require tsx/cjs test/fuzz-db.ts seed|hash
import crypto from 'node:crypto'
import fs from 'node:fs'
import cds from '@sap/cds'
import { connectAppDatabase } from './app-database'
import { refreshReceivableStatus } from '../srv/sync/receivable-status'
import { refreshCustomerBalances } from '../srv/sync/customer-balances'

type Definition = { kind: string; query?: unknown; projection?: unknown; '@cds.persistence.skip'?: boolean; '@cds.persistence.exists'?: boolean }

const M = 'invoicecrm.mirror'
const C = 'invoicecrm.crm'
const day = 86_400_000
const daysAgo = (n: number) => new Date(Date.now() - n * day).toISOString().slice(0, 10)

async function seed() {
  await INSERT.into(`${M}.Customers`).entries(
    { ID: '1000001', name: 'Fuzz GmbH', billingEmail: 'ap@fuzz.example', language: 'DE' },
    { ID: '1000002', name: 'Odd Ltd', billingEmail: null, language: 'EN' }
  )
  await INSERT.into(`${M}.CustomerDunning`).entries({ customer_ID: '1000001', companyCode: '1710', dunningArea: '01', dunningBlock: '' })
  const invoices = ['90000001', '90000002', '90000003', '90000004']
  await INSERT.into(`${M}.BillingDocuments`).entries(
    invoices.map((ID, i) => ({ ID, type: 'F2', payer_ID: i < 3 ? '1000001' : '1000002', soldTo_ID: '1000001', grossAmount: 100 + i, netAmount: 100, currency: 'EUR', companyCode: '1710', isCancelled: false, createdOn: daysAgo(40) }))
  )
  await INSERT.into(`${M}.ReceivableItems`).entries(
    invoices.map((invoice, i) => ({
      companyCode: '1710',
      fiscalYear: '2026',
      accountingDocument: String(1_400_000_001 + i),
      item: '001',
      customer_ID: i < 3 ? '1000001' : '1000002',
      billingDocument_ID: invoice,
      netDueDate: daysAgo(10 - i * 5),
      isCleared: i === 2,
      amount: 100 + i,
      currency: 'EUR',
    }))
  )
  // What the sync does after writing FI items: their invoices' receivable status and their customers' balances.
  await refreshReceivableStatus(cds.db, 'all')
  await refreshCustomerBalances(cds.db, 'all')
  await INSERT.into(`${C}.InvoiceConversations`).entries(
    { invoice_ID: '90000001', customer_ID: '1000001', dispatchStatus: 'sent', sentAt: new Date(Date.now() - 9 * day).toISOString() },
    { invoice_ID: '90000002', customer_ID: '1000001', dispatchStatus: 'bounced', dispatchAttempts: 1 },
    { invoice_ID: '90000004', customer_ID: '1000002', dispatchStatus: 'noEmail' }
  )
  await INSERT.into(`${C}.Disputes`).entries({
    ID: '11111111-1111-4111-8111-111111111111',
    invoice_ID: '90000001',
    customer_ID: '1000001',
    reason: 'wrongPrice',
    status: 'Open',
    slaDueAt: new Date(Date.now() - day).toISOString(),
    customerComment: 'Too much',
  })
  await INSERT.into('invoicecrm.writeback.WriteBackOperations').entries({
    ID: '22222222-2222-4222-8222-222222222222',
    target: 'salesOrderText',
    event: 'confirmed',
    invoice_ID: '90000001',
    status: 'Failed',
    attempts: 3,
    errorMessage: 'locked',
    payload: '{}',
  })
}

/** Every table of the model: entities that are neither views nor skipped, drafts included. */
const tables = () =>
  Object.entries(cds.model!.definitions as unknown as Record<string, Definition>)
    .filter(([name, d]) => (d.kind === 'entity' || name.endsWith('.drafts')) && !d.query && !d.projection && !d['@cds.persistence.skip'] && !d['@cds.persistence.exists'])
    .map(([name]) => name)

async function hashes(): Promise<Record<string, string>> {
  const result: Record<string, string> = {}
  for (const table of tables()) {
    const rows = ((await SELECT.from(table)) as unknown[]).map(row => JSON.stringify(row)).sort()
    result[table] = crypto.createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16) + `/${rows.length}`
  }
  return result
}

async function main() {
  const [command] = process.argv.slice(2)
  await connectAppDatabase()
  if (command === 'seed') await seed()
  fs.writeSync(1, JSON.stringify(await hashes()) + '\n')
  process.exit(0)
}

main().catch(error => {
  fs.writeSync(2, `${(error as Error).stack}\n`)
  process.exit(1)
})
