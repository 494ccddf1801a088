import cds from '@sap/cds'
import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { FollowUpTasks } from '#cds-models/invoicecrm/crm'
import { ReminderMails, ReminderSteps, Reminders } from '#cds-models/invoicecrm/collections'
import { recordTimeline } from '../crm/timeline'
import { MailError, mailSettings, reminderMail, sendMail, type ReminderMailInvoice } from '../mail'
import { issueLink, revokeLinks } from '../links'
import { collectionsSettings } from './settings'
import { now as clock } from './clock'
import { inBusinessHours, timeZoneOf } from './business-hours'
import { dayOf, holdBack, type Timing } from './reminder-rules'
import { customerFactsFor, holdingFactsFor, loadBatchFacts, type CandidateInvoice } from './reminder-facts'
import { proposeDunningBlock } from './dunning-blocks'
import { queueWeComNotice } from '../notify/wecom-notices'

// From decided reminders to mails: one mail per customer's billing contact, carrying every reminder due for it,
// queued (persistent queue, in the transaction that marks the reminders queued) only while it is a working day within
// business hours where the customer is; outside them the reminders wait for the next pass. Both this pass and the
// mail itself judge once more what holds a reminder back: a dispute, a promise or a payment that came in since the
// run decided withdraws it.

const LOG = cds.log('collections')

/** Customers per page of the pass. */
const PAGE = 200

/** Queues a mail for each customer with due reminders inside its business hours now; returns how many. */
export async function queueDueReminders(): Promise<number> {
  const now = clock()
  let queued = 0
  let after = ''
  for (;;) {
    const customers = (await cds.tx(() =>
      SELECT.distinct.from(Reminders).columns('customer_ID').where({ status: 'due', customer_ID: { '>': after } }).orderBy('customer_ID').limit(PAGE)
    )).map(r => r.customer_ID!)
    if (!customers.length) return queued
    // The page judged at once (its reminders withdrawn where something holds them back now), and its mails queued in
    // one transaction. Should another instance have taken some of its reminders meanwhile, the page is undone and
    // each customer's mail queued in a transaction of its own, so that the conflict costs only that customer's.
    const mails = await cds.tx(() => mailsOf(customers, now))
    try {
      await cds.tx(async () => {
        for (const mail of mails) await queueMail(mail, now)
      })
      queued += mails.length
    } catch {
      for (const mail of mails)
        try {
          await cds.tx(() => queueMail(mail, now))
          queued++
        } catch (error) {
          // Another instance queued them first, or the queue could not be written: the next pass tries again.
          LOG.warn(`Reminders of customer ${mail.customer} not queued: ${(error as Error).message}`)
        }
    }
    if (customers.length < PAGE) return queued
    after = customers.at(-1)!
  }
}

interface DueReminder {
  invoice_ID: string
  step_ID: string
  customer_ID: string
}

interface MailToQueue {
  customer: string
  contactEmail: string
  reminders: number
}

/** The mails the page's customers are due now: those with a billing contact, inside their business hours. */
async function mailsOf(customers: string[], now: Date): Promise<MailToQueue[]> {
  const due = (await SELECT.from(Reminders).columns('invoice_ID', 'step_ID', 'customer_ID').where({ customer_ID: { in: customers }, status: 'due' })) as DueReminder[]
  const { going, facts } = await withoutHeldBack(due, now)
  const count = new Map<string, number>()
  for (const reminder of going) count.set(reminder.customer_ID, (count.get(reminder.customer_ID) ?? 0) + 1)
  const hours = collectionsSettings().businessHours
  const mails: MailToQueue[] = []
  for (const [id, reminders] of count) {
    const customer = facts.customers.get(id)
    if (customer?.billingEmail && inBusinessHours(now, timeZoneOf(customer.country, customer.timeZone), hours))
      mails.push({ customer: id, contactEmail: customer.billingEmail, reminders })
  }
  return mails
}

/**
 * One customer's mail: its due reminders marked queued and the mail put into the persistent queue, in the caller's
 * transaction. The status condition lets only one instance put a reminder into a mail; a count other than the one
 * judged (another run took or added some meanwhile) undoes the transaction, and the next pass judges it again.
 */
async function queueMail({ customer, contactEmail, reminders }: MailToQueue, now: Date): Promise<void> {
  const mail = cds.utils.uuid()
  await INSERT.into(ReminderMails).entries({ ID: mail, customer_ID: customer, contactEmail, queuedAt: now.toISOString(), status: 'queued' })
  const changed = await UPDATE(Reminders).set({ status: 'queued', mail_ID: mail }).where({ customer_ID: customer, status: 'due' })
  if (changed !== reminders) throw new Error('its reminders changed meanwhile')
  await cds.queued(await cds.connect.to('customer-mail')).send('reminderMail', { mail })
}

/**
 * The reminders that may still go, and those withdrawn because something holds them back now (recorded as such),
 * with the facts they were judged by.
 */
async function withoutHeldBack(reminders: DueReminder[], now: Date) {
  const invoices = await openInvoices(reminders.map(r => r.invoice_ID))
  const facts = await loadBatchFacts([...invoices.values()])
  const settings = collectionsSettings()
  const timing: Timing = { today: dayOf(now), promiseGraceDays: settings.promiseGraceDays, paymentReportWaitDays: settings.paymentReportWaitDays }
  const going: DueReminder[] = []
  for (const reminder of reminders) {
    const invoice = invoices.get(reminder.invoice_ID)
    const held = invoice
      ? holdBack(invoice, customerFactsFor(facts.customers.get(invoice.customer), invoice.companyCode), holdingFactsFor(facts, invoice.ID), timing)
      : ({ decision: 'allSent' } as const)
    if (!held) going.push(reminder)
    else await UPDATE(Reminders).set({ status: 'withdrawn', heldBackBy: held.decision }).where({ ...reminder, status: { in: ['due', 'queued'] } })
  }
  return { going, facts, invoices }
}

async function openInvoices(ids: string[]): Promise<Map<string, CandidateInvoice & { documentDate: string; grossAmount: number }>> {
  const rows = await SELECT.from(BillingDocuments)
    .columns('ID', 'payer_ID', 'currency', 'openAmount', 'grossAmount', 'netDueDate', 'isCleared', 'companyCode', 'paymentTerms', 'documentDate')
    .where({ ID: { in: ids } })
  return new Map(
    rows.map(r => [
      r.ID!,
      {
        ID: r.ID!,
        customer: r.payer_ID!,
        currency: r.currency!,
        openAmount: Number(r.openAmount ?? 0),
        grossAmount: Number(r.grossAmount ?? 0),
        netDueDate: r.netDueDate!,
        documentDate: r.documentDate!,
        isCleared: Boolean(r.isCleared),
        itemDunningBlock: false,
        companyCode: r.companyCode ?? null,
        paymentTerms: r.paymentTerms ?? null,
      },
    ])
  )
}

/**
 * The persistent queue's handler of one reminder mail: judges its reminders once more, issues a link per invoice
 * (committed at once, as the invoice mail's), sends, and records the outcome in the queue's transaction. A mail
 * already sent (a message redelivered after a crash) is left alone. A refused recipient (SMTP 5xx) is final and
 * recorded; any other failure is thrown, for the queue to retry.
 */
export async function sendReminderMail(mailId: string): Promise<void> {
  const now = clock()
  const prepared = await cds.tx(async () => {
    const mail = await SELECT.one.from(ReminderMails).where({ ID: mailId })
    if (mail?.status !== 'queued') return
    const queued = (await SELECT.from(Reminders).columns('invoice_ID', 'step_ID', 'customer_ID').where({ mail_ID: mailId, status: 'queued' })) as DueReminder[]
    const { going, facts, invoices } = await withoutHeldBack(queued, now)
    if (!going.length) {
      await UPDATE(ReminderMails, mailId).set({ status: 'withdrawn' })
      return
    }
    const steps = new Map((await SELECT.from(ReminderSteps).columns('ID', 'level', 'tone', 'escalation').where({ ID: { in: going.map(r => r.step_ID) } })).map(s => [s.ID!, s]))
    const amounts = new Map((await SELECT.from(Reminders).columns('invoice_ID', 'amount').where({ mail_ID: mailId })).map(r => [r.invoice_ID!, Number(r.amount)]))
    return { mail, going, customer: facts.customers.get(mail.customer_ID!)!, invoices, steps, amounts }
  })
  if (!prepared) return
  const { mail, going, customer, invoices, steps, amounts } = prepared
  const today = dayOf(now)
  const { links, account } = await cds.tx(async () => {
    const issued = []
    for (const reminder of going) issued.push(await issueLink({ purpose: 'invoiceResponse', invoice: reminder.invoice_ID, contactEmail: mail.contactEmail! }))
    // And the customer's account page, with every invoice, statement and order.
    return { links: issued, account: await issueLink({ purpose: 'account', customer: mail.customer_ID!, contactEmail: mail.contactEmail! }) }
  })
  const base = `${mailSettings()?.publicUrl ?? ''}/respond/#t=`
  const items: ReminderMailInvoice[] = going.map((reminder, i) => {
    const invoice = invoices.get(reminder.invoice_ID)!
    return {
      number: invoice.ID,
      date: invoice.documentDate,
      dueDate: invoice.netDueDate,
      currency: invoice.currency,
      amount: amounts.get(invoice.ID) ?? invoice.openAmount,
      daysOverdue: Math.max(0, Math.round((Date.parse(today) - Date.parse(invoice.netDueDate)) / 86_400_000)),
      link: base + links[i].token,
    }
  })
  // The mail speaks in the tone of its highest step.
  const highest = going.map(r => steps.get(r.step_ID)!).sort((a, b) => b.level! - a.level!)[0]
  try {
    await sendMail({
      to: { name: customer.name, address: mail.contactEmail! },
      ...reminderMail({ language: customer.language, customerName: customer.name, tone: highest.tone!, invoices: items, accountLink: base + account.token }),
      reference: `reminder ${mailId}`,
    })
  } catch (error) {
    if (!(error instanceof MailError) || !error.permanent) {
      // Committed before the error goes back to the queue, which undoes its own transaction to retry the message: the
      // failure stays visible on the mail meanwhile, and the links of the mail that did not go are dead.
      await cds.tx(async () => {
        for (const link of [...links, account]) await revokeLinks({ linkId: link.linkId })
        await UPDATE(ReminderMails, mailId).set({ error: (error as Error).message.slice(0, 1000) })
      })
      throw error
    }
    for (const link of [...links, account]) await revokeLinks({ linkId: link.linkId })
    await UPDATE(ReminderMails, mailId).set({ status: 'bounced', error: error.message.slice(0, 1000) })
    for (const reminder of going) {
      await UPDATE(Reminders).set({ status: 'bounced' }).where({ ...reminder, status: 'queued' })
      await recordTimeline({ kind: 'reminderFailed', invoice: reminder.invoice_ID, customer: mail.customer_ID, message: 'TIMELINE_MAIL_FAILED', params: { error: error.message } })
    }
    return
  }
  const sentAt = new Date().toISOString()
  // The day collections counts by (its clock): how soon the invoice was paid after it is measured from it.
  const sentOn = dayOf(clock())
  await UPDATE(ReminderMails, mailId).set({ status: 'sent', sentAt, error: null })
  for (const reminder of going) {
    const step = steps.get(reminder.step_ID)!
    await UPDATE(Reminders).set({ status: 'sent', sentAt, sentOn }).where({ ...reminder, status: 'queued' })
    await recordTimeline({ kind: 'reminderSent', invoice: reminder.invoice_ID, customer: mail.customer_ID, message: 'TIMELINE_REMINDER_SENT', params: { level: step.level, amount: amounts.get(reminder.invoice_ID) ?? null } })
    if (step.escalation === 'dunningBlock') await proposeDunningBlock(mail.customer_ID!, reminder.invoice_ID)
    if (step.escalation === 'collectorTask' || step.escalation === 'dunningBlock')
      await INSERT.into(FollowUpTasks).entries({
        ID: cds.utils.uuid(),
        customer_ID: mail.customer_ID,
        invoice_ID: reminder.invoice_ID,
        reason: (cds.i18n.messages.at('TASK_LAST_REMINDER_SENT', '', { invoice: reminder.invoice_ID, level: step.level! }) ?? 'TASK_LAST_REMINDER_SENT').slice(0, 500),
      })
  }
  // The customer's WeCom group hears of it too, if it has one: queued with the mail's outcome.
  await queueWeComNotice({ customer: mail.customer_ID!, kind: 'reminder', reminderMail: mailId })
}
