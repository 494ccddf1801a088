import cds from '@sap/cds'
import { disputeResolvedMail, invoiceMail, MailError, mailSettings, sendMail, surveyInvitationMail, type OutgoingMail, type RenderedMail } from '../mail'
import { issueLink, revokeLinks, type LinkPurpose } from '../links'
import { invoicePdf } from '../s4/invoice-pdf'
import { recordTimeline } from './timeline'
import { invoiceSummary } from './invoice-summary'
import { crmSettings } from './settings'
import { sendReminderMail } from '../collections/reminder-mails'
import { sendStatementMail } from '../statements/statement-mail'
import { sendWeComNotice } from '../notify/wecom-notices'
import { retryDelay } from '../retry-delay'
import { Disputes, InvoiceConversations, SurveyInvitations } from '#cds-models/invoicecrm/crm'
import { Customers } from '#cds-models/invoicecrm/mirror'

// The mails of the conversation. Callers reach this service through cds.queued(...): each mail is a message in the
// persistent queue, written in the caller's transaction. A handler reads, and issues its link, in short transactions
// of its own, committed before the mail leaves: the link works even if the process dies before the queue's
// transaction commits (the message then runs again and sends a second mail, with a second working link). It writes
// the outcome in the queue's transaction, which touches the database only after those (opened earlier, it would hold
// SQLite's single connection, and they would wait for it). An invoice mail that fails is recorded as failed on its
// conversation and scheduled again with growing delays, until it is sent or its attempts are used up; a refused
// recipient (SMTP 5xx) is final: recorded as bounced, not retried.

interface Recipient {
  email: string
  name: string
  language: string | null
}

export default class CustomerMailService extends cds.Service {
  async init() {
    this.on('invoiceMail', req => sendInvoice(this, (req.data as { invoice: string }).invoice))
    this.on('disputeResolved', req => sendDisputeResolution((req.data as { dispute: string }).dispute))
    this.on('surveyInvitation', req => sendSurveyInvitation((req.data as { invitation: string }).invitation))
    this.on('reminderMail', req => sendReminderMail((req.data as { mail: string }).mail))
    this.on('statementMail', req => {
      const { statement, reminder } = req.data as { statement: string; reminder?: boolean }
      return sendStatementMail(statement, reminder)
    })
    // Not a mail: the notice of a statement or reminder mail to the customer's WeCom group (srv/notify).
    this.on('wecomNotice', req => sendWeComNotice((req.data as { notice: string }).notice))
    return super.init()
  }
}

async function customerOf(id: string | null): Promise<{ name: string; language: string | null; billingEmail: string | null }> {
  const customer = await SELECT.one.from(Customers).columns('name', 'language', 'billingEmail').where({ ID: id })
  return { name: customer?.name ?? '', language: customer?.language ?? null, billingEmail: customer?.billingEmail ?? null }
}

/**
 * Issues the link, committed at once, and sends the mail with it. If the mail fails, the link is revoked in the
 * queue's transaction (the retried message issues a new one).
 */
async function sendWithLink(
  link: { purpose: LinkPurpose; invoice?: string; invitation?: string },
  to: Recipient,
  compose: (url: string, accountUrl?: string) => RenderedMail,
  extras: Partial<OutgoingMail>,
  /** The customer whose account page the mail links to as well, with a link of its own. */
  account?: string
) {
  const issued = await cds.tx(async () => [
    await issueLink({ ...link, contactEmail: to.email }),
    ...(account ? [await issueLink({ purpose: 'account', customer: account, contactEmail: to.email })] : []),
  ])
  const [url, accountUrl] = issued.map(({ token }) => `${mailSettings()?.publicUrl ?? ''}/respond/#t=${token}`)
  try {
    return await sendMail({ to: { name: to.name, address: to.email }, ...compose(url, accountUrl), ...extras })
  } catch (error) {
    for (const { linkId } of issued) await revokeLinks({ linkId })
    throw error
  }
}

async function sendInvoice(customerMail: cds.Service, invoiceId: string) {
  const facts = await cds.tx(async () => {
    const conversation = await SELECT.one.from(InvoiceConversations).where({ invoice_ID: invoiceId })
    // Sent already (a message redelivered after a crash), or taken back: nothing to do.
    if (!conversation || ['sent', 'noEmail', 'bounced'].includes(conversation.dispatchStatus!)) return
    const customer = await customerOf(conversation.customer_ID ?? null)
    const invoice = customer.billingEmail && (await invoiceSummary(invoiceId))
    return invoice ? { conversation, customer: { ...customer, billingEmail: customer.billingEmail! }, invoice } : undefined
  })
  if (!facts) return
  const { conversation, customer, invoice } = facts
  const pdf = await invoicePdf(invoiceId)
  const attempt = conversation.dispatchAttempts! + 1
  try {
    await sendWithLink(
      { purpose: 'invoiceResponse', invoice: invoiceId },
      { email: customer.billingEmail, name: customer.name, language: customer.language },
      (link, accountLink) =>
        invoiceMail({
          language: customer.language,
          customerName: customer.name,
          invoice: { ...invoice, dueDate: invoice.dueDate ?? invoice.date },
          link,
          accountLink,
        }),
      { attachments: pdf ? [{ filename: `invoice-${invoiceId}.pdf`, content: pdf, contentType: 'application/pdf' }] : [], reference: invoiceId, attempt },
      conversation.customer_ID ?? undefined
    )
  } catch (error) {
    if (!(error instanceof MailError)) throw error
    const { maxAttempts, retryDelayMs } = crmSettings().dispatch
    const retry = !error.permanent && attempt < maxAttempts
    await UPDATE(InvoiceConversations)
      .set({
        dispatchStatus: error.permanent ? 'bounced' : 'failed',
        dispatchAttempts: attempt,
        dispatchError: error.message.slice(0, 1000),
        ...(error.permanent && { bouncedAt: new Date().toISOString() }),
      })
      .where({ invoice_ID: invoiceId })
    const delay = retryDelay(attempt, retryDelayMs)
    await recordTimeline({
      kind: error.permanent ? 'mailBounced' : 'mailFailed',
      invoice: invoiceId,
      customer: conversation.customer_ID,
      ...(retry ? { message: 'TIMELINE_MAIL_FAILED_RETRY', params: { error: error.message, seconds: Math.round(delay / 1000) } } : { message: 'TIMELINE_MAIL_FAILED', params: { error: error.message } }),
    })
    // One task per invoice: a task name is a singleton in the queue. (@cap-js/cds-types does not know .as yet.)
    if (retry) {
      const task = customerMail.schedule('invoiceMail', { invoice: invoiceId }) as unknown as { as(name: string): { after(ms: number): Promise<unknown> } }
      await task.as(`invoiceMail ${invoiceId}`).after(delay)
    }
    return
  }
  await UPDATE(InvoiceConversations)
    .set({ dispatchStatus: 'sent', sentTo: customer.billingEmail, sentAt: new Date().toISOString(), dispatchAttempts: attempt, dispatchError: null })
    .where({ invoice_ID: invoiceId })
  await recordTimeline({ kind: 'mailSent', invoice: invoiceId, customer: conversation.customer_ID, message: pdf ? 'TIMELINE_MAIL_SENT_WITH_PDF' : 'TIMELINE_MAIL_SENT' })
}

async function sendDisputeResolution(disputeId: string) {
  const dispute = await SELECT.one.from(Disputes).where({ ID: disputeId })
  if (!dispute) return
  const customer = await customerOf(dispute.customer_ID ?? null)
  // Whoever raised it on the response page hears back there; otherwise the billing contact.
  const email = dispute.source === 'web' && dispute.raisedBy ? dispute.raisedBy : customer.billingEmail
  if (!email) return
  const mail = disputeResolvedMail({
    language: customer.language,
    customerName: customer.name,
    invoiceNumber: dispute.invoice_ID!,
    // Only a resolved dispute, which has its outcome, is told to the customer.
    outcome: dispute.outcome!,
    explanation: dispute.resolution ?? '',
  })
  await sendMail({ to: { name: customer.name, address: email }, ...mail, reference: dispute.invoice_ID! })
  await recordTimeline({ kind: 'disputeStatus', invoice: dispute.invoice_ID, customer: dispute.customer_ID, dispute: disputeId, message: 'TIMELINE_RESOLUTION_TOLD', params: { outcome: dispute.outcome } })
}

async function sendSurveyInvitation(invitationId: string) {
  const facts = await cds.tx(async () => {
    const invitation = await SELECT.one.from(SurveyInvitations).where({ ID: invitationId })
    return invitation && { invitation, customer: await customerOf(invitation.customer_ID ?? null) }
  })
  if (!facts) return
  const { invitation, customer } = facts
  await sendWithLink(
    { purpose: 'survey', invitation: invitationId },
    { email: invitation.contactEmail!, name: customer.name, language: customer.language },
    link => surveyInvitationMail({ language: customer.language, customerName: customer.name, invoiceNumber: invitation.invoice_ID ?? '', link }),
    { reference: invitation.invoice_ID ?? undefined }
  )
}
