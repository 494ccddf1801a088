// npm run ui5:framework [-- --force]
// Builds the SAPUI5 framework that the local launchpad and Fiori apps run on, once per version: every library the
// launchpad's ui5.yaml needs, from the npm registry (the UI5 tooling caches the packages in ~/.ui5), with library
// preloads and compiled themes, into .ui5-framework/<version>-minified/. Nothing is fetched when the app or tests run.
// Minified (UI5's default build; the readable sources stay beside as *-dbg.js for sap-ui-debug=true): it doubles the
// build time, but the browser parses a third of the script, and unminified the launchpad missed issue 11's 3 s for
// a cold start (README, Launchpad).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { frameworkDir, isFrameworkBuilt, ui5Project, ui5Version } from '../../srv/ui5-framework'

const force = process.argv.includes('--force')
const version = ui5Version()
const target = frameworkDir(version)

if (isFrameworkBuilt(target) && !force) {
  process.stdout.write(`SAPUI5 ${version} is built: ${target}\n`)
  process.exit(0)
}

const root = dirname(target)
// Other versions' builds are 600 MB each and nothing uses them any more; so are builds whose process is gone. A build
// still running (a server's background build beside `npm test`) is left alone.
const building = `${target}.building-${process.pid}`
if (existsSync(root)) {
  for (const name of readdirSync(root)) {
    const builder = /\.building-(\d+)$/.exec(name)?.[1]
    if (!builder || !isRunning(Number(builder))) rmSync(join(root, name), { recursive: true, force: true })
  }
}

const started = Date.now()
process.stdout.write(`Building SAPUI5 ${version} into ${target} (a few minutes, once per version)...\n`)
const ui5 = spawnSync(
  process.execPath,
  [
    require.resolve('@ui5/cli/bin/ui5.cjs'),
    'build',
    '--all',
    // sap-ui-version.json: without it Fiori elements apps fail to start ("Could not open app").
    '--include-task', 'generateVersionInfo',
    '--dest', building,
    '--config', ui5Project(),
  ],
  { cwd: dirname(ui5Project()), stdio: ['ignore', 'inherit', 'inherit'] }
)
if (ui5.status !== 0 || !isFrameworkBuilt(building)) {
  rmSync(building, { recursive: true, force: true })
  process.stderr.write(`The SAPUI5 build failed (exit ${ui5.status ?? ui5.signal})\n`)
  process.exit(1)
}
// Renamed only when complete, so an interrupted build is never mistaken for a finished one.
renameSync(building, target)
process.stdout.write(`SAPUI5 ${version} built in ${Math.round((Date.now() - started) / 1000)} s: ${target}\n`)

function isRunning(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
