// npm run test:browser-under-load [-- --runs 5 --hogs 2]
//
// The browser suites must not flake when the machine is busy (a CI runner shares its cores): this runs every suite
// that drives Chromium several times in a row while other processes keep the CPU cores busy, each suite in a mocha
// process of its own as `npm test` does, and reports each run. The hogs are plain busy loops, so nothing needs
// installing; `stress-ng --cpu 2` beside a run without `--hogs` does the same.
import { spawn, spawnSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const runs = option('runs', 5)
const hogs = option('hogs', 2)
const suites = ['test/fiori-apps.test.ts', 'test/launchpad.test.ts', 'test/monitor-app.test.ts', 'test/respond-page.test.ts']

const root = path.join(__dirname, '..')
const busy = Array.from({ length: hogs }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
const stopHogs = () => busy.forEach(hog => hog.kill('SIGKILL'))
process.on('exit', stopHogs)

const mocha = require.resolve('mocha/bin/mocha.js')
const results: { run: number; suite: string; passed: boolean; seconds: number }[] = []
for (let run = 1; run <= runs; run++) {
  for (const suite of suites) {
    console.log(`\n=== run ${run}/${runs} with ${hogs} busy processes: ${suite}`)
    const started = Date.now()
    const mochaRun = spawnSync(process.execPath, [mocha, '--config', '.mocharc.json', suite], { cwd: root, stdio: 'inherit' })
    results.push({ run, suite, passed: mochaRun.status === 0, seconds: Math.round((Date.now() - started) / 1000) })
  }
}
stopHogs()

console.log(`\nBrowser suites under load (${hogs} busy processes on ${os.cpus().length} cores):`)
for (const r of results) console.log(`  run ${r.run}  ${r.passed ? 'passed' : 'FAILED'}  ${String(r.seconds).padStart(4)} s  ${r.suite}`)
const failed = results.filter(r => !r.passed)
console.log(failed.length ? `${failed.length} of ${results.length} suite runs failed` : `all ${results.length} suite runs passed`)
process.exit(failed.length ? 1 : 0)
