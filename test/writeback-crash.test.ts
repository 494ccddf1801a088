// A crash between the commit of a CRM change and the delivery of its write-back: the app process is killed right
// after the commit; the real server, started afresh on the same database, delivers every operation exactly once.
import { expect } from 'chai'
import { createAppDatabase } from './app-database'
import { createSimulator, type Simulator } from '@invoice-crm/s4-simulator/simulator'
import { runScript, startServer, type ServerProcess } from './server-process'
import { eventually } from './support'

interface Operation { ID: string; target: string; status: string; attempts: number; payload: string }

describe('write-back across a crash', () => {
  let sim: Simulator
  let server: ServerProcess | undefined

  before(async () => {
    sim = createSimulator({ volume: 'small', seed: 5 })
    await sim.listen(0)
  })

  after(async () => {
    await server?.stop()
    await sim.close()
  })

  it('delivers after a restart, exactly once, what was committed before the crash', async function () {
    this.timeout(180_000)
    const database = await createAppDatabase()
    const env = { CDS_REQUIRES_S4HANA_URL: sim.url }
    const crashed = await runScript('writeback-crash-app.ts', [], database, env)
    expect(crashed.signal, crashed.stderr.slice(-2000)).to.equal('SIGKILL')
    const invoice = (JSON.parse(crashed.stdout.trim().split('\n').pop()!) as { committed: string }).committed
    expect(sim.requests.filter(r => r.method !== 'GET' && r.method !== 'HEAD'), 'nothing was written before the crash').to.have.length(0)

    // The restart: the real server on the same database, talking to the same S/4HANA.
    server = await startServer(database, env)
    const base = server.url
    const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`
    const operations = async () =>
      ((await (await fetch(`${base}/odata/v4/integration/WriteBackOperations?$filter=invoiceNumber eq '${invoice}'`, { headers: { authorization: auth } })).json()) as { value: Operation[] }).value
    const ops = await eventually('the operations to be delivered', async () => {
      const current = await operations()
      return current.length > 0 && current.every(o => o.status !== 'Pending') && current
    }, 60_000)
    expect(ops.map(o => [o.status, o.attempts])).to.deep.equal(ops.map(() => ['Delivered', 1]))
    for (const op of ops.filter(o => o.target === 'salesOrderText')) {
      const { salesOrder } = JSON.parse(op.payload) as { salesOrder: string }
      const text = sim.get('A_SalesOrderText', { SalesOrder: salesOrder, Language: 'EN', LongTextID: '0002' })?.LongText as string
      expect(text.split(`[crm:${op.ID}]`).length - 1).to.equal(1)
    }
    for (const op of ops.filter(o => o.target === 'attachment')) {
      const { objectKey } = JSON.parse(op.payload) as { objectKey: string }
      expect(sim.attachments.originals('BUS2032', objectKey).filter(a => (a.FileName as string).includes(`[crm:${op.ID}]`))).to.have.length(1)
    }
    expect(ops.map(o => o.target)).to.include.members(['salesOrderText', 'attachment'])
  })
})
