// The customer's response page: confirm or dispute an invoice, name the right billing contact, answer a
// one-question survey, or confirm the balance of a monthly statement (or say what differs), through the secure link
// in an e-mail (…/respond/#t=<token>), without logging in. A link of purpose account opens the customer's own page:
// its open invoices with what was said about each, paid ones, statements, disputes and orders; each open invoice
// opens the same invoice page as the invoice's own link, whose requests then name the invoice.
//
// - The token comes from the URL fragment (never sent to a server), is removed from the address bar at once and
//   lives in memory only; every request carries it in its JSON body (srv/respond/service.cds).
// - Everything is built with DOM APIs and textContent: customer and item texts come from S/4HANA and are never
//   parsed as HTML. No inline scripts, styles or event handlers, so a CSP of default-src 'self' holds.

import { dictionaries, locales } from './i18n.js'

const API = new URL('../rest/respond/', location.href)
const REQUEST_TIMEOUT_MS = 20000
const COMMENT_MAX = 2000
const SURVEY_COMMENT_MAX = 1000
const NAME_MAX = 81
const REFERENCE_MAX = 35
const EMAIL_MAX = 241
// As db/crm.cds EMailAddress: something@something.tld without blanks or characters that break addresses.
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/

const state = {
  token: null,
  lang: languageOf(navigator.language),
  view: null,
  /** A link of purpose account: the account as the server showed it last. */
  account: null,
  /** The invoice of the account opened on the page: every request about an invoice names it. */
  invoice: null,
}

/** The requests about an invoice, which name it when the page came to it from the account (srv/respond/service.cds). */
const INVOICE_ACTIONS = new Set(['view', 'invoiceDocument', 'confirm', 'dispute', 'proposeContact', 'promiseToPay', 'reportPayment', 'attachRemittanceAdvice'])

const main = document.getElementById('main')
const announcer = document.getElementById('announcer')

// ---------------------------------------------------------------------------------------------------------------
// Language and formats

function languageOf(tag) {
  const t = String(tag || '').toLowerCase()
  if (t.startsWith('de')) return 'de'
  if (t.startsWith('zh')) return 'zh'
  return 'en'
}

function t(key, params) {
  const dict = dictionaries[state.lang] || dictionaries.en
  let text = dict[key] ?? dictionaries.en[key] ?? key
  if (params) text = text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all))
  return text
}

function setLanguage(lang) {
  state.lang = dictionaries[lang] ? lang : 'en'
  document.documentElement.lang = locales[state.lang]
  document.title = t('pageTitle')
  document.getElementById('brand').textContent = t('brand')
  document.getElementById('footer-text').textContent = t('footer')
}

const locale = () => locales[state.lang]

/** Decimals arrive as strings; Intl formats a numeric string exactly. */
function money(value, currency) {
  if (value === null || value === undefined || value === '') return '–'
  try {
    if (currency) return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(value)
  } catch {
    // An unknown currency code: the plain number and the code, below.
  }
  return `${new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 3 }).format(value)} ${currency || ''}`.trim()
}

function quantity(value, unit) {
  if (value === null || value === undefined || value === '') return '–'
  const number = new Intl.NumberFormat(locale(), { maximumFractionDigits: 3 }).format(value)
  return unit ? `${number} ${unitName(unit)}` : number
}

/** S/4HANA's unit of measure (PC, KG, H…) as the reader says it; a unit the page does not know as its code. */
const unitName = unit => {
  const key = `unit_${String(unit).toUpperCase()}`
  const name = t(key)
  return name === key ? unit : name
}

/** A calendar date (YYYY-MM-DD): formatted in UTC, so no time zone moves it to the day before. */
function date(value) {
  if (!value) return '–'
  const d = new Date(`${String(value).slice(0, 10)}T00:00:00Z`)
  if (Number.isNaN(d.getTime())) return String(value)
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone: 'UTC' }).format(d)
}

/** A point in time: in the reader's time zone. */
function timestamp(value) {
  if (!value) return '–'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeStyle: 'short' }).format(d)
}

/** The example in "enter a number, for example …" in the reader's notation. */
const numberExample = () => new Intl.NumberFormat(locale(), { minimumFractionDigits: 2 }).format(12.5)

/**
 * What a person typed as an amount or quantity, as a plain decimal string ("1234.5"), or null when empty, or
 * NaN when it is not a number. Accepts the reader's notation and the other common one: 1.234,50 / 1,234.50 /
 * 12,5 / 12.5; a single separator followed by exactly three digits is grouping only where it is the locale's.
 */
function parseDecimal(text) {
  let s = String(text).trim().replace(/[\s\u00a0\u202f'’]/g, '')
  if (!s) return null
  if (!/^-?[0-9.,]+$/.test(s)) return NaN
  const negative = s.startsWith('-')
  if (negative) s = s.slice(1)
  const lastDot = s.lastIndexOf('.')
  const lastComma = s.lastIndexOf(',')
  let decimalSep = null
  if (lastDot >= 0 && lastComma >= 0) decimalSep = lastDot > lastComma ? '.' : ','
  else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ','
    const count = s.split(sep).length - 1
    const groupSep = state.lang === 'de' ? '.' : ','
    const after = s.length - s.lastIndexOf(sep) - 1
    decimalSep = count === 1 && !(sep === groupSep && after === 3) ? sep : null
  }
  let integer = s
  let fraction = ''
  if (decimalSep) {
    const at = s.lastIndexOf(decimalSep)
    integer = s.slice(0, at)
    fraction = s.slice(at + 1)
  }
  integer = integer.replace(/[.,]/g, '')
  if (!/^\d+$/.test(integer || '0') || !/^\d*$/.test(fraction) || fraction.length > 3) return NaN
  const plain = `${negative ? '-' : ''}${integer || '0'}${fraction ? `.${fraction}` : ''}`
  return plain
}

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers: elements from tag, properties and children; text only, never HTML.

function h(tag, props, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue
    if (key === 'class') node.className = value
    else if (key === 'text') node.textContent = value
    else if (key === 'dataset') Object.assign(node.dataset, value)
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value)
    else if (key in node && typeof value !== 'string') node[key] = value
    else node.setAttribute(key, value === true ? '' : value)
  }
  append(node, children)
  return node
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return node
}

let ids = 0
const uid = prefix => `${prefix}-${++ids}`

function icon(kind) {
  // Drawn with CSS (respond.css .icon--…): no image requests, no inline SVG markup to sanitize.
  return h('span', { class: `icon icon--${kind}`, 'aria-hidden': 'true' })
}

function show(screen, ...content) {
  main.dataset.state = screen
  main.replaceChildren(...content.flat().filter(Boolean))
}

/** Moves the focus to the new content's heading, so that keyboard and screen-reader users land on it. */
function focusHeading(root = main) {
  const heading = root.querySelector('[data-focus]') || root.querySelector('h1, h2')
  if (heading) {
    heading.setAttribute('tabindex', '-1')
    heading.focus({ preventScroll: false })
  }
}

function announce(text) {
  announcer.textContent = ''
  // A fresh text in a second step, so that repeating the same message is announced again.
  setTimeout(() => (announcer.textContent = text), 50)
}

// ---------------------------------------------------------------------------------------------------------------
// Talking to RespondService

class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message || `HTTP ${status}`)
    this.status = status
    this.code = code
    this.retryAfter = retryAfter
  }
}

async function call(action, body) {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS)
  let response
  try {
    response = await fetch(new URL(action, API), {
      method: 'POST',
      // The page's language, which may be the customer's from S/4HANA rather than the browser's: the service's
      // messages (an invoice in dispute, a line that does not exist) then come in the language of the page.
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': locale() },
      body: JSON.stringify({ token: state.token, ...(state.invoice && INVOICE_ACTIONS.has(action) && { invoice: state.invoice }), ...body }),
      credentials: 'same-origin',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: controller.signal,
    })
  } catch {
    throw new ApiError(0, 'network')
  } finally {
    clearTimeout(timer)
  }
  let data = null
  try {
    data = await response.json()
  } catch {
    data = null
  }
  if (!response.ok) {
    const error = (data && data.error) || {}
    const retryAfter = retryAfterSeconds(response.headers.get('retry-after'))
    throw new ApiError(response.status, typeof error.code === 'string' ? error.code : '', typeof error.message === 'string' ? error.message : '', retryAfter)
  }
  if (data === null || typeof data !== 'object') throw new ApiError(502, 'badResponse')
  return data
}

function retryAfterSeconds(header) {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds))
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000))
}

/** The full-page error for a failure that leaves nothing to do on this page (or only to retry). */
function errorKind(error) {
  const { status, code } = error
  if (status === 0) return 'network'
  if (status === 429) return 'busy'
  if (status === 410) return code === 'revoked' ? 'revoked' : 'expired'
  if (code === 'malformed') return 'incomplete'
  if (code === 'wrong-purpose') return 'wrongPurpose'
  if (status === 400 || status === 401 || status === 403 || status === 404) return 'invalid'
  return 'server'
}

// ---------------------------------------------------------------------------------------------------------------
// Screens

function renderLoading() {
  show('loading', h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { text: t('loading') })))
}

const ERROR_TEXTS = {
  noToken: ['errIncompleteTitle', 'errIncompleteText', 'link'],
  incomplete: ['errIncompleteTitle', 'errIncompleteText', 'link'],
  invalid: ['errInvalidTitle', 'errInvalidText', 'link'],
  wrongPurpose: ['errInvalidTitle', 'errWrongPurposeText', 'link'],
  expired: ['errExpiredTitle', 'errExpiredText', 'clock'],
  revoked: ['errRevokedTitle', 'errRevokedText', 'link'],
  busy: ['errBusyTitle', 'errBusyText', 'clock'],
  network: ['errNetworkTitle', 'errNetworkText', 'alert'],
  server: ['errServerTitle', 'errServerText', 'alert'],
  statementNotReady: ['errStatementNotReadyTitle', 'errStatementNotReadyText', 'clock'],
}

let retryTimer = null

function renderError(kind, { retry, retryAfter } = {}) {
  clearInterval(retryTimer)
  const [title, text, iconKind] = ERROR_TEXTS[kind] || ERROR_TEXTS.server
  const message =
    kind === 'busy' ? (retryAfter ? t('errBusyText', { seconds: retryAfter }) : t('errBusyTextNow')) : t(text)
  let button = null
  if (retry && (kind === 'busy' || kind === 'network' || kind === 'server')) {
    button = h('button', { type: 'button', class: 'button button--primary', onclick: retry, text: t('retry') })
    if (kind === 'busy' && retryAfter) {
      let left = retryAfter
      button.disabled = true
      button.textContent = t('retryIn', { seconds: left })
      retryTimer = setInterval(() => {
        left -= 1
        if (left > 0) button.textContent = t('retryIn', { seconds: left })
        else {
          clearInterval(retryTimer)
          button.disabled = false
          button.textContent = t('retry')
        }
      }, 1000)
    }
  }
  show(
    `error-${kind}`,
    h(
      'section',
      { class: `card state state--${kind === 'busy' ? 'warning' : 'error'}`, 'aria-labelledby': 'error-title' },
      icon(iconKind),
      h('h1', { id: 'error-title', text: t(title), 'data-focus': true }),
      h('p', { class: 'state__text', text: message }),
      button && h('div', { class: 'state__actions' }, button)
    )
  )
  announce(`${t(title)}. ${message}`)
  focusHeading()
}

function showApiError(error, retry) {
  renderError(errorKind(error), { retry, retryAfter: error.retryAfter })
}

// The invoice: summary, what was said so far, what can be said now, the lines.

function hasOpenDispute(view) {
  return Boolean(view.dispute && view.dispute.status !== 'Closed')
}

/** The invoice with what can be said about it; flash: the thank-you state after an answer; focus: after Cancel. */
function renderInvoice(flash, { focus = false } = {}) {
  const view = state.view
  const invoice = view.invoice || {}
  const layout = h('div', { class: 'layout' }, summaryCard(view, flash ? 'h2' : 'h1'), actionsCard(view), commitmentsCard(view), paymentCard(view), linesCard(invoice))
  show('invoice', backToAccountBar(), flash && flashBanner(flash), layout)
  if (flash) announce(`${flash.title}. ${flash.text}`)
  if (flash || focus) focusHeading()
}

const backToInvoice = () => renderInvoice(null, { focus: true })

function flashBanner({ title, text, tone = 'success' }) {
  return h(
    'section',
    { class: `banner banner--${tone}`, 'aria-labelledby': 'flash-title', 'data-testid': 'flash' },
    icon(tone === 'success' ? 'check' : 'info'),
    h('div', { class: 'banner__body' }, h('h1', { id: 'flash-title', text: title, 'data-focus': true }), h('p', { text }))
  )
}

function summaryCard(view, headingTag) {
  const invoice = view.invoice || {}
  const open = invoice.openAmount ?? invoice.grossAmount
  return h(
    'section',
    { class: 'card summary', 'aria-labelledby': 'invoice-title' },
    view.customerName && h('p', { class: 'eyebrow' }, h('span', { class: 'visually-hidden', text: `${t('customer')}: ` }), view.customerName),
    h(headingTag, { id: 'invoice-title', class: 'summary__title', text: t('invoiceHeading', { number: invoice.number || '' }) }),
    paymentState(invoice),
    h(
      'div',
      { class: 'summary__due' },
      h('div', { class: 'amount-block' }, h('span', { class: 'amount-block__label', text: t('openAmount') }), h('span', { class: 'amount amount--big', 'data-testid': 'open-amount', text: money(open, invoice.currency) })),
      h('div', { class: 'amount-block' }, h('span', { class: 'amount-block__label', text: t('dueDate') }), h('span', { class: 'amount-block__date', text: date(invoice.dueDate) }))
    ),
    h(
      'dl',
      { class: 'facts' },
      fact(t('invoiceDate'), date(invoice.date)),
      fact(t('netAmount'), money(invoice.netAmount, invoice.currency), true),
      fact(t('taxAmount'), money(invoice.taxAmount, invoice.currency), true),
      fact(t('grossAmount'), money(invoice.grossAmount, invoice.currency), true, 'fact--total')
    ),
    documentButtons(invoice)
  )
}

/** Paid, or overdue by how many days: what the customer should know first. Nothing while it is simply due. */
function paymentState(invoice) {
  if (invoice.isCleared) return h('p', { class: 'state-badge state-badge--paid', 'data-testid': 'payment-state' }, icon('check-small'), h('span', { text: t('paidBadge') }))
  if (invoice.daysOverdue > 0)
    return h('p', { class: 'state-badge state-badge--overdue', 'data-testid': 'payment-state' }, icon('alert-small'), h('span', { text: t('overdueBadge', { date: date(invoice.dueDate) }) }))
  return null
}

/**
 * The invoice as S/4HANA printed it (or the statement as it was sent): shown in a new tab, or saved. Read when asked,
 * never kept in the page.
 */
function documentButtons(invoice, { action = 'invoiceDocument', fileName = `${invoice.number}.pdf`, viewLabel = t('viewPdf'), body } = {}) {
  const row = h('div', { class: 'document-buttons' })
  const view = h('button', { type: 'button', class: 'button button--secondary', 'data-testid': 'view-pdf', text: viewLabel })
  const save = h('button', { type: 'button', class: 'button button--secondary', 'data-testid': 'download-pdf', text: t('downloadPdf') })
  view.addEventListener('click', () => openDocument(view, row, { action, body, fileName, save: false }))
  save.addEventListener('click', () => openDocument(save, row, { action, body, fileName, save: true }))
  return append(row, [view, save])
}

/** Reads a PDF (an invoice from S/4HANA, a statement) and shows it in a new tab or saves it; a failure is said in `row`. */
async function openDocument(button, row, { action, body, fileName, save }) {
  const done = busy(button)
  try {
    const printed = await call(action, body)
    const bytes = Uint8Array.from(atob(printed.content), c => c.charCodeAt(0))
    const url = URL.createObjectURL(new Blob([bytes], { type: printed.mediaType || 'application/pdf' }))
    if (save) h('a', { href: url, download: printed.fileName || fileName }).click()
    else window.open(url, '_blank', 'noopener')
    // The new tab or the download has the file by then; the page need not keep it.
    setTimeout(() => URL.revokeObjectURL(url), 60000)
  } catch (error) {
    inlineError(row, inlineMessage(error))
  } finally {
    done()
  }
}

/** How to pay (the company's bank account, the invoice number as reference) and whom to ask, as configured. */
function paymentCard(view) {
  const payment = view.payment
  const company = view.company || {}
  if (!payment && !company.contactEmail && !company.contactPhone) return null
  const card = h('section', { class: 'card payment', 'aria-labelledby': 'payment-title' }, h('h2', { id: 'payment-title', text: t(payment ? 'paymentHeading' : 'questionsHeading') }))
  if (payment)
    append(card, [
      h(
        'dl',
        { class: 'facts facts--compact', 'data-testid': 'bank-details' },
        payment.accountHolder && fact(t('accountHolder'), payment.accountHolder),
        payment.bankName && fact(t('bankName'), payment.bankName),
        fact(t('iban'), groupsOfFour(payment.iban), false, 'fact--code'),
        payment.bic && fact(t('bic'), payment.bic, false, 'fact--code'),
        fact(t('paymentReference'), payment.reference, false, 'fact--code')
      ),
      h('p', { class: 'muted', text: t('referenceHint') }),
    ])
  const contact = [
    company.contactEmail && h('a', { href: `mailto:${company.contactEmail}`, text: company.contactEmail }),
    company.contactPhone && h('a', { href: `tel:${company.contactPhone.replace(/[^+\d]/g, '')}`, text: company.contactPhone }),
  ].filter(Boolean)
  // On the account page: questions about the account, not about one invoice.
  const question = view.account ? t('questionsAccount') : t('questions')
  if (contact.length) append(card, [h('p', { class: 'payment__contact', 'data-testid': 'ar-contact' }, h('span', { text: question }), ...contact)])
  return card
}

/** An IBAN as it is printed: in groups of four. */
const groupsOfFour = iban => String(iban).replace(/(.{4})(?=.)/g, '$1 ')

/** The company's name and logo in the masthead, once the invoice says whose it is. */
function showCompany(company) {
  if (!company) return
  if (company.name) document.getElementById('brand').textContent = company.name
  const mark = document.querySelector('.masthead__logo')
  if (company.logoUrl && mark) mark.replaceWith(h('img', { class: 'masthead__image', src: company.logoUrl, alt: '', 'data-testid': 'company-logo' }))
}

function fact(label, value, isAmount, extraClass) {
  return h('div', { class: `fact ${extraClass || ''}`.trim() }, h('dt', { text: label }), h('dd', { class: isAmount ? 'amount' : null, text: value }))
}

function actionsCard(view) {
  const card = h('section', { class: 'card actions', 'aria-labelledby': 'actions-title' })
  const confirmed = Boolean(view.confirmedAt)
  const disputed = hasOpenDispute(view)

  if (view.dispute) card.append(disputeStatus(view.dispute))

  if (!confirmed && !disputed) {
    append(
      card,
      [
        h('h2', { id: 'actions-title', text: t('question') }),
        h('p', { class: 'muted', text: t('questionHint') }),
        h(
          'div',
          { class: 'button-stack' },
          h('button', { type: 'button', class: 'button button--primary button--large', 'data-action': 'confirm', onclick: onConfirm }, icon('check-small'), h('span', { text: t('confirm') })),
          h('button', { type: 'button', class: 'button button--secondary button--large', 'data-action': 'dispute', onclick: renderDisputeForm, text: t('dispute') })
        ),
      ]
    )
  } else if (confirmed) {
    append(card, [
      h('h2', { id: 'actions-title', class: 'with-icon' }, icon('check-small'), h('span', { text: t('confirmedHeading') })),
      h('p', { text: t('confirmedOn', { at: timestamp(view.confirmedAt) }) }),
      !disputed && h('div', { class: 'button-stack' }, h('button', { type: 'button', class: 'button button--secondary', 'data-action': 'dispute', onclick: renderDisputeForm, text: t('disputeAfterConfirm') })),
    ])
  } else {
    // Only an open dispute: its status above is what there is to say.
    card.querySelector('h2').id = 'actions-title'
  }

  if (view.contactProposed) card.append(h('p', { class: 'note', text: t('contactProposedNote') }))
  else card.append(h('div', { class: 'actions__secondary' }, h('button', { type: 'button', class: 'button button--link', 'data-action': 'wrongContact', onclick: renderContactForm, text: t('wrongContact') })))
  return card
}

/** The reasons a dispute may give, with their texts in the page's language: the server's code list (view.reasons). */
const reasons = () => (Array.isArray(state.view && state.view.reasons) ? state.view.reasons : [])

const reasonText = code => (reasons().find(r => r.code === code) || { name: code }).name

function disputeStatus(dispute) {
  const rows = [
    fact(t('statusLabel'), t(`status_${dispute.status}`)),
    dispute.reason && fact(t('reasonLabel'), reasonText(dispute.reason)),
    dispute.raisedAt && fact(t('raisedLabel'), timestamp(dispute.raisedAt)),
    dispute.outcome && fact(t('outcomeLabel'), t(`outcome_${dispute.outcome}`)),
    dispute.resolution && fact(t('resolutionLabel'), dispute.resolution),
  ]
  return h(
    'div',
    { class: `dispute-status dispute-status--${String(dispute.status || 'Open').toLowerCase()}`, 'data-testid': 'dispute-status' },
    h('h2', { class: 'with-icon' }, icon('info'), h('span', { text: t('disputeStatusHeading') })),
    h('dl', { class: 'facts facts--compact' }, rows)
  )
}

function linesCard(invoice) {
  const items = Array.isArray(invoice.items) ? invoice.items : []
  const card = h('section', { class: 'card lines', 'aria-labelledby': 'lines-title' }, h('h2', { id: 'lines-title', text: t('linesHeading') }))
  if (!items.length) return append(card, [h('p', { class: 'muted', text: t('noLines') })])
  // Explicit roles: the stacked layout on a phone (display: block) would otherwise drop the table semantics.
  const head = h(
    'thead',
    { role: 'rowgroup' },
    h(
      'tr',
      { role: 'row' },
      h('th', { scope: 'col', role: 'columnheader', class: 'col-item', text: t('colItem') }),
      h('th', { scope: 'col', role: 'columnheader', text: t('colDescription') }),
      h('th', { scope: 'col', role: 'columnheader', class: 'num', text: t('colQuantity') }),
      h('th', { scope: 'col', role: 'columnheader', class: 'num', text: t('colAmount') })
    )
  )
  const body = h(
    'tbody',
    { role: 'rowgroup' },
    items.map(item =>
      h(
        'tr',
        { role: 'row' },
        h('td', { role: 'cell', class: 'col-item', 'data-label': t('colItem'), text: stripZeros(item.item) }),
        h('td', { role: 'cell', class: 'col-description', 'data-label': t('colDescription'), text: item.description || '–' }),
        h('td', { role: 'cell', class: 'num', 'data-label': t('colQuantity'), text: quantity(item.quantity, item.unit) }),
        h('td', { role: 'cell', class: 'num amount', 'data-label': t('colAmount'), text: money(item.netAmount, invoice.currency) })
      )
    )
  )
  return append(card, [h('div', { class: 'table-wrap' }, h('table', { class: 'lines-table', role: 'table', 'aria-labelledby': 'lines-title' }, head, body))])
}

/** S/4 item numbers are zero-padded (000010); people read 10. */
const stripZeros = item => String(item || '').replace(/^0+(?=\d)/, '')

// Confirm

async function onConfirm(event) {
  const button = event.currentTarget
  const restore = busy(button)
  try {
    const outcome = await call('confirm')
    await refreshView({ confirmedAt: outcome.at })
    const already = outcome.status === 'alreadyConfirmed'
    renderInvoice({
      title: t('thanksTitle'),
      text: already ? t('alreadyConfirmedText', { at: timestamp(outcome.at) }) : t('confirmedText', { number: state.view.invoice?.number || '' }),
    })
    main.dataset.state = 'confirmed'
  } catch (error) {
    restore()
    if (error.status === 409) return inlineError(button.closest('.card'), t('errInDispute'))
    if (error.status === 400 || error.status === 429) return inlineError(button.closest('.card'), inlineMessage(error))
    showApiError(error, () => renderInvoice())
  }
}

/** Reads the View again after an answer, so the page shows what the server now holds; else patches it. */
async function refreshView(patch) {
  try {
    state.view = normalizeView(await call('view'))
  } catch {
    Object.assign(state.view, patch)
  }
}

function busy(button) {
  const form = button.form
  const controls = form ? [...form.elements] : [button]
  const before = controls.map(c => c.disabled)
  const label = button.textContent
  controls.forEach(c => (c.disabled = true))
  button.setAttribute('aria-busy', 'true')
  if (form) button.textContent = t('sending')
  return () => {
    controls.forEach((c, i) => (c.disabled = before[i]))
    button.removeAttribute('aria-busy')
    if (form) button.textContent = label
  }
}

function inlineMessage(error) {
  if (error.status === 429) return t('errBusyInline', { seconds: error.retryAfter || 5 })
  return error.message || t('errNotSent')
}

/** A message at the top of a card or form (role=alert: read out at once). */
function inlineError(container, message) {
  let alert = container.querySelector(':scope > .form-alert')
  if (!alert) {
    alert = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', 'data-testid': 'form-alert' })
    const heading = container.querySelector(':scope > h1, :scope > h2')
    if (heading) heading.after(alert)
    else container.prepend(alert)
  }
  alert.replaceChildren(icon('alert-small'), h('span', { text: message }))
  alert.hidden = false
  alert.focus()
}

// Dispute

function renderDisputeForm() {
  const view = state.view
  const invoice = view.invoice || {}
  const items = Array.isArray(invoice.items) ? invoice.items : []
  const currency = invoice.currency
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'dispute-title', 'data-testid': 'dispute-form' })

  const scopeName = uid('scope')
  const wholeRadio = h('input', { type: 'radio', name: scopeName, id: uid('scope-whole'), value: 'whole', checked: true })
  const linesRadio = h('input', { type: 'radio', name: scopeName, id: uid('scope-lines'), value: 'lines', disabled: !items.length })

  const wholeAmount = field({
    label: t('wholeAmount'),
    hint: t('wholeAmountHint', { max: money(invoice.grossAmount, currency) }),
    input: h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', name: 'amount' }),
    prefix: currency,
  })
  const wholePanel = h('div', { class: 'scope-panel', 'data-scope': 'whole' }, wholeAmount.node)

  const lineFields = items.map(item => lineOption(item, currency))
  const linesError = h('p', { class: 'field-error', id: uid('lines-error'), hidden: true })
  const linesPanel = h(
    'fieldset',
    { class: 'scope-panel line-options', 'data-scope': 'lines', hidden: true, 'aria-describedby': linesError.id },
    h('legend', { text: t('linesLegend') }),
    lineFields.map(l => l.node),
    linesError
  )

  const reasonSelect = h(
    'select',
    { name: 'reason', required: true, 'aria-required': 'true' },
    h('option', { value: '', text: t('reasonChoose') }),
    reasons().map(r => h('option', { value: r.code, text: r.name }))
  )
  const reason = field({ label: t('reason'), input: reasonSelect })
  const comment = textArea('comment', t('comment'), COMMENT_MAX)

  const update = () => {
    const lines = linesRadio.checked
    wholePanel.hidden = lines
    linesPanel.hidden = !lines
  }
  wholeRadio.addEventListener('change', update)
  linesRadio.addEventListener('change', update)
  linesPanel.addEventListener('change', event => {
    if (event.target.type !== 'checkbox' || linesError.hidden || !lineFields.some(l => l.checkbox.checked)) return
    linesError.hidden = true
    settleAlert(form)
  })

  const submit = h('button', { type: 'submit', class: 'button button--primary button--large', text: t('sendDispute') })
  append(form, [
    h('h1', { id: 'dispute-title', text: t('disputeHeading', { number: invoice.number || '' }), 'data-focus': true }),
    h('p', { class: 'muted', text: t('disputeIntro') }),
    h(
      'fieldset',
      { class: 'choice-group' },
      h('legend', { text: t('scopeLegend') }),
      h('div', { class: 'choices' }, choice(wholeRadio, t('scopeWhole')), choice(linesRadio, t('scopeLines')))
    ),
    wholePanel,
    linesPanel,
    reason.node,
    comment.node,
    h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'button button--secondary', text: t('cancel'), onclick: backToInvoice }))
  ])

  form.addEventListener('submit', async event => {
    event.preventDefault()
    const errors = []
    const body = { reason: reasonSelect.value, lines: [] }
    if (!reasons().some(r => r.code === reasonSelect.value)) errors.push(reason.fail(t('errReasonRequired')))
    else reason.clear()
    if (linesRadio.checked) {
      const chosen = lineFields.filter(l => l.checkbox.checked)
      if (!chosen.length) {
        linesError.textContent = t('errChooseLine')
        linesError.hidden = false
        errors.push(lineFields[0]?.checkbox)
      } else linesError.hidden = true
      for (const line of lineFields) {
        if (!line.checkbox.checked) continue
        const entry = { item: line.item.item }
        const amount = checkNumber(line.amount, line.item.netAmount, currency, 'amount')
        const qty = checkNumber(line.quantity, line.item.quantity, line.item.unit, 'quantity')
        if (amount.error) errors.push(amount.error)
        else if (amount.value !== null) entry.amount = Number(amount.value)
        if (qty.error) errors.push(qty.error)
        else if (qty.value !== null) entry.quantity = Number(qty.value)
        body.lines.push(entry)
      }
    } else {
      linesError.hidden = true
      const amount = checkNumber(wholeAmount, invoice.grossAmount, currency, 'amount')
      if (amount.error) errors.push(amount.error)
      else if (amount.value !== null) body.amount = Number(amount.value)
    }
    const text = comment.input.value.trim()
    if (text.length > COMMENT_MAX) errors.push(comment.fail(t('errCommentLength', { max: COMMENT_MAX })))
    else {
      comment.clear()
      if (text) body.comment = text
    }
    if (errors.length) return invalid(form, errors)

    const restore = busy(submit)
    try {
      const outcome = await call('dispute', body)
      await refreshView({ dispute: { status: 'Open', reason: body.reason, raisedAt: outcome.at } })
      renderInvoice({
        title: t('disputedTitle'),
        text: outcome.status === 'alreadyDisputed' ? t('alreadyDisputedText', { at: timestamp(outcome.at) }) : t('disputedText'),
      })
      main.dataset.state = 'disputed'
    } catch (error) {
      restore()
      if (error.status === 400 || error.status === 409 || error.status === 429) return inlineError(form, inlineMessage(error))
      showApiError(error, () => renderDisputeForm())
    }
  })

  show('dispute', h('div', { class: 'layout layout--single' }, compactSummary(invoice), form))
  focusHeading()
}

function lineOption(item, currency) {
  const checkbox = h('input', { type: 'checkbox', id: uid('line'), value: item.item, 'data-item': item.item })
  const amount = field({
    label: t('lineAmount'),
    hint: t('upTo', { max: money(item.netAmount, currency) }),
    input: h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' }),
    prefix: currency,
  })
  const qty = field({
    label: t('lineQuantity'),
    hint: t('upTo', { max: quantity(item.quantity, item.unit) }),
    input: h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' }),
    suffix: item.unit,
  })
  const details = h('div', { class: 'line-option__details', hidden: true }, amount.node, qty.node)
  checkbox.addEventListener('change', () => {
    details.hidden = !checkbox.checked
    node.classList.toggle('is-checked', checkbox.checked)
  })
  const node = h(
    'div',
    { class: 'line-option', 'data-item': item.item },
    h(
      'div',
      { class: 'line-option__head' },
      checkbox,
      h(
        'label',
        { for: checkbox.id, class: 'line-option__label' },
        h('span', { class: 'line-option__title' }, h('span', { class: 'line-option__no', text: t('lineLabel', { item: stripZeros(item.item) }) }), h('span', { text: item.description || '' })),
        h('span', { class: 'line-option__meta' }, h('span', { text: quantity(item.quantity, item.unit) }), h('span', { class: 'amount', text: money(item.netAmount, currency) }))
      )
    ),
    details
  )
  return { node, checkbox, amount, quantity: qty, item }
}

function choice(input, label) {
  return h('div', { class: 'choice' }, input, h('label', { for: input.id, text: label }))
}

/** A labelled input with its hint and error line, wired with aria-describedby / aria-invalid. */
function field({ label, hint, input, prefix, suffix }) {
  input.id ||= uid('field')
  const hintNode = hint ? h('p', { class: 'hint', id: uid('hint'), text: hint }) : null
  const error = h('p', { class: 'field-error', id: uid('error'), hidden: true })
  const describe = () => [error.hidden ? null : error.id, hintNode?.id].filter(Boolean).join(' ')
  input.setAttribute('aria-describedby', describe())
  const control = prefix || suffix ? h('div', { class: 'input-group' }, prefix && h('span', { class: 'input-group__addon', 'aria-hidden': 'true', text: prefix }), input, suffix && h('span', { class: 'input-group__addon', 'aria-hidden': 'true', text: suffix })) : input
  const node = h('div', { class: 'field' }, h('label', { for: input.id, text: label }), control, hintNode, error)
  const self = {
    node,
    input,
    fail(message) {
      error.textContent = message
      error.hidden = false
      input.setAttribute('aria-invalid', 'true')
      input.setAttribute('aria-describedby', describe())
      node.classList.add('field--invalid')
      return input
    },
    clear() {
      error.hidden = true
      input.removeAttribute('aria-invalid')
      input.setAttribute('aria-describedby', describe())
      node.classList.remove('field--invalid')
    },
  }
  // A message about what the person has just changed is out of date: it goes, and is checked again on sending.
  const changed = () => {
    if (error.hidden) return
    self.clear()
    settleAlert(node.closest('form'))
  }
  input.addEventListener('input', changed)
  input.addEventListener('change', changed)
  return self
}

/** Hides the form's summary message once nothing in the form is marked any more. */
function settleAlert(form) {
  if (!form) return
  const open = [...form.querySelectorAll('.field-error')].some(e => !e.hidden)
  const alert = form.querySelector(':scope > .form-alert')
  if (alert && !open) alert.hidden = true
}

function textArea(name, label, max) {
  const input = h('textarea', { name, rows: 4, maxlength: String(max) })
  const f = field({ label, hint: t('charCount', { count: 0, max }), input })
  const counter = f.node.querySelector('.hint')
  input.addEventListener('input', () => (counter.textContent = t('charCount', { count: input.value.length, max })))
  return f
}

/** Checks an optional amount/quantity field against 0…max; returns { value } (a decimal string or null) or { error }. */
function checkNumber(f, max, unitOrCurrency, kind) {
  const value = parseDecimal(f.input.value)
  if (value === null) {
    f.clear()
    return { value: null }
  }
  const shownMax = kind === 'amount' ? money(max, unitOrCurrency) : quantity(max, unitOrCurrency)
  if (Number.isNaN(value) || typeof value !== 'string') {
    const key = kind === 'amount' ? 'errAmountFormat' : 'errQuantityFormat'
    return { error: f.fail(t(key, { example: numberExample() })) }
  }
  const n = Number(value)
  if (!(n >= 0) || (max !== null && max !== undefined && n > Number(max))) {
    const key = kind === 'amount' ? 'errAmountRange' : 'errQuantityRange'
    return { error: f.fail(t(key, { max: shownMax })) }
  }
  f.clear()
  return { value }
}

function invalid(form, errors) {
  inlineError(form, t('errFormSummary'))
  const first = errors.find(Boolean)
  if (first) first.focus()
}

function compactSummary(invoice) {
  return h(
    'section',
    { class: 'card summary summary--compact', 'aria-label': t('invoiceHeading', { number: invoice.number || '' }) },
    state.view.customerName && h('p', { class: 'eyebrow', text: state.view.customerName }),
    h(
      'div',
      { class: 'summary__row' },
      h('span', { class: 'summary__number', text: t('invoiceHeading', { number: invoice.number || '' }) }),
      h('span', { class: 'amount amount--medium', text: money(invoice.openAmount ?? invoice.grossAmount, invoice.currency) })
    ),
    h('p', { class: 'muted', text: `${t('dueDate')}: ${date(invoice.dueDate)}` })
  )
}

// Promise to pay and "I've paid": for an invoice with something open that is not disputed as a whole.

function commitmentsCard(view) {
  const invoice = view.invoice || {}
  const wholeDisputed = hasOpenDispute(view) && view.dispute.wholeInvoice !== false
  if (invoice.isCleared || !(Number(invoice.openAmount) > 0) || wholeDisputed) return null
  const card = h('section', { class: 'card commitments', 'aria-labelledby': 'commitments-title', 'data-testid': 'commitments' }, h('h2', { id: 'commitments-title', text: t('payingHeading') }))
  const report = view.paymentReport
  const promise = view.promise
  if (report) {
    card.append(h('p', { class: 'note', 'data-testid': 'payment-reported', text: t('paymentReportedNote', { amount: money(report.amount, invoice.currency), date: date(report.paidOn) }) }))
    if (report.remittanceAdvice) card.append(h('p', { class: 'muted', 'data-testid': 'remittance-attached', text: t('remittanceAttached', { file: report.remittanceAdvice }) }))
    return card
  }
  if (promise)
    card.append(
      h('p', {
        class: 'note',
        'data-testid': 'promise-open',
        text: promise.amount ? t('promiseAmountNote', { amount: money(promise.amount, invoice.currency), date: date(promise.promisedDate) }) : t('promiseNote', { date: date(promise.promisedDate) }),
      })
    )
  else card.append(h('p', { class: 'muted', text: t('payingHint') }))
  append(card, [
    h(
      'div',
      { class: 'button-stack' },
      !promise && h('button', { type: 'button', class: 'button button--secondary', 'data-action': 'promise', onclick: renderPromiseForm, text: t('promiseButton') }),
      h('button', { type: 'button', class: 'button button--secondary', 'data-action': 'paid', onclick: renderPaidForm, text: t('paidButton') })
    ),
  ])
  return card
}

/** What "I've paid" takes as a remittance advice; the service checks the file's first bytes again. */
const REMITTANCE_TYPES = ['application/pdf', 'image/png', 'image/jpeg']

const megabytes = bytes => new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(bytes / 1024 / 1024)

/** The chosen file, if any, or the error its field was marked with: a PDF or an image, not over the limit. */
function checkFile(f, maxBytes) {
  const file = f.input.files && f.input.files[0]
  if (!file) return { value: null }
  if (REMITTANCE_TYPES.indexOf(file.type) < 0) return { error: f.fail(t('errRemittanceType')) }
  if (maxBytes && file.size > maxBytes) return { error: f.fail(t('errRemittanceSize', { size: megabytes(maxBytes) })) }
  f.clear()
  return { value: file }
}

/** The file's bytes as base64, as the service takes them. */
function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(new ApiError(400, 'unreadable'))
    reader.readAsDataURL(file)
  })
}

/** A date field bounded by min and max (YYYY-MM-DD), as the browser's date picker offers it. */
function dateField(label, hint, min, max) {
  return field({ label, hint, input: h('input', { type: 'date', name: 'date', required: true, 'aria-required': 'true', ...(min && { min }), ...(max && { max }) }) })
}

/** The reader's value of a date field, or the error it was marked with. */
function checkDate(f, min, max, messages) {
  const value = f.input.value
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return { error: f.fail(messages.missing) }
  if (min && value < min) return { error: f.fail(messages.early || messages.range) }
  if (max && value > max) return { error: f.fail(messages.range) }
  f.clear()
  return { value }
}

function renderPromiseForm() {
  const view = state.view
  const invoice = view.invoice || {}
  const window = view.promiseWindow || {}
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'promise-title', 'data-testid': 'promise-form' })
  const when = dateField(t('promiseDate'), t('promiseDateHint', { latest: date(window.latest) }), window.earliest, window.latest)
  const amount = field({
    label: t('promiseAmount'),
    hint: t('promiseAmountHint', { max: money(invoice.openAmount, invoice.currency) }),
    input: h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', name: 'amount' }),
    prefix: invoice.currency,
  })
  const submit = h('button', { type: 'submit', class: 'button button--primary button--large', text: t('sendPromise') })
  append(form, [
    h('h1', { id: 'promise-title', text: t('promiseHeading', { number: invoice.number || '' }), 'data-focus': true }),
    h('p', { class: 'muted', text: t('promiseIntro') }),
    when.node,
    amount.node,
    h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'button button--secondary', text: t('cancel'), onclick: backToInvoice })),
  ])
  form.addEventListener('submit', async event => {
    event.preventDefault()
    const day = checkDate(when, window.earliest, window.latest, { missing: t('errDateRequired'), range: t('errPromiseDateRange', { latest: date(window.latest) }) })
    const part = checkNumber(amount, invoice.openAmount, invoice.currency, 'amount')
    const errors = [day.error, part.error].filter(Boolean)
    if (!part.error && part.value !== null && !(Number(part.value) > 0)) errors.push(amount.fail(t('errAmountRange', { max: money(invoice.openAmount, invoice.currency) })))
    if (errors.length) return invalid(form, errors)
    const restore = busy(submit)
    try {
      await call('promiseToPay', { promisedDate: day.value, ...(part.value !== null && { amount: Number(part.value) }) })
      await refreshView({ promise: { promisedDate: day.value, amount: part.value } })
      renderInvoice({ title: t('thanksTitle'), text: t('promisedText', { date: date(day.value) }) })
      main.dataset.state = 'promised'
    } catch (error) {
      restore()
      if (error.status === 400 || error.status === 409 || error.status === 429) return inlineError(form, inlineMessage(error))
      showApiError(error, () => renderPromiseForm())
    }
  })
  show('promise', h('div', { class: 'layout layout--single' }, compactSummary(invoice), form))
  focusHeading()
}

function renderPaidForm() {
  const view = state.view
  const invoice = view.invoice || {}
  const today = (view.promiseWindow || {}).earliest
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'paid-title', 'data-testid': 'paid-form' })
  const when = dateField(t('paidOn'), null, invoice.date, today)
  const amount = field({
    label: t('paidAmount'),
    input: h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', name: 'amount', required: true, 'aria-required': 'true', value: invoice.openAmount == null ? '' : String(Number(invoice.openAmount)) }),
    prefix: invoice.currency,
  })
  const reference = field({ label: t('paidReference'), hint: t('paidReferenceHint'), input: h('input', { type: 'text', name: 'reference', autocomplete: 'off', maxlength: String(REFERENCE_MAX) }) })
  const maxBytes = view.remittanceAdviceMaxBytes || 0
  const advice = field({
    label: t('remittanceAdvice'),
    hint: t('remittanceAdviceHint', { size: megabytes(maxBytes) }),
    input: h('input', { type: 'file', name: 'remittanceAdvice', accept: REMITTANCE_TYPES.join(',') }),
  })
  const submit = h('button', { type: 'submit', class: 'button button--primary button--large', text: t('sendPaid') })
  append(form, [
    h('h1', { id: 'paid-title', text: t('paidHeading', { number: invoice.number || '' }), 'data-focus': true }),
    h('p', { class: 'muted', text: t('paidIntro') }),
    when.node,
    amount.node,
    reference.node,
    advice.node,
    h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'button button--secondary', text: t('cancel'), onclick: backToInvoice })),
  ])
  form.addEventListener('submit', async event => {
    event.preventDefault()
    const day = checkDate(when, invoice.date, today, { missing: t('errDateRequired'), range: t('errPaidDateFuture'), early: t('errPaidDateBeforeInvoice', { date: date(invoice.date) }) })
    const paid = checkNumber(amount, null, invoice.currency, 'amount')
    const file = checkFile(advice, maxBytes)
    const errors = [day.error, paid.error, file.error].filter(Boolean)
    if (!paid.error && !(Number(paid.value) > 0)) errors.push(amount.fail(t('errPaidAmount')))
    if (errors.length) return invalid(form, errors)
    const restore = busy(submit)
    try {
      const text = reference.input.value.trim()
      await call('reportPayment', { paidOn: day.value, amount: Number(paid.value), ...(text && { reference: text }) })
      // The payment is recorded whatever becomes of the file: a file refused is said on the page, the report stays.
      let fileRefused = null
      if (file.value)
        try {
          await call('attachRemittanceAdvice', { fileName: file.value.name, content: await base64Of(file.value) })
        } catch (error) {
          fileRefused = inlineMessage(error)
        }
      await refreshView({ paymentReport: { paidOn: day.value, amount: paid.value, reference: text || null, remittanceAdvice: null } })
      renderInvoice({ title: t('thanksTitle'), text: fileRefused ? `${t('paidText')} ${t('remittanceNotAttached', { reason: fileRefused })}` : t('paidText') })
      main.dataset.state = 'paymentReported'
    } catch (error) {
      restore()
      if (error.status === 400 || error.status === 409 || error.status === 429) return inlineError(form, inlineMessage(error))
      showApiError(error, () => renderPaidForm())
    }
  })
  show('paid', h('div', { class: 'layout layout--single' }, compactSummary(invoice), form))
  focusHeading()
}

// Wrong contact

function renderContactForm() {
  const invoice = state.view.invoice || {}
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'contact-title', 'data-testid': 'contact-form' })
  const name = field({ label: t('contactName'), input: h('input', { type: 'text', name: 'name', autocomplete: 'name', maxlength: String(NAME_MAX), required: true, 'aria-required': 'true' }) })
  const email = field({
    label: t('contactEmail'),
    input: h('input', { type: 'email', name: 'email', autocomplete: 'email', inputmode: 'email', maxlength: String(EMAIL_MAX), required: true, 'aria-required': 'true', spellcheck: 'false' }),
  })
  const submit = h('button', { type: 'submit', class: 'button button--primary button--large', text: t('sendContact') })
  append(form, [
    h('h1', { id: 'contact-title', text: t('contactHeading'), 'data-focus': true }),
    h('p', { class: 'muted', text: t('contactIntro') }),
    name.node,
    email.node,
    h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'button button--secondary', text: t('cancel'), onclick: backToInvoice })),
  ])
  form.addEventListener('submit', async event => {
    event.preventDefault()
    const errors = []
    const nameValue = name.input.value.trim()
    const emailValue = email.input.value.trim()
    if (!nameValue) errors.push(name.fail(t('errNameRequired')))
    else name.clear()
    if (!emailValue) errors.push(email.fail(t('errEmailRequired')))
    else if (!EMAIL.test(emailValue) || emailValue.length > EMAIL_MAX) errors.push(email.fail(t('errEmailFormat')))
    else email.clear()
    if (errors.length) return invalid(form, errors)
    const restore = busy(submit)
    try {
      const outcome = await call('proposeContact', { name: nameValue, email: emailValue })
      await refreshView({ contactProposed: true })
      renderInvoice({ title: t('proposedTitle'), text: outcome.status === 'alreadyProposed' ? t('alreadyProposedText') : t('proposedText') })
      main.dataset.state = 'proposed'
    } catch (error) {
      restore()
      if (error.status === 400 || error.status === 409 || error.status === 429) return inlineError(form, inlineMessage(error))
      showApiError(error, () => renderContactForm())
    }
  })
  show('contact', h('div', { class: 'layout layout--single' }, compactSummary(invoice), form))
  focusHeading()
}

// Survey

function renderSurvey() {
  const view = state.view
  if (view.surveyAnswered) return renderSurveyThanks(true)
  const invoice = view.invoice
  const form = h('form', { class: 'card form survey', novalidate: true, 'aria-labelledby': 'survey-title', 'data-testid': 'survey-form' })

  const csatError = h('p', { class: 'field-error', id: uid('csat-error'), hidden: true })
  const csatChoice = h('p', { class: 'scale__choice', 'aria-hidden': 'true' })
  const csat = scale({
    name: 'csat',
    values: [1, 2, 3, 4, 5],
    legend: t('csatQuestion'),
    label: n => t(`csat_${n}`),
    low: t('csat_1'),
    high: t('csat_5'),
    extra: [csatChoice, csatError],
    describedBy: csatError.id,
    onChange: n => {
      csatChoice.textContent = `${n} – ${t(`csat_${n}`)}`
      csatError.hidden = true
      settleAlert(form)
    },
  })
  const nps = scale({
    name: 'nps',
    values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    legend: t('npsQuestion'),
    label: n => t('npsValue', { n }),
    low: t('nps_low'),
    high: t('nps_high'),
    compact: true,
  })
  const comment = textArea('comment', t('surveyComment'), SURVEY_COMMENT_MAX)
  const submit = h('button', { type: 'submit', class: 'button button--primary button--large', text: t('sendSurvey') })

  append(form, [
    invoice?.number && h('p', { class: 'eyebrow', text: t('surveyAbout', { number: invoice.number }) }),
    h('h1', { id: 'survey-title', text: t('surveyHeading'), 'data-focus': true }),
    csat.node,
    nps.node,
    comment.node,
    h('div', { class: 'form-actions' }, submit),
  ])

  form.addEventListener('submit', async event => {
    event.preventDefault()
    const errors = []
    const score = csat.value()
    if (score === null) {
      csatError.textContent = t('errCsatRequired')
      csatError.hidden = false
      errors.push(csat.first)
    } else csatError.hidden = true
    const text = comment.input.value.trim()
    if (text.length > SURVEY_COMMENT_MAX) errors.push(comment.fail(t('errCommentLength', { max: SURVEY_COMMENT_MAX })))
    if (errors.length) return invalid(form, errors)
    const body = { csat: score }
    const recommend = nps.value()
    if (recommend !== null) body.nps = recommend
    if (text) body.comment = text
    const restore = busy(submit)
    try {
      const outcome = await call('answerSurvey', body)
      renderSurveyThanks(outcome.status === 'alreadyAnswered')
    } catch (error) {
      restore()
      if (error.status === 400 || error.status === 409 || error.status === 429) return inlineError(form, inlineMessage(error))
      showApiError(error, () => renderSurvey())
    }
  })

  show('survey', h('div', { class: 'layout layout--single' }, form))
  focusHeading()
}

/** A row of large radio buttons (native radios: arrow keys move, Space selects), with the ends labelled. */
function scale({ name, values, legend, label, low, high, extra = [], describedBy, onChange, compact }) {
  const group = uid(name)
  const inputs = values.map(n => h('input', { type: 'radio', name: group, id: `${group}-${n}`, value: String(n), class: 'scale__input' }))
  const node = h(
    'fieldset',
    { class: `scale ${compact ? 'scale--compact' : ''}`.trim(), 'data-scale': name, 'aria-describedby': describedBy || null },
    h('legend', { text: legend }),
    h(
      'div',
      { class: 'scale__options' },
      inputs.map((input, i) =>
        h(
          'div',
          { class: 'scale__option' },
          input,
          h('label', { for: input.id, class: 'scale__button' }, h('span', { class: 'scale__number', 'aria-hidden': 'true', text: String(values[i]) }), h('span', { class: 'visually-hidden', text: compact ? label(values[i]) : `${values[i]} – ${label(values[i])}` }), !compact && h('span', { class: 'scale__label', 'aria-hidden': 'true', text: label(values[i]) }))
        )
      )
    ),
    h('div', { class: 'scale__ends', 'aria-hidden': 'true' }, h('span', { text: low }), h('span', { text: high })),
    extra
  )
  if (onChange) inputs.forEach(input => input.addEventListener('change', () => onChange(Number(input.value))))
  return {
    node,
    first: inputs[0],
    value() {
      const checked = inputs.find(i => i.checked)
      return checked ? Number(checked.value) : null
    },
  }
}

function renderSurveyThanks(already) {
  show(
    already ? 'survey-already' : 'survey-answered',
    h(
      'section',
      { class: 'card state state--success', 'aria-labelledby': 'thanks-title' },
      icon('check'),
      h('h1', { id: 'thanks-title', text: t('surveyThanksTitle'), 'data-focus': true }),
      h('p', { class: 'state__text', text: already ? t('surveyAlreadyText') : t('surveyThanksText') })
    )
  )
  announce(`${t('surveyThanksTitle')} ${already ? t('surveyAlreadyText') : t('surveyThanksText')}`)
  focusHeading()
}

// Statement of account: the month's figures, what was posted, what was open at its end and how old, the PDF; and
// the customer's one answer: the balance is right, or something differs (items flagged with a reason, the balance in
// its own books, a comment, its own statement as a file).

/** The month of a statement as the reader names it (October 2026, Oktober 2026, 2026年10月). */
function month(value) {
  if (!value) return '–'
  const d = new Date(`${String(value).slice(0, 10)}T00:00:00Z`)
  if (Number.isNaN(d.getTime())) return String(value)
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(d)
}

/** FI's document types a customer meets on a statement, in words (as the statement's PDF names them). */
const DOCUMENT_KINDS = { RV: 'docInvoice', DR: 'docInvoice', DG: 'docCreditMemo', G2: 'docCreditMemo', DZ: 'docPayment', AB: 'docClearing' }

/** A statement line or open item as the customer knows it: an invoice by its number, a payment by FI's. */
function documentLabel(item) {
  const kind = DOCUMENT_KINDS[item.documentType]
  const number = (kind === 'docInvoice' || kind === 'docCreditMemo') && item.billingDocument ? item.billingDocument : item.accountingDocument
  if (kind) return t(kind, { number: number || '' })
  return t('docOther', { number: item.billingDocument || item.accountingDocument || '', type: item.documentType || '–' })
}

const AGING_KEYS = ['aging_0', 'aging_1', 'aging_2', 'aging_3', 'aging_4']

/** The statement with the answer it takes or took; flash: the thank-you state after the answer; focus: after Cancel. */
function renderStatement(flash, { focus = false } = {}) {
  const view = state.view
  const statement = view.statement || {}
  document.title = t('statementPageTitle')
  const layout = h(
    'div',
    { class: 'layout layout--statement' },
    statementSummaryCard(view, flash ? 'h2' : 'h1'),
    statementAnswerCard(view),
    statementLinesCard(statement),
    openItemsCard(statement),
    agingCard(statement)
  )
  show('statement', flash && flashBanner(flash), layout)
  if (flash) announce(`${flash.title}. ${flash.text}`)
  if (flash || focus) focusHeading()
}

const backToStatement = () => renderStatement(null, { focus: true })

function statementSummaryCard(view, headingTag) {
  const statement = view.statement || {}
  const currency = statement.currency
  return h(
    'section',
    { class: 'card summary', 'aria-labelledby': 'statement-title' },
    view.customerName && h('p', { class: 'eyebrow' }, h('span', { class: 'visually-hidden', text: `${t('customer')}: ` }), view.customerName),
    h(headingTag, { id: 'statement-title', class: 'summary__title', text: t('statementHeading', { period: month(statement.periodStart) }) }),
    h(
      'div',
      { class: 'summary__due' },
      h(
        'div',
        { class: 'amount-block' },
        h('span', { class: 'amount-block__label', text: t('closingBalanceOn', { date: date(statement.periodEnd) }) }),
        h('span', { class: 'amount amount--big', 'data-testid': 'closing-balance', text: money(statement.closingBalance, currency) })
      ),
      h('div', { class: 'amount-block' }, h('span', { class: 'amount-block__label', text: t('statementDate') }), h('span', { class: 'amount-block__date', text: date(statement.statementDate) }))
    ),
    h(
      'dl',
      { class: 'facts' },
      fact(t('statementPeriod'), t('periodRange', { from: date(statement.periodStart), to: date(statement.periodEnd) })),
      fact(t('openingBalance'), money(statement.openingBalance, currency), true),
      fact(t('debits'), money(statement.debits, currency), true),
      fact(t('credits'), money(statement.credits, currency), true),
      fact(t('closingBalance'), money(statement.closingBalance, currency), true, 'fact--total')
    ),
    documentButtons({}, { action: 'statementPdf', fileName: 'statement.pdf', viewLabel: t('viewStatementPdf') })
  )
}

/** The question while the statement takes an answer; the answer once given. */
function statementAnswerCard(view) {
  const statement = view.statement || {}
  const answer = view.answer
  const card = h('section', { class: 'card actions', 'aria-labelledby': 'actions-title', 'data-testid': 'statement-answer' })
  if (answer) {
    const confirmed = answer.status === 'confirmed'
    const given = [
      answer.customerBalance !== null && answer.customerBalance !== undefined && fact(t('yourBalance'), money(answer.customerBalance, statement.currency), true),
      answer.comment && fact(t('yourComment'), answer.comment),
      answer.attachmentName && fact(t('yourFile'), answer.attachmentName),
    ].filter(Boolean)
    return append(card, [
      h('h2', { id: 'actions-title', class: 'with-icon' }, icon(confirmed ? 'check-small' : 'info'), h('span', { text: t(confirmed ? 'statementConfirmedHeading' : 'statementDisagreedHeading') })),
      h('p', { text: t(confirmed ? 'statementConfirmedOn' : 'statementDisagreedOn', { at: timestamp(answer.at) }) }),
      given.length > 0 && h('dl', { class: 'facts facts--compact', 'data-testid': 'statement-answer-given' }, given),
    ])
  }
  if (!statement.answerable) return null
  return append(card, [
    h('h2', { id: 'actions-title', text: t('balanceQuestion') }),
    h('p', { class: 'muted', text: t('balanceQuestionHint') }),
    h(
      'div',
      { class: 'button-stack' },
      h('button', { type: 'button', class: 'button button--primary button--large', 'data-action': 'confirmStatement', onclick: onConfirmStatement }, icon('check-small'), h('span', { text: t('confirmBalance') })),
      h('button', { type: 'button', class: 'button button--secondary button--large', 'data-action': 'disagree', onclick: renderDisagreeForm, text: t('somethingDiffers') })
    ),
  ])
}

/** A table on a wide screen, a stacked list on a phone (as the invoice's lines); the document cell heads each row. */
function statementTable(labelledBy, columns, rows, { rowData = row => ({ line: String(row.lineNo) }), className = 'statement-table' } = {}) {
  const head = h(
    'thead',
    { role: 'rowgroup' },
    h(
      'tr',
      { role: 'row' },
      columns.map(c => h('th', { scope: 'col', role: 'columnheader', class: c.num ? 'num' : null, text: c.label }))
    )
  )
  const body = h(
    'tbody',
    { role: 'rowgroup' },
    rows.map(row =>
      h(
        'tr',
        { role: 'row', class: row.flagged ? 'is-flagged' : null, dataset: rowData(row) },
        columns.map(c => h('td', { role: 'cell', class: c.class || null, 'data-label': c.label }, c.value(row)))
      )
    )
  )
  return h('div', { class: 'table-wrap' }, h('table', { class: `lines-table ${className}`, role: 'table', 'aria-labelledby': labelledBy }, head, body))
}

function statementLinesCard(statement) {
  const lines = Array.isArray(statement.lines) ? statement.lines : []
  const card = h('section', { class: 'card lines', 'aria-labelledby': 'statement-lines-title', 'data-testid': 'statement-lines' }, h('h2', { id: 'statement-lines-title', text: t('statementLinesHeading', { period: month(statement.periodStart) }) }))
  if (!lines.length) return append(card, [h('p', { class: 'muted', text: t('noStatementLines') })])
  const columns = [
    {
      label: t('colDocument'),
      class: 'col-description',
      value: line => [h('span', { text: documentLabel(line) }), line.flagged && h('span', { class: 'flag-badge', text: t('flaggedAs', { reason: reasonText(line.flagReason) }) })],
    },
    { label: t('colPostingDate'), value: line => date(line.postingDate) },
    { label: t('colReference'), value: line => line.purchaseOrder || '–' },
    { label: t('colDueDate'), value: line => date(line.netDueDate) },
    { label: t('colStatementAmount'), num: true, class: 'num amount', value: line => money(line.amount, statement.currency) },
  ]
  return append(card, [statementTable('statement-lines-title', columns, lines)])
}

function openItemsCard(statement) {
  const items = Array.isArray(statement.openItems) ? statement.openItems : []
  const card = h('section', { class: 'card open-items', 'aria-labelledby': 'open-items-title', 'data-testid': 'open-items' }, h('h2', { id: 'open-items-title', text: t('openItemsHeading', { date: date(statement.periodEnd) }) }))
  if (!items.length) return append(card, [h('p', { class: 'muted', text: t('noOpenItems') })])
  const columns = [
    { label: t('colDocument'), class: 'col-description', value: item => documentLabel(item) },
    { label: t('colReference'), value: item => item.purchaseOrder || '–' },
    { label: t('colDueDate'), value: item => date(item.netDueDate) },
    { label: t('colDaysOverdue'), class: 'days-overdue', value: item => (item.daysOverdue > 0 ? t('daysOverdue', { days: item.daysOverdue }) : t('notDue')) },
    { label: t('colStatementAmount'), num: true, class: 'num amount', value: item => money(item.amount, statement.currency) },
  ]
  return append(card, [statementTable('open-items-title', columns, items)])
}

function agingCard(statement) {
  const aging = Array.isArray(statement.aging) ? statement.aging : []
  if (!aging.length) return null
  return h(
    'section',
    { class: 'card aging', 'aria-labelledby': 'aging-title', 'data-testid': 'aging' },
    h('h2', { id: 'aging-title', text: t('agingHeading') }),
    h(
      'dl',
      { class: 'facts facts--compact' },
      aging.map(bucket => fact(t(AGING_KEYS[bucket.bucket] || 'aging_4'), money(bucket.amount, statement.currency), true, bucket.bucket > 0 && Number(bucket.amount) !== 0 ? 'fact--overdue' : null))
    )
  )
}

/** Reads the statement again after an answer, so the page shows what the server now holds; else patches it. */
async function refreshStatement(patch) {
  try {
    state.view = normalizeView(await call('view'))
  } catch {
    Object.assign(state.view, patch)
  }
}

async function onConfirmStatement(event) {
  const button = event.currentTarget
  const restore = busy(button)
  try {
    const outcome = await call('confirmStatement')
    await refreshStatement({ answer: { status: 'confirmed', at: outcome.at }, statement: { ...state.view.statement, status: 'confirmed', answerable: false } })
    const statement = state.view.statement || {}
    renderStatement({ title: t('thanksTitle'), text: t('statementConfirmedText', { amount: money(statement.closingBalance, statement.currency) }) })
    main.dataset.state = 'statement-confirmed'
  } catch (error) {
    restore()
    if (error.status === 400 || error.status === 409 || error.status === 429) return inlineError(button.closest('.card'), inlineMessage(error))
    showApiError(error, () => renderStatement())
  }
}

/** The statement's figures above a form about it. */
function compactStatementSummary(view) {
  const statement = view.statement || {}
  return h(
    'section',
    { class: 'card summary summary--compact', 'aria-label': t('statementHeading', { period: month(statement.periodStart) }) },
    view.customerName && h('p', { class: 'eyebrow', text: view.customerName }),
    h(
      'div',
      { class: 'summary__row' },
      h('span', { class: 'summary__number', text: t('statementHeading', { period: month(statement.periodStart) }) }),
      h('span', { class: 'amount amount--medium', text: money(statement.closingBalance, statement.currency) })
    ),
    h('p', { class: 'muted', text: t('closingBalanceOn', { date: date(statement.periodEnd) }) })
  )
}

/** A statement line to flag: a checkbox, and once checked its reason (required) and a comment. */
function flagOption(line, currency) {
  const checkbox = h('input', { type: 'checkbox', id: uid('flag'), value: String(line.lineNo), 'data-line': String(line.lineNo) })
  const reasonSelect = h(
    'select',
    { name: 'reason', required: true, 'aria-required': 'true' },
    h('option', { value: '', text: t('reasonChoose') }),
    reasons().map(r => h('option', { value: r.code, text: r.name }))
  )
  const reason = field({ label: t('flagReason'), input: reasonSelect })
  const comment = field({ label: t('flagComment'), input: h('textarea', { name: 'lineComment', rows: 2, maxlength: String(COMMENT_MAX) }) })
  const details = h('div', { class: 'line-option__details', hidden: true }, reason.node, comment.node)
  checkbox.addEventListener('change', () => {
    details.hidden = !checkbox.checked
    node.classList.toggle('is-checked', checkbox.checked)
  })
  const node = h(
    'div',
    { class: 'line-option', 'data-line': String(line.lineNo) },
    h(
      'div',
      { class: 'line-option__head' },
      checkbox,
      h(
        'label',
        { for: checkbox.id, class: 'line-option__label' },
        h('span', { class: 'line-option__title' }, h('span', { text: documentLabel(line) })),
        h('span', { class: 'line-option__meta' }, h('span', { text: date(line.postingDate) }), h('span', { class: 'amount', text: money(line.amount, currency) }))
      )
    ),
    details
  )
  return { node, checkbox, reason, comment, line }
}

/** The balance a person typed: { value } (a decimal string with at most 3 decimals, or null) or { error }. */
function checkBalance(f) {
  const value = parseDecimal(f.input.value)
  if (value === null) {
    f.clear()
    return { value: null }
  }
  if (typeof value !== 'string') return { error: f.fail(t('errBalanceFormat', { example: numberExample() })) }
  const n = Number(value)
  if (!(n >= -1e14 && n < 1e14)) return { error: f.fail(t('errBalanceRange')) }
  f.clear()
  return { value }
}

function renderDisagreeForm() {
  const view = state.view
  const statement = view.statement || {}
  const lines = Array.isArray(statement.lines) ? statement.lines : []
  const currency = statement.currency
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'disagree-title', 'data-testid': 'disagree-form' })
  const flags = lines.map(line => flagOption(line, currency))
  const balance = field({
    label: t('ownBalance'),
    hint: t('ownBalanceHint', { date: date(statement.periodEnd), amount: money(statement.closingBalance, currency) }),
    input: h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', name: 'customerBalance' }),
    prefix: currency,
  })
  const comment = textArea('comment', t('statementComment'), COMMENT_MAX)
  const maxBytes = view.attachmentMaxBytes || 0
  const file = field({
    label: t('ownStatementFile'),
    hint: t('ownStatementFileHint', { size: megabytes(maxBytes) }),
    input: h('input', { type: 'file', name: 'attachment', accept: REMITTANCE_TYPES.join(',') }),
  })
  const submit = h('button', { type: 'submit', class: 'button button--primary button--large', text: t('sendDisagreement') })
  append(form, [
    h('h1', { id: 'disagree-title', text: t('disagreeHeading'), 'data-focus': true }),
    h('p', { class: 'muted', text: t('disagreeIntro') }),
    lines.length > 0 && h('fieldset', { class: 'scope-panel line-options', 'data-testid': 'flag-lines' }, h('legend', { text: t('flagLegend') }), flags.map(f => f.node)),
    balance.node,
    comment.node,
    file.node,
    h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'button button--secondary', text: t('cancel'), onclick: backToStatement })),
  ])

  form.addEventListener('submit', async event => {
    event.preventDefault()
    const errors = []
    const body = { lines: [] }
    for (const flag of flags) {
      if (!flag.checkbox.checked) continue
      const entry = { lineNo: flag.line.lineNo, reason: flag.reason.input.value }
      if (!reasons().some(r => r.code === entry.reason)) errors.push(flag.reason.fail(t('errReasonRequired')))
      else flag.reason.clear()
      const text = flag.comment.input.value.trim()
      if (text.length > COMMENT_MAX) errors.push(flag.comment.fail(t('errCommentLength', { max: COMMENT_MAX })))
      else if (text) entry.comment = text
      body.lines.push(entry)
    }
    const own = checkBalance(balance)
    if (own.error) errors.push(own.error)
    else if (own.value !== null) body.customerBalance = own.value
    const text = comment.input.value.trim()
    if (text.length > COMMENT_MAX) errors.push(comment.fail(t('errCommentLength', { max: COMMENT_MAX })))
    else {
      comment.clear()
      if (text) body.comment = text
    }
    const chosen = checkFile(file, maxBytes)
    if (chosen.error) errors.push(chosen.error)
    if (errors.length) return invalid(form, errors)
    if (!body.lines.length && body.customerBalance === undefined && body.comment === undefined) {
      inlineError(form, t('errDisagreeNeedsWhat'))
      return
    }
    const restore = busy(submit)
    try {
      if (chosen.value) Object.assign(body, { attachmentName: chosen.value.name.slice(0, 255), attachment: await base64Of(chosen.value) })
      const outcome = await call('disagreeWithStatement', body)
      await refreshStatement({ answer: { status: 'disagreed', at: outcome.at, customerBalance: body.customerBalance ?? null, comment: body.comment ?? null }, statement: { ...statement, status: 'disagreed', answerable: false } })
      renderStatement({ title: t('statementDisagreedTitle'), text: t('statementDisagreedText') })
      main.dataset.state = 'statement-disagreed'
    } catch (error) {
      restore()
      if (error.status === 400 || error.status === 409 || error.status === 429) return inlineError(form, inlineMessage(error))
      showApiError(error, () => renderDisagreeForm())
    }
  })

  show('statement-disagree', h('div', { class: 'layout layout--single' }, compactStatementSummary(view), form))
  focusHeading()
}

// ---------------------------------------------------------------------------------------------------------------
// The customer's account, through a link of purpose account: what it owes, its open invoices with what was said about
// each (and the way to each one's page, as through the invoice's own link), its orders and where they stand, its
// statements, its disputes and the invoices it paid in the last 12 months, each PDF a click away.

/** The account page; focusOn: the invoice whose row takes the focus (back from its page). */
function renderAccount({ focusOn } = {}) {
  const view = state.account
  const account = view.account || {}
  state.view = view
  document.title = t('accountPageTitle')
  const layout = h(
    'div',
    { class: 'layout layout--account' },
    accountSummaryCard(view),
    openInvoicesCard(account),
    ordersCard(account),
    accountStatementsCard(account),
    disputesCard(account),
    paidInvoicesCard(account),
    paymentCard(view)
  )
  show('account', layout)
  const back = focusOn && main.querySelector(`tr[data-invoice="${CSS.escape(focusOn)}"] [data-action="openInvoice"]`)
  if (back) back.focus()
}

function accountSummaryCard(view) {
  const account = view.account || {}
  const totals = Array.isArray(account.totals) ? account.totals : []
  const card = h(
    'section',
    { class: 'card summary', 'aria-labelledby': 'account-title', 'data-testid': 'account-summary' },
    view.customerName && h('p', { class: 'eyebrow' }, h('span', { class: 'visually-hidden', text: `${t('customer')}: ` }), view.customerName),
    h('h1', { id: 'account-title', class: 'summary__title', text: t('accountHeading') }),
    h('p', { class: 'muted', text: t('accountIntro', { date: date(account.asOf) }) })
  )
  if (!totals.length) return append(card, [h('p', { class: 'state-badge state-badge--paid', 'data-testid': 'nothing-open' }, icon('check-small'), h('span', { text: t('nothingOpen') }))])
  for (const total of totals)
    append(card, [
      h(
        'div',
        { class: 'summary__due', 'data-testid': 'account-total' },
        h(
          'div',
          { class: 'amount-block' },
          h('span', { class: 'amount-block__label', text: total.openInvoices === 1 ? t('totalOpenOne') : t('totalOpen', { count: total.openInvoices }) }),
          h('span', { class: 'amount amount--big', text: money(total.openAmount, total.currency) })
        ),
        h(
          'div',
          { class: `amount-block ${Number(total.overdueAmount) > 0 ? 'amount-block--overdue' : ''}`.trim() },
          h('span', { class: 'amount-block__label', text: total.overdueInvoices === 1 ? t('totalOverdueOne') : t('totalOverdue', { count: total.overdueInvoices }) }),
          h('span', { class: 'amount amount--medium', text: money(total.overdueAmount, total.currency) })
        )
      ),
    ])
  return card
}

/** A card of the account: its heading, its rows as a table (a stacked list on a phone), and how many more there are. */
function accountCard({ id, heading, testid, section, empty, columns, rowData }) {
  const items = section && Array.isArray(section.items) ? section.items : []
  const card = h('section', { class: `card account-section account-section--${id}`, 'aria-labelledby': `${id}-title`, 'data-testid': testid }, h('h2', { id: `${id}-title`, text: heading }))
  if (!items.length) return append(card, [h('p', { class: 'muted', text: empty })])
  append(card, [statementTable(`${id}-title`, columns, items, { rowData, className: 'statement-table account-table' })])
  if (section.more > 0) append(card, [h('p', { class: 'muted account-more', text: t('moreNotShown', { count: section.more }) })])
  return card
}

const invoiceLabel = invoice => t(invoice.kind === 'creditMemo' ? 'docCreditMemo' : 'docInvoice', { number: invoice.number || invoice.invoice || '' })

/** What was said about an open invoice, and whether it is late: small labels under its number. */
function invoiceBadges(invoice) {
  const badges = [
    invoice.overdue && ['overdue', invoice.daysOverdue === 1 ? t('badgeOverdueOne') : t('badgeOverdue', { days: invoice.daysOverdue })],
    invoice.disputed && ['disputed', t('badgeDisputed', { status: t(`status_${invoice.disputeStatus || 'Open'}`) })],
    invoice.paymentReportedOn && ['reported', t('badgeReported', { date: date(invoice.paymentReportedOn) })],
    invoice.promisedDate && ['promised', t('badgePromised', { date: date(invoice.promisedDate) })],
    invoice.confirmed && ['confirmed', t('badgeConfirmed')],
    invoice.sent && !invoice.confirmed && !invoice.disputed && ['sent', t('badgeSent')],
  ].filter(Boolean)
  if (!badges.length) return null
  return h(
    'ul',
    { class: 'badges', 'data-testid': 'invoice-states', 'aria-label': t('colState') },
    badges.map(([kind, text]) => h('li', { class: `badge badge--${kind}`, dataset: { state: kind }, text }))
  )
}

/** A button that saves a document's PDF: an invoice's from S/4HANA, a statement's. */
function pdfButton({ action, body, fileName, label }) {
  const button = h('button', { type: 'button', class: 'button button--secondary button--compact', 'data-action': 'downloadPdf', 'aria-label': label, text: t('pdfShort') })
  button.addEventListener('click', () => openDocument(button, button.parentElement, { action, body, fileName, save: true }))
  return button
}

const invoicePdfButton = invoice =>
  pdfButton({ action: 'invoiceDocument', body: { invoice: invoice.number }, fileName: `${invoice.number}.pdf`, label: t('downloadInvoicePdf', { number: invoice.number }) })

function openInvoicesCard(account) {
  return accountCard({
    id: 'open-invoices',
    heading: t('openInvoicesHeading'),
    testid: 'open-invoices',
    section: account.openInvoices,
    empty: t('noOpenInvoices'),
    rowData: invoice => ({ invoice: invoice.number }),
    columns: [
      { label: t('colDocument'), class: 'col-description', value: invoice => [h('span', { class: 'row-title', text: invoiceLabel(invoice) }), invoiceBadges(invoice)] },
      { label: t('colReference'), value: invoice => invoice.purchaseOrder || '–' },
      { label: t('colDueDate'), value: invoice => date(invoice.dueDate) },
      { label: t('openAmount'), num: true, class: 'num amount', value: invoice => money(invoice.openAmount, invoice.currency) },
      {
        label: t('colActions'),
        class: 'row-actions',
        value: invoice => {
          const open = h('button', { type: 'button', class: 'button button--primary button--compact', 'data-action': 'openInvoice', 'aria-label': t('openInvoiceNamed', { number: invoice.number }), text: t('openInvoice') })
          open.addEventListener('click', () => openAccountInvoice(invoice.number, open))
          return [open, invoicePdfButton(invoice)]
        },
      },
    ],
  })
}

function ordersCard(account) {
  const progress = (kind, value) => h('span', { class: `progress progress--${value || 'notRelevant'}`, text: t(`${kind}_${value || 'notRelevant'}`) })
  return accountCard({
    id: 'orders',
    heading: t('ordersHeading'),
    testid: 'orders',
    section: account.orders,
    empty: t('noOrders'),
    rowData: order => ({ order: order.number }),
    columns: [
      {
        label: t('colOrder'),
        class: 'col-description',
        value: order => [h('span', { class: 'row-title', text: t('orderLabel', { number: stripZeros(order.number) }) }), order.blocked && h('ul', { class: 'badges' }, h('li', { class: 'badge badge--overdue', text: t('orderBlocked') }))],
      },
      { label: t('colReference'), value: order => order.purchaseOrder || '–' },
      { label: t('colOrderDate'), value: order => date(order.date) },
      { label: t('colStatementAmount'), num: true, class: 'num amount', value: order => money(order.netAmount, order.currency) },
      { label: t('colProcessing'), value: order => progress('processing', order.processing) },
      { label: t('colDelivery'), value: order => progress('delivery', order.delivery) },
      { label: t('colBilling'), value: order => progress('billing', order.billing) },
    ],
  })
}

function accountStatementsCard(account) {
  return accountCard({
    id: 'statements',
    heading: t('statementsHeading'),
    testid: 'statements',
    section: account.statements,
    empty: t('noStatements'),
    rowData: statement => ({ statement: statement.ID }),
    columns: [
      {
        label: t('statementPeriod'),
        class: 'col-description',
        value: statement => [
          h('span', { class: 'row-title', text: t('statementHeading', { period: month(statement.periodStart) }) }),
          h('ul', { class: 'badges' }, h('li', { class: `badge badge--statement-${statement.status}`, text: t(`statementStatus_${statement.status}`) })),
        ],
      },
      { label: t('statementDate'), value: statement => date(statement.statementDate) },
      { label: t('closingBalance'), num: true, class: 'num amount', value: statement => money(statement.closingBalance, statement.currency) },
      {
        label: t('colActions'),
        class: 'row-actions',
        value: statement =>
          pdfButton({ action: 'statementPdf', body: { statement: statement.ID }, fileName: 'statement.pdf', label: t('downloadStatementPdf', { period: month(statement.periodStart) }) }),
      },
    ],
  })
}

function disputesCard(account) {
  return accountCard({
    id: 'disputes',
    heading: t('disputesHeading'),
    testid: 'disputes',
    section: account.disputes,
    empty: t('noDisputes'),
    rowData: dispute => ({ invoice: dispute.invoice }),
    columns: [
      {
        label: t('colDocument'),
        class: 'col-description',
        value: dispute => [
          h('span', { class: 'row-title', text: t('docInvoice', { number: dispute.invoice }) }),
          h('ul', { class: 'badges' }, h('li', { class: `badge badge--dispute-${String(dispute.status || 'Open').toLowerCase()}`, text: t(`status_${dispute.status || 'Open'}`) })),
        ],
      },
      { label: t('reasonLabel'), value: dispute => (dispute.reason ? reasonText(dispute.reason) : '–') },
      { label: t('raisedLabel'), value: dispute => date(dispute.raisedAt) },
      {
        label: t('outcomeLabel'),
        class: 'col-outcome',
        value: dispute => h('div', { class: 'outcome' }, h('span', { text: dispute.outcome ? t(`outcome_${dispute.outcome}`) : '–' }), dispute.resolution && h('span', { class: 'resolution', text: dispute.resolution })),
      },
    ],
  })
}

function paidInvoicesCard(account) {
  return accountCard({
    id: 'paid-invoices',
    heading: t('paidInvoicesHeading'),
    testid: 'paid-invoices',
    section: account.paidInvoices,
    empty: t('noPaidInvoices'),
    rowData: invoice => ({ invoice: invoice.number }),
    columns: [
      { label: t('colDocument'), class: 'col-description', value: invoice => h('span', { class: 'row-title', text: invoiceLabel(invoice) }) },
      { label: t('invoiceDate'), value: invoice => date(invoice.date) },
      { label: t('colPaidOn'), value: invoice => date(invoice.clearingDate) },
      { label: t('colStatementAmount'), num: true, class: 'num amount', value: invoice => money(invoice.grossAmount, invoice.currency) },
      { label: t('colActions'), class: 'row-actions', value: invoice => invoicePdfButton(invoice) },
    ],
  })
}

/** One of the account's open invoices, on the page an invoice's own link shows: every request about it names it. */
async function openAccountInvoice(number, button) {
  const restore = busy(button)
  state.invoice = number
  try {
    state.view = normalizeView(await call('view'))
  } catch (error) {
    state.invoice = null
    state.view = state.account
    restore()
    if (error.status === 400 || error.status === 404 || error.status === 429) return inlineError(button.parentElement, inlineMessage(error))
    return showApiError(error, () => renderAccount())
  }
  document.title = t('pageTitle')
  renderInvoice(null, { focus: true })
}

/** On an invoice opened from the account: the way back to it. */
function backToAccountBar() {
  if (!state.account) return null
  return h(
    'nav',
    { class: 'back-bar', 'aria-label': t('accountHeading') },
    h('button', { type: 'button', class: 'button button--link', 'data-action': 'backToAccount', onclick: backToAccount }, h('span', { 'aria-hidden': 'true', text: '← ' }), h('span', { text: t('backToAccount') }))
  )
}

/** Back to the account, read again: it shows what was just said about the invoice. */
async function backToAccount() {
  const number = state.invoice
  state.invoice = null
  renderLoading()
  try {
    state.account = normalizeView(await call('view'))
  } catch {
    // The account as it was shown last: still the customer's, if not up to date.
  }
  renderAccount({ focusOn: number })
}

// ---------------------------------------------------------------------------------------------------------------
// Start

/** Only what the page uses, with the types it expects: the View is data, never markup. */
function normalizeView(data) {
  const view = data && typeof data === 'object' && data.value && typeof data.value === 'object' && !('purpose' in data) ? data.value : data
  if (!view || typeof view !== 'object') throw new ApiError(502, 'badResponse')
  return view
}

async function load() {
  renderLoading()
  try {
    state.view = normalizeView(await call('view'))
  } catch (error) {
    // Only a statement's link is refused on opening with 409: a statement AR has not sent (yet).
    if (error.status === 409) return renderError('statementNotReady')
    return showApiError(error, load)
  }
  setLanguage(languageOf(state.view.language))
  showCompany(state.view.company)
  if (state.view.purpose === 'survey') renderSurvey()
  else if (state.view.purpose === 'invoiceResponse') renderInvoice()
  else if (state.view.purpose === 'statement') renderStatement()
  else if (state.view.purpose === 'account' && state.view.account) {
    state.account = state.view
    renderAccount()
  } else renderError('wrongPurpose')
}

function takeToken() {
  const fragment = location.hash.replace(/^#/, '')
  if (!fragment) return null
  const token = new URLSearchParams(fragment).get('t')
  // Out of the address bar (and so out of bookmarks, history and screenshots) at once.
  history.replaceState(history.state, '', location.pathname + location.search)
  return token && token.trim() ? token.trim() : null
}

function start() {
  setLanguage(state.lang)
  const token = takeToken()
  if (token) state.token = token
  if (!state.token) return renderError('noToken')
  load()
}

// A second link opened in the same tab only changes the fragment: start over with its token.
window.addEventListener('hashchange', () => {
  if (/(^#|&)t=/.test(location.hash)) {
    state.token = null
    state.view = null
    state.account = null
    state.invoice = null
    setLanguage(languageOf(navigator.language))
    start()
  }
})

start()
