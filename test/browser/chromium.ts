// Headless Chromium for the page tests: Debian's /usr/bin/chromium driven by playwright-core (which brings no
// browser of its own). Every page is fenced in: it may talk to this machine only, and what went wrong in it
// (uncaught errors, console errors, attempts to reach other hosts) is recorded for the test to assert on.
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core'
import { existsSync, mkdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Where screenshots go: git-ignored (.test-output/), printed so that CI output names them. */
export const SCREENSHOTS = resolve(__dirname, '../../.test-output/screenshots')

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** Headless in a container, and nothing that phones home on its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export function assertChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`)
}

export async function launchBrowser(): Promise<Browser> {
  assertChromium()
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
}

export interface PageOptions {
  width: number
  height: number
  /** Browser locale, i.e. navigator.language and Accept-Language; default en-GB. */
  locale?: string
  /** Device scale factor for sharper screenshots; default 1. */
  scale?: number
  /** A phone: touch events and the mobile viewport meta tag honoured. */
  mobile?: boolean
  /** Basic-auth user the browser answers 401 challenges with (the mocked finance users). */
  httpCredentials?: { username: string; password: string }
}

export interface FencedPage {
  page: Page
  context: BrowserContext
  /** Uncaught exceptions in the page. */
  pageErrors: Error[]
  /** console.error() calls and errors Chromium logs to the console (CSP violations, failed loads). */
  consoleErrors: string[]
  /** Requests to any host but this machine; each was aborted before it left. */
  externalRequests: string[]
  /** Throws if the page had an uncaught error, tried to reach another host, or logged an unexpected console error. */
  assertClean(allowConsole?: RegExp[]): void
  close(): Promise<void>
}

export async function newPage(browser: Browser, { width, height, locale = 'en-GB', scale = 1, mobile = false, httpCredentials }: PageOptions): Promise<FencedPage> {
  const context = await browser.newContext({
    viewport: { width, height },
    locale,
    deviceScaleFactor: scale,
    isMobile: mobile,
    hasTouch: mobile,
    serviceWorkers: 'block',
    httpCredentials,
  })
  const pageErrors: Error[] = []
  const consoleErrors: string[] = []
  const externalRequests: string[] = []

  // Every request passes here: only this machine is let through, anything else is recorded and aborted.
  await context.route('**/*', route => {
    const url = route.request().url()
    let host = ''
    try {
      host = new URL(url).hostname
    } catch {
      // not a URL with a host (data:, blob:): stays in the page
    }
    if (!host || LOCAL_HOSTS.has(host)) return route.continue()
    externalRequests.push(url)
    return route.abort('blockedbyclient')
  })
  // WebSockets do not pass through route(): fence them in too.
  await context.routeWebSocket(/.*/, ws => {
    const host = new URL(ws.url()).hostname
    if (LOCAL_HOSTS.has(host)) return ws.connectToServer()
    externalRequests.push(ws.url())
    return ws.close()
  })

  // Bounds, not paces: Playwright's 30 s for an action or a wait is too short on a loaded CI machine.
  context.setDefaultTimeout(120_000)
  const page = await context.newPage()
  page.on('pageerror', error => pageErrors.push(error))
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url || 'page'})`)
  })

  return {
    page,
    context,
    pageErrors,
    consoleErrors,
    externalRequests,
    assertClean(allowConsole: RegExp[] = []) {
      const problems = [
        ...pageErrors.map(e => `page error: ${e.stack || e.message}`),
        ...externalRequests.map(u => `external request: ${u}`),
        ...consoleErrors.filter(text => !allowConsole.some(re => re.test(text))).map(text => `console error: ${text}`),
      ]
      if (problems.length) throw new Error(`The page was not clean:\n  ${problems.join('\n  ')}`)
    },
    close: () => context.close(),
  }
}

/**
 * Screenshots of the pages a failed test left open, named after the test, attached to its error: mocha prints the
 * error of a failed test at the end of the run, and the paths then stand next to the failure they show. Returns
 * the paths (none when the pages could not be shot, e.g. closed already).
 */
export async function shootFailure(test: Mocha.Runnable | undefined, pages: Page[]): Promise<string[]> {
  const files: string[] = []
  for (const [i, page] of pages.entries()) {
    const file = await screenshot(page, `failed-${(test?.title ?? 'test').slice(0, 60)}-${i + 1}`).catch(() => undefined)
    if (file) files.push(file)
  }
  const err = (test as { err?: Error } | undefined)?.err
  if (err && files.length) {
    const note = `Screenshot${files.length > 1 ? 's' : ''} of the page${files.length > 1 ? 's' : ''}: ${files.map(f => relative(process.cwd(), f) || f).join(', ')}`
    // Mocha prints the stack's lines before its first frame as the message: the note goes there.
    const stack = err.stack ?? err.message
    const frames = stack.search(/\n\s+at\s/)
    err.stack = frames < 0 ? `${stack}\n${note}` : `${stack.slice(0, frames)}\n${note}${stack.slice(frames)}`
    err.message = `${err.message}\n${note}`
  }
  return files
}

/** A full-page PNG under .test-output/screenshots/<name>.png; prints and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const file = join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '-')}.png`)
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' })
  // Straight to stdout: cds.test silences console.* under mocha.
  process.stdout.write(`      screenshot: ${relative(process.cwd(), file) || file}\n`)
  return file
}
