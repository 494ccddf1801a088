import cds from '@sap/cds'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { FollowUpTasks } from '#cds-models/invoicecrm/crm'
import { PaymentPromises, PaymentReports, ReminderDecisions, ReminderRuns, Reminders, type Reminder, type ReminderDecision, type RunTrigger } from '#cds-models/invoicecrm/collections'
import { recordTimeline } from '../crm/timeline'
import { collectionsSettings } from './settings'
import { addDays, dayOf, decide, type Decision, type Timing } from './reminder-rules'
import { customerFactsFor, holdingFactsFor, leadDays, loadBatchFacts, loadPolicies, policyOf, type BatchFacts, type CandidateInvoice, type Policies } from './reminder-facts'
import { queueDueReminders } from './reminder-mails'
import { refreshWorklist } from './worklist'
import { retryingDuplicates } from './conflicts'
import { now as clock } from './clock'

// The reminder run: every open invoice whose first step could be due is judged by the rules (reminder-rules.ts), in
// batches of one transaction each; the decision is recorded for each, and a reminder that is due (or proposed to AR)
// becomes a row keyed by invoice and step, which is what makes a step happen once: a run that is repeated, resumed
// after a crash or running on a second instance at the same time meets the row and moves on. The mails follow in a
// second pass (reminder-mails.ts), per customer, inside the customer's business hours.

const LOG = cds.log('collections')

export interface RunRequest {
  trigger: RunTrigger
  startedBy?: string
}

export interface RunSummary {
  runId: string
  asOf: string
  invoicesChecked: number
  remindersDue: number
  proposals: number
  heldBack: number
  mailsQueued: number
}

export async function runReminders({ trigger, startedBy }: RunRequest): Promise<RunSummary> {
  // The day judged and whose business hours it is: the collections clock's (./clock).
  const now = clock()
  const settings = collectionsSettings()
  const timing: Timing = { today: dayOf(now), promiseGraceDays: settings.promiseGraceDays, paymentReportWaitDays: settings.paymentReportWaitDays }
  const runId = cds.utils.uuid()
  await closeInterruptedRuns(now)
  await cds.tx(() => INSERT.into(ReminderRuns).entries({ ID: runId, asOf: timing.today, startedAt: now.toISOString(), trigger, startedBy: startedBy ?? null, status: 'running' }))
  const summary: RunSummary = { runId, asOf: timing.today, invoicesChecked: 0, remindersDue: 0, proposals: 0, heldBack: 0, mailsQueued: 0 }
  try {
    await settleCommitments(now)
    const policies = await cds.tx(() => loadPolicies())
    const horizon = addDays(timing.today, leadDays(policies))
    let after = ''
    for (;;) {
      const batch = await cds.tx(() => candidates(horizon, after, settings.batchSize))
      if (!batch.length) break
      const counts = await judgeBatch(batch, policies, timing, runId, now)
      summary.invoicesChecked += batch.length
      summary.remindersDue += counts.due
      summary.proposals += counts.proposed
      summary.heldBack += counts.heldBack
      after = batch.at(-1)!.ID
    }
    // Broken promises and payments not received were settled by this run: the collectors' order follows them. Before
    // the mails are queued, whose delivery then shares this process with it.
    await refreshWorklist()
    summary.mailsQueued = await queueDueReminders()
    await cds.tx(() =>
      UPDATE(ReminderRuns, runId).set({
        status: 'completed',
        finishedAt: new Date().toISOString(),
        invoicesChecked: summary.invoicesChecked,
        remindersDue: summary.remindersDue,
        proposals: summary.proposals,
        heldBack: summary.heldBack,
      })
    )
    LOG.info(`Reminder run ${runId} for ${timing.today}: ${summary.invoicesChecked} invoices judged, ${summary.remindersDue} reminders due, ${summary.proposals} proposed, ${summary.mailsQueued} mails queued`)
    return summary
  } catch (error) {
    await cds.tx(() => UPDATE(ReminderRuns, runId).set({ status: 'failed', finishedAt: new Date().toISOString(), message: (error as Error).message.slice(0, 1000) }))
    throw error
  }
}

/** A run takes a minute at 100k invoices (README); one still "running" after this long died with its instance. */
const INTERRUPTED_AFTER_MS = 60 * 60 * 1000

/**
 * Runs whose instance stopped (a crash, a redeploy) stay "running": they are closed as failed, so that the runs'
 * list tells the truth. What they decided stays; the next run judges their invoices again and takes no step twice.
 */
async function closeInterruptedRuns(now: Date) {
  const before = new Date(now.getTime() - INTERRUPTED_AFTER_MS).toISOString()
  await cds.tx(() =>
    UPDATE(ReminderRuns)
      .set({ status: 'failed', finishedAt: now.toISOString(), message: 'Interrupted: the instance running it stopped' })
      .where({ status: 'running', startedAt: { '<': before } })
  )
}

/** Open invoices whose net due date is at most the horizon, after the given ID, by ID. */
async function candidates(horizon: string, after: string, limit: number): Promise<CandidateInvoice[]> {
  const rows = await SELECT.from(BillingDocuments)
    .columns('ID', 'payer_ID', 'currency', 'openAmount', 'netDueDate', 'isCleared', 'companyCode', 'paymentTerms')
    .where({ openDueDate: { '<=': horizon }, ID: { '>': after }, isCancelled: false, removedInS4: false })
    .orderBy('ID')
    .limit(limit)
  return rows.map(r => ({
    ID: r.ID!,
    customer: r.payer_ID!,
    currency: r.currency!,
    openAmount: Number(r.openAmount ?? 0),
    netDueDate: r.netDueDate!,
    isCleared: Boolean(r.isCleared),
    itemDunningBlock: false,
    companyCode: r.companyCode ?? null,
    paymentTerms: r.paymentTerms ?? null,
  }))
}

/** Judges one batch in one transaction; a step another run took meanwhile makes it judge the batch again. */
function judgeBatch(batch: CandidateInvoice[], policies: Policies, timing: Timing, runId: string, now: Date) {
  return retryingDuplicates(
    () =>
      cds.tx(async () => {
        const facts = await loadBatchFacts(batch)
        return record(batch, facts, policies, timing, runId, now)
      }),
    3,
    () => LOG.info(`Reminder run ${runId}: another run took some of the same steps; judging the batch again`)
  )
}

async function record(batch: CandidateInvoice[], facts: BatchFacts, policies: Policies, timing: Timing, runId: string, now: Date) {
  const counts = { due: 0, proposed: 0, heldBack: 0 }
  const decisions: ReminderDecision[] = []
  const reminders: Reminder[] = []
  for (const invoice of batch) {
    const customer = facts.customers.get(invoice.customer)
    const policy = policyOf(policies, invoice, customer)
    if (!policy) continue
    const judged = decide(
      { ...invoice, itemDunningBlock: facts.itemBlocks.has(invoice.ID) },
      policy.steps,
      customerFactsFor(customer, invoice.companyCode),
      holdingFactsFor(facts, invoice.ID),
      timing
    )
    decisions.push({
      ID: cds.utils.uuid(),
      run_ID: runId,
      invoice_ID: invoice.ID,
      customer_ID: invoice.customer,
      step_ID: judged.step?.ID ?? null,
      decision: judged.decision,
      amount: judged.amount,
      currency: invoice.currency,
      params: judged.params ? JSON.stringify(judged.params) : null,
    })
    if (judged.decision === 'due' || judged.decision === 'proposed') {
      counts[judged.decision === 'due' ? 'due' : 'proposed']++
      reminders.push({
        invoice_ID: invoice.ID,
        step_ID: judged.step!.ID,
        customer_ID: invoice.customer,
        run_ID: runId,
        level: judged.step!.level,
        offsetDays: judged.step!.offsetDays,
        amount: judged.amount,
        currency: invoice.currency,
        status: judged.decision,
        decidedAt: now.toISOString(),
      })
    } else counts.heldBack++
    await settleBroken(invoice, judged, facts)
  }
  if (decisions.length) await INSERT.into(ReminderDecisions).entries(decisions)
  if (reminders.length) await INSERT.into(Reminders).entries(reminders)
  return counts
}

/** A promise whose grace passed, or a reported payment FI has not seen in time: recorded, and a task for AR. */
async function settleBroken(invoice: CandidateInvoice, judged: Decision, facts: BatchFacts) {
  const where = { invoice: invoice.ID, customer: invoice.customer }
  const promise = facts.promises.get(invoice.ID)
  if (judged.promiseBroken && promise && (await UPDATE(PaymentPromises, promise.ID).set({ status: 'broken', settledAt: new Date().toISOString() }).where({ status: 'open' }))) {
    await task(invoice, taskReason('TASK_PROMISE_BROKEN', { date: promise.promisedDate, invoice: invoice.ID }))
    await recordTimeline({ kind: 'promiseBroken', ...where, message: 'TIMELINE_PROMISE_BROKEN', params: { date: promise.promisedDate } })
  }
  const report = facts.paymentReports.get(invoice.ID)
  if (judged.paymentOverdue && report && (await UPDATE(PaymentReports, report.ID).set({ status: 'notReceived', settledAt: new Date().toISOString() }).where({ status: 'reported' }))) {
    await task(invoice, taskReason('TASK_PAYMENT_NOT_RECEIVED', { date: report.paidOn, invoice: invoice.ID }))
    await recordTimeline({ kind: 'paymentNotReceived', ...where, message: 'TIMELINE_PAYMENT_NOT_RECEIVED', params: { date: report.paidOn } })
  }
}

/** A task's reason is stored as a sentence: in the application's default language, as the other tasks' are. */
const taskReason = (key: string, args: Record<string, string>) => (cds.i18n.messages.at(key, '', args) ?? key).slice(0, 500)

const task = (invoice: { ID: string; customer: string }, reason: string) =>
  INSERT.into(FollowUpTasks).entries({ ID: cds.utils.uuid(), customer_ID: invoice.customer, invoice_ID: invoice.ID, reason })

/**
 * Promises and reported payments whose invoice FI has cleared, or whose open amount fell by the promised amount: kept
 * and received. Their invoices are no longer among the run's candidates, so they are settled here, before the run.
 */
async function settleCommitments(now: Date) {
  await cds.tx(async () => {
    const promises = await SELECT.from(PaymentPromises).columns('ID', 'invoice_ID', 'customer_ID', 'amount', 'openAmountAtPromise').where({ status: 'open' })
    const reports = await SELECT.from(PaymentReports).columns('ID', 'invoice_ID', 'customer_ID').where({ status: 'reported' })
    const ids = [...new Set([...promises, ...reports].map(r => r.invoice_ID!))]
    if (!ids.length) return
    const invoices = new Map(
      (await SELECT.from(BillingDocuments).columns('ID', 'isCleared', 'openAmount').where({ ID: { in: ids } })).map(i => [i.ID!, i])
    )
    const settledAt = now.toISOString()
    for (const promise of promises) {
      const invoice = invoices.get(promise.invoice_ID!)
      const open = Number(invoice?.openAmount ?? 0)
      const promised = promise.amount === null || promise.amount === undefined ? Number(promise.openAmountAtPromise ?? 0) : Number(promise.amount)
      const paid = Number(promise.openAmountAtPromise ?? open) - open
      if (!invoice?.isCleared && !(promised > 0 && paid >= promised)) continue
      await UPDATE(PaymentPromises, promise.ID!).set({ status: 'kept', settledAt })
      await recordTimeline({ kind: 'promiseKept', invoice: promise.invoice_ID, customer: promise.customer_ID, message: 'TIMELINE_PROMISE_KEPT' })
    }
    for (const report of reports) {
      if (!invoices.get(report.invoice_ID!)?.isCleared) continue
      await UPDATE(PaymentReports, report.ID!).set({ status: 'received', settledAt })
    }
  })
}
