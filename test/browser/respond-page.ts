import type { Browser, Page } from 'playwright-core'
import { expect } from 'chai'
import { newPage, type FencedPage, type PageOptions } from './chromium'
import { measure } from './checks'

// What the tests of the customers' page (app/respond) share: opening it in a fenced page, waiting for its state, and
// checking its layout.

/** Opens the page at the given fragment (`#t=<token>`) in a new fenced page, kept in pages for closing. */
export function pageOpener(browser: () => Browser, base: () => string, pages: FencedPage[]) {
  return async (options: PageOptions & { locale?: string }, fragment: string): Promise<FencedPage> => {
    const fenced = await newPage(browser(), options)
    pages.push(fenced)
    await fenced.page.goto(`${base()}/respond/${fragment}`)
    return fenced
  }
}

/** The page's main text, its whitespace collapsed. */
export const mainText = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ')

/** Waits for the page to reach a state (main[data-state]); on timeout says which one it is in, and why. */
export async function pageState(page: Page, value: string, fenced?: FencedPage) {
  try {
    // A bound for a loaded CI machine, not a pace: the page answers as soon as the server did.
    await page.waitForSelector(`main[data-state="${value}"]`, { timeout: 120_000 })
  } catch (error) {
    const now = await page.locator('main').getAttribute('data-state').catch(() => '?')
    const seen = [(await mainText(page).catch(() => '')).slice(0, 300), ...(fenced?.pageErrors.map(e => e.message) ?? []), ...(fenced?.consoleErrors ?? [])]
    throw new Error(`expected the page in state '${value}', it is in '${now}':\n  ${seen.join('\n  ')}`, { cause: error })
  }
}

/** Readable, fits the screen, big enough to tap, everything labelled. */
export async function expectLayoutOk(page: Page, what: string) {
  const problems = await measure(page)
  expect(problems.overflowX, `${what}: the page scrolls sideways`).to.be.at.most(0)
  expect(problems.lowContrast, `${what}: low contrast`).to.deep.equal([])
  expect(problems.smallTargets, `${what}: small touch targets`).to.deep.equal([])
  expect(problems.unlabelled, `${what}: controls without a label`).to.deep.equal([])
}
