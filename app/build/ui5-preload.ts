import { spawnSync } from 'node:child_process'
import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SHARED_MODULES_PATH, sharedModulesDir } from '../../srv/ui5-framework'

/** Copies an app's webapp to stage/webapp for a build, with a copy of the shared modules in it. */
export function stageWebapp(webapp: string, stage: string): void {
  cpSync(webapp, join(stage, 'webapp'), { recursive: true })
  cpSync(sharedModulesDir(), join(stage, 'webapp', SHARED_MODULES_PATH), { recursive: true })
}

/**
 * Builds the preload bundle of the app in stage/webapp with the UI5 tooling into dist (Component-preload.js beside
 * the app's files). No framework: a preload build bundles only the app's own modules; the framework is the
 * platform's (on BTP) or the prebuilt one (locally).
 */
export function buildPreload(stage: string, id: string, dist: string): void {
  writeFileSync(`${stage}/package.json`, JSON.stringify({ name: id, version: '1.0.0', private: true }))
  writeFileSync(`${stage}/ui5.yaml`, `specVersion: "4.0"\nmetadata:\n  name: ${id}\ntype: application\n`)
  const ui5 = spawnSync(
    process.execPath,
    [require.resolve('@ui5/cli/bin/ui5.cjs'), 'build', 'preload', '--clean-dest', '--dest', dist, '--include-task', 'generateCachebusterInfo'],
    { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] }
  )
  if (ui5.status !== 0) throw new Error(`ui5 build of ${id} failed (exit ${ui5.status ?? ui5.signal})`)
}
