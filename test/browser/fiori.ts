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
import type { Browser, Locator, Page, Request } from 'playwright-core'
import { createSimulator, type Simulator, type SimulatorOptions } from '@invoice-crm/s4-simulator/simulator'
import { runSync } from '../../srv/sync'
import { s4Settings } from '../../srv/s4/destination'
import { frameworkDir, isFrameworkBuilt } from '../../srv/ui5-framework'
import { launchBrowser, newPage, screenshot, shootFailure, type FencedPage, type PageOptions } from './chromium'

/** The mocked users of the test profile (.cdsrc.json), one per finance role, and an AR lead who holds two. */
export const USERS = {
  clerk: { username: 'clerk', password: 'clerk' },
  manager: { username: 'manager', password: 'manager' },
  admin: { username: 'admin', password: 'admin' },
  lead: { username: 'lead', password: 'lead' },
} as const
export type FinanceUser = keyof typeof USERS

export const LAUNCHPAD = '/launchpad/index.html'

/** Rows of the visible responsive tables in scope (FE renders a spare row for growing: only rows with cells count). */
export const tableRows = (scope: Page | Locator) =>
  scope.locator('.sapMListTblRow:visible').filter({ has: ('page' in scope ? scope.page() : scope).locator('td.sapMListTblCell') })

/** The object page on screen. */
export const objectPage = (page: Page) => page.locator('.sapUxAPObjectPageLayout:visible')

/** The titles and values of the page's responsive tables cut off with an ellipsis (wider than their cell). */
export const cutInResponsiveTables = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.sapMListTbl th, .sapMListTbl td')]
      .flatMap(cell => [...cell.querySelectorAll('*')].filter(e => e.childElementCount === 0 && e.scrollWidth > e.clientWidth + 1))
      .map(e => e.textContent)
  )

/**
 * How the page's grid table fits it: whether it scrolls sideways, and the column titles and numbers cut off (wider
 * than the room their cell gives them; names may be shortened, numbers not).
 */
export const gridTableFit = (page: Page) =>
  page.evaluate(() => {
    const table = document.querySelector('.sapUiTable')
    // (No named function in here: the test's compiler would wrap it in a helper the page does not have.)
    const titles = [...document.querySelectorAll('.sapUiTableHeaderCell')].filter(cell =>
      [...cell.querySelectorAll('.sapMLabel, .sapMLabelTextWrapper')].some(label => label.scrollWidth > label.clientWidth + 1)
    )
    const numbers = [...document.querySelectorAll('.sapUiTableDataCell *')].filter(
      e => e.childElementCount === 0 && /^[\d,.]+$/.test(e.textContent?.trim() ?? '') && e.scrollWidth > e.clientWidth + 1
    )
    return { scrolls: Boolean(table?.classList.contains('sapUiTableHScr')), cut: [...titles, ...numbers].map(e => e.textContent) }
  })

/**
 * UI5's own test support tells when the UI has nothing left to do: sap/ui/test/autowaiter/_autoWaiter (what OPA
 * waits on) counts pending XHRs and fetches, timeouts, promises, navigation, animations, rendering and module loads.
 * It hooks XHR and timers when it loads, so every page loads it as soon as UI5's core is ready. Pages without UI5
 * (none of the launchpad's) are left alone.
 */
const LOAD_AUTOWAITER = `document.addEventListener('DOMContentLoaded', function () {
  var ui = window.sap && window.sap.ui
  if (!ui || typeof ui.require !== 'function') return
  ui.require(['sap/ui/core/Core'], function (Core) {
    Core.ready(function () { ui.require(['sap/ui/test/autowaiter/_autoWaiter']) })
  })
})`

/**
 * True once the autowaiter has nothing to wait for and no busy indicator or Fiori elements loading placeholder is
 * shown (a control is set busy before the request it waits for is sent).
 */
const UI5_SETTLED = `(function () {
  var waiter = window.sap && window.sap.ui && window.sap.ui.require && window.sap.ui.require('sap/ui/test/autowaiter/_autoWaiter')
  if (!waiter || waiter.hasToWait()) return false
  var shown = function (e) { return e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' }
  return !Array.prototype.some.call(document.querySelectorAll('.sapUiLocalBusyIndicator, #sapUiBusyIndicator, .sapFePlaceholderContainer'), shown)
})()`

/** No field's value list (the suggestions typing opens) is open. */
const NO_VALUE_LIST_OPEN = `!document.querySelector('input[aria-expanded="true"], textarea[aria-expanded="true"]')`

/**
 * Every KPI tile shows a number (not the '–' of a tile still loading), a share's with its % sign, or, a share with
 * nothing to share out, the '–' of a tile whose counts are in (data-kpi-shown).
 */
const KPIS_SHOWN = `(function () {
  var tiles = document.querySelectorAll('.sapMGT[data-kpi]')
  return tiles.length > 0 && Array.prototype.every.call(tiles, function (t) {
    var value = t.querySelector('.sapMNCValue')
    var text = (value && value.textContent) || ''
    return !!value && (/^\\s*\\d+%?\\s*$/.test(text) || (t.getAttribute('data-kpi-shown') === 'true' && /^\\s*–\\s*$/.test(text)))
  })
})()`

/**
 * How long a single wait for the page's state lasts before the page is checked for problems again. Each slice
 * looks at the state once without a time limit first: on a loaded machine a round trip to the browser alone can
 * take longer than a slice, and a wait that times out before its first look would never see the state.
 */
const SLICE_MS = 5000

/** A field of a form or dialog and the value to enter in it. */
export interface Entry {
  field: Locator
  value: string
  /** For the messages: which field this is. */
  what: string
  /**
   * The key that commits the value once typed: Enter takes the matching entry of a field's value list (it opens
   * while one types), Tab leaves the field (and makes it look the value up). Without it the value stays typed.
   */
  commit?: 'Enter' | 'Tab'
  /**
   * The field offers a value list while one types (a value help's type-ahead): Enter is pressed once that list is
   * open. Pressed earlier, Enter finds no list to take from, and the list opens afterwards and stays open.
   */
  list?: boolean
  /** What the field shows once committed when that is not the typed value (e.g. a name looked up for an ID). */
  shows?: RegExp
}

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
  /** Waits until a JavaScript expression is true in the page; fails at once when the page fails meanwhile. */
  waitUntil(what: string, expression: string, timeoutMs?: number): Promise<void>
  /**
   * Waits until UI5 is idle: no request, timer, promise, animation, rendering or module load pending, nothing busy.
   * Fails at once when the page fails meanwhile.
   */
  settled(what: string, timeoutMs?: number): Promise<void>
  /**
   * Types each entry's value into its field once the UI is settled, commits it, and then makes sure every field holds
   * its value: a field that lost it because the focus moved while typing (a closing value list gives it back to its
   * own field) is typed into again; one that still does not hold it fails the test.
   */
  fill(entries: Entry[]): Promise<void>
  /**
   * Clicks a button once it is visible and UI5 is idle (Playwright waits for it to be enabled and steady). With
   * `sends` (part of the URL or, in a $batch, of the body, e.g. the action's name) waits for the request the click
   * must send and fails unless the server accepted it and every part of the answer succeeded; then waits until the
   * UI settled on the answer. Returns the answer's body.
   */
  press(button: Locator, what: string, sends?: string): Promise<string>
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
  /** Events the customer-mail service was asked to send (mails are recorded, not sent). */
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
    const service = await cds.connect.to('customer-mail')
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
    if (this.currentTest?.state === 'failed') {
      // What the pages showed when the test failed, attached to its error for whoever reads the CI output.
      await shootFailure(this.currentTest, pages.map(p => p.page))
    } else {
      for (const page of pages) if (!refused.has(page)) found.push(...(await findProblems.get(page)!()))
    }
    const shots = found.length ? await shootFailure(undefined, pages.map(p => p.page)) : []
    while (pages.length) await pages.pop()!.close()
    if (found.length) throw new Error(`A page of this test was not clean:\n  ${found.join('\n  ')}${shots.length ? `\n  screenshots: ${shots.join(', ')}` : ''}`)
  })

  after(async () => {
    await browser?.close()
    await sim?.close()
    settings.url = originalUrl
  })

  async function open(user: FinanceUser, path = LAUNCHPAD, pageOptions = options.page): Promise<FioriPage> {
    if (!browser) throw new Error('startFiori(): the browser is not up; open pages in tests or hooks after its before()')
    const fenced = await newPage(browser, { width: 1440, height: 900, locale: 'en-GB', ...pageOptions, httpCredentials: USERS[user] })
    await fenced.page.addInitScript(LOAD_AUTOWAITER)
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
      waitFor: (locator, what, timeoutMs) =>
        until(what, async slice => (await locator.first().isVisible()) || locator.first().waitFor({ state: 'visible', timeout: slice }), timeoutMs),
      waitUntil: (what, expression, timeoutMs) =>
        until(what, async slice => (await page.evaluate(expression)) || page.waitForFunction(expression, undefined, { polling: 100, timeout: slice }), timeoutMs),
      settled: (what, timeoutMs) => fiori.waitUntil(what, UI5_SETTLED, timeoutMs),
      async fill(entries) {
        await fiori.settled(`the form before typing into ${entries.map(e => e.what).join(', ')}`)
        for (const entry of entries) await enter(entry)
        for (let round = 1; ; round++) {
          await fiori.settled(`the form after typing into ${entries.map(e => e.what).join(', ')}`)
          const wrong: { entry: Entry; holds: string }[] = []
          for (const entry of entries) {
            const holds = await entry.field.first().inputValue()
            if (entry.shows ? !entry.shows.test(holds) : holds !== entry.value) wrong.push({ entry, holds })
          }
          if (!wrong.length) return
          const report = wrong.map(w => `${w.entry.what} holds ${JSON.stringify(w.holds)}, not ${JSON.stringify(w.entry.value)}`).join('; ')
          if (round > 2) throw new Error(`The form does not hold what was typed (${user}, ${page.url()}): ${report}`)
          // Straight to stdout (cds.test silences console.*): a retyped field is worth knowing about.
          process.stdout.write(`      typed again: ${report}\n`)
          for (const { entry } of wrong) await enter(entry)
        }
      },
      async press(button, what, sends) {
        await fiori.waitFor(button, what)
        await fiori.settled(`the page before clicking ${what}`)
        if (!sends) {
          await button.first().click()
          return ''
        }
        const sent = (request: Request) => request.method() !== 'GET' && `${request.url()}\n${request.postData() ?? ''}`.includes(sends)
        const [response] = await Promise.all([page.waitForResponse(response => sent(response.request()), { timeout: 120_000 }), button.first().click()])
        // No content has no body to read (and Chromium keeps none once the page's URL changed, as after saving a view).
        const body = response.status() === 204 ? '' : await response.text()
        // A $batch answers 200 as a whole; each of its parts has a status line of its own.
        const statuses = [response.status(), ...[...body.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map(m => Number(m[1]))]
        if (statuses.some(status => status >= 400)) throw new Error(`Clicking ${what} sent ${sends}, which the server refused (${statuses.join(', ')}): ${body.slice(0, 1000)}`)
        await fiori.settled(`the page after the server answered ${what}`)
        return body
      },
      tile: title => page.locator('.sapMGT').filter({ has: page.locator('.sapMGTHdrTxt', { hasText: title }) }),
      kpiValue: async kpi => ((await page.locator(`.sapMGT[data-kpi="${kpi}"] .sapMNCValue`).first().innerText()) || '').trim(),
      async openTile(title) {
        const before = page.url()
        await fiori.press(fiori.tile(title), `the tile "${title}"`)
        await page.waitForURL(url => url.toString() !== before && !/#Shell-home$|#$/.test(url.toString()), { timeout: 120_000 })
      },
      async home() {
        await page.evaluate('window.location.hash = "#Shell-home"')
        await fiori.waitFor(page.locator('.sapMGT').first(), 'the launchpad home page')
      },
      shot: name => screenshot(page, name),
    }

    /**
     * Waits for the page's state in slices, each a wait in the browser for that state, and checks the page for
     * problems between them: a page that fails says why at once instead of timing out.
     */
    async function until(what: string, attempt: (sliceMs: number) => Promise<unknown>, timeoutMs = 120_000) {
      const end = Date.now() + timeoutMs
      for (;;) {
        if (await attempt(SLICE_MS).then(() => true, () => false)) return
        const found = await problems()
        if (found.length) throw new Error(`While waiting for ${what} (${user}, ${page.url()}):\n  ${found.join('\n  ')}`)
        if (Date.now() > end) {
          await fiori.shot(`timeout-${what}`).catch(() => undefined)
          throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (${user}, ${page.url()})`)
        }
      }
    }

    async function enter({ field, value, what, commit, list }: Entry) {
      const input = field.first()
      await fiori.waitFor(input, what)
      // fill() waits until the field is enabled and editable, focuses it, and replaces what it holds.
      await input.fill(value)
      if (list) {
        const element = await input.elementHandle()
        await until(`the value list of ${what} open`, async slice =>
          (await input.getAttribute('aria-expanded')) === 'true' || page.waitForFunction(e => e?.getAttribute('aria-expanded') === 'true', element, { polling: 100, timeout: slice })
        )
        await fiori.settled(`the value list of ${what}`)
      }
      if (!commit) return
      await input.press(commit)
      // The value list that typing opened closes again (and gives the focus back to its field when it does).
      await fiori.waitUntil(`the value list of ${what} closed`, `${NO_VALUE_LIST_OPEN} && ${UI5_SETTLED}`)
    }

    pages.push(fiori)
    findProblems.set(fiori, problems)
    await page.goto(base + path, { waitUntil: 'domcontentloaded' })
    return fiori
  }

  async function launchpad(user: FinanceUser, pageOptions = options.page): Promise<FioriPage> {
    const fiori = await open(user, LAUNCHPAD, pageOptions)
    await fiori.waitFor(fiori.page.locator('.sapMGT[data-kpi]'), 'the KPI tiles')
    await fiori.waitUntil('a number on every KPI tile', KPIS_SHOWN)
    await fiori.settled('the launchpad home page')
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
