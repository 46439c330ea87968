#!/usr/bin/env node
/**
 * `npm test`: preflight (system tools), type checks, lint, build, unit tests and slow tests (vitest), end-to-end tests
 * (Playwright: browser shell in Chromium, and Electron when a binary exists),
 * then one closing line with the totals.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronBinary } from './electron-binary.mjs'
import { stopIfMissing } from './preflight.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)
fs.mkdirSync('artifacts', { recursive: true })
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const args = process.argv.slice(2)
/** End-to-end specs that failed on a busy machine once (issue 20): `npm test` runs them again under load. */
const UNDER_LOAD = ['test/e2e/live.spec.ts']
const skipE2e = args.includes('--unit-only')
// Seconds, not minutes: a machine without the tools stops here with the list and the install commands.
stopIfMissing(skipE2e ? 'test:unit' : 'test', skipE2e ? 'npm test -- --unit-only' : 'npm test')

function step(title, cmd, cmdArgs, env = {}) {
  console.log(`\n=== ${title}: ${[path.basename(cmd), ...cmdArgs].join(' ')}`)
  const t0 = Date.now()
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...env } })
  console.log(`=== ${title}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  return r.status === 0
}

let ok = true
// The Electron glue needs the `electron` package's types; `.ci/run` installs the package without its binary.
const electronTypes = fs.existsSync(path.join(root, 'node_modules', 'electron', 'electron.d.ts'))
if (!electronTypes) console.log('\nNOTE: the `electron` package is absent, so src-main/electron and src-preload are NOT type-checked.')
ok = step('typecheck (main, shared, tests)', bin('tsc'), ['--noEmit', '-p', electronTypes ? 'tsconfig.json' : 'tsconfig.no-electron.json']) && ok
ok = step('typecheck (renderer)', bin('vue-tsc'), ['--noEmit', '-p', 'tsconfig.web.json']) && ok
ok = step('lint (layers of docs/CONVENTIONS.md + correctness)', bin('eslint'), ['.']) && ok
ok = step('build', bin('electron-vite'), ['build']) && ok

const totals = { passed: 0, failed: 0, skipped: 0 }

/** Adds a Playwright JSON report's counts to the totals; a missing or unreadable report counts as a failure. */
function countPlaywright(file, title) {
  try {
    const p = JSON.parse(fs.readFileSync(file, 'utf8'))
    totals.passed += p.stats.expected
    totals.failed += p.stats.unexpected + p.stats.flaky
    totals.skipped += p.stats.skipped
    if (p.errors?.length) totals.failed += p.errors.length
  } catch (err) {
    console.log(`${title}: no results file (${err.message})`)
    totals.failed++
  }
}

/** Runs one vitest tier (a project of vitest.config.ts) as a step and adds its counts to the totals; a missing or unreadable report counts as a failure. */
function vitestTier(title, project) {
  const file = `artifacts/vitest-${project}.json`
  fs.rmSync(file, { force: true })
  step(title, bin('vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile=${file}`])
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8'))
    totals.passed += v.numPassedTests
    totals.failed += v.numFailedTests + (v.numFailedTestSuites ?? 0)
    totals.skipped += v.numPendingTests + v.numTodoTests
  } catch (err) {
    console.log(`${title}: no results file (${err.message})`)
    totals.failed++
  }
}

vitestTier('unit tests (test/unit, src-renderer/test)', 'unit')
// The tests that take minutes (statistical checks, the whole experiment through the CLI): their own tier, same totals.
vitestTier('slow tests (test/slow)', 'slow')

if (!skipE2e) {
  fs.rmSync('artifacts/playwright.json', { force: true })
  step('end-to-end tests', bin('playwright'), ['test'], { CI: '1', SER_SKIP_BUILD: '1' })
  countPlaywright('artifacts/playwright.json', 'end-to-end tests')
  // The specs that once failed on a busy machine (they counted events per second of wall clock), run again twice in a
  // row with two CPU-bound processes beside them (stress-ng): they count frames of the fed audio, so load only slows them.
  fs.rmSync('artifacts/playwright-load.json', { force: true })
  const stress = spawn('stress-ng', ['--cpu', '2', '--timeout', '1800s', '--quiet'], { stdio: 'ignore' })
  step('end-to-end tests under load (stress-ng --cpu 2), twice', bin('playwright'), ['test', ...UNDER_LOAD, '--repeat-each', '2'], {
    CI: '1',
    SER_SKIP_BUILD: '1',
    PW_JSON: 'artifacts/playwright-load.json',
    PW_OUTPUT_DIR: 'artifacts/playwright-load',
  })
  stress.kill()
  countPlaywright('artifacts/playwright-load.json', 'end-to-end tests under load')
  const electron = electronBinary()
  console.log(
    electron
      ? `\nElectron end-to-end suite: ran against ${electron}`
      : '\nElectron end-to-end suite: NOT RUN — no Electron binary is installed here (its download is blocked); the same checks ran against the browser shell.',
  )
}

if (!ok) totals.failed++
console.log(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed === 0 && ok ? 0 : 1)
