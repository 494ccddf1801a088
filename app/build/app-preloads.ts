// npm run ui5:framework (after the framework): builds each Fiori app's preload bundle (Component-preload.js) into
// .ui5-apps/<app>/, which the server serves in development and tests (srv/ui5-framework.ts) as long as it is as new
// as the app's files. An app opens with one request for its code instead of a 404 and a request per file. Only what
// changed is built again (about 2 s per app).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appBuildDir, freshBuild, localApps, sourcesStamp, STAMP_FILE } from '../../srv/ui5-framework'
import { buildPreload, stageWebapp } from './ui5-preload'

for (const { name, webapp, ownPage } of localApps()) {
  if (ownPage || freshBuild(name, webapp)) continue
  const out = appBuildDir(name)
  const stamp = sourcesStamp(webapp)
  const id = (JSON.parse(readFileSync(join(webapp, 'manifest.json'), 'utf8')) as { 'sap.app': { id: string } })['sap.app'].id
  const stage = mkdtempSync(join(tmpdir(), `ui5-app-${name}-`))
  try {
    stageWebapp(webapp, stage)
    rmSync(out, { recursive: true, force: true })
    mkdirSync(out, { recursive: true })
    buildPreload(stage, id, out)
    writeFileSync(join(out, STAMP_FILE), stamp)
    process.stdout.write(`${name}: ${join('.ui5-apps', name, 'Component-preload.js')}\n`)
  } finally {
    rmSync(stage, { recursive: true, force: true })
  }
}
