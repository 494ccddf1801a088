// The real server (`cds serve`, as npm start and Cloud Foundry run it) in a child process, for tests that must see
// whether a request ends the process (in-process, cds.test turns CAP's shutdown on uncaught errors off), or that stop
// it the hard way (kill -9, SIGTERM) and start it again on the same database.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import type { AppDatabase } from './app-database'
import { eventually } from './support'

const ROOT = path.join(__dirname, '..')
const TSX = require.resolve('tsx/cjs')
const CDS_SERVE = require.resolve('@sap/cds/bin/serve.js')

export interface Exit { code: number | null; signal: NodeJS.Signals | null }

export interface ServerProcess {
  url: string
  /** How the process ended, once it has; undefined while it runs. */
  exit?: Exit
  /** Everything it wrote to stdout and stderr. */
  output: () => string
  /** Sends the signal (unless the process has ended) and waits until it has ended. */
  stop: (signal?: NodeJS.Signals) => Promise<Exit>
}

/**
 * Starts the server on a free port with the test profile on the given database; env adds to the environment, and
 * preload names modules of the test (relative to test/) loaded before the server, to set it up as a test needs.
 */
export async function startServer(database: Pick<AppDatabase, 'env' | 'recover'>, env: Record<string, string> = {}, preload: string[] = []): Promise<ServerProcess> {
  await database.recover()
  const modules = preload.flatMap(module => ['--require', path.join(__dirname, module)])
  const child: ChildProcess = spawn(process.execPath, ['--require', TSX, ...modules, CDS_SERVE, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, CDS_TYPESCRIPT: 'true', ...database.env, ...env },
  })
  let output = ''
  child.stdout!.on('data', chunk => (output += chunk))
  child.stderr!.on('data', chunk => (output += chunk))
  const server: ServerProcess = { url: '', output: () => output, stop }
  const exited = new Promise<Exit>(resolve =>
    child.on('exit', (code, signal) => {
      server.exit = { code, signal }
      resolve(server.exit)
    })
  )
  function stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (!server.exit) child.kill(signal)
    return exited
  }
  server.url = await eventually('the server to listen', async () => {
    if (server.exit) throw new Error(`the server ended before it listened (${JSON.stringify(server.exit)})`)
    return /server listening on\D*(http:\/\/[^\s',}]+)/.exec(output)?.[1]
  }, 90_000).catch(async error => {
    await stop('SIGKILL')
    throw new Error(`${(error as Error).message}; it said:\n${output.slice(-3000)}`)
  })
  return server
}

/** Runs a script of the test (an app's set-up half) in a process of its own on the database; asynchronously, as a simulator it talks to may live in this process. */
export function runScript(script: string, args: string[], database: AppDatabase, env: Record<string, string> = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--require', TSX, path.join(__dirname, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, CDS_TYPESCRIPT: 'true', ...database.env, ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', chunk => (stdout += chunk))
  child.stderr!.on('data', chunk => (stderr += chunk))
  return new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })))
}
