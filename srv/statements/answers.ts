import cds from '@sap/cds'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { StatementAnswerAttachments, StatementLines, StatementOpenItems, Statements, type StatementStatus } from '#cds-models/invoicecrm/statements'
import { BillingDocuments, Customers } from '#cds-models/invoicecrm/mirror'
import { DisputeReason, type AgingBucket } from '#cds-models/invoicecrm/crm'
import { ConversationError } from '../crm/errors'
import { raiseDispute, type Speaker } from '../crm/conversations'
import { companyIdentity } from '../respond/company'
import { collectionsSettings } from '../collections/settings'
import { customerFile, safeFileName } from '../customer-files'
import { fromMilli, sumMilli, toMilli, type Milli } from './amounts'
import { statementDocument } from './statement-document'
import { planStatementWriteBack } from '../writeback/plan'
import { recordTimeline } from '../crm/timeline'

// The customer's side of a monthly statement, through the statement's link (srv/respond/service.ts): what the page
// shows of it, the PDF, and the answer: "the balance is right" (confirmed) or "something differs" (disagreed), with
// the lines it flags and why, the balance in its own books, a comment and a file of its own. The answer is final:
// the statement takes one (a second is refused with 409, and changes nothing). Each flagged line of an invoice
// becomes a dispute of that invoice through the invoice's own dispute flow (srv/crm/conversations.ts raiseDispute:
// timeline, SLA, write-back), one per invoice; an invoice in dispute already is linked to its open dispute.
// Flagged lines without an invoice (payments) are recorded flagged only. Every refusal is a ConversationError:
// a 4xx with a translated message; nothing personal goes into the log.

const LOG = cds.log('statements')

/** What a customer may answer: a statement it was sent (reminded or not) and has not answered yet. */
const ANSWERABLE: StatementStatus[] = ['sent', 'noAnswer']
/** What a customer may see: what it was sent, answered or not. Drafts and approved statements are AR's. */
const VISIBLE: StatementStatus[] = [...ANSWERABLE, 'confirmed', 'disagreed']
const ANSWERED: StatementStatus[] = ['confirmed', 'disagreed']

export const COMMENT_MAX = 2000
/** Decimal(24, 3) takes more; the customer's balance is a balance of this world: −10^14 ≤ balance < 10^14. */
const BALANCE_LIMIT: Milli = 10n ** 17n
const BALANCE = /^-?\d{1,15}(?:\.\d{1,3})?$/
const BUCKETS: AgingBucket[] = [0, 1, 2, 3, 4]
const REASONS = Object.values(DisputeReason) as string[]

type StatementRow = Statements[number]

/** The statement behind a link, if the customer may see it: 404 when it is gone, 409 while it is AR's (not sent). */
async function visibleStatement(id: string): Promise<StatementRow> {
  const statement = await SELECT.one.from(Statements).where({ ID: id })
  if (!statement) throw new ConversationError(404, 'STATEMENT_NOT_FOUND')
  if (!VISIBLE.includes(statement.status as StatementStatus)) throw new ConversationError(409, 'STATEMENT_NOT_SENT')
  return statement
}

/** How the customer answered, if it did. */
function answerOf(statement: StatementRow, attachmentName: string | null) {
  if (!ANSWERED.includes(statement.status as StatementStatus)) return null
  return {
    status: statement.status,
    at: statement.answeredAt ?? null,
    customerBalance: statement.customerBalance ?? null,
    comment: statement.customerComment ?? null,
    attachmentName,
  }
}

/**
 * What the customer's page shows of the statement: the company, the customer's name, the period, the figures, every
 * line posted in the period, the items open at its end with their days overdue, the aging, and the answer if given.
 * Only this statement's rows: nothing of another customer, nor who answered from where.
 */
export async function statementForCustomer(statementId: string) {
  const statement = await visibleStatement(statementId)
  const [customer, lines, openItems, attachment] = await Promise.all([
    SELECT.one.from(Customers).columns('name', 'language').where({ ID: statement.customer_ID }),
    SELECT.from(StatementLines)
      .columns('lineNo', 'postingDate', 'documentDate', 'documentType', 'accountingDocument', 'billingDocument', 'purchaseOrder', 'netDueDate', 'amount', 'flagged', 'flagReason', 'flagComment')
      .where({ statement_ID: statementId })
      .orderBy('lineNo'),
    SELECT.from(StatementOpenItems)
      .columns('lineNo', 'postingDate', 'documentType', 'accountingDocument', 'billingDocument', 'purchaseOrder', 'netDueDate', 'daysOverdue', 'agingBucket', 'amount')
      .where({ statement_ID: statementId })
      .orderBy('lineNo'),
    SELECT.one.from(StatementAnswerAttachments).columns('fileName').where({ statement_ID: statementId }),
  ])
  return {
    purpose: 'statement' as const,
    language: customer?.language ?? 'EN',
    customerName: customer?.name ?? null,
    company: companyIdentity(statement.companyCode),
    statement: {
      customer: statement.customer_ID ?? null,
      companyCode: statement.companyCode ?? null,
      currency: statement.currency ?? null,
      periodStart: statement.periodStart ?? null,
      periodEnd: statement.periodEnd ?? null,
      statementDate: statement.statementDate ?? null,
      openingBalance: statement.openingBalance ?? null,
      debits: statement.debits ?? null,
      credits: statement.credits ?? null,
      closingBalance: statement.closingBalance ?? null,
      status: statement.status ?? null,
      answerable: ANSWERABLE.includes(statement.status as StatementStatus),
      lines: lines.map(line => ({ ...line, flagged: Boolean(line.flagged) })),
      openItems,
      aging: BUCKETS.map(bucket => ({
        bucket,
        amount: fromMilli(sumMilli(openItems.filter(item => item.agingBucket === bucket).map(item => toMilli(item.amount)))),
      })),
    },
    answer: answerOf(statement, attachment?.fileName ?? null),
  }
}

/**
 * The statement as a PDF: the one that was sent, kept unchanged; once the customer confirmed it, rendered again with
 * the confirmation on it (who, when). Rendered from the stored statement if none was kept (mailed before PDFs were).
 */
export async function statementPdf(statementId: string) {
  const statement = await visibleStatement(statementId)
  if (statement.status !== 'confirmed') {
    const kept = await SELECT.one.from(Statements).columns('pdf', 'pdfFileName').where({ ID: statementId })
    const pdf = await bytesOf(kept?.pdf)
    if (pdf?.length && kept?.pdfFileName) return { fileName: kept.pdfFileName, mediaType: 'application/pdf', content: pdf.toString('base64') }
  }
  const confirmation = statement.status === 'confirmed' && statement.answeredAt ? { confirmedAt: statement.answeredAt, confirmedBy: statement.answeredBy ?? '' } : undefined
  const document = await statementDocument(statementId, confirmation)
  if (!document) throw new ConversationError(404, 'STATEMENT_NOT_FOUND')
  return { fileName: document.fileName, mediaType: 'application/pdf', content: document.pdf.toString('base64') }
}

/** A LargeBinary as the database driver gives it back: a stream, a buffer, or base64 text. */
async function bytesOf(value: unknown): Promise<Buffer | undefined> {
  if (value === null || value === undefined) return undefined
  if (Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value)
  if (typeof value === 'string') return Buffer.from(value, 'base64')
  if (value instanceof Readable) {
    const chunks: Buffer[] = []
    for await (const chunk of value) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string))
    return Buffer.concat(chunks)
  }
  return undefined
}

export interface Outcome {
  status: 'confirmed' | 'disagreed'
  at: string
}

/**
 * "The balance is right": the statement is confirmed, by the link's contact, from the client's address, and its
 * write-back to S/4HANA planned in the same transaction.
 */
export async function confirmBalance(statementId: string, who: string, from?: string | null): Promise<Outcome> {
  const at = new Date().toISOString()
  await takeAnswer(statementId, { status: 'confirmed', answeredAt: at, answeredBy: who, answeredFrom: from ?? null })
  // S/4HANA gets the confirmed statement as evidence on the customer (srv/writeback/targets/statement-attachment.ts).
  await planStatementWriteBack(statementId)
  await recordAnswer(statementId, who, 'statementConfirmed')
  LOG.info('statement answered', { statement: statementId, answer: 'confirmed' })
  return { status: 'confirmed', at }
}

export interface FlaggedLineInput {
  lineNo: number
  reason: string
  comment?: string | null
}

export interface DisagreementInput {
  flaggedLines?: FlaggedLineInput[] | null
  /** The balance in the customer's books: a decimal, at most 3 decimals, −10^14 ≤ it < 10^14. */
  customerBalance?: string | number | null
  comment?: string | null
  /** The customer's own statement: a PDF, PNG or JPEG, base64, at most remittanceAdviceMaxBytes. */
  attachment?: { fileName?: string | null; content: string } | null
}

/**
 * "Something differs": the statement is disagreed with, with what differs. Everything is checked before anything is
 * written; then the answer is taken (409 if the statement took one meanwhile), the lines flagged, the invoices
 * disputed, the file stored, in the caller's transaction: all of it, or none.
 */
export async function disagree(statementId: string, input: DisagreementInput, who: string, from?: string | null): Promise<Outcome & { disputes: number }> {
  const lines = await checkedLines(statementId, input.flaggedLines ?? [])
  const customerBalance = checkedBalance(input.customerBalance)
  const comment = checkedComment(input.comment)
  const attachment = input.attachment === null || input.attachment === undefined ? null : checkedFile(input.attachment)
  if (!lines.length && customerBalance === null && comment === null) throw new ConversationError(400, 'STATEMENT_DISAGREE_NEEDS_WHAT')

  const at = new Date().toISOString()
  // The balance goes to the database as text, exact to the thousandth; the generated type says number.
  const balance = customerBalance as unknown as number | null
  const statement = await takeAnswer(statementId, { status: 'disagreed', answeredAt: at, answeredBy: who, answeredFrom: from ?? null, customerBalance: balance, customerComment: comment })
  for (const line of lines)
    await UPDATE(StatementLines).set({ flagged: true, flagReason: line.reason as DisputeReason, flagComment: line.comment }).where({ statement_ID: statementId, lineNo: line.lineNo })
  const disputes = await disputeInvoices(statement, lines, { by: who, channel: 'web', from: from ?? null })
  if (attachment)
    await INSERT.into(StatementAnswerAttachments).entries({
      ID: cds.utils.uuid(),
      statement_ID: statementId,
      fileName: attachment.fileName,
      mediaType: attachment.mediaType,
      size: attachment.content.length,
      sha256: createHash('sha256').update(attachment.content).digest('hex'),
      content: Readable.from([attachment.content]),
      createdBy: who,
    })
  await recordAnswer(statementId, who, 'statementDisagreed', lines.length)
  LOG.info('statement answered', { statement: statementId, answer: 'disagreed', flaggedLines: lines.length, disputes, attachment: Boolean(attachment) })
  return { status: 'disagreed', at, disputes }
}

/**
 * Takes the customer's answer, once: the statement's row is locked (a concurrent answer waits, then finds it
 * answered), and the update is conditional on a status that takes one, so that no answer ever overwrites another.
 */
async function takeAnswer(statementId: string, changes: Partial<StatementRow>): Promise<StatementRow> {
  const statement = await SELECT.one.from(Statements).columns('ID', 'status', 'answeredAt', 'customer_ID', 'currency').where({ ID: statementId }).forUpdate()
  if (!statement) throw new ConversationError(404, 'STATEMENT_NOT_FOUND')
  if (statement.answeredAt || ANSWERED.includes(statement.status as StatementStatus)) throw new ConversationError(409, 'STATEMENT_ANSWERED_ALREADY')
  if (!ANSWERABLE.includes(statement.status as StatementStatus)) throw new ConversationError(409, 'STATEMENT_NOT_SENT')
  const changed = (await UPDATE(Statements)
    .set(changes as never)
    .where({ ID: statementId, status: { in: ANSWERABLE }, answeredAt: null })) as number
  if (!changed) throw new ConversationError(409, 'STATEMENT_ANSWERED_ALREADY')
  return statement
}

type CheckedLine = { lineNo: number; reason: string; comment: string | null; billingDocument: string | null }

/** The flagged lines must be lines of this statement, each at most once, each with a reason. */
async function checkedLines(statementId: string, flagged: FlaggedLineInput[]): Promise<CheckedLine[]> {
  if (!Array.isArray(flagged)) throw new ConversationError(400, 'STATEMENT_LINES_NOT_A_LIST')
  if (!flagged.length) return []
  const rows = await SELECT.from(StatementLines).columns('lineNo', 'billingDocument').where({ statement_ID: statementId })
  const byNo = new Map(rows.map(row => [row.lineNo, row]))
  const seen = new Set<number>()
  return flagged.map(line => {
    const row = Number.isSafeInteger(line?.lineNo) ? byNo.get(line.lineNo) : undefined
    if (!row) throw new ConversationError(400, 'STATEMENT_LINE_NOT_FOUND', [String(line?.lineNo ?? '')])
    if (seen.has(line.lineNo)) throw new ConversationError(400, 'STATEMENT_LINE_TWICE', [String(line.lineNo)])
    seen.add(line.lineNo)
    if (typeof line.reason !== 'string' || !REASONS.includes(line.reason)) throw new ConversationError(400, 'STATEMENT_LINE_NEEDS_REASON', [String(line.lineNo)])
    const comment = checkedComment(line.comment)
    return { lineNo: line.lineNo, reason: line.reason, comment, billingDocument: row.billingDocument || null }
  })
}

/** The customer's balance as the decimal string the database takes, or null when none was given. */
function checkedBalance(value: DisagreementInput['customerBalance']): string | null {
  if (value === null || value === undefined || value === '') return null
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : ''
  if (!BALANCE.test(text)) throw new ConversationError(400, 'STATEMENT_BALANCE_INVALID')
  const milli = toMilli(text)
  if (milli < -BALANCE_LIMIT || milli >= BALANCE_LIMIT) throw new ConversationError(400, 'STATEMENT_BALANCE_INVALID')
  return fromMilli(milli)
}

function checkedComment(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') throw new ConversationError(400, 'STATEMENT_COMMENT_NOT_TEXT')
  const text = value.trim()
  if (text.length > COMMENT_MAX) throw new ConversationError(400, 'STATEMENT_COMMENT_TOO_LONG', [COMMENT_MAX])
  return text || null
}

/** A PDF or an image, recognised by its first bytes, not over the remittance advice's limit. */
function checkedFile(file: NonNullable<DisagreementInput['attachment']>) {
  const { content, mediaType, extension } = customerFile(file.content, collectionsSettings().remittanceAdviceMaxBytes, {
    tooLarge: 'STATEMENT_FILE_TOO_LARGE',
    unreadable: 'STATEMENT_FILE_UNREADABLE',
    notPdfOrImage: 'STATEMENT_FILE_NOT_PDF_OR_IMAGE',
  })
  const name = typeof file.fileName === 'string' ? file.fileName : ''
  return { content, mediaType, fileName: safeFileName(name, extension, 'statement') }
}

/**
 * One dispute per invoice flagged, through the invoice's dispute flow, with the reason of its first flagged line and
 * the comments of its lines; an invoice in dispute already keeps its open dispute, which the lines are linked to.
 * An invoice that is not the customer's (never on its statement), not in the mirror or cancelled is flagged only.
 * Returns how many invoices are in dispute by it (raised or joined).
 */
async function disputeInvoices(statement: StatementRow, lines: CheckedLine[], speaker: Speaker): Promise<number> {
  const byInvoice = new Map<string, CheckedLine[]>()
  for (const line of [...lines].sort((a, b) => a.lineNo - b.lineNo))
    if (line.billingDocument) byInvoice.set(line.billingDocument, [...(byInvoice.get(line.billingDocument) ?? []), line])
  if (!byInvoice.size) return 0
  const invoices = await SELECT.from(BillingDocuments).columns('ID', 'payer_ID', 'isCancelled').where({ ID: { in: [...byInvoice.keys()] } })
  const disputable = new Set(invoices.filter(i => i.payer_ID === statement.customer_ID && !i.isCancelled).map(i => i.ID))
  let disputed = 0
  for (const [invoice, flagged] of byInvoice) {
    if (!disputable.has(invoice)) continue
    const comments = flagged.map(l => l.comment).filter(Boolean)
    const { dispute } = await raiseDispute(invoice, { reason: flagged[0].reason as DisputeReason, comment: comments.length ? comments.join('\n').slice(0, COMMENT_MAX) : null }, speaker)
    await UPDATE(StatementLines)
      .set({ dispute_ID: dispute })
      .where({ statement_ID: statement.ID, lineNo: { in: flagged.map(l => l.lineNo) } })
    disputed++
  }
  return disputed
}

/** The answer on the customer's timeline (Customer 360), in the reader's language. */
async function recordAnswer(statementId: string, who: string, kind: 'statementConfirmed' | 'statementDisagreed', flaggedLines = 0) {
  const statement = await SELECT.one.from(Statements).columns('customer_ID', 'periodStart', 'currency', 'closingBalance', 'customerBalance').where({ ID: statementId })
  if (!statement) return
  await recordTimeline({
    kind,
    customer: statement.customer_ID,
    actor: who,
    message: kind === 'statementConfirmed' ? 'TIMELINE_STATEMENT_CONFIRMED' : 'TIMELINE_STATEMENT_DISAGREED',
    params: {
      period: statement.periodStart!.slice(0, 7),
      currency: statement.currency,
      balance: String(statement.closingBalance),
      lines: flaggedLines,
      customerBalance: statement.customerBalance === null || statement.customerBalance === undefined ? '–' : String(statement.customerBalance),
    },
  })
}
