// The real server stopped while its persistent queue is sending reminder mails: killed (kill -9), or stopped as
// `cf restart` does it (SIGTERM), after the queue has taken mails up, while a slow SMTP server keeps some in flight.
// Started again on the same database, it must send every reminder mail, and record each reminder as sent exactly
// once (once on the timeline, once as sent). A customer may get its mail twice only where the stop fell between the
// sending and the commit, and then every link of both mails must work.
// And stopped in the middle of a reminder run's judging (some batches committed, one in its transaction): the next
// run must come to exactly the reminders and mails of a run that was never stopped.
import { expect } from 'chai'
import http from 'node:http'
import type { ParsedMail } from 'mailparser'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { createAppDatabase, type AppDatabase } from './app-database'
import { runScript, startServer } from './server-process'
import { startSmtpServer } from './smtp-server'
import { eventually, sleep } from './support'
import { QUEUE_TIMEOUT_MS, inProcessing } from './queue-delivery'

/** The set-up's S/4HANA: enough customers that a stop finds some of their mails sent and some not. */
const simulator = (): Simulator => createSimulator({ volume: { customers: 120, salesOrders: 240, billingDocuments: 480 }, seed: 23 })
/** The queue takes at most so many messages at once (cds.requires.queue.chunkSize's default). */
const CHUNK = 10

interface Prepared { database: AppDatabase; mails: number; reminders: number }

/** The set-up (test/reminders-crash-app.ts) on a new database; what it printed. */
async function setUp<T>(args: string[]): Promise<{ database: AppDatabase } & T> {
  const sim = simulator()
  await sim.listen(0)
  try {
    const database = await createAppDatabase()
    const run = await runScript('reminders-crash-app.ts', args, database, { CDS_REQUIRES_S4HANA_URL: sim.url })
    const outcome = /^set-up: (.*)$/m.exec(run.stdout)?.[1]
    if (run.code !== 0 || !outcome) throw new Error(`set-up failed (${run.code}): ${run.stderr.slice(-3000)}${run.stdout.slice(-3000)}`)
    return { database, ...(JSON.parse(outcome) as T) }
  } finally {
    await sim.close()
  }
}
const prepare = () => setUp<{ mails: number; reminders: number }>([])

/**
 * The status of the response page's view of a link. Each from a loopback address of its own (all of 127.0.0.0/8 is
 * the loopback interface on Linux): a mail sent twice carries a link per invoice, and more of them than the server's
 * limit of requests a minute per client (srv/server.ts) would be refused from one address.
 */
const view = (server: string, token: string, i: number) =>
  new Promise<number>((resolve, reject) => {
    const request = http.request(`${server}/rest/respond/view`, { method: 'POST', localAddress: `127.0.${10 + Math.floor(i / 250)}.${1 + (i % 250)}`, headers: { 'content-type': 'application/json' } }, answer => {
      answer.resume()
      resolve(answer.statusCode ?? 0)
    })
    request.on('error', reject)
    request.end(JSON.stringify({ token }))
  })

const count = async (database: AppDatabase, sql: string) => Number((await database.query<{ n: number }>(sql))[0].n)

describe('reminder mails across a stop of the server', () => {
  let prepared: Prepared
  const cleanup: (() => Promise<unknown> | unknown)[] = []

  before(async function () {
    this.timeout(170_000)
    prepared = await prepare()
  })
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  for (const signal of ['SIGKILL', 'SIGTERM'] as const)
    it(`sends every reminder mail and records every reminder once after a ${signal} in mid-flight`, async function () {
      this.timeout(170_000)
      const { mails, reminders } = prepared
      expect(mails, 'reminder mails queued').to.be.at.least(60)
      expect(reminders, 'reminders in them').to.be.above(mails)
      const database = await prepared.database.copy()
      const queued = await count(database, `select count(*) as "n" from invoicecrm_collections_ReminderMails where status = 'queued'`)
      expect(queued, 'all of them still queued').to.equal(mails)

      const smtp = await startSmtpServer({ delayMs: 60 })
      cleanup.push(() => smtp.close())
      const env = { CDS_CONFIG: JSON.stringify({ requires: { mail: { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true } } } }) }

      const first = await startServer(database, env)
      cleanup.push(() => first.stop('SIGKILL'))
      // Proof that the queue took mails up: some arrived, one is on the wire, messages are marked as processing.
      await eventually('the queue to be busy sending reminder mails', async () => smtp.messages.length >= 15 && smtp.inTransfer > 0 && (await inProcessing(database)) > 0, 60_000).catch(
        error => {
          throw new Error(`${(error as Error).message}: ${smtp.messages.length} mails; the server said:\n${first.output().slice(-3000)}`)
        }
      )
      await first.stop(signal)
      const atStop = smtp.messages.length
      expect(atStop, 'mails sent before the stop').to.be.below(mails)

      const second = await startServer(database, env)
      cleanup.push(() => second.stop('SIGKILL'))
      const done = await eventually(
        'every reminder mail to be sent',
        async () => (await count(database, `select count(*) as "n" from invoicecrm_collections_ReminderMails where status <> 'sent'`)) === 0,
        QUEUE_TIMEOUT_MS + 90_000
      ).catch(() => false)
      const errors = second.output().split(/\n(?=\d{4}-)/).filter(entry => / ERROR /.test(entry)).slice(0, 5).join('\n').slice(0, 6000)
      expect(done, `every mail sent after the restart\n${errors}\n${second.output().slice(-2000)}`).to.equal(true)

      // Each reminder sent once: as a reminder, on the timeline, in one mail.
      const notSent = await count(database, `select count(*) as "n" from invoicecrm_collections_Reminders where status <> 'sent'`)
      const timeline = await database.query<{ invoice: string; n: number }>(
        `select invoice_ID as "invoice", count(*) as "n" from invoicecrm_crm_TimelineEntries where kind = 'reminderSent' group by invoice_ID`
      )
      expect(notSent, 'reminders not sent').to.equal(0)
      expect(timeline.length, 'invoices with a reminder on their timeline').to.equal(reminders)
      expect(timeline.filter(t => Number(t.n) !== 1).map(t => `${t.invoice}: ${t.n}`), 'reminders on the timeline more than once').to.deep.equal([])

      // Each customer's mail arrived; twice only for what the queue had in hand at the stop, and then every link works.
      const addresses = await database.query<{ email: string; n: number }>(`select contactEmail as "email", count(*) as "n" from invoicecrm_collections_ReminderMails group by contactEmail`)
      const received = new Map<string, ParsedMail[]>()
      for (const mail of smtp.messages) {
        const to = [mail.to].flat().flatMap(t => t?.value ?? []).map(a => a.address!.toLowerCase())[0]
        received.set(to, [...(received.get(to) ?? []), mail])
      }
      const missing = addresses.filter(a => (received.get(a.email.toLowerCase())?.length ?? 0) < Number(a.n)).map(a => a.email)
      const twice = addresses.filter(a => (received.get(a.email.toLowerCase())?.length ?? 0) > Number(a.n))
      expect(missing, 'customers whose reminder mail never arrived').to.deep.equal([])
      expect(smtp.messages.length - mails, 'mails sent twice').to.be.at.most(CHUNK)
      const tokens = twice.flatMap(a => received.get(a.email.toLowerCase())!.flatMap(mail => [...(mail.text ?? '').matchAll(/#t=([^\s"<>]+)/g)].map(m => m[1])))
      const broken: string[] = []
      for (const [i, token] of tokens.entries()) {
        const status = await view(second.url, token, i)
        if (status !== 200) broken.push(`${status}`)
      }
      expect(broken, 'links of mails sent twice that do not answer').to.deep.equal([])
      console.log(`      reminders crash test: ${JSON.stringify({ signal, mails, reminders, atStop, received: smtp.messages.length, sentTwice: twice.length, linksChecked: tokens.length })}`)
    })
})

/** An AR manager's Run Now (CollectionsService.runReminders), as the Reminder Policies app sends it. */
const runNow = (server: string) =>
  fetch(`${server}/odata/v4/collections/runReminders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('manager:manager').toString('base64')}` },
    body: '{}',
  })

/** What a reminder run came to: each reminder (invoice, step, amount; not which run took it), and the mails by address. */
async function outcomeOf(database: AppDatabase) {
  const reminders = await database.query<{ invoice: string; step: string; amount: string; status: string; mail: string | null }>(
    `select invoice_ID as "invoice", step_ID as "step", amount as "amount", status as "status", mail_ID as "mail" from invoicecrm_collections_Reminders order by invoice_ID, step_ID`
  )
  const mails = await database.query<{ email: string; n: number }>(
    `select contactEmail as "email", count(*) as "n" from invoicecrm_collections_ReminderMails group by contactEmail order by contactEmail`
  )
  return {
    reminders: reminders.map(r => `${r.invoice} ${r.step} ${Number(r.amount).toFixed(3)}`),
    // Each reminder due is in a mail (queued or sent by now); none waits outside one.
    withoutMail: reminders.filter(r => !r.mail).length,
    mails: mails.map(m => `${m.email} ${m.n}`),
  }
}

describe('a reminder run stopped in the middle of judging', () => {
  /** A batch of a run: few invoices, so that a stop finds some batches committed and most still to judge. */
  const BATCH = 25
  const HELD_AFTER = 3
  let base: AppDatabase
  let reference: Awaited<ReturnType<typeof outcomeOf>>
  let env: Record<string, string>
  const cleanup: (() => Promise<unknown> | unknown)[] = []

  before(async function () {
    this.timeout(170_000)
    const prepared = await setUp<{ now: string }>(['--prepare-only'])
    base = prepared.database
    const smtp = await startSmtpServer()
    cleanup.push(() => smtp.close())
    env = {
      TEST_COLLECTIONS_NOW: prepared.now,
      CDS_CONFIG: JSON.stringify({
        requires: { collections: { batchSize: BATCH, businessHours: { start: 0, end: 24 } }, mail: { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true } } },
      }),
    }
    // The run as it goes when nothing stops it, on a copy of the same database.
    const database = await base.copy()
    const server = await startServer(database, env, ['reminder-run-hold.ts'])
    cleanup.push(() => server.stop('SIGKILL'))
    const answer = await runNow(server.url)
    expect(answer.status, await answer.clone().text()).to.equal(200)
    await server.stop('SIGTERM')
    reference = await outcomeOf(database)
  })
  after(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  for (const signal of ['SIGKILL', 'SIGTERM'] as const)
    it(`comes to the same reminders and mails after a ${signal} while judging`, async function () {
      this.timeout(170_000)
      expect(reference.reminders.length, 'reminders of a run never stopped').to.be.above(HELD_AFTER * BATCH)
      expect(reference.mails.length, 'its mails').to.be.at.least(20)
      const database = await base.copy()

      const first = await startServer(database, { ...env, HOLD_JUDGING_AFTER_BATCHES: String(HELD_AFTER) }, ['reminder-run-hold.ts'])
      cleanup.push(() => first.stop('SIGKILL'))
      const held = runNow(first.url).catch(() => undefined)
      await eventually('the run to be held in judging', async () => first.output().includes('reminder run held in judging'), 60_000)
      const judged = await count(database, `select count(*) as "n" from invoicecrm_collections_ReminderDecisions`)
      expect(judged, 'decisions committed before the stop').to.equal(HELD_AFTER * BATCH)
      expect(await count(database, `select count(*) as "n" from invoicecrm_collections_ReminderMails`), 'mails queued before the stop').to.equal(0)
      // As Cloud Foundry stops an app: SIGTERM, and SIGKILL when it has not ended 10 s later (the held transaction keeps
      // PostgreSQL's pool from closing; SQLite's connection closes under it).
      const exit = await Promise.race([first.stop(signal), sleep(10_000).then(() => first.stop('SIGKILL'))])
      await held

      const second = await startServer(database, env, ['reminder-run-hold.ts'])
      cleanup.push(() => second.stop('SIGKILL'))
      const answer = await runNow(second.url)
      expect(answer.status, await answer.clone().text()).to.equal(200)
      const { run } = (await answer.json()) as { run: string }
      await second.stop('SIGTERM')

      const outcome = await outcomeOf(database)
      expect(outcome.reminders, 'each reminder as a run never stopped has it, once').to.deep.equal(reference.reminders)
      expect(outcome.withoutMail, 'reminders in no mail').to.equal(0)
      expect(outcome.mails, 'one mail per billing contact, as a run never stopped sends').to.deep.equal(reference.mails)
      // The run that was stopped keeps what it decided; the next judged every invoice again and completed.
      const runs = await database.query<{ id: string; status: string; n: number }>(
        `select r.ID as "id", r.status as "status", (select count(*) from invoicecrm_collections_ReminderDecisions d where d.run_ID = r.ID) as "n" from invoicecrm_collections_ReminderRuns r`
      )
      const completed = runs.find(r => r.id === run)
      const stopped = runs.filter(r => r.id !== run)
      expect(completed?.status, 'the run after the restart').to.equal('completed')
      expect(stopped.map(r => Number(r.n)), 'decisions of the stopped run').to.deep.equal([HELD_AFTER * BATCH])
      const invoices = await count(database, `select count(distinct invoice_ID) as "n" from invoicecrm_collections_ReminderDecisions`)
      expect(Number(completed?.n), 'invoices the run after the restart judged').to.equal(invoices)
      console.log(`      reminder run crash test: ${JSON.stringify({ signal, ended: exit.signal ?? exit.code, judgedBeforeStop: judged, reminders: outcome.reminders.length, mails: outcome.mails.length })}`)
    })
})
