import { localeFormat, mailLanguage, type Amount, type CalendarDate } from '../mail/locale'
import { MAX_CONTENT_BYTES } from './wecom'
import { WECOM_TEXTS, type WeComTexts } from './wecom-texts'

// The notices as WeCom's markdown: the subset a group robot renders (headings, bold, links, quotes, <font color=
// "info|comment|warning">), in the customer's language, within WeCom's 4096 bytes. Pure functions: the caller
// issues the links.

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/** Text from S/4HANA (a name) as plain text in the markdown: none of its characters opens a tag, a link or bold. */
export const plain = (text: string): string =>
  text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[<>[\]*`\\]/g, '')
    .trim()

const muted = (text: string) => `<font color="comment">${text}</font>`
const warning = (text: string) => `<font color="warning">${text}</font>`
/** A link's label must not close the link; a URL of ours has no blank and no parenthesis, but make sure. */
const link = (label: string, url: string) => `[${plain(label)}](${url.replace(/[\s()]/g, encodeURIComponent)})`

function language(code: string | null | undefined): { texts: WeComTexts; format: ReturnType<typeof localeFormat> } {
  const key = mailLanguage(code)
  return { texts: WECOM_TEXTS[key], format: localeFormat(key) }
}

export interface StatementNoticeInput {
  language: string | null | undefined
  customerName: string
  periodStart: CalendarDate
  periodEnd: CalendarDate
  currency: string
  closingBalance: Amount
  /** The customer's signed link to confirm the balance. */
  link: string
  /** The reminder of an unanswered statement. */
  reminder?: boolean
}

/** A statement's notice: the month, the closing balance, the link. */
export function statementMarkdown(input: StatementNoticeInput): string {
  const { texts, format } = language(input.language)
  const t = texts.statement
  const month = format.month(input.periodStart)
  const name = plain(input.customerName)
  return [
    `### ${input.reminder ? t.reminderTitle(month) : t.title(month)}`,
    ...(name ? [`**${name}**`] : []),
    input.reminder ? t.reminderIntro(month) : t.intro(month),
    `> ${t.period}${texts.colon}${format.date(input.periodStart)} – ${format.date(input.periodEnd)}`,
    `> ${t.closingBalance}${texts.colon}${warning(`**${format.money(input.closingBalance, input.currency)}**`)}`,
    link(t.action, input.link),
    muted(t.note),
  ].join('\n')
}

export interface ReminderNoticeInvoice {
  number: string
  dueDate: CalendarDate
  currency: string
  /** What the reminder asks for. */
  amount: Amount
  /** 0 or less: not due yet (the notice before the due date). */
  daysOverdue: number
}

export interface ReminderNoticeInput {
  language: string | null | undefined
  customerName: string
  invoices: ReminderNoticeInvoice[]
}

/**
 * A reminder's notice: a line per invoice with its link, for the first links.length invoices; the others are counted
 * ("…and 5 more invoices"). Give it only as many links as reminderInvoicesThatFit says.
 */
export function reminderMarkdown({ language: code, customerName, invoices }: ReminderNoticeInput, links: readonly string[]): string {
  const { texts, format } = language(code)
  const t = texts.reminder
  const notice = invoices.every(i => i.daysOverdue <= 0)
  const name = plain(customerName)
  const line = (i: ReminderNoticeInvoice, url: string) =>
    `> **${plain(i.number)}** · ${t.dueOn(format.date(i.dueDate))} · ${warning(format.money(i.amount, i.currency))} · ` +
    `${i.daysOverdue > 0 ? t.overdue(i.daysOverdue) : t.notDueYet} · ${link(t.action, url)}`
  const listed = Math.min(links.length, invoices.length)
  return [
    `### ${t.title(invoices.length, notice)}`,
    ...(name ? [`**${name}**`] : []),
    t.intro(invoices.length, notice),
    ...invoices.slice(0, listed).map((invoice, i) => line(invoice, links[i])),
    ...(listed < invoices.length ? [muted(t.more(invoices.length - listed))] : []),
    muted(t.note),
  ].join('\n')
}

/**
 * How many of the reminder's invoices the notice lists within WeCom's 4096 bytes, with links of at most linkLength
 * characters each: as many as fit, the rest counted.
 */
export function reminderInvoicesThatFit(input: ReminderNoticeInput, linkLength: number, maxBytes = MAX_CONTENT_BYTES): number {
  const placeholder = 'x'.repeat(linkLength)
  const fits = (count: number) => bytes(reminderMarkdown(input, Array<string>(count).fill(placeholder))) <= maxBytes
  let count = 0
  while (count < input.invoices.length && fits(count + 1)) count++
  return count
}
