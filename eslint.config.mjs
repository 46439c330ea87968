/**
 * The repository's one lint configuration (`npm run lint`, a step of `npm test`).
 * Three jobs: the layers of docs/CONVENTIONS.md ("Layers") as import rules, a few correctness
 * rules, and the few format rules the code already keeps (line ends, quotes, no semicolons, no
 * line over 160 characters); indentation is left to .editorconfig and review (no mass reformat).
 *
 * Layers use ESLint's own no-restricted-imports (the typescript-eslint variant, for
 * `allowTypeImports`) rather than dependency-cruiser: one tool and one config for lint and
 * layers, dependency-cruiser 18 asks for Node 22, and the rules are generated from the table
 * below for each folder depth, so a relative import is matched exactly (`../model/x` from
 * services/engine/*.ts, `../../model/x` from services/engine/kernels/*.ts).
 */
import tseslint from 'typescript-eslint'
import vueParser from 'vue-eslint-parser'
import { builtinModules } from 'node:module'

/**
 * Service folders by level (src-main/services/<folder>). A folder may import folders of a
 * lower level only: never its own level, never above. services/workers.ts (the worker pool)
 * is open to all. docs/CONVENTIONS.md shows the same table; a test keeps them equal.
 */
export const SERVICE_LEVELS = [
  ['store', 'jobs', 'audio', 'engine'],
  ['corpus', 'features', 'recordings', 'synth'],
  ['model'],
  ['labels', 'live', 'enroll', 'experiment', 'system'],
  // Slurm runs of an experiment plan (branch `slurm`); listed before it lands so the merge stays checked.
  ['cluster'],
]

/** Known breaches, each with the issue that removes it (none today: engine/ no longer imports model/). */
export const ALLOWED_EXCEPTIONS = {}

/** src-main folders above the services, and what each may not import. */
const ADAPTERS = {
  api: ['shell', 'electron', 'cli'],
  shell: ['electron', 'cli'],
  cli: ['api', 'shell', 'electron'],
  electron: ['cli'],
}

const SOURCE = '{ts,mts,mjs,js,vue}'
/** The widest a source line may be, in characters (docs/CONVENTIONS.md). */
export const MAX_LINE = 160

/** Calls that run SQL: any `.prepare(...)`, `.pragma(...)`, and `.exec(...)` of a string (a RegExp's exec takes a variable). */
export const SQL_CALLS = [
  "CallExpression[callee.property.name='prepare']",
  "CallExpression[callee.property.name='pragma']",
  "CallExpression[callee.property.name='exec'][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
]
const SQL_MESSAGE = 'SQL lives in src-main/services/store (one owner module per table): call its function instead (docs/CONVENTIONS.md, Table owners)'
const MAX_DEPTH = 4
const up = (n) => '(\\./)?' + '\\.\\./'.repeat(n)
const folders = (names) => `(${names.join('|')})(/|$)`
const electronRule = { name: 'electron', message: 'only src-main/electron and src-preload import electron (docs/CONVENTIONS.md, Layers)' }

/** One config block per folder depth: `files` at exactly that depth, the import patterns it may not use. */
function blocks(base, patternsAt, { electron = false } = {}) {
  return Array.from({ length: MAX_DEPTH }, (_, depth) => ({
    files: [`${base}/${'*/'.repeat(depth)}*.${SOURCE}`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: electron ? [] : [electronRule], patterns: patternsAt(depth) }],
    },
  }))
}

function serviceBlocks() {
  const all = SERVICE_LEVELS.flat()
  return SERVICE_LEVELS.flatMap((level, li) =>
    level.flatMap((folder) => {
      const forbidden = all.filter(
        (f) => f !== folder && SERVICE_LEVELS.findIndex((l) => l.includes(f)) >= li && !(ALLOWED_EXCEPTIONS[folder] ?? []).includes(f),
      )
      const lower = SERVICE_LEVELS.slice(0, li).flat()
      const message = `services/${folder} may import only ${lower.length ? lower.join(', ') : 'no other service folder'} (docs/CONVENTIONS.md, Layers)`
      return blocks(`src-main/services/${folder}`, (depth) => [
        ...(forbidden.length ? [{ regex: `^${up(depth + 1)}${folders(forbidden)}`, message }] : []),
        {
          regex: `^${up(depth + 2)}${folders(Object.keys(ADAPTERS))}`,
          message: 'services never import api, shell, electron or cli (docs/CONVENTIONS.md, Layers)',
        },
      ])
    }),
  )
}

const layerBlocks = [
  // Files directly in src-main/services (workers.ts): no adapters either.
  {
    files: [`src-main/services/*.${SOURCE}`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [electronRule],
          patterns: [{ regex: `^${up(1)}${folders(Object.keys(ADAPTERS))}`, message: 'services never import api, shell, electron or cli' }],
        },
      ],
    },
  },
  ...serviceBlocks(),
  ...Object.entries(ADAPTERS).flatMap(([folder, banned]) =>
    blocks(
      `src-main/${folder}`,
      (depth) => [
        { regex: `^${up(depth + 1)}${folders(banned)}`, message: `src-main/${folder} may not import ${banned.join(', ')} (docs/CONVENTIONS.md, Layers)` },
      ],
      { electron: folder === 'electron' },
    ),
  ),
  ...blocks('src-preload', () => [], { electron: true }),
  // The renderer and the shared contract run in the browser: no Node, no main-process code.
  ...['src-renderer', 'src-shared'].flatMap((base) =>
    blocks(base, () => [
      {
        regex: '(^|/)src-main(/|$)',
        // The one type the contract takes from main: the tRPC router's type (erased at build).
        allowTypeImports: base === 'src-shared',
        message: `${base} never imports src-main code (docs/CONVENTIONS.md, Layers)`,
      },
      {
        regex: `^(node:.*|${builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace('/', '\\/')).join('|')})$`,
        message: `${base} runs in the browser: no Node modules`,
      },
    ]),
  ),
]

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'artifacts/', 'test-results/', 'playwright-report/', '.workspace/', 'resources/'] },
  {
    files: [`**/*.${SOURCE}`],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module', extraFileExtensions: ['.vue'] },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // Correctness only: each of these is a bug, never a matter of taste.
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-dupe-else-if': 'error',
      'no-duplicate-case': 'error',
      'no-self-assign': 'error',
      'no-self-compare': 'error',
      'no-unreachable': 'error',
      'no-unsafe-finally': 'error',
      'no-unsafe-negation': 'error',
      'no-cond-assign': ['error', 'except-parens'],
      'no-compare-neg-zero': 'error',
      'no-sparse-arrays': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
      'no-async-promise-executor': 'error',
      'no-import-assign': 'error',
      'no-loss-of-precision': 'error',
      'no-fallthrough': 'error',
      'no-empty-pattern': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true, varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-duplicate-enum-values': 'error',
      '@typescript-eslint/no-misused-new': 'error',
      // The house format, as the code is written (core ESLint's layout rules: no formatter, no reformat).
      'linebreak-style': ['error', 'unix'],
      'eol-last': 'error',
      'no-trailing-spaces': 'error',
      'no-tabs': 'error',
      semi: ['error', 'never'],
      quotes: ['error', 'single', { avoidEscape: true, allowTemplateLiterals: true }],
      // Readable lines (issue 23): code, comments, strings, template literals, URLs and .vue templates alike.
      'max-len': ['error', { code: MAX_LINE, tabWidth: 2 }],
    },
  },
  ...layerBlocks,
  // SQL has one owner per table (docs/CONVENTIONS.md, Table owners): only services/store prepares or runs it.
  {
    files: [`src-main/**/*.${SOURCE}`],
    ignores: ['src-main/services/store/**'],
    rules: {
      'no-restricted-syntax': ['error', ...SQL_CALLS.map((selector) => ({ selector, message: SQL_MESSAGE }))],
    },
  },
  // The renderer asks through the in-app dialog (composables/dialog.ts): Electron has no
  // window.prompt, and the browser's boxes cannot be labelled, styled or tested.
  {
    files: [`src-renderer/**/*.${SOURCE}`],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['prompt', 'confirm', 'alert'].map((name) => ({ name, message: `use the in-app dialog (composables/dialog.ts), not ${name}()` })),
      ],
      'no-restricted-properties': [
        'error',
        ...['window', 'globalThis', 'self'].flatMap((object) =>
          ['prompt', 'confirm', 'alert'].map((property) => ({
            object,
            property,
            message: `use the in-app dialog (composables/dialog.ts), not ${object}.${property}()`,
          })),
        ),
      ],
    },
  },
)

