import { renderPdf, type PdfBlock, type PdfColumn } from '../documents/pdf'
import { localeFormat } from '../mail/locale'
import { statementTexts, type DocumentKind, type StatementTexts } from './statement-texts'

// The statement of account as a PDF, in the customer's language: the period's FI items with the opening and closing
// balance, the items open at the period's end with their ageing, and the customer's confirmation once given.

export interface StatementPdfLine {
  postingDate: string
  documentDate: string | null
  documentType: string | null
  accountingDocument: string
  billingDocument: string | null
  purchaseOrder: string | null
  netDueDate: string | null
  amount: string | number
}

export interface StatementPdfOpenItem {
  accountingDocument: string
  billingDocument: string | null
  netDueDate: string | null
  daysOverdue: number
  amount: string | number
}

export interface StatementPdfInput {
  language: 'EN' | 'DE' | 'ZH'
  /** the issuing company: name and company code (name may be undefined) */
  company: { code: string; name?: string }
  customer: { id: string; name: string }
  currency: string
  /** ISO date, first day of the month */
  periodStart: string
  /** ISO date, last day */
  periodEnd: string
  /** ISO date the statement is dated (also the PDF CreationDate, for determinism) */
  statementDate: string
  openingBalance: string | number
  closingBalance: string | number
  /** FI items posted in the period, in posting order; amount signed (credits negative) */
  lines: StatementPdfLine[]
  /** open at period end */
  openItems: StatementPdfOpenItem[]
  /** not due, 1–30, 31–60, 61–90, over 90 days */
  aging: Array<{ bucket: 0 | 1 | 2 | 3 | 4; amount: string | number }>
  /** set when the customer confirmed the balance: the PDF then carries a confirmation note (who, when) */
  confirmation?: { confirmedAt: string; confirmedBy: string }
}

/** The FI document types a customer mostly meets on a statement, in words; any other (DA, a tenant's own type) shows its code. */
const DOCUMENT_KINDS: Record<string, DocumentKind> = {
  RV: 'invoice',
  DR: 'invoice',
  DG: 'creditMemo',
  G2: 'creditMemo',
  DZ: 'payment',
  AB: 'clearing',
}

export function renderStatementPdf(input: StatementPdfInput): Promise<Buffer> {
  const texts = statementTexts(input.language)
  const format = localeFormat(input.language)
  const money = (amount: string | number) => format.money(amount, input.currency)
  const date = (value: string | null) => (value ? format.date(value) : '')
  const documentType = (code: string | null) => {
    const kind = code ? DOCUMENT_KINDS[code] : undefined
    return kind ? texts.documentKinds[kind] : (code ?? '')
  }
  const isCredit = (amount: string | number) => Number(amount) < 0

  const items = texts.itemColumns
  // Widths in points of the page's 495: each column takes its longest header (Buchungsdatum), a Chinese date
  // (2026年12月28日) and an amount up to 9 999 999,99 €; the customer's order number has the rest.
  const itemColumns: PdfColumn[] = [
    { header: items.postingDate, width: 71 },
    { header: items.document, width: 51 },
    { header: items.billingDocument, width: 46 },
    { header: items.type, width: 55 },
    { header: items.purchaseOrder, width: 82 },
    { header: items.dueDate, width: 66 },
    { header: items.debit, width: 62, align: 'right' },
    { header: items.credit, width: 62, align: 'right' },
  ]
  const itemRows = input.lines.map(line => [
    date(line.postingDate),
    line.accountingDocument,
    line.billingDocument ?? '',
    documentType(line.documentType),
    line.purchaseOrder ?? '',
    date(line.netDueDate),
    isCredit(line.amount) ? '' : money(line.amount),
    isCredit(line.amount) ? money(Math.abs(Number(line.amount))) : '',
  ])

  const open = texts.openItemColumns
  const openItemColumns: PdfColumn[] = [
    { header: open.document, width: 51 },
    { header: open.billingDocument, width: 46 },
    { header: open.dueDate, width: 66 },
    { header: open.daysOverdue, width: 65, align: 'right' },
    { header: open.amount, width: 267, align: 'right' },
  ]
  const openItemRows = input.openItems.map(item => [
    item.accountingDocument,
    item.billingDocument ?? '',
    date(item.netDueDate),
    item.daysOverdue > 0 ? String(item.daysOverdue) : texts.notDue,
    money(item.amount),
  ])

  const blocks: PdfBlock[] = [
    { kind: 'amount', label: texts.openingBalance(date(input.periodStart)), amount: money(input.openingBalance) },
    { kind: 'heading', text: texts.items },
    input.lines.length ? { kind: 'table', columns: itemColumns, rows: itemRows } : { kind: 'paragraph', text: texts.noItems },
    { kind: 'amount', label: texts.closingBalance(date(input.periodEnd)), amount: money(input.closingBalance) },
    { kind: 'heading', text: texts.openItems(date(input.periodEnd)) },
    input.openItems.length ? { kind: 'table', columns: openItemColumns, rows: openItemRows } : { kind: 'paragraph', text: texts.noOpenItems },
    { kind: 'heading', text: texts.aging },
    agingTable(input.aging, texts, money),
  ]
  if (input.confirmation) {
    blocks.push({ kind: 'paragraph', text: texts.confirmed(input.confirmation.confirmedBy, date(input.confirmation.confirmedAt)) })
  }

  const companyCode = texts.companyCode(input.company.code)
  const period = `${date(input.periodStart)} – ${date(input.periodEnd)}`
  return renderPdf({
    title: texts.title,
    date: new Date(`${input.statementDate}T00:00:00Z`),
    letterhead: input.company.name ? [input.company.name, companyCode] : [companyCode],
    meta: [
      [texts.customer, input.customer.name],
      [texts.customerNumber, input.customer.id],
      [texts.period, period],
      [texts.currency, input.currency],
      [texts.statementDate, date(input.statementDate)],
    ],
    blocks,
    footer: `${input.company.name ?? companyCode} · ${texts.title} ${input.customer.id} · ${period}`,
    language: format.locale,
  })
}

/** One row: each bucket's amount; a bucket the input has no entry for shows zero, one it has twice their sum. */
function agingTable(aging: StatementPdfInput['aging'], texts: StatementTexts, money: (amount: number) => string): PdfBlock {
  const sums = [0, 0, 0, 0, 0]
  for (const { bucket, amount } of aging) sums[bucket] += Number(amount)
  return {
    kind: 'table',
    columns: texts.agingBuckets.map(header => ({ header, width: 1, align: 'right' })),
    rows: [sums.map(money)],
  }
}
