// The one layout of every mail: a mail is a subject and a list of blocks, rendered once as plain text and once as
// HTML, so that both parts always say the same. The HTML is built for mail clients (tables, inline styles, no
// scripts or external resources) and escapes every value it is given: customer names and clerks' explanations
// are free text and may contain < & ".

export type Block =
  /** Text; line breaks are kept. */
  | { kind: 'paragraph'; text: string }
  /** Label/value pairs, e.g. invoice number and totals. */
  | { kind: 'facts'; rows: { label: string; value: string; strong?: boolean }[] }
  | { kind: 'table'; columns: { label: string; align?: 'left' | 'right' }[]; rows: string[][] }
  /** The one thing the mail asks the reader to do: a button in HTML, the bare URL in text. */
  | { kind: 'action'; label: string; href: string }
  /** A sentence with a link beside the mail's action (the customer's account page): a plain link, not a button. */
  | { kind: 'link'; text: string; label: string; href: string }

export interface RenderedMail {
  subject: string
  text: string
  html: string
}

export interface MailContent {
  /** BCP 47 tag of the texts, for the HTML lang attribute. */
  locale: string
  /** Between a label and its value in the plain text, as the language writes it. */
  colon: string
  subject: string
  blocks: Block[]
}

export function renderMail({ locale, colon, subject, blocks }: MailContent): RenderedMail {
  return {
    subject,
    text: blocks.map(block => textOf(block, colon)).join('\n\n') + '\n',
    html: htmlPage(locale, subject, blocks.map(htmlOf).join('\n')),
  }
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, c => HTML_ESCAPES[c])

/** Escaped, with line breaks as <br>. */
const htmlText = (value: string) => escapeHtml(value).replace(/\r?\n/g, '<br>')

/** Links are ours (the response page), so anything but http(s) is a bug, never a link to put in front of a customer. */
function checkedLink(href: string): string {
  const url = URL.canParse(href) ? new URL(href) : undefined
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') throw new Error('A mail link must be an http(s) URL')
  return url.href
}

function textOf(block: Block, colon: string): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text
    case 'facts':
      return block.rows.map(row => `${row.label}${colon}${row.value}`).join('\n')
    case 'table':
      return [block.columns.map(column => column.label), ...block.rows].map(cells => cells.join(' | ')).join('\n')
    case 'action':
      return `${block.label}${colon.trim()}\n${checkedLink(block.href)}`
    case 'link':
      return `${block.text}\n${block.label}${colon.trim()}\n${checkedLink(block.href)}`
  }
}

const FONT = "Arial, Helvetica, 'PingFang SC', 'Microsoft YaHei', sans-serif"
const CELL = 'padding:6px 8px;border-bottom:1px solid #e5e8eb;'

function htmlOf(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p style="margin:0 0 16px;">${htmlText(block.text)}</p>`
    case 'facts':
      return table(
        block.rows.map(row => {
          const weight = row.strong ? 'font-weight:bold;' : ''
          return `<tr><td style="${CELL}${weight}">${htmlText(row.label)}</td><td style="${CELL}${weight}text-align:right;">${htmlText(row.value)}</td></tr>`
        })
      )
    case 'table': {
      const align = (i: number) => `text-align:${block.columns[i]?.align ?? 'left'};`
      const head = block.columns.map((column, i) => `<th style="${CELL}${align(i)}background:#f4f5f7;">${htmlText(column.label)}</th>`).join('')
      const rows = block.rows.map(cells => `<tr>${cells.map((cell, i) => `<td style="${CELL}${align(i)}">${htmlText(cell)}</td>`).join('')}</tr>`)
      return table([`<tr>${head}</tr>`, ...rows])
    }
    case 'action':
      return (
        `<p style="margin:24px 0;"><a href="${escapeHtml(checkedLink(block.href))}" ` +
        `style="display:inline-block;padding:12px 20px;background:#0a6ed1;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;">` +
        `${htmlText(block.label)}</a></p>`
      )
    case 'link':
      return (
        `<p style="margin:0 0 16px;">${htmlText(block.text)} ` +
        `<a href="${escapeHtml(checkedLink(block.href))}" style="color:#0a6ed1;font-weight:bold;">${htmlText(block.label)}</a></p>`
      )
  }
}

const table = (rows: string[]) =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:0 0 16px;">${rows.join('')}</table>`

function htmlPage(locale: string, subject: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlText(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:4px;">
<tr><td style="padding:24px 32px;font-family:${FONT};font-size:15px;line-height:1.5;color:#1d2d3e;">
${body}
</td></tr>
</table>
</td></tr></table>
</body>
</html>
`
}
