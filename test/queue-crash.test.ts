// The real server stopped while its persistent queue is busy: killed (kill -9), or stopped as `cf restart` and every
// redeploy do it (SIGTERM), after the queue has taken up invoice mails and write-backs, while a slow SMTP server and a
// slow S/4HANA keep some of them in flight. Started again on the same database (no schema deployment), it must
// deliver every invoice mail and every write-back exactly once, within the queue's timeout. A mail may go twice
// only where the stop fell between its sending and the commit, and then each of its links must work.
import { expect } from 'chai'
import type { Simulator } from '@invoice-crm/s4-simulator/simulator'
import { startServer } from './server-process'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'
import { eventually } from './support'
import { checkDelivery, inProcessing, isWrite, QUEUE_TIMEOUT_MS, queueWork, simulator, summary, undelivered, type QueuedWork } from './queue-delivery'

describe('the persistent queue across a stop of the server', () => {
  let prepared: QueuedWork
  const cleanup: (() => Promise<unknown> | unknown)[] = []

  // One set-up for both stops: each starts from a copy of its database, with a simulator of the same seed.
  before(async function () {
    this.timeout(170_000)
    prepared = await queueWork(30)
  })
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  for (const signal of ['SIGKILL', 'SIGTERM'] as const)
    it(`delivers every invoice mail and write-back exactly once after a ${signal} in mid-flight`, async function () {
      this.timeout(170_000)
      const sim: Simulator = simulator()
      await sim.listen(0)
      cleanup.push(() => sim.close())
      const database = await prepared.database.copy()
      const { queued, writeBacks } = prepared
      expect(queued, 'invoices queued for sending').to.be.at.least(250)
      expect(writeBacks, 'write-backs pending').to.be.at.least(50)

      // Slow enough that the stop finds mails and write-backs in flight.
      const smtp: TestSmtpServer = await startSmtpServer({ delayMs: 25 })
      cleanup.push(() => smtp.close())
      sim.faults.latencyMs = 30
      const env = {
        CDS_REQUIRES_S4HANA_URL: sim.url,
        CDS_CONFIG: JSON.stringify({ requires: { mail: { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true } } } }),
      }

      const first = await startServer(database, env)
      cleanup.push(() => first.stop('SIGKILL'))
      // Proof that the queue took work up: mails arrived, S/4 was written to, messages are marked as processing.
      const inFlight = await eventually(
        'the queue to be busy with mails and write-backs',
        async () => smtp.messages.length >= 30 && sim.requests.filter(r => isWrite(r.method)).length >= 5 && (await inProcessing(database)),
        60_000
      ).catch(async error => {
        throw new Error(`${(error as Error).message}: ${smtp.messages.length} mails, ${sim.requests.filter(r => isWrite(r.method)).length} S/4 writes, ${await inProcessing(database)} in processing; the server said:\n${first.output().slice(-3000)}`)
      })
      const stopped = await first.stop(signal)
      const atStop = { mails: smtp.messages.length, s4Writes: sim.requests.filter(r => isWrite(r.method)).length, processing: inFlight }
      expect(atStop.mails, 'mails sent before the stop').to.be.below(queued)

      const second = await startServer(database, env)
      cleanup.push(() => second.stop('SIGKILL'))
      const started = Date.now()
      const done = await eventually('every mail and write-back to be delivered', async () => {
        const { pending, open } = await undelivered(database)
        return pending === 0 && open === 0
      }, QUEUE_TIMEOUT_MS + 60_000).catch(() => false)
      const recoveredInMs = Date.now() - started
      const left = await undelivered(database)
      const delivery = await checkDelivery(database, sim, [smtp], second.url)

      const counts = {
        signal,
        stoppedBy: stopped.signal ?? `exit ${stopped.code}`,
        atStop,
        ...summary(delivery),
        stillOpen: left,
        recoveredInMs: done ? recoveredInMs : `not within ${QUEUE_TIMEOUT_MS + 60_000}`,
      }
      console.log(`      queue crash test: ${JSON.stringify(counts)}`)

      // Its errors first: the tail of its output may be only the shutdown that followed one.
      const errors = second.output().split(/\n(?=\d{4}-)/).filter(entry => / ERROR /.test(entry)).slice(0, 5).join('\n').slice(0, 6000)
      expect(done, `everything delivered after the restart; ${JSON.stringify(counts)}\n${errors}\n${second.output().slice(-2000)}`).to.equal(true)
      expect(delivery.neverMailed, 'invoices never mailed').to.deep.equal([])
      // A second mail only for what was in flight: the queue takes at most chunkSize (10) messages at once.
      expect(delivery.duplicates.length, 'invoices mailed twice').to.be.at.most(10)
      expect(delivery.duplicates.filter(([, tokens]) => tokens.length > 2), 'invoices mailed more than twice').to.deep.equal([])
      expect(delivery.linksBroken, 'links of invoices mailed twice that do not answer').to.deep.equal([])
      expect(delivery.notOnce, 'write-backs not in S/4 exactly once').to.deep.equal([])
      expect(delivery.outOfOrder, 'sales order texts with lines out of order').to.deep.equal([])
    })
})
