import cds from '@sap/cds'
import { clientIp, retryAfterSeconds, TooManyRequests, verifyLinkFrom, type LinkPurpose, type VerifiedLink } from '../links'
import { confirmInvoice, markOpened, proposeContact, raiseDispute, type Speaker } from '../crm/conversations'
import { answerSurvey } from '../crm/surveys'
import { invoiceSummary } from '../crm/invoice-summary'
import { companyIdentity, paymentDetails } from './company'
import { invoiceDocument } from './invoice-document'
import { answerWithoutEcho } from '../respond-errors'
import { checkContactProposalBudget } from '../crm/contacts'
import { ContactProposals, DisputeReason, Disputes, InvoiceConversations, SurveyAnswers, SurveyInvitations } from '#cds-models/invoicecrm/crm'
import { Customers } from '#cds-models/invoicecrm/mirror'
import { DisputeReasons } from '#cds-models/invoicecrm/codes'
import type { DisputeSummary } from '#cds-models/RespondService'
import { openCommitments, promiseToPay, promiseWindow, reportPayment } from '../collections/commitments'
import { attachRemittanceAdvice } from '../collections/remittance-advice'
import { collectionsSettings } from '../collections/settings'
import { confirmBalance, disagree, statementForCustomer, statementPdf, type FlaggedLineInput } from '../statements/answers'

/** Customers' answers through their secure link: each action checks the link first, then does one thing. */
export default class RespondService extends cds.ApplicationService {
  init() {
    this.on('view', req =>
      this.answer<object>(req, ['invoiceResponse', 'survey', 'statement'], (link, speaker) => (link.purpose === 'statement' ? this.statementViewOf(link) : this.viewOf(link, speaker)))
    )
    this.on('invoiceDocument', req => this.answer(req, ['invoiceResponse'], link => invoiceDocument(link.invoiceId!)))
    this.on('confirm', req => this.answer(req, ['invoiceResponse'], (link, speaker) => confirmInvoice(link.invoiceId!, speaker)))
    this.on('dispute', req =>
      this.answer(req, ['invoiceResponse'], (link, speaker) => {
        const { reason, comment, lines, amount } = req.data as { reason: DisputeReason; comment?: string; lines?: []; amount?: string }
        return raiseDispute(link.invoiceId!, { reason, comment, lines, amount }, speaker)
      })
    )
    this.on('proposeContact', req =>
      this.answer(req, ['invoiceResponse'], async (link, speaker) => {
        const { name, email } = req.data as { name: string; email: string }
        await checkContactProposalBudget(link.invoiceId!, speaker.by)
        return proposeContact(link.invoiceId!, { name: name.trim(), email: email.trim() }, speaker)
      })
    )
    this.on('promiseToPay', req =>
      this.answer(req, ['invoiceResponse'], (link, speaker) => {
        const { promisedDate, amount } = req.data as { promisedDate: string; amount?: string | null }
        return promiseToPay(link.invoiceId!, { promisedDate, amount }, speaker)
      })
    )
    this.on('reportPayment', req =>
      this.answer(req, ['invoiceResponse'], (link, speaker) => {
        const { paidOn, amount, reference } = req.data as { paidOn: string; amount: string; reference?: string | null }
        return reportPayment(link.invoiceId!, { paidOn, amount, reference }, speaker)
      })
    )
    this.on('attachRemittanceAdvice', req =>
      this.answer(req, ['invoiceResponse'], (link, speaker) => {
        const { fileName, content } = req.data as { fileName: string; content: string }
        return attachRemittanceAdvice(link.invoiceId!, { fileName, content }, speaker.by)
      })
    )
    this.on('answerSurvey', req =>
      this.answer(req, ['survey'], (link, speaker) => {
        const { csat, nps, comment } = req.data as { csat: number; nps?: number; comment?: string }
        return answerSurvey(link.invitationId!, { csat, nps, comment }, speaker.by)
      })
    )
    // A monthly statement, through a link of purpose statement: only the link's statement, never one the request names.
    this.on('statement', req => this.answer(req, ['statement'], link => this.statementViewOf(link)))
    this.on('statementPdf', req => this.answer(req, ['statement'], link => statementPdf(link.statementId!)))
    this.on('confirmStatement', req => this.answer(req, ['statement'], (link, speaker) => confirmBalance(link.statementId!, speaker.by, speaker.from)))
    this.on('disagreeWithStatement', req =>
      this.answer(req, ['statement'], async (link, speaker) => {
        const { lines, customerBalance, comment, attachmentName, attachment } = req.data as {
          lines?: FlaggedLineInput[] | null
          customerBalance?: string | number | null
          comment?: string | null
          attachmentName?: string | null
          attachment?: string | null
        }
        // An empty file is a file that could not be read, not none.
        const file = attachment === null || attachment === undefined ? null : { fileName: attachmentName, content: attachment }
        const input = { flaggedLines: lines, customerBalance, comment, attachment: file }
        const { status, at } = await disagree(link.statementId!, input, speaker.by, speaker.from)
        return { status, at }
      })
    )
    answerWithoutEcho(this)
    return super.init()
  }

  /**
   * Verifies the link for this client, then runs the answer as the link's contact; every failure is a clear 4xx.
   * LinkError and ConversationError carry their status and message key (and the link's code, which the page reads):
   * CAP answers with them, translated into the language the page asks for (Accept-Language). Only the throttle's
   * refusal is caught here: it needs a Retry-After header besides.
   */
  private async answer<T>(req: cds.Request, purposes: LinkPurpose[], fn: (link: VerifiedLink, speaker: Speaker) => Promise<T>) {
    const ip = req.http?.req ? clientIp(req.http.req) : 'unknown'
    try {
      const link = await verifyLinkFrom(ip, (req.data as { token?: unknown }).token, purposes)
      return await fn(link, { by: link.contactEmail, channel: 'web', from: ip })
    } catch (error) {
      if (error instanceof TooManyRequests) {
        req.http?.res.setHeader('Retry-After', retryAfterSeconds(error.retryAfterMs))
        return req.reject({ status: 429, code: 'too-many-requests', message: 'TOO_MANY_REQUESTS' })
      }
      throw error
    }
  }

  /** Not named like the action: CAP would take a method of the action's name as its handler. */
  private async viewOf(link: VerifiedLink, speaker: Speaker) {
    const invitation = link.invitationId
      ? await SELECT.one.from(SurveyInvitations).columns('invoice_ID', 'customer_ID').where({ ID: link.invitationId })
      : undefined
    const invoiceId = link.invoiceId ?? invitation?.invoice_ID ?? null
    if (link.purpose === 'invoiceResponse' && invoiceId) await markOpened(invoiceId, speaker.by)
    const invoice = invoiceId ? ((await invoiceSummary(invoiceId)) ?? null) : null
    const customerId = invoice?.payer_ID ?? invitation?.customer_ID
    const customer = await SELECT.one.from(Customers).columns('name', 'language').where({ ID: customerId })
    const conversation = invoiceId ? await SELECT.one.from(InvoiceConversations).columns('confirmedAt').where({ invoice_ID: invoiceId }) : undefined
    const dispute = invoiceId
      ? // An aliased column (raisedAt), which the entity's type does not know: the shape is the service's.
        ((await SELECT.one.from(Disputes).columns('status', 'wholeInvoice', 'reason', 'outcome', 'resolution', 'createdAt as raisedAt').where({ invoice_ID: invoiceId }).orderBy('createdAt desc')) as DisputeSummary | null)
      : undefined
    const proposed = invoiceId ? await SELECT.one.from(ContactProposals).columns('ID').where({ invoice_ID: invoiceId, proposedBy: speaker.by }) : undefined
    const answered = link.invitationId ? await SELECT.one.from(SurveyAnswers).columns('csat').where({ invitation_ID: link.invitationId }) : undefined
    const commitments = invoiceId ? await openCommitments(invoiceId) : { promise: null, paymentReport: null }
    const { payer_ID: _payer, companyCode, ...summary } = invoice ?? { payer_ID: null, companyCode: null }
    return {
      purpose: link.purpose,
      language: customer?.language ?? 'EN',
      customerName: customer?.name ?? null,
      company: companyIdentity(companyCode),
      payment: invoice && !invoice.isCleared ? paymentDetails(companyCode, invoice.number) : null,
      invoice: invoice ? summary : null,
      confirmedAt: conversation?.confirmedAt ?? null,
      dispute: dispute ?? null,
      contactProposed: Boolean(proposed),
      surveyAnswered: Boolean(answered),
      ...commitments,
      promiseWindow: promiseWindow(),
      remittanceAdviceMaxBytes: collectionsSettings().remittanceAdviceMaxBytes,
      reasons: link.purpose === 'invoiceResponse' ? await disputeReasonsIn(customer?.language) : [],
    }
  }

  /** The statement as the page shows it, with the reasons a flagged line may give and the file size it takes. */
  private async statementViewOf(link: VerifiedLink) {
    const view = await statementForCustomer(link.statementId!)
    return { ...view, attachmentMaxBytes: collectionsSettings().remittanceAdviceMaxBytes, reasons: await disputeReasonsIn(view.language) }
  }
}

/** The locales of the code lists' texts (db/data) by the language of a customer in S/4HANA; English is the default. */
const TEXT_LOCALES: Record<string, string> = { de: 'de', zh: 'zh_CN' }

/**
 * The reasons a customer may give for a dispute, in the order the model lists them, with their texts from the code list
 * in the customer's language: the one the response page shows (app/respond/respond.js languageOf).
 */
async function disputeReasonsIn(language: string | null | undefined) {
  const locale = TEXT_LOCALES[(language ?? '').slice(0, 2).toLowerCase()]
  const names = await SELECT.from(DisputeReasons).columns('code', 'name')
  // By name: cds-typer's DisputeReasons.texts does not resolve at run time (cds.entities has no 'DisputeReasons.texts').
  const texts = locale ? ((await SELECT.from(`${DisputeReasons.name}.texts`).columns('code', 'name').where({ locale })) as DisputeReasons.texts) : []
  const nameOf = new Map([...names, ...texts].map(r => [r.code, r.name]))
  return Object.values(DisputeReason).filter(code => nameOf.has(code)).map(code => ({ code, name: nameOf.get(code)! }))
}
