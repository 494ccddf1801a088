import cds from '@sap/cds'
import { ConversationError } from './errors'
import { recordTimeline } from './timeline'
import { crmSettings } from './settings'
import { FollowUpTasks, InvoiceConversations, SurveyAnswers, SurveyInvitations, SurveyRecipients, type SurveyTrigger } from '#cds-models/invoicecrm/crm'
import { Customers } from '#cds-models/invoicecrm/mirror'

// One-question satisfaction surveys after a confirmation, a closed dispute or a payment. A contact is asked at
// most once per period, whatever triggered it; a low score becomes a follow-up task for AR.

export interface SurveyRequest {
  invoice: string
  customer: string | null
  /** Whom to ask; without one (e.g. a confirmation by phone), the customer's billing contact. */
  contactEmail: string | null
  trigger: SurveyTrigger
}

/** Creates the invitation and queues its e-mail; undefined when the contact was asked recently or has no address. */
export async function inviteToSurvey(request: SurveyRequest): Promise<string | undefined> {
  const contactEmail = request.contactEmail ?? (await billingContactOf(request.customer))
  if (!contactEmail) return undefined
  const { minDaysBetweenInvitations } = crmSettings().surveys
  const since = new Date(Date.now() - minDaysBetweenInvitations * 86_400_000).toISOString()
  await lockSurveyRecipient(contactEmail)
  const recent = await SELECT.one.from(SurveyInvitations).columns('ID').where({ contactEmail, sentAt: { '>=': since } })
  if (recent) return undefined
  const ID = cds.utils.uuid()
  const sentAt = await surveyTime(request.invoice)
  await INSERT.into(SurveyInvitations).entries({
    ID,
    customer_ID: request.customer,
    contactEmail,
    invoice_ID: request.invoice,
    trigger: request.trigger,
    sentAt: sentAt.toISOString(),
  })
  const delay = sentAt.getTime() - Date.now()
  const customerMail = await cds.connect.to('customer-mail')
  // A scheduled message waits in the persistent queue, so a restart meanwhile loses nothing. Its task name is a
  // singleton in the queue: one per invitation. (@cap-js/cds-types does not know .as and .after yet.)
  if (delay > 0) {
    const task = customerMail.schedule('surveyInvitation', { invitation: ID }) as unknown as { as(name: string): { after(ms: number): Promise<unknown> } }
    await task.as(`surveyInvitation ${ID}`).after(delay)
  } else await cds.queued(customerMail).send('surveyInvitation', { invitation: ID })
  const sent = delay > 0 ? ({ message: 'TIMELINE_SURVEY_SCHEDULED', params: { trigger: request.trigger, scheduledAt: sentAt.toISOString() } } as const) : ({ message: 'TIMELINE_SURVEY_SENT', params: { trigger: request.trigger } } as const)
  await recordTimeline({ kind: 'surveySent', invoice: request.invoice, customer: request.customer, ...sent })
  return ID
}

/**
 * When the invitation may go out: not within cds.requires.crm.surveys.minHoursAfterInvoiceMail of the invoice mail
 * (a customer who pays or confirms at once would otherwise get the survey minutes after the invoice), counted from
 * now while that mail is still on its way, or yet to be taken up (an answer on the phone came first).
 */
async function surveyTime(invoice: string): Promise<Date> {
  const minMs = (crmSettings().surveys.minHoursAfterInvoiceMail ?? 24) * 3_600_000
  const mail = await SELECT.one.from(InvoiceConversations).columns('dispatchStatus', 'sentAt').where({ invoice_ID: invoice })
  const now = Date.now()
  if (mail && (mail.dispatchStatus === null || mail.dispatchStatus === 'pending' || mail.dispatchStatus === 'failed')) return new Date(now + minMs)
  return new Date(Math.max(now, mail?.sentAt ? Date.parse(mail.sentAt) + minMs : 0))
}

/**
 * Locks the contact's row until the caller's transaction ends, so that two triggers at once (a confirmation and a
 * payment, 98 ms apart) do not both find no recent invitation on PostgreSQL or HANA: the second waits here, and its
 * check then sees the first one's invitation.
 */
async function lockSurveyRecipient(contactEmail: string) {
  // An UPSERT of the key alone (ON CONFLICT DO NOTHING): creates the row once; a concurrent creator waits for it.
  await UPSERT.into(SurveyRecipients).entries({ contactEmail })
  await SELECT.one.from(SurveyRecipients).where({ contactEmail }).forUpdate()
}

async function billingContactOf(customer: string | null): Promise<string | null> {
  if (!customer) return null
  const row = await SELECT.one.from(Customers).columns('billingEmail').where({ ID: customer })
  return row?.billingEmail ?? null
}

export interface SurveyAnswer {
  csat: number
  nps?: number | null
  comment?: string | null
}

export async function answerSurvey(invitationId: string, answer: SurveyAnswer, by: string): Promise<{ status: string; at: string }> {
  const invitation = await SELECT.one.from(SurveyInvitations).where({ ID: invitationId })
  if (!invitation) throw new ConversationError(404, 'SURVEY_NOT_FOUND')
  const existing = await SELECT.one.from(SurveyAnswers).columns('answeredAt').where({ invitation_ID: invitationId })
  if (existing) return { status: 'alreadyAnswered', at: existing.answeredAt! }
  const at = new Date().toISOString()
  try {
    await INSERT.into(SurveyAnswers).entries({ invitation_ID: invitationId, csat: answer.csat, nps: answer.nps ?? null, comment: answer.comment ?? null, answeredAt: at })
  } catch (error) {
    // A concurrent answer got in first (the invitation is the answer's key): that one counts.
    const first = await SELECT.one.from(SurveyAnswers).columns('answeredAt').where({ invitation_ID: invitationId })
    if (first) return { status: 'alreadyAnswered', at: first.answeredAt! }
    throw error
  }
  const where = { invoice: invitation.invoice_ID, customer: invitation.customer_ID }
  await recordTimeline({ kind: 'surveyAnswered', ...where, actor: by, ...(answer.nps === undefined || answer.nps === null ? { message: 'TIMELINE_SURVEY_ANSWERED', params: { csat: answer.csat } } : { message: 'TIMELINE_SURVEY_ANSWERED_NPS', params: { csat: answer.csat, nps: answer.nps } }) })
  if (answer.csat < crmSettings().surveys.followUpBelow) {
    await INSERT.into(FollowUpTasks).entries({
      ID: cds.utils.uuid(),
      customer_ID: invitation.customer_ID,
      invoice_ID: invitation.invoice_ID,
      reason: `Low satisfaction score (${answer.csat} of 5)${answer.comment ? `: ${answer.comment}` : ''}`.slice(0, 500),
    })
    await recordTimeline({ kind: 'followUp', ...where, message: 'TIMELINE_FOLLOW_UP', params: { csat: answer.csat } })
  }
  return { status: 'answered', at }
}
