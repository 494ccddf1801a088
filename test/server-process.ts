// The real server (`cds serve`, as npm start and Cloud Foundry run it) in a child process, for tests that must see
// whether a request ends the process: in-process, cds.test turns CAP's shutdown on uncaught errors off.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { eventually } from './support'

const ROOT = path.join(__dirname, '..')
const TSX = require.resolve('tsx/cjs')
const CDS_SERVE = require.resolve('@sap/cds/bin/serve.js')

export interface ServerProcess {
  url: string
  /** How the process ended, once it has; undefined while it runs. */
  exit?: { code: number | null; signal: NodeJS.Signals | null }
  /** Everything it wrote to stdout and stderr. */
  output: () => string
  stop: () => Promise<void>
}

/** Starts the server on a free port with the test profile; env adds to the environment, e.g. the database. */
export async function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--require', TSX, CDS_SERVE, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, CDS_ENV: process.env.CDS_ENV ?? 'test', CDS_TYPESCRIPT: 'true', ...env },
  })
  let output = ''
  child.stdout!.on('data', chunk => (output += chunk))
  child.stderr!.on('data', chunk => (output += chunk))
  const server: ServerProcess = { url: '', output: () => output, stop }
  const exited = new Promise<void>(resolve =>
    child.on('exit', (code, signal) => {
      server.exit = { code, signal }
      resolve()
    })
  )
  async function stop() {
    if (!server.exit) child.kill('SIGTERM')
    await exited
  }
  server.url = await eventually('the server to listen', async () => {
    if (server.exit) throw new Error(`the server ended before it listened:\n${output.slice(-3000)}`)
    return /server listening on\D*(http:\/\/[^\s',}]+)/.exec(output)?.[1]
  }, 90_000)
  return server
}
