// The real server stopped while its persistent queue is busy: killed (kill -9), or stopped as `cf restart` and every
// redeploy do it (SIGTERM), after the queue has taken up invoice mails and write-backs, while a slow SMTP server and a
// slow S/4HANA keep some of them in flight. Started again on the same database file (no schema deployment), it must
// deliver every invoice mail and every write-back exactly once, within the queue's timeout. A mail may go twice
// only where the stop fell between its sending and the commit, and then each of its links must work.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { expect } from 'chai'
import { createSimulator, type Simulator } from './s4/simulator'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'
import { eventually } from './support'

const ROOT = path.join(__dirname, '..')
const TSX = require.resolve('tsx/cjs')
const CDS_SERVE = require.resolve('@sap/cds/bin/serve.js')
/** cds.requires.queue.timeout and cds.requires.writeback.queued.timeout of the test profile */
const QUEUE_TIMEOUT_MS = 3000

interface Server {
  child: ChildProcess
  url: Promise<string>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output: () => string
}

function startServer(env: NodeJS.ProcessEnv): Server {
  const child = spawn(process.execPath, ['--require', TSX, CDS_SERVE, '--port', '0'], { cwd: ROOT, env })
  let output = ''
  child.stdout!.on('data', chunk => (output += chunk))
  child.stderr!.on('data', chunk => (output += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => child.on('exit', (code, signal) => resolve({ code, signal })))
  const url = eventually('the server to listen', async () => /server listening on\D*(http:\/\/[^\s',}]+)/.exec(output)?.[1], 90_000).catch(error => {
    throw new Error(`${(error as Error).message}; it said:\n${output.slice(-3000)}`)
  })
  return { child, url, exited, output: () => output }
}

/** Runs the set-up (test/queue-crash-app.ts); asynchronously, as the simulator it talks to lives in this process. */
async function prepare(simulator: string, file: string, writeBackInvoices: number): Promise<{ queued: number; writeBacks: number }> {
  const child = spawn(process.execPath, ['--require', TSX, path.join(__dirname, 'queue-crash-app.ts'), simulator, file, String(writeBackInvoices)], {
    cwd: ROOT,
    env: { ...process.env, CDS_ENV: 'test' },
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', chunk => (stdout += chunk))
  child.stderr!.on('data', chunk => (stderr += chunk))
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  const outcome = /^set-up: (.*)$/m.exec(stdout)?.[1]
  if (code !== 0 || !outcome) throw new Error(`set-up failed (${code}): ${stderr.slice(-3000)}${stdout.slice(-3000)}`)
  return JSON.parse(outcome) as { queued: number; writeBacks: number }
}

/** Reads the app's database file beside the running server (WAL: readers do not block it). */
function query<T>(file: string, sql: string): T[] {
  const db = new DatabaseSync(file, { readOnly: true })
  try {
    db.exec('PRAGMA busy_timeout = 2000')
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}

const isWrite = (method: string) => !['GET', 'HEAD'].includes(method)

describe('the persistent queue across a stop of the server', () => {
  let dir: string
  let prepared: { file: string; queued: number; writeBacks: number }
  const cleanup: (() => Promise<unknown> | unknown)[] = []
  const simulator = () => createSimulator({ volume: { customers: 40, salesOrders: 120, billingDocuments: 300 }, seed: 11 })

  // One set-up for both stops: each starts from a copy of its database, with a simulator of the same seed.
  before(async function () {
    this.timeout(170_000)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-crash-'))
    const sim = simulator()
    await sim.listen(0)
    const file = path.join(dir, 'prepared.sqlite')
    prepared = { file, ...(await prepare(sim.url, file, 30).finally(() => sim.close())) }
  })
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })
  after(() => fs.rmSync(dir, { recursive: true, force: true }))

  for (const signal of ['SIGKILL', 'SIGTERM'] as const)
    it(`delivers every invoice mail and write-back exactly once after a ${signal} in mid-flight`, async function () {
      this.timeout(170_000)
      const sim: Simulator = simulator()
      await sim.listen(0)
      cleanup.push(() => sim.close())
      const file = path.join(dir, `${signal}.sqlite`)
      for (const suffix of ['', '-wal']) if (fs.existsSync(prepared.file + suffix)) fs.copyFileSync(prepared.file + suffix, file + suffix)
      const { queued, writeBacks } = prepared
      expect(queued, 'invoices queued for sending').to.be.at.least(250)
      expect(writeBacks, 'write-backs pending').to.be.at.least(50)

      // Slow enough that the stop finds mails and write-backs in flight.
      const smtp: TestSmtpServer = await startSmtpServer({ delayMs: 25 })
      cleanup.push(() => smtp.close())
      sim.faults.latencyMs = 30
      const env = {
        ...process.env,
        CDS_ENV: 'test',
        CDS_REQUIRES_DB_CREDENTIALS_URL: file,
        CDS_REQUIRES_S4HANA_URL: sim.url,
        CDS_CONFIG: JSON.stringify({ requires: { mail: { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true } } } }),
      }

      const first = startServer(env)
      cleanup.push(() => first.child.kill('SIGKILL'))
      await first.url
      // Proof that the queue took work up: mails arrived, S/4 was written to, messages are marked as processing.
      const inFlight = await eventually(
        'the queue to be busy with mails and write-backs',
        async () => {
          if (smtp.messages.length < 30 || sim.requests.filter(r => isWrite(r.method)).length < 5) return false
          const [{ n }] = query<{ n: number }>(file, `select count(*) as n from cds_outbox_Messages where status = 'processing'`)
          return n > 0 && n
        },
        60_000
      )
      first.child.kill(signal)
      const stopped = await first.exited
      const atStop = { mails: smtp.messages.length, s4Writes: sim.requests.filter(r => isWrite(r.method)).length, processing: inFlight }
      expect(atStop.mails, 'mails sent before the stop').to.be.below(queued)

      const second = startServer(env)
      cleanup.push(() => second.child.kill('SIGKILL'))
      const base = await second.url
      const started = Date.now()
      const settled = async () => {
        const [{ pending }] = query<{ pending: number }>(file, `select count(*) as pending from invoicecrm_crm_InvoiceConversations where dispatchStatus not in ('sent', 'noEmail')`)
        const [{ open }] = query<{ open: number }>(file, `select count(*) as open from invoicecrm_writeback_WriteBackOperations where status != 'Delivered'`)
        return { pending, open }
      }
      const done = await eventually('every mail and write-back to be delivered', async () => {
        const { pending, open } = await settled()
        return pending === 0 && open === 0
      }, QUEUE_TIMEOUT_MS + 60_000).catch(() => false)
      const recoveredInMs = Date.now() - started
      const left = await settled()

      // Mails per invoice, with the link each one carries.
      const links = new Map<string, string[]>()
      for (const mail of smtp.messages) {
        const invoice = /(\d{8,10})/.exec(mail.subject ?? '')![1]
        const token = /#t=([^\s"<>]+)/.exec(mail.text ?? '')![1]
        links.set(invoice, [...(links.get(invoice) ?? []), token])
      }
      const sentInvoices = query<{ invoice_ID: string }>(file, `select invoice_ID from invoicecrm_crm_InvoiceConversations where dispatchStatus != 'noEmail'`).map(r => r.invoice_ID)
      const neverMailed = sentInvoices.filter(invoice => !links.has(invoice))
      const duplicates = [...links].filter(([, tokens]) => tokens.length > 1)
      let linksWorking = 0
      const linksBroken: string[] = []
      for (const [invoice, tokens] of duplicates)
        for (const token of tokens) {
          const answer = await fetch(`${base}/rest/respond/view`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })
          if (answer.status === 200) linksWorking++
          else linksBroken.push(`${invoice}: ${answer.status}`)
        }

      // Write-backs: each marker exactly once in S/4, and the lines on one order's text in the order they were planned.
      const operations = query<{ ID: string; target: string; status: string; payload: string; s4Object: string }>(
        file,
        `select ID, target, status, payload, s4Object from invoicecrm_writeback_WriteBackOperations order by createdAt, ID`
      )
      const timesInS4 = (op: { ID: string; target: string; payload: string }) => {
        const marker = `[crm:${op.ID}]`
        if (op.target === 'salesOrderText') {
          const { salesOrder } = JSON.parse(op.payload) as { salesOrder: string }
          const text = (sim.get('A_SalesOrderText', { SalesOrder: salesOrder, Language: 'EN', LongTextID: '0002' })?.LongText as string | undefined) ?? ''
          return text.split(marker).length - 1
        }
        const { objectKey } = JSON.parse(op.payload) as { objectKey: string }
        return sim.attachments.originals('BUS2032', objectKey).filter(a => String(a.FileName).includes(marker)).length
      }
      const notOnce = operations.filter(op => timesInS4(op) !== 1).map(op => `${op.ID} ${op.target} ${op.status}: ${timesInS4(op)} times`)
      const outOfOrder: string[] = []
      for (const order of new Set(operations.filter(op => op.target === 'salesOrderText').map(op => op.s4Object))) {
        const planned = operations.filter(op => op.s4Object === order).map(op => op.ID)
        const { salesOrder } = JSON.parse(operations.find(op => op.s4Object === order)!.payload) as { salesOrder: string }
        const text = (sim.get('A_SalesOrderText', { SalesOrder: salesOrder, Language: 'EN', LongTextID: '0002' })?.LongText as string | undefined) ?? ''
        const written = [...text.matchAll(/\[crm:([^\]]+)\]/g)].map(m => m[1]).filter(id => planned.includes(id))
        if (written.join() !== planned.join()) outOfOrder.push(salesOrder)
      }

      const counts = {
        signal,
        stoppedBy: stopped.signal ?? `exit ${stopped.code}`,
        atStop,
        invoices: sentInvoices.length,
        mailed: sentInvoices.length - neverMailed.length,
        neverMailed: neverMailed.length,
        duplicates: duplicates.length,
        linksOfDuplicatesWorking: `${linksWorking}/${linksWorking + linksBroken.length}`,
        writeBacks: operations.length,
        writeBacksOnceInS4: operations.length - notOnce.length,
        writeBacksOutOfOrder: outOfOrder.length,
        stillOpen: left,
        recoveredInMs: done ? recoveredInMs : `not within ${QUEUE_TIMEOUT_MS + 60_000}`,
      }
      console.log(`      queue crash test: ${JSON.stringify(counts)}`)

      expect(done, `everything delivered after the restart; ${JSON.stringify(counts)}\n${second.output().slice(-2000)}`).to.equal(true)
      expect(neverMailed, 'invoices never mailed').to.deep.equal([])
      // A second mail only for what was in flight: the queue takes at most chunkSize (10) messages at once.
      expect(duplicates.length, 'invoices mailed twice').to.be.at.most(10)
      expect(duplicates.filter(([, tokens]) => tokens.length > 2), 'invoices mailed more than twice').to.deep.equal([])
      expect(linksBroken, 'links of invoices mailed twice that do not answer').to.deep.equal([])
      expect(notOnce, 'write-backs not in S/4 exactly once').to.deep.equal([])
      expect(outOfOrder, 'sales order texts with lines out of order').to.deep.equal([])
    })
})
