// ESLint for the whole project (npm run lint, part of npm test): the CDS model with @sap/eslint-plugin-cds's
// recommended rules, the TypeScript of srv, test, bench, s4-simulator and app/build with typescript-eslint's
// recommended rules, and the plain JavaScript with ESLint's: db/*.js and cds-build/*.js (CommonJS, loaded by
// `cds deploy` and `cds build`), app/respond/*.js (the response page's ES modules in the browser) and
// app/*/webapp/**/*.js (UI5 modules in the browser, sap.ui.define).
import { defineConfig, globalIgnores } from 'eslint/config'
import js from '@eslint/js'
import cdsPlugin from '@sap/eslint-plugin-cds'
import cds from '@sap/cds/eslint.config.mjs'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * The rule, except on an import() of a computed specifier (srv/sync/simulator-module.ts imports the simulator by a
 * resolved path): the plugin's import rules read every import()'s specifier as a string literal and crash on anything
 * else (@sap/eslint-plugin-cds 4.2.5).
 */
function literalImportsOnly(rule) {
  return {
    ...rule,
    create(context) {
      const listeners = rule.create(context)
      const onImport = listeners.ImportExpression
      if (!onImport) return listeners
      return { ...listeners, ImportExpression: node => node.source.type === 'Literal' && onImport(node) }
    },
  }
}

// One plugin object under the name '@sap/cds' for the model and the code (ESLint refuses two different ones).
const cdsRules = {
  ...cdsPlugin,
  rules: {
    ...cdsPlugin.rules,
    'no-cross-service-import': literalImportsOnly(cdsPlugin.rules['no-cross-service-import']),
    'no-deep-sap-cds-import': literalImportsOnly(cdsPlugin.rules['no-deep-sap-cds-import']),
  },
}

export default defineConfig([
  // Generated, downloaded or written by runs (all git-ignored); node_modules is ignored by ESLint itself.
  globalIgnores([
    '@cds-models/', 'gen/', '.ui5-framework/', 'resources/', 'mta_archives/', 'bench/results/', '.test-output/',
  ]),

  // The CDS model: .cds files and the CSV data (headers against the entities).
  { ...cdsPlugin.configs.recommended, plugins: { '@sap/cds': cdsRules } },
  {
    // Bound actions of entities with @restrict: CAP grants such an action only by a @restrict naming it (its own or
    // its entity's), so the @requires that auth-use-requires proposes would refuse it to everyone. (Per file: the
    // plugin applies disable comments in a .cds file only when that file is the first one linted.)
    name: 'invoicecrm/bound-actions-of-restricted-entities',
    files: ['srv/receivables/service.cds', 'srv/receivables/apps.cds'],
    rules: { '@sap/cds/auth-use-requires': 'off' },
  },

  {
    name: 'invoicecrm/ts',
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { '@sap/cds': cdsRules },
    rules: {
      // The plugin's JavaScript rules (CQL in template strings, handler state, deep @sap/cds imports) apply to the
      // service implementations in TypeScript as much as to JavaScript.
      ...cdsPlugin.configs.js.recommended.rules,
      // A leading underscore marks a parameter or element that a signature or a destructuring needs but the code
      // does not use (e.g. `const { a: _a, ...rest } = x` to drop `a`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },

  {
    name: 'invoicecrm/commonjs',
    files: ['db/**/*.js', 'cds-build/**/*.js'],
    extends: [js.configs.recommended],
    plugins: { '@sap/cds': cdsRules },
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...globals.node, ...cds.defaults.languageOptions.globals },
    },
    rules: { ...cdsPlugin.configs.js.recommended.rules },
  },

  {
    name: 'invoicecrm/respond',
    files: ['app/respond/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },

  {
    name: 'invoicecrm/ui5',
    files: ['app/*/webapp/**/*.js'],
    extends: [js.configs.recommended],
    // UI5 loads these as classic scripts (sap.ui.define); the framework is the global `sap`.
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, sap: 'readonly' } },
  },

  {
    name: 'invoicecrm/config',
    files: ['*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
])
