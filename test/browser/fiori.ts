// The Fiori launchpad and apps in headless Chromium against the real app: CAP over HTTP (cds.test), the mirror
// filled by a sync from the S/4HANA simulator, the prebuilt SAPUI5 framework (npm run ui5:framework), and a
// browser context per mocked finance user. A page fails its test on an uncaught error, on the launchpad's
// "Could not open app", and on any request to a host other than this machine (aborted and counted).
//
//   describe('...', function () {
//     this.timeout(180_000)
//     const fiori = startFiori()
//     it('...', async () => {
//       const page = await fiori.launchpad('clerk')
//       await page.openTile('Manage Invoices')
//       await page.waitFor(page.page.locator('.sapMTitle', { hasText: 'Invoices' }), 'the invoice list')
//       await page.shot('invoices-list')
//       page.check()
//     })
//   })
import cds from '@sap/cds'
import type { Browser, Locator, Page } from 'playwright-core'
import { createSimulator, type Simulator, type SimulatorOptions } from '../s4/simulator'
import { runSync } from '../../srv/sync'
import { s4Settings } from '../../srv/sync/s4-destination'
import { frameworkDir, isFrameworkBuilt } from '../../srv/ui5-framework'
import { launchBrowser, newPage, screenshot, type FencedPage, type PageOptions } from './chromium'

/** The mocked users of the test profile (.cdsrc.json), one per finance role. */
export const USERS = {
  clerk: { username: 'clerk', password: 'clerk' },
  manager: { username: 'manager', password: 'manager' },
  admin: { username: 'admin', password: 'admin' },
} as const
export type FinanceUser = keyof typeof USERS

export const LAUNCHPAD = '/launchpad/index.html'

/** Rows of the visible responsive tables in scope (FE renders a spare row for growing: only rows with cells count). */
export const tableRows = (scope: Page | Locator) =>
  scope.locator('.sapMListTblRow:visible').filter({ has: ('page' in scope ? scope.page() : scope).locator('td.sapMListTblCell') })

/** The object page on screen. */
export const objectPage = (page: Page) => page.locator('.sapUxAPObjectPageLayout:visible')

/** What the shell shows or logs when an app fails to start. */
const APP_FAILED = /could not open app|app couldn't be opened|failed to load ui5 component|cannot load component/i

export interface FioriPage extends FencedPage {
  user: FinanceUser
  /** Console messages (any level) that say an app failed to start. */
  appFailures: string[]
  /** Throws if the page had an uncaught error, a failed app start, or tried to reach another host. */
  check(): Promise<void>
  /** Waits until the locator is visible; fails at once with the reason when the page fails meanwhile. */
  waitFor(locator: Locator, what: string, timeoutMs?: number): Promise<void>
  /** A tile of the launchpad's home page by its title. */
  tile(title: string): Locator
  /** The number a KPI tile shows ('–' while it has none); kpi is the LaunchpadService.Kpis element. */
  kpiValue(kpi: string): Promise<string>
  /** Clicks a tile and waits for the shell to leave the home page. */
  openTile(title: string): Promise<void>
  /** Back to the launchpad's home page (as the shell's Home button does). */
  home(): Promise<void>
  /** .test-output/screenshots/<name>.png, the path printed to the test output. */
  shot(name: string): Promise<string>
}

export interface FioriOptions {
  /** Simulator data; default the small volume with its default seed. */
  simulator?: SimulatorOptions
  /** Browser window; default 1440×900, English. */
  page?: Omit<PageOptions, 'httpCredentials'>
}

export interface Fiori {
  readonly test: ReturnType<typeof cds.test>
  /** http://localhost:<port> of the app under test. */
  readonly base: string
  readonly sim: Simulator
  readonly browser: Browser
  /** Events the notifications service was asked to send (mails are recorded, not sent). */
  readonly notifications: string[]
  /** A fresh browser context logged on as user, at path (default the launchpad), not yet waited on. */
  open(user: FinanceUser, path?: string, options?: FioriOptions['page']): Promise<FioriPage>
  /** The launchpad as user, once its tiles are there and every KPI tile shows a number. */
  launchpad(user: FinanceUser, options?: FioriOptions['page']): Promise<FioriPage>
}

/** Registers the suite's before/after hooks: call it in a describe() body, like cds.test. */
export function startFiori(options: FioriOptions = {}): Fiori {
  const test = cds.test(__dirname + '/../..')
  const settings = s4Settings()
  const originalUrl = settings.url
  const notifications: string[] = []
  const pages: FioriPage[] = []
  const findProblems = new Map<FioriPage, () => Promise<string[]>>()
  /** Pages whose check() has thrown: the test dealt with their problems. */
  const refused = new Set<FioriPage>()
  let sim: Simulator | undefined
  let browser: Browser | undefined
  let base = ''

  before(async function () {
    this.timeout(180_000)
    if (!isFrameworkBuilt()) throw new Error(`No prebuilt SAPUI5 at ${frameworkDir()}: run 'npm run ui5:framework' first (npm test and npm start do)`)
    const service = await cds.connect.to('notifications')
    service.prepend(() => service.on('*', req => void notifications.push(req.event)))
    sim = createSimulator({ volume: 'small', ...options.simulator })
    settings.url = await sim.listen(0)
    const summaries = await runSync('all')
    const failed = summaries.filter(s => s.status !== 'succeeded')
    if (failed.length) throw new Error(`The sync that fills the mirror failed: ${JSON.stringify(failed)}`)
    browser = await launchBrowser()
    base = test.axios.defaults.baseURL!
  })

  // The fence holds even where a test forgot to check: a page with problems fails the test's after-each hook,
  // unless the test failed already or saw its check() fail (and expected it to).
  afterEach(async function () {
    const found: string[] = []
    const failed = this.currentTest?.state === 'failed'
    if (!failed) for (const page of pages) if (!refused.has(page)) found.push(...(await findProblems.get(page)!()))
    // What the page showed when the test failed, for whoever reads the CI output.
    else for (const [i, { page }] of pages.entries()) await screenshot(page, `failed-${this.currentTest!.title.slice(0, 60)}-${i + 1}`).catch(() => undefined)
    while (pages.length) await pages.pop()!.close()
    if (found.length) throw new Error(`A page of this test was not clean:\n  ${found.join('\n  ')}`)
  })

  after(async () => {
    await browser?.close()
    await sim?.close()
    settings.url = originalUrl
  })

  async function open(user: FinanceUser, path = LAUNCHPAD, pageOptions = options.page): Promise<FioriPage> {
    if (!browser) throw new Error('startFiori(): the browser is not up; open pages in tests or hooks after its before()')
    const fenced = await newPage(browser, { width: 1440, height: 900, locale: 'en-GB', ...pageOptions, httpCredentials: USERS[user] })
    const appFailures: string[] = []
    fenced.page.on('console', message => {
      if (APP_FAILED.test(message.text())) appFailures.push(message.text())
    })
    const { page } = fenced

    const problems = async () => {
      const shown = await page
        .getByText(APP_FAILED)
        .first()
        .isVisible()
        .catch(() => false)
      return [
        ...fenced.pageErrors.map(e => `page error: ${e.stack || e.message}`),
        ...fenced.externalRequests.map(u => `request leaving localhost (aborted): ${u}`),
        ...appFailures.map(t => `app failed to start: ${t}`),
        ...(shown ? ['the shell shows "Could not open app"'] : []),
      ]
    }

    const fiori: FioriPage = {
      ...fenced,
      user,
      appFailures,
      async check() {
        const found = await problems()
        if (!found.length) return
        refused.add(fiori)
        throw new Error(`The page was not clean (${user}, ${page.url()}):\n  ${found.join('\n  ')}`)
      },
      async waitFor(locator, what, timeoutMs = 60_000) {
        const until = Date.now() + timeoutMs
        for (;;) {
          if (await locator.first().isVisible().catch(() => false)) return
          const found = await problems()
          if (found.length) throw new Error(`While waiting for ${what} (${user}, ${page.url()}):\n  ${found.join('\n  ')}`)
          if (Date.now() > until) {
            await fiori.shot(`timeout-${what}`).catch(() => undefined)
            throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (${user}, ${page.url()})`)
          }
          await page.waitForTimeout(200)
        }
      },
      tile: title => page.locator('.sapMGT').filter({ has: page.locator('.sapMGTHdrTxt', { hasText: title }) }),
      kpiValue: async kpi => ((await page.locator(`.sapMGT[data-kpi="${kpi}"] .sapMNCValue`).first().innerText()) || '').trim(),
      async openTile(title) {
        const tile = fiori.tile(title)
        await fiori.waitFor(tile, `the tile "${title}"`)
        const before = page.url()
        await tile.first().click()
        await page.waitForURL(url => url.toString() !== before && !/#Shell-home$|#$/.test(url.toString()), { timeout: 15_000 })
      },
      async home() {
        await page.evaluate('window.location.hash = "#Shell-home"')
        await fiori.waitFor(page.locator('.sapMGT').first(), 'the launchpad home page')
      },
      shot: name => screenshot(page, name),
    }
    pages.push(fiori)
    findProblems.set(fiori, problems)
    await page.goto(base + path, { waitUntil: 'domcontentloaded' })
    return fiori
  }

  async function launchpad(user: FinanceUser, pageOptions = options.page): Promise<FioriPage> {
    const fiori = await open(user, LAUNCHPAD, pageOptions)
    const numbers = fiori.page.locator('.sapMGT[data-kpi] .sapMNCValue').filter({ hasText: /^\s*\d+\s*$/ })
    const until = Date.now() + 60_000
    await fiori.waitFor(fiori.page.locator('.sapMGT[data-kpi]'), 'the KPI tiles')
    while ((await numbers.count()) < (await fiori.page.locator('.sapMGT[data-kpi]').count())) {
      await fiori.check()
      if (Date.now() > until) throw new Error(`The KPI tiles did not all show a number within 60 s (${user})`)
      await fiori.page.waitForTimeout(100)
    }
    return fiori
  }

  return {
    test,
    get base() {
      return base
    },
    get sim() {
      if (!sim) throw new Error('startFiori(): the simulator is not up yet')
      return sim
    },
    get browser() {
      if (!browser) throw new Error('startFiori(): the browser is not up yet')
      return browser
    },
    notifications,
    open,
    launchpad,
  }
}
