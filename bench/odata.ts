// npm run bench:odata -- [--db sqlite|postgres|both] [--volume 100000] [--clients 4] [--rounds 10] [--reuse] [--only <name,…>]
//
// Reads at volume: fills a mirror of --volume billing documents straight into a fresh database (bench/odata-fill.ts),
// starts the app on it (`cds serve`, test profile, in its own process) and sends, from --clients concurrent clients,
// --rounds times each, every request the apps send for their first screens and main filters (from the apps'
// annotations: app/*/annotations.cds). Reported per request: p50 and p95 of the time to the full answer, as the
// client sees it on the same machine, in English as a browser asks (a localized read: CAP sorts strings by the
// language's collation). Beside it, the floor: the same page as one raw SQL statement on the same
// database (SQLite through node:sqlite in this process, PostgreSQL through pg), sent one at a time.
// --reuse keeps the filled database of an earlier run (same volume); prints a table and writes bench/results/odata-<db>-<volume>.json.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import cds from '@sap/cds'
import { fill, documentId, customerId, type Db } from './odata-fill'
import { startServer } from '../test/server-process'
import { administer } from '../test/postgres-database'
import { refreshReceivableStatus } from '../srv/sync/receivable-status'
import { refreshCustomerBalances } from '../srv/sync/customer-balances'

const root = path.join(__dirname, '..')
const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const volume = Number(option('volume', '100000'))
const clients = Number(option('clients', '4'))
const rounds = Number(option('rounds', '10'))
const reuse = process.argv.includes('--reuse')
const only = option('only', '').split(',').filter(Boolean)
const databases = option('db', 'both') === 'both' ? ['sqlite', 'postgres'] : [option('db', 'sqlite')]
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' }

type Kind = 'sqlite' | 'postgres'
interface Request {
  name: string
  user: 'clerk' | 'admin'
  /** The i-th request of a client: varies the invoice or customer it reads. */
  path: (pick: Pick) => string
  /** The same page as one SQL statement, by dialect. */
  floor?: (pick: Pick, kind: Kind) => string
}
interface Pick {
  invoice: string
  customer: string
  today: string
}

const INVOICE_COLUMNS =
  'ID,payer_ID,grossAmount,openAmount,netDueDate,daysOverdue,overdueCriticality,paymentState,dispatchStatus,isConfirmed,disputeStatus,dunningBlock,currency'
const INVOICE_EXPAND = 'payer($select=ID,name),paymentStateText($select=code,name),dispatchStatusText($select=code,name),disputeStatusText($select=code,name)'
const list = (filter: string, extra = '') =>
  `/odata/v4/receivables/Invoices?$count=true&$select=${INVOICE_COLUMNS}&$expand=${INVOICE_EXPAND}&$orderby=daysOverdue desc${filter ? `&$filter=${filter}` : ''}${extra}&$skip=0&$top=30`
// The floor of an invoice list: the page by the index on the open due date, the payer's name by its key, and the count.
// PostgreSQL: in @cap-js/postgres's null order (ASC NULLS FIRST), which the indexes follow (db/init.js).
const floorList = (where: string, kind: Kind) =>
  `select b.ID, b.grossAmount, b.openAmount, b.netDueDate, c.name, (select count(1) from invoicecrm_mirror_BillingDocuments x where ${where.replaceAll('b.', 'x.') || '1 = 1'}) as n
   from invoicecrm_mirror_BillingDocuments b left join invoicecrm_mirror_Customers c on c.ID = b.payer_ID
   ${where ? `where ${where}` : ''} order by b.openDueDate${kind === 'postgres' ? ' nulls first' : ''}, b.ID${kind === 'postgres' ? ' nulls first' : ''} limit 30`

const totals = (filter: string) =>
  `/odata/v4/receivables/Invoices?$apply=${filter ? `filter(${filter})/` : ''}groupby((currency),aggregate(grossAmount with sum as grossAmount,openAmount with sum as openAmount))&$orderby=currency&$skip=0&$top=300`
const floorTotals = (where: string) =>
  `select currency, sum(grossAmount), sum(openAmount) from invoicecrm_mirror_BillingDocuments ${where ? `where ${where}` : ''} group by currency order by currency`

const CUSTOMER_COLUMNS = 'ID,name,country,countryName,openAmount,overdueAmount,disputedAmount,balanceCurrency,disputedCurrency,billingEmail,isBlocked'

const REQUESTS: Request[] = [
  { name: 'invoices: default', user: 'clerk', path: () => list(''), floor: (_, kind) => floorList('', kind) },
  { name: 'invoices: overdue', user: 'clerk', path: () => list('daysOverdue gt 0'), floor: (p, kind) => floorList(`b.openDueDate < '${p.today}'`, kind) },
  { name: 'invoices: payer', user: 'clerk', path: p => list(`payer_ID eq '${p.customer}'`), floor: (p, kind) => floorList(`b.payer_ID = '${p.customer}'`, kind) },
  {
    name: 'invoices: search',
    user: 'clerk',
    path: p => list('', `&$search=${p.invoice.slice(-6)}`),
    // By the search indexes (db/search.cds): the FTS5 trigram table on SQLite, pg_trgm's indexes on lower(column) on PostgreSQL.
    floor: (p, kind) =>
      floorList(
        kind === 'sqlite'
          ? `b.ID in (select ID from invoicecrm_search_BillingDocuments where invoicecrm_search_BillingDocuments match '{ID purchaseOrderByCustomer} : "${p.invoice.slice(-6)}"')`
          : `(lower(b.ID) like '%${p.invoice.slice(-6)}%' or lower(b.purchaseOrderByCustomer) like '%${p.invoice.slice(-6)}%')`,
        kind
      ),
  },
  // The list totals above Manage Invoices (app/shared/ListTotals.js): all invoices, and the overdue ones.
  { name: 'invoices: totals', user: 'clerk', path: () => totals(''), floor: () => floorTotals('') },
  { name: 'invoices: totals overdue', user: 'clerk', path: () => totals('daysOverdue gt 0'), floor: p => floorTotals(`openDueDate < '${p.today}'`) },
  {
    name: 'invoice: object page',
    user: 'clerk',
    path: p =>
      `/odata/v4/receivables/Invoices('${p.invoice}')?$select=ID,type,documentDate,payer_ID,soldTo_ID,purchaseOrderByCustomer,companyCode,paymentTerms,netDueDate,clearingDate,netAmount,taxAmount,grossAmount,openAmount,currency,paymentState,daysOverdue,overdueCriticality,dispatchStatus,isConfirmed,confirmedAt,disputeStatus,dunningBlock,hasOpenDispute&$expand=payer($select=ID,name),soldTo($select=ID,name),crmConversation($select=dispatchStatus,sentTo,sentAt,openedAt,dispatchAttempts,confirmedAt,confirmationChannel)`,
    floor: p => `select * from invoicecrm_mirror_BillingDocuments b left join invoicecrm_crm_InvoiceConversations c on c.invoice_ID = b.ID where b.ID = '${p.invoice}'`,
  },
  {
    name: 'invoice: items',
    user: 'clerk',
    path: p => `/odata/v4/receivables/Invoices('${p.invoice}')/items?$count=true&$skip=0&$top=10`,
    floor: p => `select * from invoicecrm_mirror_BillingDocumentItems where billingDocument_ID = '${p.invoice}' order by item limit 10`,
  },
  { name: 'invoice: partners', user: 'clerk', path: p => `/odata/v4/receivables/Invoices('${p.invoice}')/partners?$count=true&$skip=0&$top=10` },
  {
    name: 'invoice: disputes',
    user: 'clerk',
    path: p => `/odata/v4/receivables/Invoices('${p.invoice}')/disputes?$count=true&$skip=0&$top=10`,
    floor: p => `select * from invoicecrm_crm_Disputes where invoice_ID = '${p.invoice}' limit 10`,
  },
  {
    name: 'invoice: timeline',
    user: 'clerk',
    path: p => `/odata/v4/receivables/Invoices('${p.invoice}')/timeline?$count=true&$orderby=at desc&$skip=0&$top=10`,
    floor: p => `select * from invoicecrm_crm_TimelineEntries where invoice_ID = '${p.invoice}' order by at desc limit 10`,
  },
  { name: 'invoice: write-back', user: 'clerk', path: p => `/odata/v4/receivables/Invoices('${p.invoice}')/writeBackOperations?$count=true&$skip=0&$top=10` },
  {
    name: 'disputes: list',
    user: 'clerk',
    path: () =>
      `/odata/v4/receivables/Disputes?$count=true&$select=ID,invoice_ID,customer_ID,reason,status,statusCriticality,slaDueAt,slaCriticality,priority,processor,escalated&$orderby=slaDueAt&$skip=0&$top=30`,
    floor: () => `select * from invoicecrm_crm_Disputes order by slaDueAt limit 30`,
  },
  {
    name: 'disputes: totals',
    user: 'clerk',
    path: () =>
      `/odata/v4/receivables/Disputes?$apply=filter(status eq 'Open' or status eq 'InProcess' or status eq 'Resolved')/groupby((currency),aggregate(disputedAmount with sum as disputedAmount))&$orderby=currency&$skip=0&$top=300`,
    floor: () => `select currency, sum(disputedAmount) from invoicecrm_crm_Disputes where status in ('Open', 'InProcess', 'Resolved') group by currency order by currency`,
  },
  {
    name: 'customers: list',
    user: 'clerk',
    path: () => `/odata/v4/receivables/Customers?$count=true&$select=${CUSTOMER_COLUMNS}&$skip=0&$top=30`,
    floor: () => `select ID, name, country, billingEmail, isBlocked, (select count(1) from invoicecrm_mirror_Customers) from invoicecrm_mirror_Customers order by ID limit 30`,
  },
  {
    // Sorted by what they owe (kept per customer by the sync, db/mirror.cds CustomerBalances).
    name: 'customers: by overdue amount',
    user: 'clerk',
    path: () => `/odata/v4/receivables/Customers?$count=true&$select=${CUSTOMER_COLUMNS}&$orderby=overdueAmount desc&$skip=0&$top=30`,
    // The page by the index on the overdue amount, as srv/receivables/customer-pages.ts reads it.
    floor: () =>
      `select c.ID, c.name, b.overdueAmount from invoicecrm_mirror_CustomerBalances b join invoicecrm_mirror_Customers c on c.ID = b.customer where b.overdueAmount > 0 order by b.overdueAmount desc, b.customer limit 30`,
  },
  {
    name: 'customer: header',
    user: 'clerk',
    path: p =>
      `/odata/v4/receivables/Customers('${p.customer}')?$select=ID,name,billingEmail,language,languageName,city,country,countryName,openAmount,overdueAmount,balanceCurrency,daysSalesOutstanding,averageDaysLate`,
    floor: p => `select * from invoicecrm_mirror_Customers where ID = '${p.customer}'`,
  },
  {
    name: 'customer: aging',
    user: 'clerk',
    path: p => `/odata/v4/receivables/Customers('${p.customer}')/aging?$skip=0&$top=10`,
    floor: p =>
      `select currency, sum(amount) from invoicecrm_mirror_ReceivableItems where customer_ID = '${p.customer}' and isCleared = false group by currency`,
  },
  {
    name: 'customer: aging chart',
    user: 'clerk',
    path: p => `/odata/v4/receivables/Customers('${p.customer}')/agingBuckets?$select=bucket,amount,currency,criticality&$expand=bucketText($select=code,name)&$orderby=bucket`,
  },
  { name: 'invoices: aging drill-down', user: 'clerk', path: p => list(`payer_ID eq '${p.customer}' and agingBucket eq 4`) },
  {
    name: 'customer: invoices',
    user: 'clerk',
    path: p =>
      `/odata/v4/receivables/Customers('${p.customer}')/invoices?$count=true&$select=ID,documentDate,grossAmount,openAmount,netDueDate,daysOverdue,overdueCriticality,paymentState,dispatchStatus,disputeStatus,currency&$orderby=daysOverdue desc&$skip=0&$top=10`,
    floor: (p, kind) => `select * from invoicecrm_mirror_BillingDocuments where payer_ID = '${p.customer}' order by openDueDate${kind === 'postgres' ? ' nulls first' : ''} limit 10`,
  },
  {
    name: 'customer: timeline',
    user: 'clerk',
    path: p => `/odata/v4/receivables/Customers('${p.customer}')/timeline?$count=true&$orderby=at desc&$skip=0&$top=10`,
    floor: p => `select * from invoicecrm_crm_TimelineEntries where customer_ID = '${p.customer}' order by at desc limit 10`,
  },
  { name: 'monitor: sync states', user: 'admin', path: () => `/odata/v4/integration/SyncStates?$count=true&$orderby=entity&$skip=0&$top=30` },
  {
    name: 'monitor: sync runs',
    user: 'admin',
    path: () => `/odata/v4/integration/SyncRuns?$count=true&$orderby=startedAt desc&$skip=0&$top=30`,
    floor: () => `select * from invoicecrm_integration_SyncRuns order by startedAt desc limit 30`,
  },
  {
    name: 'monitor: write-backs',
    user: 'admin',
    path: () =>
      `/odata/v4/integration/WriteBackOperations?$count=true&$select=ID,createdAt,status,target,event,invoiceNumber,customerNumber&$orderby=createdAt desc&$skip=0&$top=30`,
    floor: () => `select * from invoicecrm_writeback_WriteBackOperations order by createdAt desc limit 30`,
  },
  {
    name: 'launchpad: kpis',
    user: 'clerk',
    path: () => `/odata/v4/launchpad/kpis()`,
    floor: p => `select count(1) from invoicecrm_mirror_BillingDocuments where openDueDate < '${p.today}'`,
  },
]

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b)
  return { p50: Math.round(percentile(sorted, 50) * 10) / 10, p95: Math.round(percentile(sorted, 95) * 10) / 10 }
}

let seed = 42
const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n)
function pick(customers: number): Pick {
  let i = 1 + random(volume)
  if (i % 50 === 7) i++ // no FI item yet: read too, but not as the typical invoice
  return { invoice: documentId(i), customer: customerId(1 + random(customers)), today: new Date().toISOString().slice(0, 10) }
}

async function prepare(kind: Kind): Promise<{ db: Db & { disconnect?: () => Promise<void> }; env: Record<string, string>; customers: number }> {
  const customers = Math.max(10, Math.round(volume / 10))
  const deploy = (cds as unknown as { deploy: (model: string) => { to: (db: unknown) => Promise<unknown> } }).deploy
  if (kind === 'sqlite') {
    const file = path.join(os.tmpdir(), `bench-odata-${volume}.sqlite`)
    const fresh = !reuse || !fs.existsSync(file)
    if (fresh) fs.rmSync(file, { force: true })
    const db = (await cds.connect.to(`bench-${kind}`, { kind: 'sqlite', impl: '@cap-js/sqlite', credentials: { url: file } } as object)) as unknown as Db
    if (fresh) await load(db, deploy)
    return { db, env: { CDS_ENV: 'test', CDS_REQUIRES_DB_CREDENTIALS_URL: file }, customers }
  }
  const database = `invoicecrm_bench_${volume}`
  const { rows } = await administer(PG, `select 1 from pg_database where datname = '${database}'`)
  const fresh = !reuse || !rows.length
  if (fresh) {
    await administer(PG, `drop database if exists "${database}" with (force)`)
    await administer(PG, `create database "${database}"`)
  }
  const db = (await cds.connect.to(`bench-${kind}`, { kind: 'postgres', impl: '@cap-js/postgres', credentials: { ...PG, database } } as object)) as unknown as Db
  if (fresh) await load(db, deploy)
  return { db, env: { CDS_ENV: 'pg,test', CDS_REQUIRES_DB_CREDENTIALS_DATABASE: database }, customers }
}

// @cap-js/postgres's own driver, as test/postgres-database.ts uses it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- by a path resolved at run time, which an import cannot name
const pg = require(require.resolve('pg', { paths: [require.resolve('@cap-js/postgres')] })) as {
  Client: new (config: object) => { connect(): Promise<void>; query(sql: string): Promise<unknown>; end(): Promise<void> }
}
async function vacuum(database: string) {
  const client = new pg.Client({ ...PG, database })
  await client.connect()
  try {
    await client.query('vacuum analyze')
  } finally {
    await client.end()
  }
}

async function load(db: Db, deploy: (model: string) => { to: (db: unknown) => Promise<unknown> }) {
  const started = Date.now()
  console.error(`deploying and filling ${db.kind} with ${volume} billing documents …`)
  // CAP 10.1.1's deployment takes the placeholder of its statement on PostgreSQL's model table from cds.db, which
  // the first deployment of the process sets: with --db both, SQLite's `?` on PostgreSQL (a syntax error).
  ;(cds as unknown as { db: unknown }).db = db
  await deploy('*').to(db)
  await fill(db, volume)
  // As the sync does after a reconciliation removed FI items: every invoice's status from its FI items.
  const refreshing = Date.now()
  await refreshReceivableStatus(db as unknown as cds.Service, 'all')
  console.error(`  receivable status of all invoices: ${((Date.now() - refreshing) / 1000).toFixed(1)} s`)
  // And every customer's balance, as the first read of a day does.
  const balancing = Date.now()
  await refreshCustomerBalances(db as unknown as cds.Service, 'all')
  console.error(`  balances of all customers: ${((Date.now() - balancing) / 1000).toFixed(1)} s`)
  // Statistics, and on PostgreSQL the visibility map autovacuum keeps for a table that has lived a while (without
  // it, no index-only scan: a fresh load would be measured, not the mirror in use). VACUUM runs outside a transaction.
  if (db.kind === 'postgres') await vacuum(`invoicecrm_bench_${volume}`)
  else await db.run('analyze')
  console.error(`filled in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

async function measure(url: string, r: Request, customers: number) {
  const auth = `Basic ${Buffer.from(`${r.user}:${r.user}`).toString('base64')}`
  const times: number[] = []
  let errors = 0
  let lastError = ''
  const client = async () => {
    for (let i = 0; i < rounds; i++) {
      const started = performance.now()
      try {
        const res = await fetch(url + encodeURI(r.path(pick(customers))).replaceAll('+', '%2B'), { headers: { authorization: auth, 'accept-language': 'en' } })
        const body = await res.text()
        times.push(performance.now() - started)
        if (!res.ok) {
          errors++
          lastError = `${res.status} ${body.slice(0, 200)}`
        }
      } catch (error) {
        // The server gone (e.g. out of memory): no time to report for it.
        errors++
        lastError = `${(error as Error).message}: ${String((error as Error).cause ?? '')}`
      }
    }
  }
  // Warm-up as measured: every client at once, so that each of the pool's connections has prepared this statement
  // (a first use on a new connection prepares and plans it, as it does once per connection in production).
  await Promise.all(Array.from({ length: clients }, client))
  times.length = 0
  errors = 0
  await Promise.all(Array.from({ length: clients }, client))
  return { ...(times.length ? summary(times) : { p50: NaN, p95: NaN }), errors, lastError }
}

async function measureFloor(db: Db, r: Request, kind: Kind, customers: number) {
  if (!r.floor) return undefined
  const times: number[] = []
  try {
    for (let i = 0; i < rounds * clients + 1; i++) {
      const started = performance.now()
      await db.run(r.floor(pick(customers), kind))
      if (i) times.push(performance.now() - started)
    }
  } catch (error) {
    return { error: (error as Error).message.slice(0, 120) }
  }
  return summary(times)
}

async function main() {
  cds.root = root
  const results: Record<string, unknown>[] = []
  for (const kind of databases as Kind[]) {
    const { db, env, customers } = await prepare(kind)
    // The filled database, named by the server's environment; a benchmark's server stops cleanly, nothing to repair.
    const filled = { env, recover: async () => undefined }
    let server = await startServer(filled)
    try {
      for (const r of REQUESTS.filter(r => !only.length || only.some(o => r.name.includes(o)))) {
        if (server.exit) {
          console.error(`the server ended (${JSON.stringify(server.exit)}):\n${server.output().slice(-2000)}`)
          server = await startServer(filled)
        }
        const app = await measure(server.url, r, customers)
        const floor = await measureFloor(db, r, kind, customers)
        const row = { db: kind, request: r.name, p50: app.p50, p95: app.p95, 'floor p50': floor && 'p50' in floor ? floor.p50 : '-', 'floor p95': floor && 'p95' in floor ? floor.p95 : '-', errors: app.errors }
        console.error(JSON.stringify(row), app.lastError)
        results.push({ ...row, ...(app.lastError && { lastError: app.lastError }), ...(floor && 'error' in floor && { floorError: floor.error }) })
      }
    } finally {
      await server.stop()
      await (db as unknown as { disconnect?: () => Promise<void> }).disconnect?.()
    }
  }
  console.log(`\nReads at volume: ${volume} billing documents, ${clients} concurrent clients × ${rounds} requests each, ${os.cpus().length} cores, Node ${process.version}; ms\n`)
  console.table(results.map(({ lastError: _e, floorError: _f, ...row }) => row))
  fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true })
  fs.writeFileSync(path.join(root, `bench/results/odata-${databases.join('-')}-${volume}.json`), JSON.stringify(results, null, 2))
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error)
    process.exit(1)
  }
)
