import cds from '@sap/cds'
import { CustomerWeComGroups, WeComNotices, type WeComNotice, type WeComNoticeKind } from '#cds-models/invoicecrm/crm'
import { BillingDocuments, Customers } from '#cds-models/invoicecrm/mirror'
import { Statements } from '#cds-models/invoicecrm/statements'
import { ReminderMails, Reminders } from '#cds-models/invoicecrm/collections'
import { issueLink, revokeLinks, type IssueLinkInput } from '../links'
import { MAX_TOKEN_LENGTH } from '../links/token-format'
import { mailSettings } from '../mail'
import { now as clock } from '../collections/clock'
import { dayOf } from '../collections/reminder-rules'
import { isWebhookKey, sendWeComMarkdown, WeComError } from './wecom'
import { reminderInvoicesThatFit, reminderMarkdown, statementMarkdown, type ReminderNoticeInvoice } from './wecom-markdown'

// The second channel of statement and reminder notices: the customer's WeCom group, where AR set one
// (CustomerWeComGroups, srv/notify/wecom-groups.ts). A notice is queued with its mail, in the transaction that
// records the mail as sent: a WeComNotices row and a message 'wecomNotice' of the persistent queue to the service
// customer-mail, which holds the notice's ID only (never the key, never a link).
//
// The handler works as the mails' do (srv/crm/customer-mail.ts): it reads in a short transaction of its own, issues
// the notice's links in another, committed before the message leaves, sends, and records the outcome in the queue's
// transaction. A failure that may go away (WeCom busy or rate-limited, HTTP 5xx, no connection) is recorded at once
// in a transaction of its own, because the queue's is rolled back, with the attempt and the error, the links revoked,
// and thrown for the queue to try again (a new message, new links) until the queue's attempts are used up; then, and
// on a refusal for good (an invalid key, a robot removed from the group), the notice is failed and not retried.

const LOG = cds.log('wecom')

export interface WeComNoticeInput {
  customer: string
  kind: WeComNoticeKind
  /** kind statement: the statement mailed. */
  statement?: string
  /** kind statement: its reminder, not its first mail. */
  statementReminder?: boolean
  /** kind reminder: the reminder mail sent. */
  reminderMail?: string
}

/**
 * Queues the notice, in the caller's transaction, if the customer has an active WeCom group; returns its ID, or
 * undefined for a customer without one.
 */
export async function queueWeComNotice({ customer, kind, statement, statementReminder = false, reminderMail }: WeComNoticeInput): Promise<string | undefined> {
  const group = await SELECT.one.from(CustomerWeComGroups).columns('customer_ID').where({ customer_ID: customer, active: true, webhookKey: { '!=': null } })
  if (!group) return undefined
  const ID = cds.utils.uuid()
  await INSERT.into(WeComNotices).entries({
    ID,
    customer_ID: customer,
    kind,
    statement_ID: statement ?? null,
    statementReminder,
    reminderMail_ID: reminderMail ?? null,
    status: 'queued',
    attempts: 0,
    queuedAt: new Date().toISOString(),
  })
  await cds.queued(await cds.connect.to('customer-mail')).send('wecomNotice', { notice: ID })
  LOG.debug('WeCom notice queued', { notice: ID, kind })
  return ID
}

/** What the queue tries at most (cds.requires.queue.maxAttempts): the last attempt that fails fails the notice. */
const maxAttempts = () => Number((cds.env.requires.queue as { maxAttempts?: number } | undefined)?.maxAttempts ?? 10)

/** A notice ready to go: the key, the links to issue, and the message with the links' URLs in their order. */
interface Plan {
  notice: WeComNotice
  key: string
  links: IssueLinkInput[]
  compose(urls: string[]): string
}

/** The persistent queue's handler of one notice (message 'wecomNotice' of customer-mail). */
export async function sendWeComNotice(noticeId: string): Promise<void> {
  const plan = await cds.tx(() => planOf(noticeId))
  if (!plan) return
  if ('failure' in plan) {
    // Nothing to send, and nothing that would change by trying again.
    await UPDATE(WeComNotices, noticeId).set({ status: 'failed', lastError: plan.failure })
    LOG.warn('WeCom notice not sent', { notice: noticeId, reason: plan.failure })
    return
  }
  const { notice, key, links, compose } = plan
  const issued = await cds.tx(async () => {
    const made = []
    for (const link of links) made.push(await issueLink(link))
    return made
  })
  const base = `${mailSettings()?.publicUrl ?? ''}/respond/#t=`
  const content = compose(issued.map(link => base + link.token))
  const attempt = (notice.attempts ?? 0) + 1
  try {
    await sendWeComMarkdown(key, content, { reference: `notice ${noticeId}`, attempt })
  } catch (error) {
    if (!(error instanceof WeComError)) throw error
    const lastError = error.message.slice(0, 1000)
    const revoke = async () => {
      for (const link of issued) await revokeLinks({ linkId: link.linkId })
    }
    if (error.permanent || attempt >= maxAttempts()) {
      // In the queue's transaction: the message is done with.
      await revoke()
      await UPDATE(WeComNotices, noticeId).set({ status: 'failed', attempts: attempt, lastError })
      return
    }
    // The queue's transaction is rolled back when the handler throws: what is to stay is committed on its own.
    await cds.tx(async () => {
      await revoke()
      await UPDATE(WeComNotices, noticeId).set({ attempts: attempt, lastError })
    })
    throw error
  }
  await UPDATE(WeComNotices, noticeId).set({ status: 'sent', sentAt: new Date().toISOString(), attempts: attempt, lastError: null })
}

async function planOf(noticeId: string): Promise<Plan | { failure: string } | undefined> {
  const notice = await SELECT.one.from(WeComNotices).where({ ID: noticeId })
  // Sent or failed already (a message redelivered after a crash), or gone: nothing to do.
  if (notice?.status !== 'queued') return undefined
  // Read now, not when it was queued: AR may have switched the group off, or given it a new key, since.
  const group = await SELECT.one.from(CustomerWeComGroups).columns('webhookKey', 'active').where({ customer_ID: notice.customer_ID })
  if (!group?.active || !isWebhookKey(group.webhookKey)) return { failure: "The customer's WeCom group is not active any more" }
  const customer = (await SELECT.one.from(Customers).columns('name', 'language').where({ ID: notice.customer_ID })) ?? { name: '', language: null }
  const facts = { notice, key: group.webhookKey, customerName: customer.name ?? '', language: customer.language ?? null }
  return notice.kind === 'statement' ? statementPlan(facts) : reminderPlan(facts)
}

interface Facts {
  notice: WeComNotice
  key: string
  customerName: string
  language: string | null
}

async function statementPlan({ notice, key, customerName, language }: Facts): Promise<Plan | { failure: string }> {
  const statement = await SELECT.one
    .from(Statements)
    .columns('ID', 'periodStart', 'periodEnd', 'currency', 'closingBalance', 'recipientEmail')
    .where({ ID: notice.statement_ID })
  if (!statement?.recipientEmail) return { failure: 'The statement is not there, or has no recipient' }
  return {
    notice,
    key,
    // The link is the mail's own kind: it answers this statement, as its recipient.
    links: [{ purpose: 'statement', statement: statement.ID!, contactEmail: statement.recipientEmail }],
    compose: ([link]) =>
      statementMarkdown({
        language,
        customerName,
        periodStart: statement.periodStart!,
        periodEnd: statement.periodEnd!,
        currency: statement.currency!,
        closingBalance: statement.closingBalance!,
        link,
        reminder: Boolean(notice.statementReminder),
      }),
  }
}

async function reminderPlan({ notice, key, customerName, language }: Facts): Promise<Plan | { failure: string }> {
  const mail = await SELECT.one.from(ReminderMails).columns('contactEmail').where({ ID: notice.reminderMail_ID })
  const reminders = await SELECT.from(Reminders).columns('invoice_ID', 'amount', 'currency').where({ mail_ID: notice.reminderMail_ID, status: 'sent' })
  if (!mail?.contactEmail || !reminders.length) return { failure: 'The reminder mail is not there, or none of its reminders was sent' }
  const dueDates = new Map(
    (await SELECT.from(BillingDocuments).columns('ID', 'netDueDate', 'currency').where({ ID: { in: reminders.map(r => r.invoice_ID!) } })).map(i => [i.ID!, i])
  )
  const today = Date.parse(dayOf(clock()))
  const invoices: ReminderNoticeInvoice[] = reminders
    .map(r => {
      const invoice = dueDates.get(r.invoice_ID!)
      const dueDate = invoice?.netDueDate ?? dayOf(clock())
      return {
        number: r.invoice_ID!,
        dueDate,
        currency: r.currency ?? invoice?.currency ?? 'EUR',
        amount: r.amount ?? 0,
        daysOverdue: Math.max(0, Math.round((today - Date.parse(dueDate)) / 86_400_000)),
      }
    })
    // The longest overdue first: if not all fit, those are the ones listed.
    .sort((a, b) => b.daysOverdue - a.daysOverdue || a.number.localeCompare(b.number))
  const input = { language, customerName, invoices }
  const base = `${mailSettings()?.publicUrl ?? ''}/respond/#t=`
  // Links only for the invoices listed: as many as fit with the longest token a link can have.
  const listed = reminderInvoicesThatFit(input, base.length + MAX_TOKEN_LENGTH)
  return {
    notice,
    key,
    links: invoices.slice(0, listed).map(i => ({ purpose: 'invoiceResponse' as const, invoice: i.number, contactEmail: mail.contactEmail! })),
    compose: urls => reminderMarkdown(input, urls),
  }
}
