// Two instances of the app (two real servers) on one PostgreSQL database, as Cloud Foundry runs them with more than
// one instance: both work off the same persistent queue (invoice mails, write-backs). While both live, neither takes
// what the other has in hand, though each one's recovery (srv/queue-recovery.ts) sees the other's messages in
// 'processing': no invoice is mailed twice, no message is handed back. Then one is killed (kill -9) with mails in hand; the other,
// still running, hands them back one timeout later and delivers them, and everything else: every invoice mailed (a
// second time only where the kill fell between the sending and the commit, and then every link works), every
// write-back once in S/4HANA. SQLite is not such a database (one process at a time, no row locks): PostgreSQL only
// (in .mocharc.json's ignore list).
import cds from '@sap/cds'
import { expect } from 'chai'
import { startServer, type ServerProcess } from './server-process'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'
import { eventually } from './support'
import { checkDelivery, inProcessing, isWrite, queueWork, simulator, summary, undelivered, type QueuedWork } from './queue-delivery'

/**
 * The queues' timeout here, instead of the test profile's 3 s: a message in hand for longer counts as stranded (CAP's
 * rule and srv/queue-recovery.ts alike), and with two instances on this machine a write-back's delivery waits that
 * long at times (for the other deliveries to its S/4 document, in its process and, through the lease, in the other).
 */
const QUEUE_TIMEOUT_MS = 10_000

/** What srv/queue-recovery.ts logs when it finds messages stranded: handed back, or flushed for CAP to take again. */
const HANDED_BACK = /message\(s\) (left in processing by a stopped instance taken up again|in processing for longer than the timeout)/g

describe('two app instances on one database, one of them killed', () => {
  let work: QueuedWork
  const cleanup: (() => Promise<unknown> | unknown)[] = []

  before(async function () {
    this.timeout(170_000)
    const { kind } = cds.env.requires.db as { kind: string }
    if (kind !== 'postgres') throw new Error(`two instances need a database they can share: run with --config test/mocharc.pg.json, not on ${kind}`)
    work = await queueWork(30)
  })
  after(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  it('neither takes what the other has in hand; the one left delivers what the killed one had, each exactly once', async function () {
    this.timeout(170_000)
    const { database, queued, writeBacks } = work
    const sim = simulator()
    await sim.listen(0)
    cleanup.push(() => sim.close())
    sim.faults.latencyMs = 30
    // A mail server per instance, to tell who sent what; A's slower, so that it holds mails in hand for a while.
    const smtp = { a: await startSmtpServer({ delayMs: 150 }), b: await startSmtpServer({ delayMs: 25 }) }
    cleanup.push(() => smtp.a.close(), () => smtp.b.close())
    const env = (mail: TestSmtpServer) => ({
      CDS_REQUIRES_S4HANA_URL: sim.url,
      CDS_CONFIG: JSON.stringify({
        requires: {
          mail: { smtp: { host: '127.0.0.1', port: mail.port, secure: false, ignoreTLS: true } },
          queue: { timeout: QUEUE_TIMEOUT_MS },
          writeback: { queued: { timeout: QUEUE_TIMEOUT_MS } },
        },
      }),
    })
    const [a, b]: ServerProcess[] = await Promise.all([startServer(database, env(smtp.a)), startServer(database, env(smtp.b))])
    cleanup.push(() => a.stop('SIGKILL'), () => b.stop('SIGKILL'))

    // Both at work, with messages in hand (which each one's recovery passes, every timeout / 3, meet and leave alone).
    let inHandSeen = 0
    await eventually(
      'both instances to send mails and write to S/4HANA',
      async () => {
        inHandSeen = Math.max(inHandSeen, await inProcessing(database))
        return smtp.a.messages.length >= 20 && smtp.b.messages.length >= 20 && inHandSeen > 0 && sim.requests.filter(r => isWrite(r.method)).length >= 5
      },
      60_000
    )
    // Kill A while it sends: a mail of its own is in transfer, so its queue message is in hand.
    await eventually('A to be in the middle of sending a mail', async () => smtp.a.inTransfer > 0, 30_000)
    await a.stop('SIGKILL')
    const atKill = {
      mailsByA: smtp.a.messages.length,
      mailsByB: smtp.b.messages.length,
      mailsInTransferAtA: smtp.a.inTransfer,
      s4Writes: sim.requests.filter(r => isWrite(r.method)).length,
      inHandSeen,
      handedBackByA: a.output().match(HANDED_BACK)?.length ?? 0,
      handedBackByB: b.output().match(HANDED_BACK)?.length ?? 0,
    }
    const mailedWhileBothLived = [...smtp.a.messages, ...smtp.b.messages].map(mail => /(\d{8,10})/.exec(mail.subject ?? '')![1])
    const twiceWhileBothLived = mailedWhileBothLived.filter((invoice, i) => mailedWhileBothLived.indexOf(invoice) !== i)
    const bOutputAtKill = b.output().length

    const killed = Date.now()
    const done = await eventually('B to deliver every mail and write-back', async () => {
      const { pending, open } = await undelivered(database)
      return pending === 0 && open === 0
    }, 2 * QUEUE_TIMEOUT_MS + 60_000).catch(() => false)
    const finishedInMs = Date.now() - killed
    const left = await undelivered(database)
    const delivery = await checkDelivery(database, sim, [smtp.a, smtp.b], b.url)
    const handedBackAfterKill = b.output().slice(bOutputAtKill).match(HANDED_BACK)?.length ?? 0

    const counts = {
      atKill,
      twiceWhileBothLived: twiceWhileBothLived.length,
      ...summary(delivery),
      mailsByBAfterKill: smtp.b.messages.length - atKill.mailsByB,
      handedBackByBAfterKill: handedBackAfterKill,
      stillOpen: left,
      finishedByBInMs: done ? finishedInMs : `not within ${2 * QUEUE_TIMEOUT_MS + 60_000}`,
    }
    console.log(`      two instances: ${JSON.stringify(counts)}`)

    expect(queued, 'invoices queued for sending').to.be.at.least(250)
    expect(writeBacks, 'write-backs pending').to.be.at.least(50)
    // While both lived: nothing taken from the other's hands.
    expect(twiceWhileBothLived, 'invoices mailed twice while both instances lived').to.deep.equal([])
    expect(atKill.handedBackByA + atKill.handedBackByB, 'messages handed back while both instances lived').to.equal(0)
    // After the kill: B took up what A had in hand, and finished everything.
    expect(done, `everything delivered by B; ${JSON.stringify(counts)}\n${b.output().slice(-2000)}`).to.equal(true)
    expect(handedBackAfterKill, 'recovery passes of B that handed back what A had in hand').to.be.at.least(1)
    expect(b.exit, 'B still running').to.equal(undefined)
    expect(delivery.neverMailed, 'invoices never mailed').to.deep.equal([])
    // A second mail only for what A had in hand: the queue takes at most chunkSize (10) messages at once.
    expect(delivery.duplicates.length, 'invoices mailed twice').to.be.at.most(10)
    expect(delivery.duplicates.filter(([, tokens]) => tokens.length > 2), 'invoices mailed more than twice').to.deep.equal([])
    expect(delivery.linksBroken, 'links of invoices mailed twice that do not answer').to.deep.equal([])
    expect(delivery.notOnce, 'write-backs not in S/4 exactly once').to.deep.equal([])
    expect(delivery.outOfOrder, 'sales order texts with lines out of order').to.deep.equal([])
  })
})
