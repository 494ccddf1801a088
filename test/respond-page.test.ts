// The customer's response page (app/respond) in headless Chromium against the real app: the mirror filled from
// the S/4HANA simulator, secure links issued as the e-mails would carry them, and RespondService behind the
// page. What a customer sees and does at 1280×800 and 360×740, in English, German and Chinese, and what lands in
// the database. Screenshots of every state at both widths go to .test-output/screenshots/.
import cds from '@sap/cds'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { runSync } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'
import { issueLink, revokeLinks } from '../srv/links'
import { resetFailures } from '../srv/links/rate-limit'
import { expectLayoutOk, mainText, pageOpener, pageState } from './browser/respond-page'
import { launchBrowser, newPage, screenshot, shootFailure, type FencedPage, type PageOptions } from './browser/chromium'
import { BillingDocumentItems, Customers, ReceivableItems } from '#cds-models/invoicecrm/mirror'
import { refreshReceivableStatus } from '../srv/sync/receivable-status'
import type { CompanySettings } from '../srv/respond/company'
import type { CdsDate } from '#cds-models/_'

/** A one-pixel PNG: the remittance advice a customer attaches. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

const M = 'invoicecrm.mirror'
const C = 'invoicecrm.crm'
const APP = join(__dirname, '../app/respond')
const CONTACT = 'ap@example.com'
const COMPANY = {
  name: 'Contoso Tools AG',
  logo: 'app/respond/brand/demo-logo.svg',
  contact: { email: 'forderungen@contoso-tools.example', phone: '+49 30 555 0100' },
  bank: { accountHolder: 'Contoso Tools AG', bankName: 'Testbank', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
}

const DESKTOP: PageOptions = { width: 1280, height: 800 }
const PHONE: PageOptions = { width: 360, height: 740, mobile: true }

interface Candidate {
  ID: string
  currency: string
  grossAmount: string
  payer_ID: string
  language: string
  name: string
  items: { item: string; description: string; quantity: string; unit: string; netAmount: string }[]
}

describe('customer response page in Chromium', function () {
  this.timeout(300_000)
  const { expect, axios } = cds.test(__dirname + '/..')
  const settings = s4Settings()
  const originalUrl = settings.url
  let sim: Simulator
  let browser: Browser
  let base: string
  const pages: FencedPage[] = []
  /** Invoices not used by a test yet: each test answers about its own one. */
  let candidates: Candidate[] = []

  const crm = () => (cds.env.requires as unknown as { crm: { dispatch: Record<string, unknown>; companies?: Record<string, CompanySettings> } }).crm
  let dispatch: Record<string, unknown>
  let companies: Record<string, CompanySettings> | undefined
  const mails: string[] = []

  before(async () => {
    // The company behind the invoices of company code 1710, as an installation configures it.
    companies = crm().companies
    crm().companies = { '1710': COMPANY }
    // Not about sending invoices: keep the dispatch that follows a sync from mailing the whole mirror meanwhile.
    dispatch = { ...crm().dispatch }
    Object.assign(crm().dispatch, { since: null, sinceDays: null })
    // Nor about mails: what the answers queue (e.g. the survey invitation after a confirmation) is recorded, not sent.
    const notifications = await cds.connect.to('customer-mail')
    notifications.prepend(() => notifications.on('*', req => void mails.push(req.event)))
    sim = createSimulator({ volume: 'small' })
    settings.url = await sim.listen(0)
    const summaries = await runSync('all')
    expect(summaries.map(s => s.status)).to.deep.equal(summaries.map(() => 'succeeded'))
    browser = await launchBrowser()
    base = axios.defaults.baseURL!
    // Other suites in this process may have used up the failed-link allowance of 127.0.0.1.
    await resetFailures()
    candidates = await invoices()
  })
  after(async () => {
    await browser?.close()
    await sim?.close()
    settings.url = originalUrl
    Object.assign(crm().dispatch, dispatch)
    crm().companies = companies
  })
  afterEach(async function () {
    // What the pages showed when the test failed, attached to its error for whoever reads the CI output.
    if (this.currentTest?.state === 'failed') await shootFailure(this.currentTest, pages.map(p => p.page))
    while (pages.length) await pages.pop()!.close()
  })

  /** Uncancelled invoices with at least two lines, with their payer's language and name. */
  async function invoices(): Promise<Candidate[]> {
    const docs = (await SELECT.from(`${M}.BillingDocuments`)
      .columns('ID', 'currency', 'grossAmount', 'payer_ID', 'isCancelled', 'type')
      .where({ type: 'F2' })
      .orderBy('ID')) as (Candidate & { isCancelled: boolean })[]
    const customers = new Map(((await SELECT.from(`${M}.Customers`).columns('ID', 'language', 'name')) as { ID: string; language: string; name: string }[]).map(c => [c.ID, c]))
    const items = (await SELECT.from(`${M}.BillingDocumentItems`).columns('billingDocument_ID', 'item', 'description', 'quantity', 'unit', 'netAmount').orderBy('item')) as (Candidate['items'][number] & {
      billingDocument_ID: string
    })[]
    return docs
      .filter(d => !d.isCancelled && customers.has(d.payer_ID))
      .map(d => ({ ...d, language: customers.get(d.payer_ID)!.language, name: customers.get(d.payer_ID)!.name, items: items.filter(i => i.billingDocument_ID === d.ID) }))
      .filter(d => d.items.length >= 2)
  }

  function take(language: string): Candidate {
    const index = candidates.findIndex(c => c.language === language)
    if (index < 0) throw new Error(`The simulator's small volume has no (more) uncancelled ${language} invoice with two lines`)
    return candidates.splice(index, 1)[0]
  }

  const open = pageOpener(() => browser, () => base, pages)

  const state = (page: Page, value: string) => pageState(page, value, pages.find(p => p.page === page))
  const main = (page: Page) => page.locator('main')
  /** As the page formats it, blanks normalized like mainText (de-DE puts a no-break space before the €). */
  const money = (value: string, currency: string, locale: string) =>
    new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value as unknown as number).replace(/\s+/g, ' ')

  /** Screenshots at the page's own width and at the other one (desktop ↔ phone), then back. */
  async function shots(page: Page, name: string) {
    const size = page.viewportSize()!
    const phone = size.width < 600
    await screenshot(page, `${name}-${phone ? 'phone' : 'desktop'}`)
    const other = phone ? DESKTOP : PHONE
    await page.setViewportSize({ width: other.width, height: other.height })
    await screenshot(page, `${name}-${phone ? 'desktop' : 'phone'}`)
    await expectLayoutOk(page, phone ? 'desktop' : 'phone')
    await page.setViewportSize(size)
  }


  it('desktop, English: shows the invoice, confirms it with the keyboard, thanks, and the confirmation is stored', async () => {
    const invoice = take('EN')
    const { token } = await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: CONTACT })
    const fenced = await open({ ...DESKTOP, locale: 'en-GB' }, `#t=${token}`)
    const { page } = fenced
    await state(page, 'invoice')

    // The token left the address bar (and so history and bookmarks) at once; the page keeps it in memory.
    expect(page.url()).to.equal(`${base}/respond/`)
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('en-GB')
    await page.getByRole('heading', { level: 1, name: `Invoice ${invoice.ID}` }).waitFor()
    const text = await mainText(page)
    expect(text).to.include(invoice.name)
    expect(text).to.include('Is this invoice correct?')
    expect(text).to.include(money(invoice.grossAmount, invoice.currency, 'en-GB'))
    for (const item of invoice.items) {
      expect(text).to.include(item.description)
      expect(text).to.include(money(item.netAmount, invoice.currency, 'en-GB'))
    }
    expect(await page.locator('table.lines-table tbody tr').count()).to.equal(invoice.items.length)
    expect(await page.getByRole('columnheader', { name: 'Quantity' }).isVisible()).to.equal(true)
    await expectLayoutOk(page, 'desktop invoice')
    await shots(page, 'invoice-en-1-view')

    // Keyboard only: Tab to the confirm button, Enter.
    const confirm = page.getByRole('button', { name: 'Yes, confirm the invoice' })
    for (let i = 0; i < 30 && !(await confirm.evaluate(b => b === document.activeElement)); i++) await page.keyboard.press('Tab')
    expect(await confirm.evaluate(b => b === document.activeElement), 'the confirm button is reachable with Tab').to.equal(true)
    await page.keyboard.press('Enter')
    await state(page, 'confirmed')

    expect(await page.getByRole('heading', { level: 1, name: 'Thank you!' }).isVisible()).to.equal(true)
    expect(await mainText(page)).to.include(`You confirmed invoice ${invoice.ID}. There is nothing else you need to do.`)
    expect(await page.evaluate(() => document.activeElement?.id), 'focus moves to the thank-you heading').to.equal('flash-title')
    await page.waitForFunction(() => document.getElementById('announcer')!.textContent!.includes('Thank you!'))
    expect(await page.getByRole('button', { name: 'Yes, confirm the invoice' }).count(), 'no confirm button any more').to.equal(0)
    expect(await mainText(page)).to.include('Invoice confirmed')
    await expectLayoutOk(page, 'desktop confirmed')
    await shots(page, 'invoice-en-2-confirmed')

    const conversation = (await SELECT.one.from(`${C}.InvoiceConversations`).where({ invoice_ID: invoice.ID })) as Record<string, unknown>
    expect(conversation.confirmedAt).to.be.a('string')
    expect(conversation).to.include({ confirmedBy: CONTACT, confirmationChannel: 'web' })

    // Reloading finds no token: it was never stored anywhere the browser keeps.
    const asked: string[] = []
    page.on('request', r => asked.push(r.url()))
    await page.reload()
    await state(page, 'error-noToken')
    expect(asked.filter(u => u.includes('/rest/'))).to.deep.equal([])
    expect(await page.getByRole('heading', { level: 1, name: 'This link is incomplete' }).isVisible()).to.equal(true)

    // The same link opened again shows the confirmation instead of the buttons.
    const again = await open({ ...DESKTOP, locale: 'en-GB' }, `#t=${token}`)
    await state(again.page, 'invoice')
    const later = await mainText(again.page)
    expect(later).to.include('Invoice confirmed')
    expect(later).to.include('You confirmed this invoice on')
    expect(await again.page.locator('[data-action="confirm"]').count()).to.equal(0)
    expect(await again.page.locator('[data-action="dispute"]').count(), 'a problem can still be reported').to.equal(1)
    fenced.assertClean()
    again.assertClean()
  })

  it('phone, Chinese: disputes two lines with a reason and a comment, with validation first, and the dispute is stored', async () => {
    const invoice = take('ZH')
    const [first, second] = invoice.items
    const { token } = await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: CONTACT })
    const fenced = await open({ ...PHONE, locale: 'zh-CN' }, `#t=${token}`)
    const { page } = fenced
    await state(page, 'invoice')

    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('zh-CN')
    await page.getByRole('heading', { level: 1, name: `发票 ${invoice.ID}` }).waitFor()
    const text = await mainText(page)
    for (const label of ['这张发票是否正确？', '发票明细', '未付金额', '到期日', '正确，确认发票', '不正确，报告问题', '我不是正确的联系人'])
      expect(text).to.include(label)
    expect(text).to.include(money(invoice.grossAmount, invoice.currency, 'zh-CN'))
    // On a phone the lines are a stacked list: each cell on its own row, labelled.
    const cell = page.locator('table.lines-table tbody tr').first().locator('td.num.amount')
    expect(await cell.evaluate(td => getComputedStyle(td).display)).to.equal('flex')
    expect(await cell.evaluate(td => getComputedStyle(td, '::before').content)).to.equal('"净额"')
    await expectLayoutOk(page, 'phone invoice')
    await shots(page, 'invoice-zh-1-view')

    await page.getByRole('button', { name: '不正确，报告问题' }).click()
    await state(page, 'dispute')
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal(`报告发票 ${invoice.ID} 的问题`)
    await page.getByText('特定明细行').click()
    await page.getByRole('checkbox', { name: new RegExp(`第 ${Number(first.item)} 行`) }).check()
    await page.getByRole('checkbox', { name: new RegExp(`第 ${Number(second.item)} 行`) }).check()
    const firstLine = page.locator(`.line-option[data-item="${first.item}"]`)
    const secondLine = page.locator(`.line-option[data-item="${second.item}"]`)

    // Too much for the line, and no reason: two clear messages, focus on the first.
    await firstLine.getByLabel('争议金额（可选）').fill(String(Number(first.netAmount) + 100))
    await page.getByRole('button', { name: '提交争议' }).click()
    await page.getByText('请选择原因。').waitFor()
    const tooMuch = `请输入 0 到 ${money(first.netAmount, invoice.currency, 'zh-CN')} 之间的金额。`
    expect(await firstLine.innerText()).to.include(tooMuch)
    expect(await page.getByRole('alert').innerText()).to.include('请更正标出的字段。')
    expect(await firstLine.getByLabel('争议金额（可选）').getAttribute('aria-invalid')).to.equal('true')
    expect(await page.evaluate(() => document.activeElement?.tagName)).to.equal('SELECT')
    await shots(page, 'invoice-zh-2-dispute-invalid')

    const disputedAmount = (Math.floor(Number(first.netAmount) * 50) / 100).toFixed(2)
    await firstLine.getByLabel('争议金额（可选）').fill(disputedAmount)
    const disputedQuantity = Math.min(1, Number(second.quantity))
    await secondLine.getByLabel('争议数量（可选）').fill(String(disputedQuantity))
    // The reasons and their texts come from the server's code list (db/data), in the customer's language.
    const codeList = readFileSync(join(__dirname, '../db/data/invoicecrm.codes-DisputeReasons_texts.csv'), 'utf8').split(/\r?\n/).map(line => line.split(';'))
    const offered = await page.getByLabel('原因 *').locator('option').allTextContents()
    expect(offered.slice(1)).to.deep.equal(codeList.filter(([, locale]) => locale === 'zh_CN').map(([, , name]) => name))
    await page.getByLabel('原因 *').selectOption({ label: '价格错误' })
    // Corrected fields lose their messages at once, and with the last one the summary goes too.
    expect(await firstLine.innerText()).not.to.include(tooMuch)
    expect(await page.getByText('请选择原因。').isVisible()).to.equal(false)
    expect(await page.getByRole('alert').count()).to.equal(0)
    const comment = '单价与合同不符，第二行数量多算了。'
    await page.getByLabel('备注（可选）').fill(comment)
    expect(await mainText(page)).to.include(`${comment.length}/2000 字`)
    await expectLayoutOk(page, 'phone dispute form')
    await shots(page, 'invoice-zh-3-dispute-form')

    await page.getByRole('button', { name: '提交争议' }).click()
    await state(page, 'disputed')
    expect(await page.getByRole('heading', { level: 1, name: '谢谢，我们已收到您的争议' }).isVisible()).to.equal(true)
    const after = await mainText(page)
    for (const label of ['您的争议', '已收到', '价格错误']) expect(after).to.include(label)
    // An open dispute leaves nothing to confirm or dispute.
    expect(await page.locator('[data-action="confirm"], [data-action="dispute"]').count()).to.equal(0)
    await expectLayoutOk(page, 'phone disputed')
    await shots(page, 'invoice-zh-4-disputed')

    const dispute = (await SELECT.one.from(`${C}.Disputes`).where({ invoice_ID: invoice.ID })) as Record<string, unknown>
    expect(dispute).to.include({ reason: 'wrongPrice', customerComment: comment, wholeInvoice: false, source: 'web', raisedBy: CONTACT, status: 'Open' })
    const lines = (await SELECT.from(`${C}.DisputeLines`).where({ dispute_ID: dispute.ID }).orderBy('item')) as Record<string, unknown>[]
    expect(lines.map(l => l.item)).to.deep.equal([first.item, second.item])
    expect(Number(lines[0].disputedAmount)).to.equal(Number(disputedAmount))
    expect(lines[0].disputedQuantity).to.equal(null)
    expect(lines[1].disputedAmount).to.equal(null)
    expect(Number(lines[1].disputedQuantity)).to.equal(disputedQuantity)
    fenced.assertClean()
  })

  it('phone, Chinese: promises to pay part by a date, then reports the payment with its remittance advice, each checked first, stored and on the timeline', async () => {
    const invoice = take('ZH')
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
    // Open and overdue, whatever FI said of it in the simulator.
    await UPDATE('invoicecrm.mirror.BillingDocuments', invoice.ID).set({ isCleared: false, openAmount: invoice.grossAmount, netDueDate: day(-12), openDueDate: day(-12) })
    const { token } = await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: CONTACT })
    const fenced = await open({ ...PHONE, locale: 'zh-CN' }, `#t=${token}`)
    const { page } = fenced
    await state(page, 'invoice')
    const card = page.getByTestId('commitments')
    expect(await card.innerText()).to.include('支付此发票')
    await page.getByRole('button', { name: '我将在某日前付款' }).click()
    await state(page, 'promise')

    // Nothing chosen, then a day beyond the window, and more than is open: each refused with its reason.
    await page.getByRole('button', { name: '提交承诺' }).click()
    await page.getByText('请选择日期。').waitFor()
    const horizon = cds.env.requires.collections.promiseHorizonDays as number
    await page.getByLabel('付款日期').fill(day(horizon + 5))
    await page.getByLabel('金额（可选）').fill(String(Number(invoice.grossAmount) + 1))
    await page.getByRole('button', { name: '提交承诺' }).click()
    await page.getByText(/请选择从今天到 .* 之间的日期。/).waitFor()
    expect(await page.locator('[data-testid="promise-form"]').innerText()).to.include(`请输入 0 到 ${money(invoice.grossAmount, invoice.currency, 'zh-CN')} 之间的金额。`)
    await expectLayoutOk(page, 'phone promise form')
    await shots(page, 'invoice-zh-5-promise-invalid')

    const part = (Math.floor(Number(invoice.grossAmount) * 40) / 100).toFixed(2)
    await page.getByLabel('付款日期').fill(day(7))
    await page.getByLabel('金额（可选）').fill(part)
    await page.getByRole('button', { name: '提交承诺' }).click()
    await state(page, 'promised')
    expect(await page.getByTestId('promise-open').innerText()).to.include(money(part, invoice.currency, 'zh-CN'))
    expect(await page.locator('[data-action="promise"]').count(), 'one open promise at a time').to.equal(0)
    const promise = (await SELECT.one.from('invoicecrm.collections.PaymentPromises').where({ invoice_ID: invoice.ID })) as Record<string, unknown>
    expect(promise).to.include({ promisedDate: day(7), status: 'open', source: 'web', promisedBy: CONTACT })
    expect(Number(promise.amount)).to.equal(Number(part))
    expect(promise.promisedFrom).to.be.a('string')
    await shots(page, 'invoice-zh-6-promised')

    await page.getByRole('button', { name: '我已付款' }).click()
    await state(page, 'paid')
    expect(await page.getByLabel('已付金额').inputValue(), 'the open amount, to correct if less was paid').to.equal(String(Number(invoice.grossAmount)))
    await page.getByLabel('付款日期').fill(day(1))
    await page.getByRole('button', { name: '提交', exact: true }).click()
    await page.getByText('付款日期不能晚于今天。').waitFor()
    await page.getByLabel('付款日期').fill(day(0))
    await page.getByLabel('已付金额').fill(part)
    await page.getByLabel('付款附言（可选）').fill('TT-20270301-88')
    // A text file is no remittance advice: refused on the page, before anything is sent.
    const adviceField = page.getByLabel('汇款通知（可选）')
    await adviceField.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('paid') })
    await page.getByRole('button', { name: '提交', exact: true }).click()
    await page.getByText('请选择 PDF 文件或图片（PNG 或 JPEG）。').waitFor()
    expect(await SELECT.one.from('invoicecrm.collections.PaymentReports').where({ invoice_ID: invoice.ID }), 'nothing sent').to.equal(undefined)
    await adviceField.setInputFiles({ name: '转账凭证.png', mimeType: 'image/png', buffer: PNG })
    await expectLayoutOk(page, 'phone payment form')
    await page.getByRole('button', { name: '提交', exact: true }).click()
    await state(page, 'paymentReported')
    expect(await page.getByTestId('payment-reported').innerText()).to.include(money(part, invoice.currency, 'zh-CN'))
    expect(await page.getByTestId('remittance-attached').innerText()).to.equal('已附汇款通知：转账凭证.png')
    expect(await SELECT.one.from('invoicecrm.collections.RemittanceAdvices').columns('fileName', 'mediaType', 'size').where({ invoice_ID: invoice.ID })).to.deep.equal({
      fileName: '转账凭证.png',
      mediaType: 'image/png',
      size: PNG.length,
    })
    expect(await page.locator('[data-action="paid"]').count(), 'reported once').to.equal(0)
    await shots(page, 'invoice-zh-7-paid')
    const report = (await SELECT.one.from('invoicecrm.collections.PaymentReports').where({ invoice_ID: invoice.ID })) as Record<string, unknown>
    expect(report).to.include({ paidOn: day(0), reference: 'TT-20270301-88', status: 'reported', source: 'web', reportedBy: CONTACT })
    const timeline = ((await SELECT.from(`${C}.TimelineEntries`).columns('kind').where({ invoice_ID: invoice.ID })) as { kind: string }[]).map(t => t.kind)
    expect(timeline).to.include.members(['promised', 'paymentReported'])
    fenced.assertClean()
  })

  it('shows a friendly error page for a forged, an expired, an incomplete or a missing link, without any invoice data', async () => {
    const invoice = take('EN')
    const valid = await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: CONTACT })
    const forged = valid.token.slice(0, -1) + (valid.token.endsWith('A') ? 'B' : 'A')
    const expired = await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: CONTACT, validDays: -1 })
    // Chromium logs each refused request; those are the expected answers here.
    const refusedLoads = [/status of 4\d\d/]

    const cases: { name: string; options: PageOptions & { locale: string }; fragment: string; state: string; title: string; text: string }[] = [
      { name: 'forged-en', options: { ...DESKTOP, locale: 'en-GB' }, fragment: `#t=${forged}`, state: 'error-invalid', title: 'This link is not valid', text: 'Please use the link in the e-mail we sent you' },
      { name: 'expired-de', options: { ...PHONE, locale: 'de-DE' }, fragment: `#t=${expired.token}`, state: 'error-expired', title: 'Dieser Link ist abgelaufen', text: 'fordern Sie einen neuen Link an' },
      { name: 'expired-en', options: { ...DESKTOP, locale: 'en-US' }, fragment: `#t=${expired.token}`, state: 'error-expired', title: 'This link has expired', text: 'Please contact us or ask for a new link' },
      { name: 'incomplete-zh', options: { ...PHONE, locale: 'zh-CN' }, fragment: `#t=${valid.token.slice(0, 30)}`, state: 'error-incomplete', title: '此链接不完整', text: '请重新打开电子邮件中的链接' },
      { name: 'missing-en', options: { ...DESKTOP, locale: 'en-GB' }, fragment: '', state: 'error-noToken', title: 'This link is incomplete', text: 'Please open the link in your e-mail again' },
    ]
    for (const c of cases) {
      const fenced = await open(c.options, c.fragment)
      await state(fenced.page, c.state)
      await fenced.page.getByRole('heading', { level: 1, name: c.title }).waitFor()
      const text = await mainText(fenced.page)
      expect(text, c.name).to.include(c.text)
      expect(text, c.name).not.to.include(invoice.ID)
      expect(text, c.name).not.to.include(invoice.name)
      expect(text, `${c.name}: no raw error`).not.to.match(/[{}]|error|Error:|at \w+ \(|HTTP/)
      expect(fenced.page.url(), c.name).to.equal(`${base}/respond/`)
      await expectLayoutOk(fenced.page, c.name)
      await shots(fenced.page, `error-${c.name}`)
      fenced.assertClean(refusedLoads)
    }
  })

  it('survey link: a customer answers CSAT 4 with an NPS and a comment; the answer is stored once', async () => {
    const invoice = take('EN')
    const invitation = cds.utils.uuid()
    await INSERT.into(`${C}.SurveyInvitations`).entries({
      ID: invitation,
      customer_ID: invoice.payer_ID,
      contactEmail: CONTACT,
      invoice_ID: invoice.ID,
      trigger: 'confirmation',
      sentAt: new Date().toISOString(),
    })
    const { token } = await issueLink({ purpose: 'survey', invitation, contactEmail: CONTACT })
    const fenced = await open({ ...DESKTOP, locale: 'en-GB' }, `#t=${token}`)
    const { page } = fenced
    await state(page, 'survey')
    const text = await mainText(page)
    expect(text).to.include('How satisfied are you with how we handled your invoice?')
    expect(text).to.include('How likely are you to recommend us')
    expect(text).to.include(`About invoice ${invoice.ID}`)
    expect(await page.getByRole('radio').count()).to.equal(5 + 11)
    await expectLayoutOk(page, 'desktop survey')
    await shots(page, 'survey-en-1-question')

    // Nothing chosen: the one required answer is asked for.
    await page.getByRole('button', { name: 'Send answer' }).click()
    await page.getByText('Please choose a rating from 1 to 5.').waitFor()
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).to.equal('1')

    await page.getByRole('radio', { name: '4 – Satisfied', exact: true }).check()
    expect(await mainText(page)).to.include('4 – Satisfied')
    // The NPS row with the keyboard: focus 0, arrow right to 9.
    await page.getByRole('radio', { name: '0 of 10', exact: true }).focus()
    await page.keyboard.press('Space')
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight')
    expect(await page.getByRole('radio', { name: '9 of 10', exact: true }).isChecked()).to.equal(true)
    await page.getByLabel('Anything else you would like to tell us? (optional)').fill('Quick and friendly.')
    await shots(page, 'survey-en-2-answered-form')

    await page.getByRole('button', { name: 'Send answer' }).click()
    await state(page, 'survey-answered')
    expect(await page.getByRole('heading', { level: 1, name: 'Thank you for your feedback!' }).isVisible()).to.equal(true)
    await shots(page, 'survey-en-3-thanks')

    const answer = (await SELECT.one.from(`${C}.SurveyAnswers`).where({ invitation_ID: invitation })) as Record<string, unknown>
    expect(answer).to.include({ csat: 4, nps: 9, comment: 'Quick and friendly.' })

    const again = await open({ ...PHONE, locale: 'en-GB' }, `#t=${token}`)
    await state(again.page, 'survey-already')
    expect(await mainText(again.page)).to.include('You have already answered this survey. Thank you!')
    fenced.assertClean()
    again.assertClean()
  })

  it('German, desktop: the wrong contact names the right one, with the e-mail address checked first', async () => {
    const invoice = take('DE')
    const { token } = await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: CONTACT })
    const fenced = await open({ ...DESKTOP, locale: 'en-GB' }, `#t=${token}`)
    const { page } = fenced
    await state(page, 'invoice')
    // German from the customer's language, whatever the browser says; amounts and dates in German notation.
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('de-DE')
    expect(await mainText(page)).to.include(money(invoice.grossAmount, invoice.currency, 'de-DE'))
    await page.getByRole('button', { name: 'Ich bin nicht der richtige Ansprechpartner' }).click()
    await state(page, 'contact')

    await page.getByRole('button', { name: 'Kontakt senden' }).click()
    await page.getByText('Bitte geben Sie einen Namen ein.').waitFor()
    expect(await mainText(page)).to.include('Bitte geben Sie eine E-Mail-Adresse ein.')
    await page.getByLabel('Name *').fill('Erika Mustermann')
    await page.getByLabel('E-Mail-Adresse *').fill('erika.mustermann@')
    await page.getByRole('button', { name: 'Kontakt senden' }).click()
    await page.getByText('Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@example.com.').waitFor()
    expect(await page.getByLabel('E-Mail-Adresse *').getAttribute('aria-invalid')).to.equal('true')
    await shots(page, 'contact-de-1-invalid')

    await page.getByLabel('E-Mail-Adresse *').fill('erika.mustermann@kunde.example')
    await expectLayoutOk(page, 'desktop contact form')
    const sent = page.waitForRequest('**/rest/respond/proposeContact')
    await page.getByRole('button', { name: 'Kontakt senden' }).click()
    // The server's messages (a refusal) are asked for in the page's German, not in the browser's English.
    expect((await sent).headers()['accept-language']).to.equal('de-DE')
    await state(page, 'proposed')
    expect(await page.getByRole('heading', { level: 1, name: 'Vielen Dank!' }).isVisible()).to.equal(true)
    expect(await mainText(page)).to.include('Sie haben uns den richtigen Ansprechpartner genannt. Vielen Dank.')
    expect(await page.locator('[data-action="wrongContact"]').count()).to.equal(0)
    await shots(page, 'contact-de-2-proposed')

    const proposal = (await SELECT.one.from(`${C}.ContactProposals`).where({ invoice_ID: invoice.ID })) as Record<string, unknown>
    expect(proposal).to.include({ proposedName: 'Erika Mustermann', proposedEmail: 'erika.mustermann@kunde.example', proposedBy: CONTACT })
    fenced.assertClean()
  })

  it('says "please wait" on 429 and retries after Retry-After, shows a 400 next to the form, and a link revoked meanwhile as such', async () => {
    const invoice = take('EN')
    const { token, linkId } = await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: CONTACT })
    const fenced = await newPage(browser, { ...PHONE, locale: 'en-GB' })
    pages.push(fenced)
    const { page } = fenced
    // The server's answers that a test cannot provoke on cue are played in the browser; the rest is the real app.
    // The page's clock stands still from the 429 on: the button's countdown moves only when the test says so, however
    // slowly a loaded machine runs the checks in between.
    await page.clock.install()
    let throttle = 1
    await page.route('**/rest/respond/view', async route => {
      if (throttle-- <= 0) return route.fallback()
      await page.clock.pauseAt(Date.now() + 1000)
      return route.fulfill({ status: 429, headers: { 'Retry-After': '2' }, contentType: 'application/json', body: JSON.stringify({ error: { code: '429', message: 'Too many requests.' } }) })
    })
    await page.goto(`${base}/respond/#t=${token}`)
    await state(page, 'error-busy')
    await page.getByRole('heading', { level: 1, name: 'Please wait a moment' }).waitFor()
    expect(await mainText(page)).to.include('We have received many requests. Please try again in 2 seconds.')
    const retry = page.getByRole('button', { name: /Try again/ })
    expect(await retry.isDisabled()).to.equal(true)
    await shots(page, 'error-busy-en')
    expect(await retry.isDisabled(), 'still waiting while the 2 seconds have not passed').to.equal(true)
    await page.clock.runFor(2000)
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('main button')!.disabled)
    await page.clock.resume()
    await retry.click()
    await state(page, 'invoice')

    await page.route('**/rest/respond/dispute', route =>
      route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: '400', message: `Invoice ${invoice.ID} has no line 000999` } }) })
    )
    await page.getByRole('button', { name: 'No, report a problem' }).click()
    await state(page, 'dispute')
    await page.getByLabel('Reason *').selectOption('duplicate')
    await page.getByRole('button', { name: 'Send dispute' }).click()
    await page.getByRole('alert').getByText(`Invoice ${invoice.ID} has no line 000999`).waitFor()
    expect(await main(page).getAttribute('data-state'), 'the form stays, with what was entered').to.equal('dispute')
    expect(await page.getByLabel('Reason *').inputValue()).to.equal('duplicate')
    await shots(page, 'dispute-en-server-400')

    // Revoked (e.g. a newer e-mail went out) while the page was open: the real server says 410, the page says so.
    await page.unroute('**/rest/respond/dispute')
    await revokeLinks({ linkId })
    await page.getByRole('button', { name: 'Send dispute' }).click()
    await state(page, 'error-revoked')
    expect(await mainText(page)).to.include('This link is no longer valid')
    expect(await SELECT.one.from(`${C}.Disputes`).where({ invoice_ID: invoice.ID })).to.equal(undefined)
    fenced.assertClean([/status of 4\d\d/])
  })

  it('shows texts from S/4HANA as text: markup in a customer name or line description is not run', async () => {
    const invoice = take('DE')
    const hostile = '<img src=x onerror="window.__pwned=1">'
    await UPDATE(Customers, invoice.payer_ID).with({ name: `Müller & Söhne ${hostile}` })
    await UPDATE(BillingDocumentItems).where({ billingDocument_ID: invoice.ID, item: invoice.items[0].item }).with({ description: `<b>fett</b>${hostile}`.slice(0, 40) })
    const { token } = await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: CONTACT })
    const fenced = await open({ ...DESKTOP, locale: 'en-GB' }, `#t=${token}`)
    await state(fenced.page, 'invoice')
    // German from the customer's language, whatever the browser says.
    expect(await fenced.page.evaluate(() => document.documentElement.lang)).to.equal('de-DE')
    expect(await mainText(fenced.page)).to.include('Ist diese Rechnung korrekt?')
    expect(await mainText(fenced.page)).to.include(`Müller & Söhne ${hostile}`)
    expect(await mainText(fenced.page)).to.include('<b>fett</b>')
    expect(await fenced.page.locator('main img, main b').count()).to.equal(0)
    expect(await fenced.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).to.equal(undefined)
    fenced.assertClean()
  })

  it('is built for a strict CSP: no inline script, style or handler, no HTML from strings, nothing from elsewhere', () => {
    const html = readFileSync(join(APP, 'index.html'), 'utf8')
    expect(html).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/i)
    expect(html).not.to.match(/\sstyle=|<style/i)
    expect(html).not.to.match(/\son[a-z]+=/i)
    expect(html).not.to.match(/(src|href)="(https?:)?\/\//i)
    for (const file of ['respond.js', 'i18n.js']) {
      const js = readFileSync(join(APP, file), 'utf8')
      expect(js, file).not.to.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/)
      expect(js, file).not.to.match(/https?:\/\//)
    }
    expect(readFileSync(join(APP, 'respond.css'), 'utf8')).not.to.match(/@import|url\(|https?:\/\//)
  })

  /** The company's texts on the page in each language: the customer's language decides, whatever the browser says. */
  const COMPANY_TEXTS = [
    { language: 'DE', locale: 'de-DE', browser: 'en-GB', overdue: 'Überfällig seit {date}', holder: 'Kontoinhaber', reference: 'Verwendungszweck', quantity: 'Menge', pieces: / Stk\.$/ },
    { language: 'EN', locale: 'en-GB', browser: 'de-DE', overdue: 'Overdue since {date}', holder: 'Account holder', reference: 'Payment reference', quantity: 'Quantity', pieces: / pcs$/ },
    { language: 'ZH', locale: 'zh-CN', browser: 'en-US', overdue: '自 {date} 起逾期', holder: '账户持有人', reference: '付款附言', quantity: '数量', pieces: / 件$/ },
  ]
  for (const texts of COMPANY_TEXTS) {
    it(`desktop, ${texts.locale}: comes from the company: its name and logo, the printed invoice to view and save, how to pay, overdue, units in words`, async () => {
      const invoice = take(texts.language)
      // Overdue: its FI items fell due 20 days ago.
      const due = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10)
      await UPDATE(ReceivableItems).set({ netDueDate: due as CdsDate, isCleared: false }).where({ billingDocument_ID: invoice.ID })
      await refreshReceivableStatus(cds.db, [invoice.ID])
      const { token } = await issueLink({ purpose: 'invoiceResponse', invoice: invoice.ID, contactEmail: CONTACT })
      const fenced = await open({ ...DESKTOP, locale: texts.browser }, `#t=${token}`)
      const { page } = fenced
      await state(page, 'invoice')
      expect(await page.evaluate(() => document.documentElement.lang)).to.equal(texts.locale)

      expect(await page.locator('#brand').innerText()).to.equal(COMPANY.name)
      const logo = page.getByTestId('company-logo')
      await page.waitForFunction(() => (document.querySelector('[data-testid="company-logo"]') as HTMLImageElement | null)?.complete === true)
      expect(await logo.evaluate(img => (img as HTMLImageElement).naturalWidth), 'the logo loaded').to.be.greaterThan(0)
      const dueText = new Intl.DateTimeFormat(texts.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${due}T00:00:00Z`))
      expect(await page.getByTestId('payment-state').innerText()).to.include(texts.overdue.replace('{date}', dueText))
      const bank = (await page.getByTestId('bank-details').innerText()).replace(/\s+/g, ' ')
      for (const shown of [texts.holder, COMPANY.bank.accountHolder, 'DE89 3704 0044 0532 0130 00', COMPANY.bank.bic, texts.reference, invoice.ID]) expect(bank).to.include(shown)
      expect(await page.locator(`[data-testid="ar-contact"] a[href="mailto:${COMPANY.contact.email}"]`).count()).to.equal(1)
      // S/4HANA's unit PC in words; never the code.
      const quantities = await page.locator(`table.lines-table tbody td[data-label="${texts.quantity}"]`).allInnerTexts()
      expect(quantities.length).to.equal(invoice.items.length)
      expect(invoice.items.some(item => item.unit === 'PC'), 'an invoice with a line in pieces').to.equal(true)
      for (const [i, shown] of quantities.entries()) if (invoice.items[i].unit === 'PC') expect(shown).to.match(texts.pieces)
      await expectLayoutOk(page, `desktop invoice of the company, ${texts.locale}`)
      await shots(page, `invoice-${texts.language.toLowerCase()}-company`)

      // The invoice as S/4HANA printed it: saved, and shown in a tab of its own.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()])
      expect(download.suggestedFilename()).to.equal(`${invoice.ID}.pdf`)
      expect(readFileSync(await download.path()).subarray(0, 5).toString()).to.equal('%PDF-')
      const [tab] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('view-pdf').click()])
      expect(tab.url()).to.match(/^blob:/)
      await tab.close()
      fenced.assertClean()
    })
  }

  it('has every text in English, German and Chinese', async () => {
    const fenced = await open({ ...DESKTOP, locale: 'en-GB' }, '')
    await state(fenced.page, 'error-noToken')
    const keys = (await fenced.page.evaluate(async () => {
      const { dictionaries } = await import('/respond/i18n.js' as string)
      return Object.fromEntries(Object.entries(dictionaries as Record<string, object>).map(([lang, dict]) => [lang, Object.keys(dict).sort()]))
    })) as Record<string, string[]>
    expect(Object.keys(keys)).to.deep.equal(['en', 'de', 'zh'])
    expect(keys.de).to.deep.equal(keys.en)
    expect(keys.zh).to.deep.equal(keys.en)
    // Every key the script asks for by name, and every status and CSAT label it builds (the reasons are the server's).
    const js = readFileSync(join(APP, 'respond.js'), 'utf8')
    const used = [...js.matchAll(/\bt\('(\w+)'/g)].map(m => m[1])
    const built = [
      ...['Open', 'InProcess', 'Resolved', 'Closed'].map(s => `status_${s}`),
      ...['accepted', 'rejected'].map(o => `outcome_${o}`),
      ...[1, 2, 3, 4, 5].map(n => `csat_${n}`),
    ]
    expect([...new Set([...used, ...built])].filter(k => !keys.en.includes(k))).to.deep.equal([])
    fenced.assertClean()
  })
})
