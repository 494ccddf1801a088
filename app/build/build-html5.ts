// npm run build:html5 [-- <app folder> ...]
// npm run build:html5 -- --cdm <file>
// Builds the Fiori apps for the HTML5 application repository on BTP (mta.yaml deploys them; Work Zone shows them).
// Every app of app/launchpad/webapp/tiles.json whose app/<folder>/webapp exists (or the ones named) becomes
// gen/html5/<folder>/<app id without dots>.zip. The app's sources are not changed: a staged copy is adapted to run
// behind Work Zone's managed app router, then built with the UI5 tooling (component preload, cache buster info):
//   - data source URIs relative to the app ("odata/v4/…"), so the app's xs-app.json routes them to the CAP service
//   - sap.cloud (public, service name) so Work Zone's HTML5 content provider lists the app
//   - the launchpad's KPI tiles as dynamic inbounds of the app they open (tiles.json), with their texts in the app's
//     i18n files, reading LaunchpadService.tile(kpi) every five minutes: the same tiles as the local launchpad.
// With --cdm it writes Work Zone's business content instead (CDM 3.0, deployed beside the apps as cdm.json): one
// catalog with every tile, the groups of the local launchpad, and a role per finance role with its tiles.
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { ZipFile } from 'yazl'
import { buildPreload, stageWebapp } from './ui5-preload'

const root = join(__dirname, '../..')
const LAUNCHPAD = join(root, 'app/launchpad/webapp')
/** The business solution the apps belong to in Work Zone (sap.cloud.service; mta.yaml names it for the destinations). */
const CLOUD_SERVICE = 'invoicecrm'
/** The destination (mta.yaml) that leads the app router to the CAP service. */
const SRV_DESTINATION = 'invoice-crm-srv'
const KPI_REFRESH_SECONDS = 300

type Role = 'ARClerk' | 'ARManager' | 'IntegrationAdmin'
interface AppTile {
  intent: string
  component: string
  folder: string
  text: string
  icon: string
  roles: Role[]
}
interface KpiTile {
  id: string
  kpi: string
  text: string
  intent: string
  icon: string
  state: string
}
interface Manifest {
  'sap.app': {
    id: string
    dataSources?: Record<string, { uri: string; type?: string; settings?: Record<string, unknown> }>
    crossNavigation?: { inbounds?: Record<string, Record<string, unknown>> }
    i18n?: string | { bundleUrl?: string }
  }
  'sap.cloud'?: { public: boolean; service: string }
}

const tiles = JSON.parse(readFileSync(join(LAUNCHPAD, 'tiles.json'), 'utf8')) as { apps: AppTile[]; kpis: KpiTile[] }

function properties(file: string): Map<string, string> {
  const texts = new Map<string, string>()
  if (!existsSync(file)) return texts
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([^#!=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line)
    if (match) texts.set(match[1], match[2])
  }
  return texts
}

/** The UI5 tooling reads .properties as ISO-8859-1 unless told otherwise: everything else as \u escapes. */
const escapeNonAscii = (text: string) => text.replace(/[^\x20-\x7e]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

const XS_APP = {
  welcomeFile: '/index.html',
  authenticationMethod: 'route',
  routes: [
    { source: '^/odata/(.*)$', target: '/odata/$1', destination: SRV_DESTINATION, authenticationType: 'xsuaa', csrfProtection: false },
    { source: '^(.*)$', target: '$1', service: 'html5-apps-repo-rt', authenticationType: 'xsuaa' },
  ],
}

function adapt(manifest: Manifest, app: AppTile, kpis: KpiTile[]) {
  const sapApp = manifest['sap.app']
  for (const source of Object.values(sapApp.dataSources ?? {})) source.uri = source.uri.replace(/^\/+/, '')
  manifest['sap.cloud'] = { public: true, service: CLOUD_SERVICE }
  const inbounds = (sapApp.crossNavigation ??= {}).inbounds ?? (sapApp.crossNavigation.inbounds = {})
  const [semanticObject, action] = app.intent.split('-')
  for (const inbound of Object.values(inbounds)) if (inbound.semanticObject === semanticObject && inbound.action === action) inbound.icon ??= app.icon
  if (!kpis.length) return
  sapApp.dataSources = { ...sapApp.dataSources, launchpad: { uri: 'odata/v4/launchpad/', type: 'OData', settings: { odataVersion: '4.0' } } }
  for (const kpi of kpis) {
    inbounds[kpi.id] = {
      semanticObject,
      action,
      title: `{{${kpi.text}Title}}`,
      info: `{{${kpi.text}Info}}`,
      icon: kpi.icon,
      indicatorDataSource: { dataSource: 'launchpad', path: `tile(kpi='${kpi.kpi}')`, refresh: KPI_REFRESH_SECONDS },
      signature: { parameters: {}, additionalParameters: 'allowed' },
    }
  }
}

/** The KPI tiles' texts, added to the app's own i18n files language by language. */
function addTexts(webapp: string, manifest: Manifest, kpis: KpiTile[]) {
  const i18n = manifest['sap.app'].i18n
  const bundle = (typeof i18n === 'string' ? i18n : i18n?.bundleUrl) ?? 'i18n/i18n.properties'
  const base = join(webapp, bundle)
  const dir = join(base, '..')
  const stem = base.slice(dir.length + 1).replace(/\.properties$/, '')
  const keys = kpis.flatMap(k => [`${k.text}Title`, `${k.text}Info`])
  for (const file of readdirSync(dir).filter(f => f.startsWith(stem) && f.endsWith('.properties'))) {
    const suffix = file.slice(stem.length, -'.properties'.length) // '', '_de', '_zh_CN'
    const ours = properties(join(LAUNCHPAD, 'i18n', `i18n${suffix}.properties`))
    const fallback = properties(join(LAUNCHPAD, 'i18n/i18n.properties'))
    const lines = keys.map(key => `${key}=${escapeNonAscii(ours.get(key) ?? fallback.get(key) ?? key)}`)
    writeFileSync(join(dir, file), `${readFileSync(join(dir, file), 'utf8').trimEnd()}\n\n# Launchpad KPI tiles (added by app/build/build-html5.ts)\n${lines.join('\n')}\n`)
  }
}

function zip(dir: string, target: string): Promise<void> {
  const archive = new ZipFile()
  const add = (path: string) => {
    for (const name of readdirSync(path)) {
      const file = join(path, name)
      if (statSync(file).isDirectory()) add(file)
      else archive.addFile(file, relative(dir, file).split('\\').join('/'))
    }
  }
  add(dir)
  archive.end()
  return new Promise((resolve, reject) => {
    archive.outputStream.pipe(createWriteStream(target)).on('close', resolve).on('error', reject)
  })
}

async function build(app: AppTile) {
  const out = join(root, 'gen/html5', app.folder)
  const stage = join(out, 'stage')
  const dist = join(out, 'dist')
  rmSync(out, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  stageWebapp(join(root, 'app', app.folder, 'webapp'), stage)
  const manifestFile = join(stage, 'webapp/manifest.json')
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest
  const id = manifest['sap.app'].id
  const kpis = tiles.kpis.filter(k => k.intent === app.intent)
  adapt(manifest, app, kpis)
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2))
  if (kpis.length) addTexts(join(stage, 'webapp'), manifest, kpis)
  writeFileSync(join(stage, 'webapp/xs-app.json'), JSON.stringify(XS_APP, null, 2))
  buildPreload(stage, id, dist)
  const archive = join(out, `${id.replace(/\./g, '')}.zip`)
  await zip(dist, archive)
  rmSync(stage, { recursive: true, force: true })
  process.stdout.write(`${app.folder}: ${relative(root, archive)}\n`)
}

/** CDM texts: the default (English) and each language the launchpad has. */
function texts(keys: Record<string, string>) {
  const locales: [string, string][] = [['', ''], ['en', '_en'], ['de', '_de'], ['zh-CN', '_zh_CN']]
  const fallback = properties(join(LAUNCHPAD, 'i18n/i18n.properties'))
  return locales.map(([locale, suffix]) => {
    const own = properties(join(LAUNCHPAD, 'i18n', `i18n${suffix}.properties`))
    return { locale, textDictionary: Object.fromEntries(Object.entries(keys).map(([field, key]) => [field, own.get(key) ?? fallback.get(key) ?? key])) }
  })
}

function cdm() {
  const appIds = new Map(tiles.apps.map(a => [a.intent, a.component]))
  const viz = (tile: { intent: string }, vizId: string) => ({ id: vizId, appId: appIds.get(tile.intent)!, vizId })
  const appViz = tiles.apps.map(a => viz(a, a.intent))
  const kpiViz = tiles.kpis.map(k => viz(k, k.id))
  const entity = (id: string, entityType: string, titleKey: string, payload: unknown) => ({
    _version: '3.0.0',
    identification: { id, title: '{{title}}', entityType },
    payload,
    texts: texts({ title: titleKey }),
  })
  const roles: Role[] = ['ARClerk', 'ARManager', 'IntegrationAdmin']
  return [
    entity('invoicecrm.catalog', 'catalog', 'catalogTitle', { viz: [...appViz, ...kpiViz].map(({ appId, vizId }) => ({ appId, vizId })) }),
    entity('invoicecrm.group.apps', 'group', 'groupAppsTitle', { viz: appViz }),
    entity('invoicecrm.group.kpis', 'group', 'groupKpis', { viz: kpiViz }),
    ...roles.map(role =>
      entity(`invoicecrm.role.${role}`, 'role', `role${role}`, {
        apps: tiles.apps.filter(a => a.roles.includes(role)).map(a => ({ id: a.component })),
        catalogs: [{ id: 'invoicecrm.catalog' }],
        groups: [{ id: 'invoicecrm.group.apps' }, { id: 'invoicecrm.group.kpis' }],
      })
    ),
  ]
}

async function main() {
  const cdmAt = process.argv.indexOf('--cdm')
  if (cdmAt > 0) {
    const file = resolve(process.argv[cdmAt + 1])
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, JSON.stringify(cdm(), null, 2))
    process.stdout.write(`Work Zone content: ${relative(root, file)}\n`)
    return
  }
  const named = process.argv.slice(2)
  const apps = tiles.apps.filter(a => (named.length ? named.includes(a.folder) : existsSync(join(root, 'app', a.folder, 'webapp/manifest.json'))))
  const unknown = named.filter(n => !apps.some(a => a.folder === n))
  if (unknown.length) throw new Error(`Not an app of tiles.json: ${unknown.join(', ')}`)
  for (const app of apps) await build(app)
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
})
