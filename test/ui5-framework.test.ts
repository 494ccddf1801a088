// Without the prebuilt SAPUI5 framework the server still serves: the API answers, and the launchpad page says in
// the user's language why they cannot open yet (503 with Retry-After) instead of a blank page of failed scripts.
import cds from '@sap/cds'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

describe('apps without the prebuilt SAPUI5 framework', () => {
  const empty = mkdtempSync(join(tmpdir(), 'invoicecrm-ui5-'))
  process.env.UI5_FRAMEWORK_DIR = join(empty, 'missing')
  const { GET, expect, axios } = cds.test(__dirname + '/..')
  before(() => (axios.defaults.validateStatus = () => true))
  after(() => {
    delete process.env.UI5_FRAMEWORK_DIR
    rmSync(empty, { recursive: true, force: true })
  })

  it('answers the launchpad page with 503, Retry-After and a translated reason', async () => {
    for (const [path, language, words] of [
      ['/launchpad/index.html', 'de', 'ist auf diesem Rechner nicht gebaut'],
      ['/launchpad/', 'en', 'is not built on this machine'],
      ['/launchpad/index.html', 'zh-CN', '本机尚未构建'],
    ] as const) {
      const res = await GET(path, { headers: { 'Accept-Language': language } })
      expect(res.status, path).to.equal(503)
      expect(res.headers['retry-after'], path).to.equal('10')
      expect(res.headers['content-type'], path).to.match(/text\/html/)
      expect(res.data, path).to.contain(words).and.contain('npm run ui5:framework')
    }
  })

  it("serves the apps' other files, the framework's paths as not found, and the API as usual", async () => {
    expect((await GET('/launchpad/tiles.json')).status).to.equal(200)
    expect((await GET('/invoices/manifest.json')).status).to.equal(200)
    expect((await GET('/ui5/resources/sap-ui-core.js')).status).to.equal(404)
    const invoices = await GET('/odata/v4/receivables/Invoices?$top=1', { auth: { username: 'clerk', password: 'clerk' } })
    expect(invoices.status).to.equal(200)
  })
})
