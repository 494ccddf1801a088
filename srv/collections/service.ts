import cds from '@sap/cds'
import { DunningBlockProposals, Reminders, ReminderPolicies, PaymentPromises, PaymentReports, Worklist } from '#cds-models/CollectionsService'
import { Reminders as ReminderRows, CollectionWorklist } from '#cds-models/invoicecrm/collections'
import type { Channel } from '#cds-models/invoicecrm/crm'
import { runReminders } from './reminder-run'
import { queueDueReminders } from './reminder-mails'
import { promiseToPay, reportPayment } from './commitments'
import { now } from './clock'
import { ConversationError } from '../crm/errors'
import { recordFinanceUser } from '../crm/finance-users'
import { refreshWorklist, reasonsOf } from './worklist'
import { assignCollector, recordContact, setCollectionTerms, type CollectionTerms, type ContactInput } from './contacts'
import { approveDunningBlock, liftDunningBlock, rejectDunningBlock } from './dunning-blocks'

/** AR's collections: policies, runs and their proposals, and what customers commit to on the phone. */
export default class CollectionsService extends cds.ApplicationService {
  init() {
    this.before('*', req => recordFinanceUser(req))

    this.before('SAVE', ReminderPolicies, req => {
      const { steps, isDefault } = req.data as { steps?: { offsetDays: number; level: number }[]; isDefault?: boolean }
      if (!steps?.length) return req.reject(400, 'POLICY_WITHOUT_STEPS')
      const offsets = new Set(steps.map(s => s.offsetDays))
      if (offsets.size !== steps.length) return req.reject(400, 'POLICY_STEPS_SAME_DAY')
      // Levels rise with the days: a later step never speaks more mildly than an earlier one.
      const ordered = [...steps].sort((a, b) => a.offsetDays - b.offsetDays)
      if (ordered.some((s, i) => i > 0 && s.level < ordered[i - 1].level)) return req.reject(400, 'POLICY_LEVELS_FALL')
      if (isDefault) return keepOneDefault((req.data as { ID: string }).ID)
    })

    this.on('approve', Reminders, req => this.decideProposal(req, 'due'))
    this.on('remove', Reminders, req => this.decideProposal(req, 'removed'))

    this.on('runReminders', async req => {
      const summary = await runReminders({ trigger: 'manual', startedBy: req.user.id })
      const { runId, invoicesChecked, remindersDue, proposals, heldBack, mailsQueued } = summary
      return { run: runId, invoicesChecked, remindersDue, proposals, heldBack, mailsQueued }
    })
    this.on(['sendDueReminders', 'sendDue'], () => queueDueReminders())

    this.after('READ', Worklist, async (rows, req) => {
      // A virtual element: asked for by name, or by asking for every column.
      const columns = (req.query.SELECT as { columns?: ({ ref?: string[] } | string)[] }).columns
      if (columns && !columns.some(c => c === '*' || (typeof c === 'object' && c.ref?.[0] === 'reasons'))) return
      const list = [rows ?? []].flat() as { customer_ID?: string; reasons?: string | null }[]
      const keys = list.map(r => r.customer_ID).filter((id): id is string => Boolean(id))
      if (!keys.length) return
      // The reasons are made from the signals of the row, which the request may not have selected.
      const signals = new Map((await SELECT.from(CollectionWorklist).where({ customer_ID: { in: keys } })).map(row => [row.customer_ID!, row]))
      for (const row of list) if (row.customer_ID) row.reasons = reasonsOf(signals.get(row.customer_ID) ?? {}, req.locale ?? 'en')
    })
    this.on('assign', Worklist, async req => {
      const { customer_ID } = req.params[0] as { customer_ID: string }
      await assignCollector(customer_ID, (req.data as { collector: string }).collector)
      return SELECT.one.from(Worklist).where({ customer_ID })
    })
    for (const [action, decide] of [
      ['approveBlock', approveDunningBlock],
      ['rejectBlock', rejectDunningBlock],
      ['liftBlock', liftDunningBlock],
    ] as const)
      this.on(action, DunningBlockProposals, async req => {
        // By its key, or through the customer's page (Worklist('…')/dunningBlocks(…)): the last key is its own.
        const { ID } = req.params.at(-1) as { ID: string }
        await decide(ID, req.user.id, (req.data as { note?: string | null }).note)
        return SELECT.one.from(DunningBlockProposals).where({ ID })
      })
    this.on('setCollectionTerms', Worklist, async req => {
      const { customer_ID } = req.params[0] as { customer_ID: string }
      await setCollectionTerms(customer_ID, req.data as CollectionTerms)
      return SELECT.one.from(Worklist).where({ customer_ID })
    })
    // Fiori elements' action dialog sends an optional field left empty as "": not given.
    this.before('recordContact', Worklist, req => {
      const data = req.data as Record<string, unknown>
      for (const [name, value] of Object.entries(data)) if (value === '') data[name] = null
    })
    this.on('recordContact', Worklist, async req => {
      const { customer_ID } = req.params[0] as { customer_ID: string }
      await recordContact(customer_ID, req.data as ContactInput, req.user.id)
      return SELECT.one.from(Worklist).where({ customer_ID })
    })
    this.on('refreshWorklist', () => refreshWorklist())

    this.on('recordPromise', async req => {
      const { invoice, promisedDate, amount, channel } = req.data as { invoice: string; promisedDate: string; amount?: string | null; channel: Channel }
      await promiseToPay(invoice, { promisedDate, amount }, { by: req.user.id, channel })
      return SELECT.one.from(PaymentPromises).where({ invoice_ID: invoice, status: 'open' })
    })
    this.on('recordPaymentReport', async req => {
      const { invoice, paidOn, amount, reference, channel } = req.data as { invoice: string; paidOn: string; amount: string; reference?: string; channel: Channel }
      await reportPayment(invoice, { paidOn, amount, reference }, { by: req.user.id, channel })
      return SELECT.one.from(PaymentReports).where({ invoice_ID: invoice, status: 'reported' })
    })
    return super.init()
  }

  /** A proposal becomes due (sent with the next pass inside the customer's business hours) or stays removed. */
  private async decideProposal(req: cds.Request, status: 'due' | 'removed') {
    // The reminder is the last segment of the path: reached from its run, the run's key comes first.
    const key = req.params.at(-1) as { invoice_ID: string; step_ID: string }
    const changed = await UPDATE(ReminderRows)
      .set({ status, approvedBy: req.user.id, approvedAt: now().toISOString() })
      .where({ invoice_ID: key.invoice_ID, step_ID: key.step_ID, status: 'proposed' })
    if (!changed) throw new ConversationError(409, 'REMINDER_NOT_PROPOSED', [key.invoice_ID])
    return SELECT.one.from(Reminders).where(key)
  }
}

/** The policy saved as the default is the only one. */
async function keepOneDefault(policyId: string) {
  await UPDATE(ReminderPolicies).set({ isDefault: false }).where({ ID: { '<>': policyId }, isDefault: true })
}
