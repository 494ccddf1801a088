// npm run bench:reminders -- [--db sqlite|postgres] [--volume 100000] [--heap 256]
//
// The reminder run at volume: fills a mirror of --volume billing documents of --volume / 10 customers straight into a
// fresh database (bench/odata-fill.ts), with every FI item open, so that (but for every 50th document, which has no FI
// item yet) each one is an open invoice, due over the past 200 and the next 100 days, every 50th disputed, every 40th
// customer with a dunning block in S/4. Then, in this process as the scheduled job runs it, on the collections clock
// set to a Tuesday 10:00 UTC: the run (every invoice judged, its decision recorded, the reminders due taken), its
// pass that queues one mail per customer, the mails delivered by the persistent queue to an SMTP server on loopback
// that only counts them, and a second run on the same day (which finds every step taken). Reported: the time of each,
// and the process's peak RSS, sampled every 50 ms, with the V8 heap limit of the deployed app (mta.yaml).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'
import cds from '@sap/cds'
import { fill, type Db } from './odata-fill'
import { administer } from '../test/postgres-database'
import { refreshReceivableStatus } from '../srv/sync/receivable-status'
import { useClock } from '../srv/collections/clock'
import { ensureDefaultPolicy } from '../srv/collections/default-policy'
import { runReminders } from '../srv/collections/reminder-run'

const root = path.join(__dirname, '..')
const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const volume = Number(option('volume', '100000'))
const kind = option('db', 'sqlite')
const heapMB = Number(option('heap', '256'))
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' }

// Everything runs in a child process with the deployed app's heap limit: the parent only starts it.
if (!process.argv.includes('--child')) {
  const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs')
  const child = spawnSync(process.execPath, [`--max-old-space-size=${heapMB}`, tsx, __filename, ...process.argv.slice(2), '--child'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CDS_TYPESCRIPT: 'true', CDS_ENV: kind === 'postgres' ? 'pg,test' : 'test' },
  })
  process.exit(child.status ?? 1)
}

let peakRss = 0
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
sampler.unref()
const mb = (bytes: number) => Math.round(bytes / 1048576)
const seconds = (ms: number) => (ms / 1000).toFixed(1)

async function database(): Promise<Db> {
  const deploy = (cds as unknown as { deploy: (model: string) => { to: (db: unknown) => Promise<unknown> } }).deploy
  let db: Db
  if (kind === 'sqlite') {
    const file = path.join(os.tmpdir(), `bench-reminders-${volume}.sqlite`)
    fs.rmSync(file, { force: true })
    db = (await cds.connect.to('db', { kind: 'sqlite', impl: '@cap-js/sqlite', credentials: { url: file } } as object)) as unknown as Db
  } else {
    const name = `invoicecrm_bench_reminders_${volume}`
    await administer(PG, `drop database if exists "${name}" with (force)`)
    await administer(PG, `create database "${name}"`)
    db = (await cds.connect.to('db', { kind: 'postgres', impl: '@cap-js/postgres', credentials: { ...PG, database: name } } as object)) as unknown as Db
  }
  const started = Date.now()
  await deploy('*').to(db)
  await fill(db, volume)
  // Every FI item open: each document with one is an open invoice.
  await db.run('UPDATE invoicecrm_mirror_ReceivableItems SET isCleared = false, clearingDate = NULL')
  await refreshReceivableStatus(db as unknown as cds.Service, 'all')
  await db.run(kind === 'postgres' ? 'analyze' : 'analyze')
  console.error(`filled ${kind} in ${seconds(Date.now() - started)} s`)
  return db
}

/** An SMTP server on loopback that accepts every mail and only counts it. */
async function smtpSink(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let received = 0
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined)
      stream.on('end', () => {
        received++
        callback()
      })
    },
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.server.address() as AddressInfo).port, received: () => received, close: () => new Promise(resolve => server.close(() => resolve())) }
}

async function main() {
  cds.model = cds.compile.for.nodejs(await cds.load('*'))
  const db = await database()
  const smtp = await smtpSink()
  cds.env.requires.mail = { ...cds.env.requires.mail, smtp: { host: '127.0.0.1', port: smtp.port, secure: false } }
  await cds.connect.to('customer-mail')
  await ensureDefaultPolicy()
  // A Tuesday 10:00 UTC in the week of today (the data's due dates are relative to today): business hours in Germany.
  const today = new Date()
  const tuesday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + ((9 - today.getUTCDay()) % 7), 10))
  useClock(() => tuesday)

  const open = ((await SELECT.one.from('invoicecrm.mirror.BillingDocuments').columns('count(1) as n').where({ isCleared: false })) as { n: number }).n
  console.error(`${open} open invoices; reminder run on ${tuesday.toISOString()} …`)
  global.gc?.()
  const rssBefore = process.memoryUsage().rss
  peakRss = rssBefore
  let started = Date.now()
  const first = await runReminders({ trigger: 'manual' })
  const runMs = Date.now() - started
  const runPeak = peakRss
  console.error(`run: ${seconds(runMs)} s, ${JSON.stringify(first)}`)

  started = Date.now()
  const count = async (status: string) => ((await SELECT.one.from('invoicecrm.collections.ReminderMails').columns('count(1) as n').where({ status })) as { n: number }).n
  while ((await count('queued')) > 0) await new Promise(resolve => setTimeout(resolve, 500))
  const deliveryMs = Date.now() - started
  const sent = await count('sent')
  console.error(`delivery: ${sent} mails in ${seconds(deliveryMs)} s (${smtp.received()} received)`)

  started = Date.now()
  const second = await runReminders({ trigger: 'manual' })
  const rerunMs = Date.now() - started
  const result = {
    db: kind,
    openInvoices: open,
    customers: Math.round(volume / 10),
    run: { seconds: Number(seconds(runMs)), invoicesChecked: first.invoicesChecked, remindersDue: first.remindersDue, proposals: first.proposals, heldBack: first.heldBack, mailsQueued: first.mailsQueued },
    delivery: { seconds: Number(seconds(deliveryMs)), mails: sent, perSecond: Math.round(sent / (deliveryMs / 1000)) },
    rerun: { seconds: Number(seconds(rerunMs)), remindersDue: second.remindersDue },
    rssMB: { before: mb(rssBefore), peakDuringRun: mb(runPeak), peak: mb(peakRss) },
    heapLimitMB: heapMB,
  }
  console.log(JSON.stringify(result, null, 2))
  fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true })
  fs.writeFileSync(path.join(root, `bench/results/reminders-${kind}-${volume}.json`), JSON.stringify(result, null, 2) + '\n')
  await smtp.close()
  await (db as unknown as { disconnect?: () => Promise<void> }).disconnect?.()
  process.exit(0)
}

main().catch(error => {
  console.error(error)
  process.exit(1)
})
