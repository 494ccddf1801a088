// npm run bench:ui -- [--runs 5] [--user clerk] [--sqlite <file>]
//
// --sqlite: on a mirror filled at volume instead of the simulator's small one, e.g. the file `npm run bench:odata --
// --db sqlite --volume 100000` leaves in the temp folder (bench-odata-100000.sqlite), so the KPI tiles count 100k invoices.
//
// Time to interactive of the local launchpad with the prebuilt SAPUI5 framework (npm run ui5:framework): from the
// browser's navigation start to every tile visible and every KPI tile showing its count, as the page itself
// measures it (performance.now() when the last count appears). The app runs in this process as in the tests
// (in-memory SQLite, the mirror synced from the S/4HANA simulator); Debian's Chromium, headless, 1440x900.
//   cold: a fresh browser profile each run (empty HTTP cache)
//   warm: the same profile loads the launchpad again (framework from the HTTP cache; the app's data is fresh)
// Prints the runs and the medians, and writes them to bench/results/launchpad-tti.json.
// The test profile (in-memory database, no development simulator) and TypeScript services come from the npm
// script's environment: imports are evaluated before any statement here could set them.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import cds from '@sap/cds'
import type { Page } from 'playwright-core'
import { createSimulator } from '@invoice-crm/s4-simulator/simulator'
import { frameworkDir, isFrameworkBuilt, ui5Version } from '../srv/ui5-framework'
import { chromium } from 'playwright-core'
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from '../test/browser/chromium'
import { runSync } from '../srv/sync'
import { s4Settings } from '../srv/s4/destination'

const root = path.join(__dirname, '..')
const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const runs = Number(option('runs', '5'))
const user = option('user', 'clerk')
const filled = option('sqlite', '')

/** In the page: performance.now() once the home page shows the user's tiles (expected) and every KPI tile a number. */
const READY = `(expected) => {
  const kpis = [...document.querySelectorAll('.sapMGT[data-kpi]')]
  const tiles = [...document.querySelectorAll('.sapMGT')].filter(t => t.getBoundingClientRect().width > 0)
  const counted = kpis.filter(t => /^\\s*\\d+\\s*$/.test(t.querySelector('.sapMNCValue')?.textContent ?? ''))
  return tiles.length === expected && counted.length === kpis.length ? performance.now() : false
}`

interface Run {
  seconds: number
  /** Requests that reached the server until the launchpad was ready. */
  requests: number
  /** Their response bodies (Content-Length; express.static sends no compression). */
  megabytes: number
}

/** What reached the server (the browser's cache hits do not), counted by a middleware in front of everything. */
const served = { requests: 0, bytes: 0 }
// Prepended: in front of the framework's static serving, which registered when srv/ui5-framework was imported.
;(cds as unknown as NodeJS.EventEmitter).prependListener('bootstrap', (app: import('express').Application) =>
  app.use((_req, res, next) => {
    served.requests++
    res.on('finish', () => (served.bytes += Number(res.getHeader('content-length') ?? 0)))
    next()
  })
)

async function measure(page: Page, url: string, tiles: number): Promise<Run> {
  const start = { ...served }
  await page.goto(url, { waitUntil: 'commit' })
  const ready = await page.waitForFunction(`(${READY})(${tiles})`, undefined, { polling: 50, timeout: 120_000 })
  const ms = (await ready.jsonValue()) as number
  return { seconds: ms / 1000, requests: served.requests - start.requests, megabytes: (served.bytes - start.bytes) / 1e6 }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function main() {
  if (!isFrameworkBuilt()) throw new Error(`No prebuilt SAPUI5 at ${frameworkDir()}: run 'npm run ui5:framework' first`)
  cds.root = root
  const cli = cds as unknown as { exec: (...args: string[]) => Promise<{ url: string }>; shutdown: () => Promise<void> }
  if (filled) cds.env.requires.db = { ...cds.env.requires.db, kind: 'sqlite', credentials: { url: filled } }
  const { url } = await cli.exec(...(filled ? [] : ['--in-memory?']), '--port', '0')
  const sim = createSimulator({ volume: 'small' })
  s4Settings().url = await sim.listen(0)
  if (!filled) await runSync('all')
  assertChromium()
  const launchpad = `${url}/launchpad/index.html`
  const authorization = `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}`
  // The user's tiles: the apps of their roles (tiles.json) and the KPI tiles of those apps.
  const { roles } = (await (await fetch(`${url}/odata/v4/launchpad/me()`, { headers: { authorization } })).json()) as { roles: string[] }
  const config = JSON.parse(fs.readFileSync(path.join(root, 'app/launchpad/webapp/tiles.json'), 'utf8')) as { apps: { intent: string; roles: string[] }[]; kpis: { intent: string }[] }
  const apps = config.apps.filter(a => a.roles.some(r => roles.includes(r))).map(a => a.intent)
  const tiles = apps.length + config.kpis.filter(k => apps.includes(k.intent)).length
  const external: string[] = []
  const cold: Run[] = []
  const warm: Run[] = []
  try {
    for (let i = 0; i < runs; i++) {
      // A profile on disk, as a user's browser has: an incognito context's memory cache keeps none of the big
      // library preloads. And not the tests' fenced pages: request interception (route) turns the HTTP cache off,
      // so requests leaving this machine are counted instead, and must be none.
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'launchpad-tti-'))
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1440, height: 900 },
        locale: 'en-GB',
        // Playwright answers httpCredentials' challenges by intercepting every request, which also bypasses the
        // cache; a fixed Authorization header is what the browser sends anyway once the user has logged on.
        extraHTTPHeaders: { Authorization: authorization },
      })
      context.on('request', request => {
        if (!/^(localhost|127\.0\.0\.1|\[::1\])$/.test(new URL(request.url()).hostname) && request.url().startsWith('http')) external.push(request.url())
      })
      cold.push(await measure(context.pages()[0] ?? (await context.newPage()), launchpad, tiles))
      // The same profile and cache, a new page: what a user sees opening the launchpad again.
      warm.push(await measure(await context.newPage(), launchpad, tiles))
      await context.close()
      fs.rmSync(profile, { recursive: true, force: true })
      process.stderr.write(`run ${i + 1}/${runs}: cold ${cold[i].seconds.toFixed(2)} s (${cold[i].requests} requests), warm ${warm[i].seconds.toFixed(2)} s (${warm[i].requests} requests)\n`)
    }
  } finally {
    await sim.close()
  }
  if (external.length) throw new Error(`Requests left this machine: ${external.join(', ')}`)
  const summary = {
    ui5: ui5Version(),
    user,
    mirror: filled || 'simulator, small volume',
    runs,
    cold: { medianSeconds: median(cold.map(r => r.seconds)), medianRequests: median(cold.map(r => r.requests)), medianMegabytes: median(cold.map(r => r.megabytes)), runs: cold },
    warm: { medianSeconds: median(warm.map(r => r.seconds)), medianRequests: median(warm.map(r => r.requests)), medianMegabytes: median(warm.map(r => r.megabytes)), runs: warm },
  }
  fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true })
  fs.writeFileSync(path.join(root, 'bench/results/launchpad-tti.json'), JSON.stringify(summary, null, 2))
  process.stdout.write(
    `launchpad time to interactive (navigation start -> all tiles with counts), SAPUI5 ${summary.ui5}, median of ${runs}:\n` +
      `  cold cache: ${summary.cold.medianSeconds.toFixed(2)} s, ${summary.cold.medianRequests} requests, ${summary.cold.medianMegabytes.toFixed(1)} MB\n` +
      `  warm cache: ${summary.warm.medianSeconds.toFixed(2)} s, ${summary.warm.medianRequests} requests, ${summary.warm.medianMegabytes.toFixed(1)} MB\n`
  )
  await cli.shutdown()
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack || error}\n`)
    process.exit(1)
  }
)
