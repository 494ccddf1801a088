// npm run bench:statements -- [--db sqlite|postgres] [--customers 10000] [--documents 100000] [--heap 256]
//
// Monthly statements at volume: a year of postings from the S/4HANA simulator's generator (postingHistory: payment
// runs clearing several invoices, partial payments, credit memos, cancellations) for --customers customers and
// --documents billing documents, written straight into the mirror of a fresh database (the FI items as the sync maps
// them), every customer a statement customer. Then, in this process as the daily statement run would, the drafts of
// each of the twelve months, one month after the other. Reported: per month the time, the statements, their lines
// and open items; the process's peak RSS, sampled every 50 ms, with the V8 heap limit of the deployed app (mta.yaml).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import v8 from 'node:v8'
import cds from '@sap/cds'
import { generate } from '@invoice-crm/s4-simulator/data-generator'
import { administer } from '../test/postgres-database'
import { monthOf } from '../srv/statements/figures'
import { generateStatements } from '../srv/statements/generate'

const root = path.join(__dirname, '..')
const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const customers = Number(option('customers', '10000'))
const documents = Number(option('documents', '100000'))
const kind = option('db', 'sqlite')
const heapMB = Number(option('heap', '256'))
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' }
const REFERENCE = '2026-12-01'

// Two child processes: one fills the database, the other makes the statements with the deployed app's heap limit,
// so that what the second holds is the statement run's alone. The parent only starts them.
const step = process.argv.includes('--fill') ? 'fill' : process.argv.includes('--run') ? 'run' : undefined
if (!step) {
  // The fill holds the generated year at once (a test data tool, not the app); the run has the deployed app's limit.
  for (const [child, heap] of [['--fill', 4096], ['--run', heapMB]] as const) {
    // tsx as a loader of this very process (its CLI would start another one, without these flags).
    const { status } = spawnSync(process.execPath, [`--max-old-space-size=${heap}`, '--expose-gc', '--import', 'tsx', __filename, ...process.argv.slice(2), child], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, CDS_TYPESCRIPT: 'true', CDS_ENV: kind === 'postgres' ? 'pg,test' : 'test' },
    })
    if (status !== 0) process.exit(status ?? 1)
  }
  process.exit(0)
}

let peakRss = 0
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
sampler.unref()
const mb = (bytes: number) => Math.round(bytes / 1048576)
const seconds = (ms: number) => Number((ms / 1000).toFixed(1))
/** The live heap after a full collection: what the run keeps, whatever the collector has not given back yet. */
const liveHeap = () => {
  ;(globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().heapUsed
}
const isoDay = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(ms as number).toISOString().slice(0, 10))

type Db = { kind: string; run(query: unknown): Promise<unknown> }

/** The benchmark's database; fresh and deployed for the fill, as the fill left it for the run. */
async function database(fresh: boolean): Promise<Db> {
  const deploy = (cds as unknown as { deploy: (model: string) => { to: (db: unknown) => Promise<unknown> } }).deploy
  // The run connects to what the fill deployed: with the model loaded, as the deployment loads it.
  if (!fresh) cds.model = cds.compile.for.nodejs(await cds.load('*'))
  let db: Db
  if (kind === 'sqlite') {
    const file = path.join(os.tmpdir(), `bench-statements-${documents}.sqlite`)
    if (fresh) fs.rmSync(file, { force: true })
    db = (await cds.connect.to('db', { kind: 'sqlite', impl: '@cap-js/sqlite', credentials: { url: file } } as object)) as unknown as Db
  } else {
    const name = `invoicecrm_bench_statements_${documents}`
    if (fresh) {
      await administer(PG, `drop database if exists "${name}" with (force)`)
      await administer(PG, `create database "${name}"`)
    }
    db = (await cds.connect.to('db', { kind: 'postgres', impl: '@cap-js/postgres', credentials: { ...PG, database: name } } as object)) as unknown as Db
  }
  // The deployment makes it the primary database; without one, the run does so itself.
  if (fresh) await deploy('*').to(db)
  else Object.assign(cds, { db })
  return db
}

/** The generated year, as the sync would have mirrored it: customers, invoices (for the PO numbers), FI items. */
async function fill(db: Db) {
  const started = Date.now()
  const data = generate({ volume: { customers, salesOrders: documents * 2 / 5, billingDocuments: documents }, seed: 4711, referenceDate: REFERENCE, postingHistory: true })
  const insert = async (entity: string, rows: object[]) => {
    for (let i = 0; i < rows.length; i += 2000) await db.run(INSERT.into(entity).entries(rows.slice(i, i + 2000)))
  }
  await insert('invoicecrm.mirror.Customers', data.A_Customer.map(c => ({ ID: c.Customer, businessPartner: c.Customer, name: c.CustomerName, billingEmail: `ap${c.Customer}@example.com` })))
  await insert('invoicecrm.statements.StatementProfiles', data.A_Customer.map(c => ({ customer_ID: c.Customer, monthly: true })))
  await insert('invoicecrm.mirror.BillingDocuments', data.A_BillingDocument.map(b => ({ ID: b.BillingDocument, payer_ID: b.PayerParty, purchaseOrderByCustomer: b.PurchaseOrderByCustomer, currency: b.TransactionCurrency })))
  const items = data.A_OperationalAcctgDocItemCube.filter(r => r.FinancialAccountType === 'D')
  await insert('invoicecrm.mirror.ReceivableItems', items.map(r => ({
    companyCode: r.CompanyCode, fiscalYear: r.FiscalYear, accountingDocument: r.AccountingDocument, item: r.AccountingDocumentItem,
    customer_ID: r.Customer, billingDocument_ID: r.BillingDocument || null, documentType: r.AccountingDocumentType,
    postingDate: isoDay(r.PostingDate), documentDate: isoDay(r.DocumentDate), netDueDate: isoDay(r.NetDueDate),
    isCleared: r.IsCleared, clearingDate: isoDay(r.ClearingDate), clearingDocument: r.ClearingAccountingDocument || null,
    amount: r.AmountInTransactionCurrency, currency: r.TransactionCurrency, debitCredit: r.DebitCreditCode,
  })))
  await db.run('analyze')
  console.error(`filled ${kind}: ${data.A_Customer.length} customers, ${data.A_BillingDocument.length} billing documents, ${items.length} FI items in ${seconds(Date.now() - started)} s`)
}

async function main() {
  const db = await database(step === 'fill')
  if (step === 'fill') {
    await fill(db)
    return finish(db)
  }
  const fiItems = ((await SELECT.one.from('invoicecrm.mirror.ReceivableItems').columns('count(1) as n')) as { n: number }).n
  liveHeap()
  const rssBefore = process.memoryUsage().rss
  const months = []
  for (let m = 12; m >= 1; m--) {
    const first = new Date(Date.UTC(2026, 11 - m, 1)).toISOString().slice(0, 10)
    peakRss = process.memoryUsage().rss
    const started = Date.now()
    const result = await generateStatements(monthOf(first))
    const ms = Date.now() - started
    const count = async (entity: string) =>
      ((await SELECT.one.from(entity).columns('count(1) as n').where(entity.endsWith('Statements') ? { periodStart: first } : { 'statement.periodStart': first })) as { n: number }).n
    const month = {
      month: first.slice(0, 7), seconds: seconds(ms), statements: result.created,
      lines: await count('invoicecrm.statements.StatementLines'), openItems: await count('invoicecrm.statements.StatementOpenItems'),
      peakRssMB: mb(peakRss), liveHeapMB: mb(liveHeap()),
    }
    console.error(JSON.stringify(month))
    months.push(month)
  }
  const rerunStarted = Date.now()
  const rerun = await generateStatements(monthOf(months.at(-1)!.month + '-01'))
  const result = {
    db: kind,
    customers,
    billingDocuments: documents,
    fiItems,
    months,
    slowestMonthSeconds: Math.max(...months.map(m => m.seconds)),
    rerunOfLastMonth: { seconds: seconds(Date.now() - rerunStarted), unchanged: rerun.unchanged },
    rssMB: { before: mb(rssBefore), peakPerMonth: months.map(m => m.peakRssMB) },
    liveHeapMBPerMonth: months.map(m => m.liveHeapMB),
    heapLimitMB: Math.round(v8.getHeapStatistics().heap_size_limit / 1048576),
  }
  console.log(JSON.stringify(result, null, 2))
  fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true })
  fs.writeFileSync(path.join(root, `bench/results/statements-${kind}-${documents}.json`), JSON.stringify(result, null, 2) + '\n')
  await finish(db)
}

async function finish(db: Db) {
  await (db as unknown as { disconnect?: () => Promise<void> }).disconnect?.()
  process.exit(0)
}

main().catch(error => {
  console.error(error)
  process.exit(1)
})
