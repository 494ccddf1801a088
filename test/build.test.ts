// `npm run build` writes gen/srv as Cloud Foundry runs it: `npm start` there must be the production server with the
// runtime dependencies only (the project's own start script is the development server and needs cds-typer), serve
// the customers' response page, and refuse a guessable link secret at start-up with a clear message. gen/db is what
// HDI deploys to SAP HANA: with the secondary indexes that db/init.js creates elsewhere, as .hdbindex artifacts.
import { expect } from 'chai'
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const ROOT = join(__dirname, '..')
const GEN = join(ROOT, 'gen/srv')
const HDI = join(ROOT, 'gen/db/src/gen')
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'))

/** A HANA SQL identifier as the database names it: quoted as it is, unquoted in upper case. */
const identifier = (sql: string) => (sql.startsWith('"') ? sql.slice(1, -1) : sql.toUpperCase())
const IDENTIFIER = '("[^"]+"|[A-Za-z_][A-Za-z0-9_$#]*)'

/** The tables of the .hdbtable files in gen/db/src/gen, each with its columns. */
function hdbTables(): Map<string, string[]> {
  const tables = new Map<string, string[]>()
  for (const file of readdirSync(HDI).filter(file => file.endsWith('.hdbtable'))) {
    const [header, ...lines] = readFileSync(join(HDI, file), 'utf8').split('\n')
    const table = new RegExp(`^COLUMN TABLE ${IDENTIFIER} \\($`).exec(header)
    expect(table, `${file}: ${header}`).not.to.equal(null)
    const columns = lines.filter(line => !/^\s*(PRIMARY KEY|\))/.test(line)).map(line => new RegExp(`^  ${IDENTIFIER} `).exec(line)?.[1])
    expect(columns, file).not.to.include(undefined)
    tables.set(identifier(table![1]), columns.map(column => identifier(column!)))
  }
  return tables
}

interface Started {
  url?: string
  exitCode?: number | null
  output: string
  stop(): Promise<void>
}

/** `npm start` in gen/srv, production profile, until it listens or exits. */
function start(env: Record<string, string>): Promise<Started> {
  const child = spawn('npm', ['start', '--', '--port', '0'], {
    cwd: GEN,
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME!,
      NODE_ENV: 'production',
      // What BTP binds, played locally: an in-memory database, mocked users, no Redis-backed schedules.
      CDS_REQUIRES_DB: JSON.stringify({ kind: 'sqlite', credentials: { url: ':memory:' } }),
      CDS_REQUIRES_AUTH: JSON.stringify({ kind: 'mocked', users: { clerk: { password: 'clerk', roles: ['ARClerk'] } } }),
      cds_requires_jobs_autoStart: 'false',
      // No SAP Event Mesh bound: the business events are off, and the schedules alone sync.
      CDS_REQUIRES_MESSAGING: 'false',
      ...env,
    },
    detached: true,
  })
  const stopped = new Promise<number | null>(resolve => child.on('exit', resolve))
  const started: Started = {
    output: '',
    async stop() {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM')
      await stopped
    },
  }
  return new Promise(resolve => {
    const read = (chunk: Buffer) => {
      started.output += chunk.toString()
      const url = /server listening on[^\n]*?(http:\/\/localhost:\d+)/.exec(started.output)?.[1]
      if (url && !started.url) resolve(Object.assign(started, { url }))
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    void stopped.then(code => resolve(Object.assign(started, { exitCode: code })))
  })
}

describe('npm run build', function () {
  // The whole of cds build --production: cds-typer, HANA artifacts, the TypeScript compile and the production package.json.
  this.timeout(300_000)
  const secret = createHash('sha512').update('build test').digest('base64')

  before(async () => {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })
  })

  it('writes a package.json that starts the production server with the runtime dependencies only', () => {
    const project = json(join(ROOT, 'package.json'))
    const built = json(join(GEN, 'package.json'))
    expect(built.scripts).to.deep.equal({ start: 'cds-serve' })
    expect(built.dependencies).to.deep.equal(project.dependencies)
    expect(built).not.to.have.property('devDependencies')
    const packages = json(join(GEN, 'package-lock.json')).packages as Record<string, { dependencies?: object; peerDependencies?: object }>
    // A development tool of ours may still be there as what a runtime package asks for itself (@sap/cds 10 declares
    // @eslint/js as a peer): npm installs it in production either way.
    const asked = new Set(Object.entries(packages).flatMap(([name, p]) => (name ? [...Object.keys(p.dependencies ?? {}), ...Object.keys(p.peerDependencies ?? {})] : [])))
    for (const dev of Object.keys(project.devDependencies).filter(dev => !asked.has(dev))) expect(Object.keys(packages), dev).not.to.include(`node_modules/${dev}`)
    expect(existsSync(join(GEN, 'srv/server.js'))).to.equal(true)
    expect(existsSync(join(GEN, 'app/respond/index.html')), 'the response page the mails link to').to.equal(true)
  })

  it('holds compiled JavaScript only, and neither contains nor locks the S/4HANA simulator (a development package)', () => {
    const files = readdirSync(GEN, { recursive: true, encoding: 'utf8' })
    expect(files.filter(file => file.endsWith('.ts'))).to.deep.equal([])
    expect(files.filter(file => file.includes('s4-simulator'))).to.deep.equal([])
    expect(existsSync(join(GEN, '@cds-models/ReceivablesService/index.js')), 'the model the compiled code imports').to.equal(true)
    expect(Object.keys(json(join(GEN, 'package-lock.json')).packages)).not.to.include('node_modules/@invoice-crm/s4-simulator')
  })

  it('writes an .hdbindex for each secondary index (db/indexes.js), on tables and columns of the .hdbtable files', () => {
    const tables = hdbTables()
    expect(tables.get('INVOICECRM_MIRROR_BILLINGDOCUMENTS'), 'the invoices\' table').to.include.members(['ID', 'OPENDUEDATE', 'PAYER_ID'])
    const indexes = readdirSync(HDI)
      .filter(file => file.startsWith('INVOICECRM_') && file.endsWith('.hdbindex'))
      .map(file => {
        const content = readFileSync(join(HDI, file), 'utf8').trim()
        const index = new RegExp(`^INDEX ${IDENTIFIER} ON ${IDENTIFIER} \\(([^()]+)\\)$`).exec(content)
        expect(index, `${file}: ${content}`).not.to.equal(null)
        const [, name, table, columns] = index!
        return { file, name: identifier(name), table: identifier(table), columns: columns.split(', ').map(identifier) }
      })
    for (const { file, name, table, columns } of indexes) {
      expect(`${name}.hdbindex`, 'named as its file').to.equal(file)
      expect([...tables.keys()], file).to.include(table)
      expect(tables.get(table), file).to.include.members(columns)
    }
    const on = (table: string) => indexes.filter(index => index.table === table).map(({ name, columns }) => ({ name, columns }))
    // Named in db/indexes.cds: Manage Invoices' default sort, by open due date, then the key.
    expect(on('INVOICECRM_MIRROR_BILLINGDOCUMENTS')).to.deep.include({ name: 'INVOICECRM_MIRROR_BILLINGDOCUMENTS_OPENDUE', columns: ['OPENDUEDATE', 'ID'] })
    // The foreign key of an association: an FI item's invoice (ReceivableItems.billingDocument).
    expect(tables.get('INVOICECRM_MIRROR_RECEIVABLEITEMS')).to.include('BILLINGDOCUMENT_ID')
    expect(on('INVOICECRM_MIRROR_RECEIVABLEITEMS')).to.deep.include({ name: 'INVOICECRM_MIRROR_RECEIVABLEITEMS_BILLINGDOCUMENT', columns: ['BILLINGDOCUMENT_ID'] })
    // Not one of the key alone (Customer 360's list, PostgreSQL's only): HANA's primary key serves it.
    expect(on('INVOICECRM_MIRROR_CUSTOMERS').map(index => index.name)).not.to.include('INVOICECRM_MIRROR_CUSTOMERS_LIST')
  })

  it('starts in production: serves the services, the response page and its endpoint', async () => {
    const server = await start({ CDS_REQUIRES_LINKS_SECRET: secret })
    try {
      expect(server.url, server.output).to.be.a('string')
      expect((await fetch(`${server.url}/respond/index.html`)).status).to.equal(200)
      expect((await fetch(`${server.url}/odata/v4/receivables/Invoices`)).status).to.equal(401)
      const clerk = { authorization: `Basic ${Buffer.from('clerk:clerk').toString('base64')}` }
      const invoices = await fetch(`${server.url}/odata/v4/receivables/Invoices?$top=1`, { headers: clerk })
      expect(invoices.status).to.equal(200)
      const answer = await fetch(`${server.url}/rest/respond/view`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"not-a-token"}' })
      expect(answer.status).to.equal(400)
    } finally {
      await server.stop()
    }
  })

  it('refuses to start with a guessable link secret, saying why and what to do, without showing it', async () => {
    const weak = 'invoice'.repeat(6)
    const server = await start({ CDS_REQUIRES_LINKS_SECRET: weak })
    await server.stop()
    expect(server.url, 'must not listen').to.equal(undefined)
    expect(server.exitCode).not.to.equal(0)
    expect(server.output).to.match(/not fit for production: it is too predictable/).and.to.contain('invoice-crm-links')
    expect(server.output).not.to.contain(weak)
  })
})
