// The customer's statement page (app/respond with a link of purpose statement) in headless Chromium against the real
// app: a sent statement seeded as generating and sending leave it (test/statement-seed.ts), its link issued as the
// statement mail carries it. On a phone in Chinese the customer sees the closing balance, what was posted, what is
// open and how old, saves the PDF, flags a line with a reason and states its own balance; the page ends in the final
// state and the database holds the answer. On a desktop in English a balance is confirmed with one click; a draft's
// link says the statement is not there yet. Screenshots go to .test-output/screenshots/.
import cds from '@sap/cds'
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { issueLink } from '../srv/links'
import { resetFailures } from '../srv/links/rate-limit'
import { expectLayoutOk, mainText, pageOpener, pageState } from './browser/respond-page'
import { launchBrowser, screenshot, shootFailure, type FencedPage, type PageOptions } from './browser/chromium'
import { seedCustomer, seedStatement, type SeededCustomer } from './statement-seed'

const S = 'invoicecrm.statements'
const CONTACT = 'ap@kunde.example'
const PHONE: PageOptions = { width: 390, height: 844, mobile: true }
const DESKTOP: PageOptions = { width: 1280, height: 800 }

const ZH: SeededCustomer = { ID: 'C7303', name: '上海精密仪器有限公司', language: 'ZH', invoices: ['90073001', '90073002', '90073003'] }
const EN: SeededCustomer = { ID: 'C7404', name: 'Contoso Retail Ltd', language: 'EN', invoices: ['90074001', '90074002', '90074003'] }

describe('statement page in Chromium', function () {
  this.timeout(300_000)
  const { expect, axios } = cds.test(__dirname + '/..')
  let browser: Browser
  let base: string
  const pages: FencedPage[] = []

  before(async () => {
    await seedCustomer(ZH)
    await seedCustomer(EN)
    browser = await launchBrowser()
    base = axios.defaults.baseURL!
    await resetFailures()
  })
  after(() => browser?.close())
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shootFailure(this.currentTest, pages.map(p => p.page))
    while (pages.length) await pages.pop()!.close()
  })

  const openPage = pageOpener(() => browser, () => base, pages)
  const open = (options: PageOptions & { locale?: string }, token: string) => openPage(options, `#t=${token}`)

  const state = (page: Page, value: string) => pageState(page, value, pages.find(p => p.page === page))
  const money = (value: string | number, locale: string) => new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(value as number).replace(/\s+/g, ' ')


  it('phone, Chinese: shows the closing balance and the lines, saves the PDF, flags a line with a reason and states an own balance; the page ends answered', async () => {
    const statement = await seedStatement(ZH, '2026-10')
    const { token } = await issueLink({ purpose: 'statement', statement: statement.ID, contactEmail: CONTACT })
    const fenced = await open({ ...PHONE, locale: 'zh-CN' }, token)
    const { page } = fenced
    await state(page, 'statement')

    expect(page.url(), 'the token left the address bar').to.equal(`${base}/respond/`)
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('zh-CN')
    await page.getByRole('heading', { level: 1, name: '2026年10月对账单' }).waitFor()
    expect(await page.getByTestId('closing-balance').innerText()).to.equal(money(1800, 'zh-CN'))
    const text = await mainText(page)
    for (const shown of [ZH.name, '期初余额', money(1000, 'zh-CN'), '2026年10月记账明细', `发票 ${ZH.invoices[0]}`, `发票 ${ZH.invoices[1]}`, '付款', '未清项账龄', '逾期 1–30 天', '27 天', '此余额是否正确？'])
      expect(text).to.include(shown)
    expect(await page.locator('[data-testid="statement-lines"] tbody tr').count()).to.equal(3)
    expect(await page.locator('[data-testid="open-items"] tbody tr').count()).to.equal(3)
    // On a phone the lines are a stacked list: each cell on its own row, labelled.
    const cell = page.locator('[data-testid="statement-lines"] tbody tr').first().locator('td.amount')
    expect(await cell.evaluate(td => getComputedStyle(td).display)).to.equal('flex')
    expect(await cell.evaluate(td => getComputedStyle(td, '::before').content)).to.equal('"金额"')
    await expectLayoutOk(page, 'phone statement')
    await screenshot(page, 'statement-zh-1-view-phone')

    // The statement as it was sent: saved as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()])
    expect(download.suggestedFilename()).to.equal(`statement-${ZH.ID}-1710-EUR-2026-10.pdf`)
    expect(readFileSync(await download.path()).subarray(0, 5).toString()).to.equal('%PDF-')

    await page.getByRole('button', { name: '有不一致之处' }).click()
    await state(page, 'statement-disagree')
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal('您的对账单哪里不一致？')
    // Nothing said yet: refused on the page, nothing sent.
    await page.getByRole('button', { name: '提交答复' }).click()
    await page.getByRole('alert').getByText('请标出一个项目、填写贵方余额或写下备注。').waitFor()
    // A line flagged without a reason, and a balance that is no amount: both marked.
    await page.getByRole('checkbox', { name: new RegExp(`发票 ${ZH.invoices[0]}`) }).check()
    const flagged = page.locator('.line-option[data-line="1"]')
    await page.getByLabel('贵方账上的余额（可选）').fill('1234.5678')
    await page.getByRole('button', { name: '提交答复' }).click()
    await flagged.getByText('请选择原因。').waitFor()
    expect(await mainText(page)).to.include('请以数字形式输入余额，最多 3 位小数')
    expect(await page.getByLabel('贵方账上的余额（可选）').getAttribute('aria-invalid')).to.equal('true')
    expect(await SELECT.one.from(`${S}.Statements`).columns('status').where({ ID: statement.ID })).to.deep.equal({ status: 'sent' })

    // The reasons are the dispute reasons of the code list, in the customer's language.
    await flagged.getByLabel('原因 *').selectOption({ label: '价格错误' })
    await flagged.getByLabel('关于此项的备注（可选）').fill('合同单价为 900 欧元。')
    await page.getByLabel('贵方账上的余额（可选）').fill('1500.50')
    await expectLayoutOk(page, 'phone disagree form')
    await screenshot(page, 'statement-zh-2-disagree-phone')
    await page.getByRole('button', { name: '提交答复' }).click()

    await state(page, 'statement-disagreed')
    expect(await page.getByRole('heading', { level: 1, name: '谢谢，我们已收到您的答复' }).isVisible()).to.equal(true)
    const after = await mainText(page)
    for (const shown of ['您已告知我们有不一致之处', '贵方余额', money(1500.5, 'zh-CN'), '您已标出此项不正确：价格错误'])
      expect(after).to.include(shown)
    expect(await page.locator('[data-action="confirmStatement"], [data-action="disagree"]').count(), 'the answer is final').to.equal(0)
    await expectLayoutOk(page, 'phone disagreed')
    await screenshot(page, 'statement-zh-3-disagreed-phone')

    const row = (await SELECT.one.from(`${S}.Statements`).where({ ID: statement.ID })) as Record<string, unknown>
    expect(row).to.include({ status: 'disagreed', answeredBy: CONTACT, customerComment: null })
    expect(Number(row.customerBalance)).to.equal(1500.5)
    const line = (await SELECT.one.from(`${S}.StatementLines`).where({ statement_ID: statement.ID, lineNo: 1 })) as Record<string, unknown>
    expect(line).to.include({ flagged: true, flagReason: 'wrongPrice', flagComment: '合同单价为 900 欧元。' })
    const dispute = (await SELECT.one.from('invoicecrm.crm.Disputes').where({ ID: line.dispute_ID })) as Record<string, unknown>
    expect(dispute).to.include({ invoice_ID: ZH.invoices[0], reason: 'wrongPrice', source: 'web', raisedBy: CONTACT, status: 'Open' })

    // The same link opened again shows the answer, not the question.
    const again = await open({ ...PHONE, locale: 'zh-CN' }, token)
    await state(again.page, 'statement')
    expect(await mainText(again.page)).to.include('您已告知我们有不一致之处')
    expect(await again.page.locator('[data-action="confirmStatement"]').count()).to.equal(0)
    fenced.assertClean()
    again.assertClean()
  })

  it('desktop, English: confirms the balance with one click, and says thank you', async () => {
    const statement = await seedStatement(EN, '2026-10')
    const { token } = await issueLink({ purpose: 'statement', statement: statement.ID, contactEmail: CONTACT })
    const fenced = await open({ ...DESKTOP, locale: 'de-DE' }, token)
    const { page } = fenced
    await state(page, 'statement')
    // English from the customer's language, whatever the browser says.
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('en-GB')
    await page.getByRole('heading', { level: 1, name: 'Statement of account, October 2026' }).waitFor()
    expect(await page.getByTestId('closing-balance').innerText()).to.equal(money(1800, 'en-GB'))
    await expectLayoutOk(page, 'desktop statement')
    await screenshot(page, 'statement-en-1-view-desktop')
    await page.getByRole('button', { name: 'Yes, confirm the balance' }).click()
    await state(page, 'statement-confirmed')
    expect(await page.getByRole('heading', { level: 1, name: 'Thank you!' }).isVisible()).to.equal(true)
    expect(await mainText(page)).to.include(`You confirmed the balance of ${money(1800, 'en-GB')}. There is nothing else you need to do.`)
    expect(await mainText(page)).to.include('Balance confirmed')
    await expectLayoutOk(page, 'desktop confirmed')
    await screenshot(page, 'statement-en-2-confirmed-desktop')
    expect(await SELECT.one.from(`${S}.Statements`).columns('status', 'answeredBy').where({ ID: statement.ID })).to.deep.equal({ status: 'confirmed', answeredBy: CONTACT })
    fenced.assertClean()
  })

  it("a draft's link: the statement is not there yet, without any of its data", async () => {
    const draft = await seedStatement(EN, '2026-09', 'draft')
    const { token } = await issueLink({ purpose: 'statement', statement: draft.ID, contactEmail: CONTACT })
    const fenced = await open({ ...PHONE, locale: 'en-GB' }, token)
    await state(fenced.page, 'error-statementNotReady')
    await fenced.page.getByRole('heading', { level: 1, name: 'This statement is not available yet' }).waitFor()
    expect(await mainText(fenced.page)).not.to.include(EN.name)
    await expectLayoutOk(fenced.page, 'phone statement not ready')
    // Chromium logs the refused requests (the invoice view's 403, the statement's 409): the expected answers here.
    fenced.assertClean([/status of 4\d\d/])
  })
})
