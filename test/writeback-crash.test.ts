// A crash between the commit of a CRM change and the delivery of its write-back: the app process is killed right
// after the commit; the real server, started afresh on the same database, delivers every operation exactly once.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { createSimulator, type Simulator } from './s4/simulator'
import { eventually } from './support'

const ROOT = path.join(__dirname, '..')
const TSX = require.resolve('tsx/cjs')
const CDS_SERVE = require.resolve('@sap/cds/bin/serve.js')

interface Operation { ID: string; target: string; status: string; attempts: number; payload: string }

function run(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', chunk => (stdout += chunk))
  child.stderr!.on('data', chunk => (stderr += chunk))
  return new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })))
}

describe('write-back across a crash', () => {
  let sim: Simulator
  let server: ChildProcess | undefined
  let dir: string

  before(async () => {
    sim = createSimulator({ volume: 'small', seed: 5 })
    await sim.listen(0)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writeback-crash-'))
  })

  after(async () => {
    server?.kill('SIGTERM')
    await sim.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('delivers after a restart, exactly once, what was committed before the crash', async function () {
    this.timeout(180_000)
    const file = path.join(dir, 'crm.sqlite')
    const env = { ...process.env, CDS_ENV: 'test' }
    const crashed = await run(spawn(process.execPath, ['--require', TSX, path.join(__dirname, 'writeback-crash-app.ts'), sim.url, file], { cwd: ROOT, env }))
    expect(crashed.signal, crashed.stderr.slice(-2000)).to.equal('SIGKILL')
    const invoice = (JSON.parse(crashed.stdout.trim().split('\n').pop()!) as { committed: string }).committed
    expect(sim.requests.filter(r => r.method !== 'GET' && r.method !== 'HEAD'), 'nothing was written before the crash').to.have.length(0)

    // The restart: the real server on the same database file, talking to the same S/4HANA.
    server = spawn(process.execPath, ['--require', TSX, CDS_SERVE, '--port', '0'], {
      cwd: ROOT,
      env: { ...env, CDS_REQUIRES_DB_CREDENTIALS_URL: file, CDS_REQUIRES_S4HANA_URL: sim.url },
    })
    let output = ''
    server.stdout!.on('data', chunk => (output += chunk))
    server.stderr!.on('data', chunk => (output += chunk))
    const base = await eventually('the server to listen', async () => /server listening on\D*(http:\/\/[^\s',}]+)/.exec(output)?.[1], 90_000).catch(error => {
      throw new Error(`${(error as Error).message}; it said:\n${output.slice(-3000)}`)
    })
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
