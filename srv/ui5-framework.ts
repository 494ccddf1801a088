// The local launchpad and Fiori apps, and the SAPUI5 framework they run on. Outside production, CAP serves
//   /ui5/resources, /ui5/test-resources  the framework prebuilt by `npm run ui5:framework` (.ui5-framework/<version>-minified)
//   /<app>/                              app/<app>/webapp of every app with a manifest (launchpad, invoices, ...)
//   /<app>/Component-preload.js          the app's preload bundle from .ui5-apps/<app>/ (app/build/app-preloads.ts), while
//                                        it is as new as the app's files: the app loads in one request, as on BTP
// On BTP the apps come from the HTML5 application repository and the framework from the platform instead.
// `npm start` does not wait for the framework: a missing build runs in the background while the API, the response
// page and the sync serve, and the apps' pages say so until it is there.
import cds from '@sap/cds'
import express, { type Application, type RequestHandler } from 'express'
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const LOG = cds.log('ui5')

/** The launchpad's UI5 project names the framework version and libraries for every app. */
export const ui5Project = () => join(cds.root, 'app/launchpad/ui5.yaml')

export function ui5Version(project = ui5Project()): string {
  const version = /^\s*version:\s*["']?([\d.]+)["']?\s*$/m.exec(readFileSync(project, 'utf8'))?.[1]
  if (!version) throw new Error(`No framework version in ${project}`)
  return version
}

/** Where the prebuilt framework of a version lives (git-ignored, rebuilt only when missing); UI5_FRAMEWORK_DIR
 * points elsewhere, e.g. at a CI cache or another build to compare. "-minified": builds made before the build
 * minified are not taken for current ones, and are rebuilt (app/build/ui5-framework.ts). */
export const frameworkDir = (version = ui5Version()) => process.env.UI5_FRAMEWORK_DIR || join(cds.root, '.ui5-framework', `${version}-minified`)

/** Where the apps' preload bundles are built (git-ignored; `npm run ui5:framework` builds them with the framework). */
export const appBuildDir = (name: string) => join(cds.root, '.ui5-apps', name)

/**
 * Modules more than one app uses (app/shared, e.g. the totals of a list): each app has them at ext/shared/, a copy in
 * its build (app/build/ui5-preload.ts), since each is deployed on its own (a zip per app in the HTML5 application
 * repository); served from app/shared in development.
 */
export const sharedModulesDir = () => join(cds.root, 'app/shared')
export const SHARED_MODULES_PATH = 'ext/shared'

/** What an app's bundle was built from (its files and the shared modules): the newest change and the number of files. */
export function sourcesStamp(webapp: string): string {
  const files = [webapp, sharedModulesDir()].flatMap(dir => readdirSync(dir, { recursive: true, withFileTypes: true })).filter(entry => entry.isFile())
  const newest = Math.max(0, ...files.map(entry => statSync(join(entry.parentPath, entry.name)).mtimeMs))
  return JSON.stringify({ newest, files: files.length })
}

export const STAMP_FILE = '.sources.json'

/**
 * The apps under app/ with a manifest: their folder, their webapp, and whether they have a page of their own (the
 * launchpad, which is no component); the others are the Fiori apps the launchpad opens, each with a preload bundle.
 */
export function localApps(): { name: string; webapp: string; ownPage: boolean }[] {
  const apps = join(cds.root, 'app')
  return readdirSync(apps)
    .map(name => ({ name, webapp: join(apps, name, 'webapp') }))
    .filter(({ webapp }) => existsSync(join(webapp, 'manifest.json')))
    .map(app => ({ ...app, ownPage: existsSync(join(app.webapp, 'index.html')) }))
}

/** The folder of an app's bundle when it was built from the app's files as they are now; else undefined. */
export function freshBuild(name: string, webapp: string): string | undefined {
  const dir = appBuildDir(name)
  try {
    return readFileSync(join(dir, STAMP_FILE), 'utf8') === sourcesStamp(webapp) ? dir : undefined
  } catch {
    return undefined
  }
}

/** A build is complete once its version info is there: the build goes to a temporary folder and is renamed last. */
export const isFrameworkBuilt = (dir = frameworkDir()) => existsSync(join(dir, 'resources/sap-ui-version.json'))

/** Outside development (tests, benchmarks) the framework is built beforehand: `npm test` builds it first. */
const buildsInBackground = () => cds.env.profiles.includes('development') && !cds.env.profiles.includes('test')

type BuildState = 'built' | 'building' | 'missing' | 'failed'

/** Runs `npm run ui5:framework` as a child process; its output goes to the log at debug level (`DEBUG=ui5`). */
function buildFramework(version: string, done: (succeeded: boolean) => void) {
  const started = Date.now()
  LOG.info(`Building SAPUI5 ${version} in the background (a few minutes, once per version): the apps open when it is ready`)
  const build = spawn(process.execPath, [require.resolve('tsx/cli'), join(cds.root, 'app/build/ui5-framework.ts')], {
    cwd: cds.root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const tail: string[] = []
  for (const stream of [build.stdout, build.stderr]) {
    createInterface({ input: stream }).on('line', line => {
      LOG.debug(line)
      tail.push(line)
      if (tail.length > 20) tail.shift()
    })
  }
  // The server's shutdown should not leave the build running on its own.
  const stop = () => build.kill()
  cds.on('shutdown', stop)
  build.on('exit', code => {
    if (code === 0) LOG.info(`SAPUI5 ${version} built in ${Math.round((Date.now() - started) / 1000)} s: the launchpad is ready`)
    else LOG.error(`The SAPUI5 build failed (exit ${code}); run 'npm run ui5:framework' to see why:\n${tail.join('\n')}`)
    done(code === 0)
  })
}

/** The translated page an app's own page shows while the framework is not there; it reloads itself until it is. */
function frameworkPending(state: () => BuildState, version: string): RequestHandler {
  return (req, res, next) => {
    const current = state()
    if (current === 'built' || !/(^|\/)(index\.html)?$/.test(req.path)) return next()
    const locale = (req.acceptsLanguages('en', 'de', 'zh-CN', 'zh') || 'en').replace('-', '_')
    const text = (key: string) => cds.i18n.messages.at(key, locale, [version]) ?? key
    const message = text(current === 'building' ? 'UI5_FRAMEWORK_BUILDING' : current === 'failed' ? 'UI5_FRAMEWORK_FAILED' : 'UI5_FRAMEWORK_MISSING')
    const refresh = current === 'building' ? '<meta http-equiv="refresh" content="10">' : ''
    res.status(503).setHeader('Retry-After', '10')
    res.type('html').send(
      `<!DOCTYPE html><html lang="${locale.slice(0, 2)}"><head><meta charset="utf-8">${refresh}<title>invoice-crm</title></head>` +
        `<body style="font-family: sans-serif; margin: 3rem"><h1>invoice-crm</h1><p>${message}</p></body></html>`
    )
  }
}

/**
 * An app's bundle while it is fresh. A changed app (a developer at work) is served file by file, as UI5 falls back
 * to when the bundle is missing, until `npm run ui5:framework` builds it again; the log says so once.
 */
function servePreload(name: string, webapp: string): RequestHandler {
  let told = false
  return (req, res, next) => {
    const dir = freshBuild(name, webapp)
    // Relative to its folder: send refuses a path through a dot folder (.ui5-apps) otherwise.
    if (dir) return res.sendFile(req.path.slice(name.length + 2), { root: dir })
    if (!told) LOG.info(`The bundle of ${name} is older than its files: served file by file until 'npm run ui5:framework' builds it again`)
    told = true
    next()
  }
}

export function serveUi5(app: Application) {
  const version = ui5Version()
  const dir = frameworkDir(version)
  let state: BuildState = isFrameworkBuilt(dir) ? 'built' : 'missing'
  if (state === 'missing') {
    if (buildsInBackground()) {
      state = 'building'
      buildFramework(version, succeeded => (state = succeeded && isFrameworkBuilt(dir) ? 'built' : 'failed'))
    } else {
      LOG.warn(`No prebuilt SAPUI5 at ${dir}: run 'npm run ui5:framework' for the launchpad and the Fiori apps`)
    }
  }
  // Mounted even while the folder is missing: express.static serves it as soon as the build renames it into place.
  // The folder is per version, so what the browser cached stays right until the version changes.
  const cached = { maxAge: '1d' }
  app.use('/ui5/resources', express.static(join(dir, 'resources'), cached))
  app.use('/ui5/test-resources', express.static(join(dir, 'test-resources'), cached))
  const pending = frameworkPending(() => state, version)
  for (const { name, webapp, ownPage } of localApps()) {
    // An app with a page of its own (the launchpad) explains itself there; the others open only inside it.
    if (ownPage) app.use(`/${name}`, pending)
    else {
      app.get(`/${name}/Component-preload.js{.map}`, servePreload(name, webapp))
      app.use(`/${name}/${SHARED_MODULES_PATH}`, express.static(sharedModulesDir()))
    }
    app.use(`/${name}`, express.static(webapp))
  }
  app.get('/', (_req, res) => res.redirect('/launchpad/index.html'))
}

if (!cds.env.profiles?.includes('production')) cds.on('bootstrap', app => serveUi5(app))
