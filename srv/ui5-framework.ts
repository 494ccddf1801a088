// The local launchpad and Fiori apps, and the SAPUI5 framework they run on. Outside production, CAP serves
//   /ui5/resources, /ui5/test-resources  the framework prebuilt by `npm run ui5:framework` (.ui5-framework/<version>)
//   /<app>/                              app/<app>/webapp of every app with a manifest (launchpad, invoices, ...)
// On BTP the apps come from the HTML5 application repository and the framework from the platform instead.
import cds from '@sap/cds'
import express, { type Application } from 'express'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const LOG = cds.log('ui5')

/** The launchpad's UI5 project names the framework version and libraries for every app. */
export const ui5Project = () => join(cds.root, 'app/launchpad/ui5.yaml')

export function ui5Version(project = ui5Project()): string {
  const version = /^\s*version:\s*["']?([\d.]+)["']?\s*$/m.exec(readFileSync(project, 'utf8'))?.[1]
  if (!version) throw new Error(`No framework version in ${project}`)
  return version
}

/** Where the prebuilt framework of a version lives (git-ignored, rebuilt only when missing); UI5_FRAMEWORK_DIR
 * points elsewhere, e.g. at a CI cache or another build to compare. */
export const frameworkDir = (version = ui5Version()) => process.env.UI5_FRAMEWORK_DIR || join(cds.root, '.ui5-framework', version)

/** A build is complete once its version info is there: the build goes to a temporary folder and is renamed last. */
export const isFrameworkBuilt = (dir = frameworkDir()) => existsSync(join(dir, 'resources/sap-ui-version.json'))

export function serveUi5(app: Application) {
  const dir = frameworkDir()
  if (isFrameworkBuilt(dir)) {
    // The folder is per version, so what the browser cached stays right until the version changes.
    const cached = { maxAge: '1d' }
    app.use('/ui5/resources', express.static(join(dir, 'resources'), cached))
    app.use('/ui5/test-resources', express.static(join(dir, 'test-resources'), cached))
  } else {
    LOG.warn(`No prebuilt SAPUI5 at ${dir}: run 'npm run ui5:framework' for the launchpad and the Fiori apps`)
  }
  const apps = join(cds.root, 'app')
  for (const name of readdirSync(apps)) {
    const webapp = join(apps, name, 'webapp')
    if (existsSync(join(webapp, 'manifest.json'))) app.use(`/${name}`, express.static(webapp))
  }
  app.get('/', (_req, res) => res.redirect('/launchpad/index.html'))
}

if (!cds.env.profiles?.includes('production')) cds.on('bootstrap', app => serveUi5(app))
