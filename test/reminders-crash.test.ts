// The real server stopped while its persistent queue is sending reminder mails: killed (kill -9), or stopped as
// `cf restart` does it (SIGTERM), after the queue has taken mails up, while a slow SMTP server keeps some in flight.
// Started again on the same database, it must send every reminder mail, and record each reminder as sent exactly
// once (once on the timeline, once as sent). A customer may get its mail twice only where the stop fell between the
// sending and the commit, and then every link of both mails must work.
import { expect } from 'chai'
import http from 'node:http'
import type { ParsedMail } from 'mailparser'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { createAppDatabase, type AppDatabase } from './app-database'
import { runScript, startServer } from './server-process'
import { startSmtpServer } from './smtp-server'
import { eventually } from './support'
import { QUEUE_TIMEOUT_MS, inProcessing } from './queue-delivery'

/** The set-up's S/4HANA: enough customers that a stop finds some of their mails sent and some not. */
const simulator = (): Simulator => createSimulator({ volume: { customers: 120, salesOrders: 240, billingDocuments: 480 }, seed: 23 })
/** The queue takes at most so many messages at once (cds.requires.queue.chunkSize's default). */
const CHUNK = 10

interface Prepared { database: AppDatabase; mails: number; reminders: number }

async function prepare(): Promise<Prepared> {
  const sim = simulator()
  await sim.listen(0)
  try {
    const database = await createAppDatabase()
    const run = await runScript('reminders-crash-app.ts', [], database, { CDS_REQUIRES_S4HANA_URL: sim.url })
    const outcome = /^set-up: (.*)$/m.exec(run.stdout)?.[1]
    if (run.code !== 0 || !outcome) throw new Error(`set-up failed (${run.code}): ${run.stderr.slice(-3000)}${run.stdout.slice(-3000)}`)
    return { database, ...(JSON.parse(outcome) as { mails: number; reminders: number }) }
  } finally {
    await sim.close()
  }
}

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
