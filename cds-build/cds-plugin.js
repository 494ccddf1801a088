// @ts-check
// Build tasks for `cds build` (configured in .cdsrc.json's build.tasks): tsc and cf-app run after the nodejs task has
// staged gen/srv, hana-indexes after the hana task has written gen/db.
// Registered only when cds build runs (cds.build), so loading the plugin in the server does nothing.
const { execFile } = require('node:child_process')
const fs = require('node:fs/promises')
const path = require('node:path')
const { promisify } = require('node:util')
const cds = require('@sap/cds')

const run = promisify(execFile)

/** Deletes the files with one of the extensions under dir. */
async function removeFiles(/** @type {string} */ dir, /** @type {string[]} */ extensions) {
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && extensions.some(extension => entry.name.endsWith(extension))) await fs.rm(path.join(entry.parentPath, entry.name))
  }
}

/** Whether the nodejs task staged dest: when it failed (a compile error), the tasks after it have nothing to work on,
 * and cds build reports a later task's error before a compile error, so they step aside to let the cause show. */
const staged = (/** @type {string} */ dest) => fs.access(path.join(dest, 'package.json')).then(() => true, () => false)

if (cds.build?.register) {
  // What cds-typer's `typescript` task would do: cds-typer 0.38 skips registering it under cds 10, because it compares
  // version strings ('10.1.1' < '8.0.0'). The generated model first (the project's `typer` script), then the compiled
  // service over the nodejs task's output, without the .ts sources that task copied; @cds-models as cds-typer wrote its
  // JavaScript, since the compiled code imports it (package.json "imports": #cds-models/*).
  cds.build.register('tsc', class extends cds.build.Plugin {
    static taskDefaults = { src: cds.env.folders.srv }
    get requires() { return ['nodejs'] }

    async build() {
      if (!(await staged(this.task.dest))) return
      await run('npm', ['run', 'typer'], { cwd: cds.root })
      const tsc = require.resolve('typescript/bin/tsc')
      try {
        const args = ['--project', 'tsconfig.json', '--noEmit', 'false', '--sourceMap', 'false', '--outDir', this.task.dest]
        await run(process.execPath, [tsc, ...args], { cwd: cds.root, maxBuffer: 64 * 1024 * 1024 })
      } catch (error) {
        // tsc reports its type errors on stdout
        throw new Error(`TypeScript compile failed\n${/** @type {{stdout?: string}} */ (error).stdout ?? error}`)
      }
      await removeFiles(this.task.dest, ['.ts'])
      const models = path.join(cds.root, '@cds-models')
      await fs.cp(models, path.join(this.task.dest, '@cds-models'), { recursive: true, filter: source => !source.endsWith('.ts') })
    }
  })

  // SAP HANA's secondary indexes (db/indexes.js), which db/init.js creates on SQLite and PostgreSQL but HDI does not
  // run: an .hdbindex artifact for each, beside the hana task's .hdbtable files (its compileDest, gen/db/src/gen).
  // Named as CAP's default (plain) SQL names are on HANA: upper case; quoted, as the compiler quotes reserved words
  // (TimelineEntries.at is "AT"). No NULLS FIRST: a HANA index serves both orders. The hana task's undeploy.json
  // lists src/gen/**/*.hdbindex, so HDI drops an index that is no longer written.
  cds.build.register('hana-indexes', class extends cds.build.Plugin {
    static taskDefaults = { src: cds.env.folders.db }
    get requires() { return ['hana'] }

    async build() {
      const hana = this.context.tasks.find(task => task.for === 'hana')
      const dest = hana?.options?.compileDest
      if (!dest || !(await fs.access(dest).then(() => true, () => false))) return
      if (cds.env.sql.names !== 'plain') throw new Error(`hana-indexes names the tables as sql.names 'plain' does, not '${cds.env.sql.names}'`)
      // The model the hana task compiled; its warnings are the hana task's to report.
      const model = await cds.load(cds.resolve(hana.options.model ?? hana.src), { messages: [], cwd: cds.root })
      const { secondaryIndexes } = require(path.resolve(cds.root, this.task.src, 'indexes'))
      const quoted = (/** @type {string} */ name) => `"${name.toUpperCase()}"`
      for (const { table, name, columns } of secondaryIndexes(model, 'hana')) {
        const index = `INDEX ${quoted(name)} ON ${quoted(table)} (${columns.map(quoted).join(', ')})\n`
        await this.write(index).to(path.join(dest, `${name.toUpperCase()}.hdbindex`))
      }
    }
  })

  // gen/srv as the Cloud Foundry buildpack runs it: `npm start` is the production server (the project's own start
  // script is the development server), the runtime dependencies only, locked at the versions the project locks, and
  // the static pages the server serves beside its services (task option `static`: folders relative to the project).
  cds.build.register('cf-app', class extends cds.build.Plugin {
    static taskDefaults = { src: cds.env.folders.srv }
    get requires() { return ['nodejs'] }

    async build() {
      if (!(await staged(this.task.dest))) return
      const file = path.join(this.task.dest, 'package.json')
      const app = JSON.parse(await fs.readFile(file, 'utf8'))
      delete app.devDependencies
      app.scripts = { start: 'cds-serve' }
      await this.write(app).to(file)
      await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: this.task.dest })
      for (const folder of this.task.options.static ?? []) await this.copy(path.join(cds.root, folder)).to(folder)
    }
  })
}
