// The customer's account page (app/respond with a link of purpose account) in headless Chromium against the real app:
// the two customers of test/account-seed.ts, the S/4HANA simulator printing the invoice PDFs. On a phone in Chinese
// customer A sees its open invoices with their states, its orders with where they stand, its statements, disputes and
// paid invoices, nothing of customer B's; saves an invoice PDF; opens an invoice, promises a payment date on the
// invoice's own page, and back on the account sees the invoice promised. On a desktop in English customer B sees its
// account and saves a statement PDF. Screenshots go to .test-output/screenshots/.
import cds from '@sap/cds'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { issueLink } from '../srv/links'
import { resetFailures } from '../srv/links/rate-limit'
import { s4Settings } from '../srv/s4/destination'
import { promiseWindow } from '../srv/collections/commitments'
import { addDays } from '../srv/collections/reminder-rules'
import { expectLayoutOk, mainText, pageOpener, pageState } from './browser/respond-page'
import { launchBrowser, screenshot, shootFailure, type FencedPage, type PageOptions } from './browser/chromium'
import { A, A_OPEN, A_ORDERS, B, CONTACT, daysFromToday, seedAccounts, type SeededStatements } from './account-seed'

const PHONE: PageOptions = { width: 390, height: 844, mobile: true }
const DESKTOP: PageOptions = { width: 1280, height: 800 }
const A_NAME = '上海精密机械有限公司'
const APP = join(__dirname, '../app/respond')

describe('account page in Chromium', function () {
  this.timeout(300_000)
  const { expect, axios } = cds.test(__dirname + '/..')
  const settings = s4Settings()
  const original = { ...settings, retry: { ...settings.retry } }
  let sim: Simulator
  let browser: Browser
  let base: string
  let statements: SeededStatements
  const pages: FencedPage[] = []

  before(async () => {
    sim = createSimulator({ volume: 'small', seed: 5 })
    Object.assign(settings, { url: await sim.listen(0), retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 } })
    // Not about mails: what the answers queue is recorded, not sent.
    const mails = await cds.connect.to('customer-mail')
    mails.prepend(() => mails.on('*', () => undefined))
    statements = await seedAccounts({ a: 'ZH', b: 'EN' }, { a: A_NAME, b: B.name })
    browser = await launchBrowser()
    base = axios.defaults.baseURL!
    await resetFailures()
  })
  after(async () => {
    await browser?.close()
    Object.assign(settings, original)
    await sim?.close()
  })
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shootFailure(this.currentTest, pages.map(p => p.page))
    while (pages.length) await pages.pop()!.close()
  })

  const openPage = pageOpener(() => browser, () => base, pages)
  const open = (options: PageOptions & { locale?: string }, token: string) => openPage(options, `#t=${token}`)

  const state = (page: Page, value: string) => pageState(page, value, pages.find(p => p.page === page))
  const day = (value: string, locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`))
  const money = (value: number, locale: string) => new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(value).replace(/\s+/g, ' ')
  const row = (page: Page, section: string, attribute: string, value: string) => page.locator(`[data-testid="${section}"] tr[data-${attribute}="${value}"]`)
  const states = async (page: Page, invoice: string) => (await row(page, 'open-invoices', 'invoice', invoice).locator('.badge').allInnerTexts()).map(s => s.trim())


  it('phone, Chinese: the open invoices with their states and the orders; saves an invoice PDF; promises a date on one invoice and sees it promised', async () => {
    const { token } = await issueLink({ purpose: 'account', customer: A.ID, contactEmail: CONTACT })
    const fenced = await open({ ...PHONE, locale: 'zh-CN' }, token)
    const { page } = fenced
    await state(page, 'account')

    expect(page.url(), 'the token left the address bar').to.equal(`${base}/respond/`)
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('zh-CN')
    expect(await page.title()).to.equal('您的账户')
    await page.getByRole('heading', { level: 1, name: '您的账户' }).waitFor()
    const text = await mainText(page)
    for (const shown of [A_NAME, '未结发票', '您最近 12 个月的订单', '对账单', '您对发票的异议', '最近 12 个月已付款', '其中逾期（2 张发票）', money(2750, 'zh-CN')]) expect(text, shown).to.include(shown)

    // Every open invoice, the most overdue first, each with what was said about it.
    const listed = await page.locator('[data-testid="open-invoices"] tbody tr').evaluateAll(rows => rows.map(r => (r as HTMLElement).dataset.invoice))
    expect([...listed].sort()).to.deep.equal([...A_OPEN].sort())
    expect(listed[0]).to.equal(A.overdue)
    expect(await states(page, A.overdue)).to.deep.equal(['已逾期 15 天', '已发送给您'])
    expect(await states(page, A.disputed)).to.deep.equal(['异议：已收到'])
    expect(await states(page, A.promised)).to.deep.equal(['已逾期 3 天', `您已承诺于 ${day(daysFromToday(5), 'zh-CN')} 前付款`, '已发送给您'])
    expect(await states(page, A.reported)).to.deep.equal([`您已告知于 ${day(daysFromToday(-1), 'zh-CN')} 付款`, '已发送给您'])
    expect(await states(page, A.confirmed)).to.deep.equal(['您已确认'])
    expect(await states(page, A.open)).to.deep.equal(['已发送给您'])
    // The orders with where each stands; the paid invoices of 12 months; the disputes with their outcome.
    const order = (await row(page, 'orders', 'order', A_ORDERS.recent).innerText()).replace(/\s+/g, ' ')
    for (const shown of ['订单 8101', 'PO-A-2026', '处理中', '已交货', '尚未开票']) expect(order, shown).to.include(shown)
    expect(await page.locator(`[data-testid="orders"] tbody tr`).count(), 'the order of 13 months ago is not listed').to.equal(1)
    expect(await page.locator('[data-testid="paid-invoices"] tbody tr').evaluateAll(rows => rows.map(r => (r as HTMLElement).dataset.invoice))).to.deep.equal([A.paid3])
    const resolved = (await row(page, 'disputes', 'invoice', A.paid3).innerText()).replace(/\s+/g, ' ')
    for (const shown of ['已解决', '已接受', 'Gutschrift über 70,00 EUR erstellt.']) expect(resolved, shown).to.include(shown)
    expect(await page.locator('[data-testid="statements"] tbody tr').evaluateAll(rows => rows.map(r => (r as HTMLElement).dataset.statement))).to.deep.equal([statements.aSent, statements.aConfirmed])
    // Nothing of B.
    for (const foreign of [B.name, B.open, B.disputed, B.paid, 'PO-B-2026']) expect(text, foreign).not.to.include(foreign)

    // On a phone the tables are stacked lists: each cell on its own row, labelled.
    const amount = row(page, 'open-invoices', 'invoice', A.open).locator('td.amount')
    expect(await amount.evaluate(td => getComputedStyle(td).display)).to.equal('flex')
    expect(await amount.evaluate(td => getComputedStyle(td, '::before').content)).to.equal('"未付金额"')
    await expectLayoutOk(page, 'phone account')
    await screenshot(page, 'account-zh-1-phone')

    // The invoice as S/4HANA printed it, saved from the account.
    const [download] = await Promise.all([page.waitForEvent('download'), row(page, 'open-invoices', 'invoice', A.open).getByRole('button', { name: `下载发票 ${A.open} 的 PDF` }).click()])
    expect(download.suggestedFilename()).to.equal(`${A.open}.pdf`)
    expect(readFileSync(await download.path()).subarray(0, 5).toString()).to.equal('%PDF-')

    // One invoice on its own page, as its own link shows it: a promise to pay.
    await row(page, 'open-invoices', 'invoice', A.toPromise).getByRole('button', { name: `打开发票 ${A.toPromise}` }).click()
    await state(page, 'invoice')
    await page.getByRole('heading', { level: 1, name: `发票 ${A.toPromise}` }).waitFor()
    await expectLayoutOk(page, 'phone invoice of the account')
    await page.getByRole('button', { name: '我将在某日前付款' }).click()
    await state(page, 'promise')
    const promised = addDays(promiseWindow().earliest, 10)
    await page.getByLabel('付款日期').fill(promised)
    await page.getByRole('button', { name: '提交承诺' }).click()
    await state(page, 'promised')
    expect(await mainText(page)).to.include(`我们已记录您将于 ${day(promised, 'zh-CN')} 前付款。`)
    const promise = (await SELECT.one.from('invoicecrm.collections.PaymentPromises').where({ invoice_ID: A.toPromise })) as Record<string, unknown>
    expect(promise).to.include({ customer_ID: A.ID, promisedDate: promised, status: 'open', source: 'web', promisedBy: CONTACT })
    await screenshot(page, 'account-zh-2-promised-phone')

    // Back on the account: the invoice is promised, and the focus is where the customer left.
    await page.getByRole('button', { name: '返回您的账户' }).click()
    await state(page, 'account')
    expect(await states(page, A.toPromise)).to.deep.equal([`您已承诺于 ${day(promised, 'zh-CN')} 前付款`, '已发送给您'])
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest('tr')?.dataset.invoice)).to.equal(A.toPromise)
    await expectLayoutOk(page, 'phone account after the promise')
    await screenshot(page, 'account-zh-3-back-phone')
    fenced.assertClean()
  })

  it('desktop, English: customer B sees its account and saves a statement PDF', async () => {
    const { token } = await issueLink({ purpose: 'account', customer: B.ID, contactEmail: 'ap@kunde-b.example' })
    const fenced = await open({ ...DESKTOP, locale: 'de-DE' }, token)
    const { page } = fenced
    await state(page, 'account')
    // English from the customer's language, whatever the browser says.
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('en-GB')
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor()
    const text = await mainText(page)
    for (const shown of [B.name, 'Open invoices', 'Your orders of the last 12 months', 'Statements of account', 'Your queries about invoices', 'Paid in the last 12 months', 'Not delivered yet', 'Not invoiced yet'])
      expect(text, shown).to.include(shown)
    expect(await states(page, B.open)).to.deep.equal(['20 days overdue', `You promised payment by ${day(daysFromToday(6), 'en-GB')}`, 'Sent to you'])
    expect(await states(page, B.disputed)).to.deep.equal(['Query: In progress'])
    for (const foreign of [A.name, A.open, A.overdue, 'PO-A-2026']) expect(text, foreign).not.to.include(foreign)
    // On a desktop a table with its column heads.
    expect(await page.locator('[data-testid="open-invoices"] th').allInnerTexts()).to.deep.equal(['Document', 'Your reference', 'Due date', 'Open amount', 'Actions'])
    await expectLayoutOk(page, 'desktop account')
    await screenshot(page, 'account-en-1-desktop')

    const [download] = await Promise.all([page.waitForEvent('download'), row(page, 'statements', 'statement', statements.bSent).getByRole('button', { name: 'Download the statement of October 2026 as PDF' }).click()])
    expect(download.suggestedFilename()).to.equal(`statement-${B.ID}-1710-EUR-2026-10.pdf`)
    expect(readFileSync(await download.path()).subarray(0, 5).toString()).to.equal('%PDF-')
    fenced.assertClean()
  })

  it('has every text of the account page in English, German and Chinese', async () => {
    const fenced = await open({ ...DESKTOP, locale: 'en-GB' }, '')
    await state(fenced.page, 'error-noToken')
    const keys = (await fenced.page.evaluate(async () => {
      const { dictionaries } = await import('/respond/i18n.js' as string)
      return Object.fromEntries(Object.entries(dictionaries as Record<string, object>).map(([lang, dict]) => [lang, Object.keys(dict)]))
    })) as Record<string, string[]>
    // The keys the account page builds from the states it shows.
    const built = [
      ...['processing', 'delivery', 'billing'].flatMap(kind => ['notStarted', 'partial', 'complete', 'notRelevant'].map(p => `${kind}_${p}`)),
      ...['sent', 'noAnswer', 'confirmed', 'disagreed'].map(s => `statementStatus_${s}`),
    ]
    const js = readFileSync(join(APP, 'respond.js'), 'utf8')
    const used = [...js.matchAll(/\bt\('(\w+)'/g)].map(m => m[1])
    for (const [language, dictionary] of Object.entries(keys)) expect([...new Set([...built, ...used])].filter(k => !dictionary.includes(k)), language).to.deep.equal([])
    fenced.assertClean()
  })
})
