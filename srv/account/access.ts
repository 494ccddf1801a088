import { BillingDocuments } from '#cds-models/invoicecrm/mirror'
import { Statements } from '#cds-models/invoicecrm/statements'
import type { VerifiedLink } from '../links'
import { ConversationError } from '../crm/errors'
import { VISIBLE_STATEMENTS } from './account'

// Which document a request through a customer's link is about: the one authorization step of every action on an
// invoice or a statement PDF (srv/respond/service.ts), whatever the link's purpose.
//
// - A link of one document (invoiceResponse, statement) is about that document. A request may name it (the page of
//   an account names it always), and then it must be that one: naming another is refused as unknown.
// - A link of purpose account is about every invoice whose payer is the link's customer and every statement sent to
//   it; a request must name which. An invoice or statement of another customer, one that does not exist and (for a
//   statement) one not sent yet are refused alike, with 404 and one message that does not repeat the request's number:
//   the answer says nothing about what exists beyond the customer's own documents.
//
// What a request names is only ever looked up together with the link's customer: no number in a request reaches
// another customer's row.

/** The document a request names, if it names one; the public endpoint's input check made it text already. */
const named = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

const invoiceNotFound = () => new ConversationError(404, 'RESPOND_INVOICE_NOT_FOUND')
const statementNotFound = () => new ConversationError(404, 'STATEMENT_NOT_FOUND')

/**
 * The invoice (billing document number) the request may act on: the invoice link's own, or the account's invoice the
 * request names. Throws a ConversationError otherwise: 400 when an account link names none, 404 when the one named is
 * not the link's to act on. A link of any other purpose has no invoice to act on: 404 if one is named.
 */
export async function invoiceFor(link: VerifiedLink, requested: unknown): Promise<string> {
  const invoice = await invoiceIfAny(link, requested)
  if (!invoice) throw link.purpose === 'account' ? new ConversationError(400, 'ACCOUNT_DOCUMENT_REQUIRED') : invoiceNotFound()
  return invoice
}

/**
 * As invoiceFor, but a request that names no invoice through an account (or survey, or statement) link is about no
 * invoice: undefined. For the page's view, which shows the whole account then.
 */
export async function invoiceIfAny(link: VerifiedLink, requested: unknown): Promise<string | undefined> {
  const invoice = named(requested)
  if (link.purpose === 'invoiceResponse') {
    if (invoice !== undefined && invoice !== link.invoiceId) throw invoiceNotFound()
    return link.invoiceId
  }
  if (invoice === undefined) return undefined
  if (link.purpose !== 'account' || !link.customerId) throw invoiceNotFound()
  // By its key and its payer at once: an invoice of another customer is not even read.
  const own = await SELECT.one.from(BillingDocuments).columns('ID').where({ ID: invoice, payer_ID: link.customerId })
  if (!own) throw invoiceNotFound()
  return own.ID
}

/**
 * The statement whose PDF the request may have: the statement link's own, or the account's statement the request
 * names, if it was sent to the customer (404 otherwise; 400 when an account link names none).
 */
export async function statementFor(link: VerifiedLink, requested: unknown): Promise<string> {
  const statement = named(requested)
  if (link.purpose === 'statement') {
    if (statement !== undefined && statement !== link.statementId) throw statementNotFound()
    return link.statementId!
  }
  if (link.purpose !== 'account' || !link.customerId) throw statementNotFound()
  if (statement === undefined) throw new ConversationError(400, 'ACCOUNT_DOCUMENT_REQUIRED')
  const own = await SELECT.one.from(Statements).columns('ID').where({ ID: statement, customer_ID: link.customerId, status: { in: VISIBLE_STATEMENTS } })
  if (!own) throw statementNotFound()
  return statement
}
