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
import { accountOf } from '../account/account'
import { invoiceFor, invoiceIfAny, statementFor } from '../account/access'

/**
 * Customers' answers through their secure link: each action checks the link first (and, for an invoice or a statement
 * PDF, which document the link allows: srv/account/access.ts), then does one thing.
 */
export default class RespondService extends cds.ApplicationService {
  init() {
    // Any link's page: an invoice's, a survey's, a statement's, an account's (the whole account, or one of its invoices).
    this.on('view', req =>
      this.answer<object>(req, ['invoiceResponse', 'survey', 'statement', 'account'], async (link, speaker) => {
        const invoice = await invoiceIfAny(link, (req.data as { invoice?: unknown }).invoice)
        if (link.purpose === 'statement') return this.statementViewOf(link)
        if (link.purpose === 'account' && !invoice) return this.accountViewOf(link)
        return this.viewOf(link, invoice ?? null, speaker)
      })
    )
    // The answers about an invoice: through its own link, or through the account link of its payer (onInvoice).
    this.on('invoiceDocument', req => this.onInvoice(req, invoice => invoiceDocument(invoice)))
    this.on('confirm', req => this.onInvoice(req, (invoice, speaker) => confirmInvoice(invoice, speaker)))
    this.on('dispute', req =>
      this.onInvoice(req, (invoice, speaker) => {
        const { reason, comment, lines, amount } = req.data as { reason: DisputeReason; comment?: string; lines?: []; amount?: string }
        return raiseDispute(invoice, { reason, comment, lines, amount }, speaker)
      })
    )
    this.on('proposeContact', req =>
      this.onInvoice(req, async (invoice, speaker) => {
        const { name, email } = req.data as { name: string; email: string }
        await checkContactProposalBudget(invoice, speaker.by)
        return proposeContact(invoice, { name: name.trim(), email: email.trim() }, speaker)
      })
    )
    this.on('promiseToPay', req =>
      this.onInvoice(req, (invoice, speaker) => {
        const { promisedDate, amount } = req.data as { promisedDate: string; amount?: string | null }
        return promiseToPay(invoice, { promisedDate, amount }, speaker)
      })
    )
    this.on('reportPayment', req =>
      this.onInvoice(req, (invoice, speaker) => {
        const { paidOn, amount, reference } = req.data as { paidOn: string; amount: string; reference?: string | null }
        return reportPayment(invoice, { paidOn, amount, reference }, speaker)
      })
    )
    this.on('attachRemittanceAdvice', req =>
      this.onInvoice(req, (invoice, speaker) => {
        const { fileName, content } = req.data as { fileName: string; content: string }
        return attachRemittanceAdvice(invoice, { fileName, content }, speaker.by)
      })
    )
    this.on('answerSurvey', req =>
      this.answer(req, ['survey'], (link, speaker) => {
        const { csat, nps, comment } = req.data as { csat: number; nps?: number; comment?: string }
        return answerSurvey(link.invitationId!, { csat, nps, comment }, speaker.by)
      })
    )
    // A monthly statement, through a link of purpose statement: only the link's statement, never one the request names.
    // Its PDF also through the account link of its customer, which names it.
    this.on('statement', req => this.answer(req, ['statement'], link => this.statementViewOf(link)))
    this.on('statementPdf', req =>
      this.answer(req, ['statement', 'account'], async link => statementPdf(await statementFor(link, (req.data as { statement?: unknown }).statement)))
    )
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
   * An answer about one invoice, by the link's contact: the invoice link's own invoice, or the invoice an account link
   * names if the link's customer is its payer (srv/account/access.ts invoiceFor), and then the very same domain
   * function as through the invoice's own link.
   */
  private onInvoice<T>(req: cds.Request, fn: (invoice: string, speaker: Speaker) => Promise<T>) {
    return this.answer(req, ['invoiceResponse', 'account'], async (link, speaker) => fn(await invoiceFor(link, (req.data as { invoice?: unknown }).invoice), speaker))
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
  private async viewOf(link: VerifiedLink, invoiceOfLink: string | null, speaker: Speaker) {
    const invitation = link.invitationId
      ? await SELECT.one.from(SurveyInvitations).columns('invoice_ID', 'customer_ID').where({ ID: link.invitationId })
      : undefined
    const invoiceId = invoiceOfLink ?? invitation?.invoice_ID ?? null
    // The customer has seen the invoice: opened through its own link, or from its account page.
    if (link.purpose !== 'survey' && invoiceId) await markOpened(invoiceId, speaker.by)
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
      reasons: link.purpose === 'survey' ? [] : await disputeReasonsIn(customer?.language),
    }
  }

  /** The customer's account page (srv/account/account.ts), with the reasons its disputes name in the customer's language. */
  private async accountViewOf(link: VerifiedLink) {
    const view = await accountOf(link.customerId!)
    return { purpose: link.purpose, ...view, reasons: await disputeReasonsIn(view.language) }
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
