// Shared by the tests that stop real servers while their persistent queue is busy (test/queue-crash.test.ts: one
// instance, stopped and started again; test/queue-instances.test.ts: two instances on one database, one killed):
// the work they find (invoice mails and write-backs, queued and not yet processed), and the check that each of them
// arrived exactly once: every invoice mailed (twice only where a stop fell between the sending and the commit, and
// then every link works), every write-back once in S/4HANA, the lines on an order's text in the order planned.
import { createAppDatabase, type AppDatabase } from './app-database'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { runScript } from './server-process'
import type { TestSmtpServer } from './smtp-server'

/** cds.requires.queue.timeout and cds.requires.writeback.queued.timeout of the test profile */
export const QUEUE_TIMEOUT_MS = 3000

/** S/4HANA as every run of these tests finds it: the set-up's and the servers' simulators hold the same data. */
export const simulator = (): Simulator => createSimulator({ volume: { customers: 40, salesOrders: 120, billingDocuments: 300 }, seed: 11 })

export interface QueuedWork { database: AppDatabase; queued: number; writeBacks: number }

/** A database where every invoice is queued for sending and write-backs are planned for so many invoices (test/queue-crash-app.ts). */
export async function queueWork(writeBackInvoices: number): Promise<QueuedWork> {
  const sim = simulator()
  await sim.listen(0)
  try {
    const database = await createAppDatabase()
    const run = await runScript('queue-crash-app.ts', [String(writeBackInvoices)], database, { CDS_REQUIRES_S4HANA_URL: sim.url })
    const outcome = /^set-up: (.*)$/m.exec(run.stdout)?.[1]
    if (run.code !== 0 || !outcome) throw new Error(`set-up failed (${run.code}): ${run.stderr.slice(-3000)}${run.stdout.slice(-3000)}`)
    const work = { database, ...(JSON.parse(outcome) as { queued: number; writeBacks: number }) }
    // All of it left to the servers under test: nothing sent, nothing written to S/4HANA, nothing taken by the queue.
    const left = { ...(await undelivered(database)), processing: await inProcessing(database) }
    if (left.pending !== work.queued || left.open !== work.writeBacks || left.processing)
      throw new Error(`the set-up delivered some of the work itself: ${JSON.stringify({ ...work, database: undefined, left })}\n${run.stderr.slice(-3000)}`)
    return work
  } finally {
    await sim.close()
  }
}

export const isWrite = (method: string) => !['GET', 'HEAD'].includes(method)

/** What is not delivered yet: invoices not mailed, write-backs not in S/4HANA. */
export async function undelivered(database: AppDatabase): Promise<{ pending: number; open: number }> {
  const [{ pending }] = await database.query<{ pending: number }>(`select count(*) as "pending" from invoicecrm_crm_InvoiceConversations where dispatchStatus not in ('sent', 'noEmail')`)
  const [{ open }] = await database.query<{ open: number }>(`select count(*) as "open" from invoicecrm_writeback_WriteBackOperations where status != 'Delivered'`)
  return { pending: Number(pending), open: Number(open) }
}

/** Messages the queue has taken and not finished (or that a stopped instance left so). */
export async function inProcessing(database: AppDatabase): Promise<number> {
  const [{ n }] = await database.query<{ n: number }>(`select count(*) as "n" from cds_outbox_Messages where status = 'processing'`)
  return Number(n)
}

export interface Delivery {
  invoices: number
  mailed: number
  neverMailed: string[]
  /** invoices mailed more than once, with the links their mails carry */
  duplicates: [invoice: string, tokens: string[]][]
  linksOfDuplicatesWorking: number
  linksBroken: string[]
  writeBacks: number
  /** write-backs not exactly once in S/4HANA: how often they are */
  notOnce: string[]
  /** sales orders whose text has the lines of the CRM in another order than planned */
  outOfOrder: string[]
}

/** How the mails (from all the given SMTP servers) and the write-backs in S/4HANA compare with what the database says was sent. */
export async function checkDelivery(database: AppDatabase, sim: Simulator, smtp: TestSmtpServer[], server: string): Promise<Delivery> {
  // Mails per invoice, with the link each one carries.
  const links = new Map<string, string[]>()
  for (const mail of smtp.flatMap(s => s.messages)) {
    const invoice = /(\d{8,10})/.exec(mail.subject ?? '')![1]
    const token = /#t=([^\s"<>]+)/.exec(mail.text ?? '')![1]
    links.set(invoice, [...(links.get(invoice) ?? []), token])
  }
  const sentInvoices = (await database.query<{ invoice: string }>(`select invoice_ID as "invoice" from invoicecrm_crm_InvoiceConversations where dispatchStatus != 'noEmail'`)).map(r => r.invoice)
  const neverMailed = sentInvoices.filter(invoice => !links.has(invoice))
  const duplicates = [...links].filter(([, tokens]) => tokens.length > 1)
  let linksOfDuplicatesWorking = 0
  const linksBroken: string[] = []
  for (const [invoice, tokens] of duplicates)
    for (const token of tokens) {
      const answer = await fetch(`${server}/rest/respond/view`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })
      if (answer.status === 200) linksOfDuplicatesWorking++
      else linksBroken.push(`${invoice}: ${answer.status}`)
    }

  // Write-backs: each marker exactly once in S/4, and the lines on one order's text in the order they were planned.
  const operations = await database.query<{ ID: string; target: string; status: string; payload: string; s4Object: string }>(
    `select ID as "ID", target as "target", status as "status", payload as "payload", s4Object as "s4Object" from invoicecrm_writeback_WriteBackOperations order by createdAt, ID`
  )
  const orderText = (salesOrder: string) => (sim.get('A_SalesOrderText', { SalesOrder: salesOrder, Language: 'EN', LongTextID: '0002' })?.LongText as string | undefined) ?? ''
  const timesInS4 = (op: { ID: string; target: string; payload: string }) => {
    const marker = `[crm:${op.ID}]`
    if (op.target === 'salesOrderText') return orderText((JSON.parse(op.payload) as { salesOrder: string }).salesOrder).split(marker).length - 1
    const { objectKey } = JSON.parse(op.payload) as { objectKey: string }
    return sim.attachments.originals('BUS2032', objectKey).filter(a => String(a.FileName).includes(marker)).length
  }
  const notOnce = operations.filter(op => timesInS4(op) !== 1).map(op => `${op.ID} ${op.target} ${op.status}: ${timesInS4(op)} times`)
  const outOfOrder: string[] = []
  for (const order of new Set(operations.filter(op => op.target === 'salesOrderText').map(op => op.s4Object))) {
    const planned = operations.filter(op => op.s4Object === order).map(op => op.ID)
    const { salesOrder } = JSON.parse(operations.find(op => op.s4Object === order)!.payload) as { salesOrder: string }
    const written = [...orderText(salesOrder).matchAll(/\[crm:([^\]]+)\]/g)].map(m => m[1]).filter(id => planned.includes(id))
    if (written.join() !== planned.join()) outOfOrder.push(salesOrder)
  }
  return {
    invoices: sentInvoices.length,
    mailed: sentInvoices.length - neverMailed.length,
    neverMailed,
    duplicates,
    linksOfDuplicatesWorking,
    linksBroken,
    writeBacks: operations.length,
    notOnce,
    outOfOrder,
  }
}

/** The numbers of a delivery, for the test's log line and its failure messages. */
export const summary = ({ duplicates, linksOfDuplicatesWorking, linksBroken, neverMailed, notOnce, outOfOrder, ...counts }: Delivery) => ({
  ...counts,
  neverMailed: neverMailed.length,
  duplicates: duplicates.length,
  linksOfDuplicatesWorking: `${linksOfDuplicatesWorking}/${linksOfDuplicatesWorking + linksBroken.length}`,
  writeBacksOnceInS4: counts.writeBacks - notOnce.length,
  writeBacksOutOfOrder: outOfOrder.length,
})
