// Runs each test file in a mocha process of its own (npm test): cds.test servers of one process share the database
// service and CAP's queue, so late work of one suite's server (queued mails, write-backs) reached the next suite's
// data. `--pg` runs the PostgreSQL pass (test/mocharc.pg.json: its suites and its fresh database per process).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const pg = process.argv.includes('--pg')
const config = path.join(__dirname, pg ? 'mocharc.pg.json' : '../.mocharc.json')
const ignored = new Set<string>((JSON.parse(fs.readFileSync(config, 'utf8')) as { ignore?: string[] }).ignore ?? [])
const files = fs
  .readdirSync(__dirname)
  .filter(name => name.endsWith('.test.ts'))
  .map(name => `test/${name}`)
  .filter(file => !ignored.has(file))
  .sort()

const mocha = require.resolve('mocha/bin/mocha.js')
const failed: string[] = []
for (const file of files) {
  console.log(`\n=== ${pg ? 'PostgreSQL' : 'SQLite'}: ${file}`)
  const run = spawnSync(process.execPath, [mocha, '--config', config, file], { cwd: path.join(__dirname, '..'), stdio: 'inherit' })
  if (run.status !== 0) failed.push(file)
}
console.log(`\n${pg ? 'PostgreSQL' : 'SQLite'} pass: ${files.length - failed.length} suites passed, ${failed.length} failed${failed.length ? `: ${failed.join(', ')}` : ''}`)
process.exit(failed.length ? 1 : 0)
