// Each finance user's personalization of the apps (saved views, table settings) on the server: what the launchpad's
// flexibility connector (app/launchpad/webapp/PersonalizationConnector.js) reads and writes. The browser side, a view
// that is there in a new session, is in test/fiori-apps.test.ts.
import cds from '@sap/cds'
import { MAX_FLEX_OBJECT_CHARS, MAX_FLEX_OBJECTS } from '../srv/launchpad/personalization'

const API = '/odata/v4/launchpad'
const as = (user: string, language?: string) => ({ auth: { username: user, password: user }, ...(language && { headers: { 'Accept-Language': language } }) })
const flexObject = (name: string) => JSON.stringify({ fileName: name, layer: 'USER', reference: 'invoicecrm.invoices', texts: { variantName: { value: name } } })

describe('personalization of the apps, per user', () => {
  const { GET, POST, expect, axios } = cds.test(__dirname + '/..')
  const objectsOf = async (user: string) => (await GET(`${API}/flexObjects()`, as(user))).data.value as { id: string; content: string }[]

  before(() => {
    axios.defaults.validateStatus = () => true
  })

  it("keeps each user's objects for that user only: saved, read, replaced and removed", async () => {
    await POST(`${API}/saveFlexObject`, { id: 'sap.ui.fl.view1', content: flexObject('Overdue') }, as('clerk'))
    await POST(`${API}/saveFlexObject`, { id: 'sap.ui.fl.view2', content: flexObject('Mine') }, as('clerk'))
    // The same key for another user is another object.
    await POST(`${API}/saveFlexObject`, { id: 'sap.ui.fl.view1', content: flexObject('Escalated') }, as('manager'))
    expect((await objectsOf('clerk')).map(o => [o.id, JSON.parse(o.content).fileName])).to.deep.equal([['sap.ui.fl.view1', 'Overdue'], ['sap.ui.fl.view2', 'Mine']])
    expect((await objectsOf('manager')).map(o => JSON.parse(o.content).fileName)).to.deep.equal(['Escalated'])
    expect(await objectsOf('admin')).to.deep.equal([])

    await POST(`${API}/saveFlexObject`, { id: 'sap.ui.fl.view1', content: flexObject('Overdue, renamed') }, as('clerk'))
    // Removing a key removes only the user's own.
    await POST(`${API}/removeFlexObject`, { id: 'sap.ui.fl.view1' }, as('manager'))
    expect((await objectsOf('clerk')).map(o => JSON.parse(o.content).fileName)).to.deep.equal(['Overdue, renamed', 'Mine'])
    expect(await objectsOf('manager')).to.deep.equal([])
    await POST(`${API}/removeFlexObject`, { id: 'sap.ui.fl.view2' }, as('clerk'))
    expect((await objectsOf('clerk')).map(o => o.id)).to.deep.equal(['sap.ui.fl.view1'])
  })

  it('is for the finance roles only', async () => {
    expect((await GET(`${API}/flexObjects()`)).status).to.equal(401)
    expect((await POST(`${API}/saveFlexObject`, { id: 'x', content: '{}' })).status).to.equal(401)
  })

  it('refuses what is not a flexibility object, too large, or one too many, in the user language, and keeps what was there', async () => {
    const refusal = async (body: object, language?: string) => {
      const { status, data } = await POST(`${API}/saveFlexObject`, body, as('admin', language))
      return { status, message: data.error?.message }
    }
    expect(await refusal({ id: 'sap.ui.fl.a', content: '[1, 2]' })).to.deep.equal({ status: 400, message: 'The personalization must be a JSON object.' })
    expect(await refusal({ id: 'sap.ui.fl.a', content: 'not json' }, 'de')).to.deep.equal({ status: 400, message: 'Die Personalisierung muss ein JSON-Objekt sein.' })
    expect((await refusal({ id: 'sap.ui.fl.a' })).status).to.equal(400)
    const large = JSON.stringify({ padding: 'x'.repeat(MAX_FLEX_OBJECT_CHARS) })
    expect(await refusal({ id: 'sap.ui.fl.a', content: large }, 'zh-CN')).to.deep.equal({ status: 413, message: `个性化设置太大，无法保存（最多 ${MAX_FLEX_OBJECT_CHARS} 个字符）。` })

    await INSERT.into('invoicecrm.personalization.FlexObjects').entries(
      Array.from({ length: MAX_FLEX_OBJECTS }, (_, i) => ({ user: 'admin', id: `sap.ui.fl.bulk${i}`, content: '{}' }))
    )
    const exhausted = await refusal({ id: 'sap.ui.fl.one-more', content: '{}' })
    expect(exhausted.status).to.equal(409)
    expect(exhausted.message).to.contain(String(MAX_FLEX_OBJECTS))
    // One that is there already can still be saved.
    expect((await POST(`${API}/saveFlexObject`, { id: 'sap.ui.fl.bulk0', content: flexObject('Changed') }, as('admin'))).status).to.equal(204)
    const objects = await objectsOf('admin')
    expect(objects).to.have.length(MAX_FLEX_OBJECTS)
    expect(objects.find(o => o.id === 'sap.ui.fl.bulk0')?.content).to.equal(flexObject('Changed'))
  })
})
