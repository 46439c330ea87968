#!/usr/bin/env node
/**
 * `node scripts/preflight.mjs test|test:unit|bench|start [--os debian|fedora|macos|windows]`:
 * checks in well under 5 s that what the command needs is on this machine, and when
 * something is missing stops with the list: each tool, what it is for, and the exact
 * install command for this machine. `npm test`, `npm start` and `npm run bench` run it first.
 * Plain Node, no dependencies (it must run before `npm ci` has worked).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { NEEDS, OPTIONAL_AT_RUN_TIME, TOOLS, detectOs, installCommands } from './system-packages.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const exe = process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : ['']

/** First executable `name` on PATH, or null. */
export function which(name, envPath = process.env.PATH ?? '') {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue
    for (const ext of exe) {
      const p = path.join(dir, name + ext)
      try {
        fs.accessSync(p, fs.constants.X_OK)
        if (fs.statSync(p).isFile()) return p
      } catch {
        /* not here */
      }
    }
  }
  return null
}

/** The same rule as findChromium() in src-main/services/system/environment.ts (the tests use that one). */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']

// What the tests ask of sox and ffmpeg beyond being installed.
const SOX_FORMATS = ['flac', 'mp3', 'ogg']
const FFMPEG_ENCODERS = ['mjpeg', 'libmp3lame', 'pcm_s16le']
// Daemons that Debian installs outside a normal user's PATH.
const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin']

/** One problem per tool: { tool, problem, fix? }. `fix` replaces the install command when installing is not the fix. */
function checkTool(name, env) {
  if (name === 'chromium') return checkChromium(env)
  if (name === 'python3-torch') {
    const py = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : null
    const r = py && spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8', timeout: 4000 })
    return r && r.status === 0 ? null : { tool: name, problem: py ? '/usr/bin/python3 cannot `import torch`' : '/usr/bin/python3 is not installed' }
  }
  if (TOOLS[name].files) {
    const dir = env.SER_ASTERISK_SOUNDS
    const files = dir ? TOOLS[name].files.map((f) => path.join(dir, path.basename(f))) : TOOLS[name].files
    const absent = files.filter((f) => !fs.existsSync(f))
    return absent.length ? { tool: name, problem: `${absent.join(', ')} not found` } : null
  }
  const binaries = TOOLS[name].binaries ?? [name]
  const absent = binaries.filter((b) => !which(b, env.PATH))
  if (absent.length) {
    const inSbin = Object.fromEntries(absent.map((b) => [b, SBIN_DIRS.find((d) => fs.existsSync(path.join(d, b)))]).filter(([, d]) => d))
    const notFound = absent.filter((b) => !inSbin[b])
    const dirs = [...new Set(Object.values(inSbin))]
    const parts = []
    if (notFound.length) parts.push(`${notFound.join(', ')} not found on PATH`)
    if (dirs.length) parts.push(`${Object.keys(inSbin).join(', ')} installed in ${dirs.join(', ')}, which is not on PATH`)
    // Installed but off PATH: the fix is the PATH, not a package.
    return { tool: name, problem: parts.join('; '), fix: notFound.length ? undefined : `export PATH="$PATH:${dirs.join(':')}"` }
  }
  if (name === 'sox') {
    const help = spawnSync('sox', ['-h'], { encoding: 'utf8', env, timeout: 4000 })
    const formats = (`${help.stdout}`.match(/AUDIO FILE FORMATS:(.*)/)?.[1] ?? '').trim().split(/\s+/)
    const lacking = SOX_FORMATS.filter((f) => !formats.includes(f))
    if (lacking.length) return { tool: name, problem: `sox cannot write ${lacking.join(', ')} (\`sox -h\` lists no such format)` }
  }
  if (name === 'ffmpeg') {
    const enc = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8', env, timeout: 4000 })
    const lacking = FFMPEG_ENCODERS.filter((e) => !new RegExp(`^\\s*\\S+\\s+${e}\\s`, 'm').test(`${enc.stdout}`))
    if (lacking.length) return { tool: name, problem: `ffmpeg lacks the encoder(s) ${lacking.join(', ')}` }
  }
  return null
}

function checkChromium(env) {
  if (env.SER_CHROMIUM) {
    return fs.existsSync(env.SER_CHROMIUM)
      ? null
      : {
          tool: 'chromium',
          problem: `SER_CHROMIUM=${env.SER_CHROMIUM} does not exist`,
          fix: 'point SER_CHROMIUM at a Chromium or Chrome executable, or unset it to search PATH',
        }
  }
  if (CHROMIUM_NAMES.some((n) => which(n, env.PATH))) return null
  return { tool: 'chromium', problem: `none of ${CHROMIUM_NAMES.join(', ')} is on PATH and SER_CHROMIUM is not set` }
}

/** Node version against package.json `engines`, and the installed dependencies. */
function checkNode() {
  const problems = []
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  const want = /^>=\s*(\d+)\.(\d+)/.exec(pkg.engines?.node ?? '')
  const [maj, min] = process.versions.node.split('.').map(Number)
  if (want && (maj < +want[1] || (maj === +want[1] && min < +want[2]))) {
    problems.push({
      tool: 'node',
      problem: `Node ${process.versions.node} is older than package.json asks (${pkg.engines.node})`,
      fix: 'install Node.js 20.19 or newer from https://nodejs.org/ (or your package manager), then `npm ci`',
    })
  }
  if (!fs.existsSync(path.join(root, 'node_modules', 'electron-vite', 'package.json'))) {
    problems.push({ tool: 'npm dependencies', problem: 'node_modules is missing or incomplete', fix: 'npm ci' })
    return problems
  }
  try {
    const Database = createRequire(path.join(root, 'package.json'))('better-sqlite3')
    new Database(':memory:').close()
  } catch (err) {
    const abi = /NODE_MODULE_VERSION/.test(err.message)
    problems.push({
      tool: 'better-sqlite3',
      problem: abi ? `its native module was built for another Node version (${err.message.split('\n')[0]})` : `cannot load: ${err.message.split('\n')[0]}`,
      fix: abi ? 'npm rebuild better-sqlite3' : 'npm ci (needs python3, make and g++ where no prebuilt binary exists)',
    })
  }
  return problems
}

/** Everything `target` lacks on this machine: [{ tool, problem, fix? }] plus notes on optional tools. */
export function preflight(target, env = process.env) {
  if (!NEEDS[target]) throw new Error(`unknown preflight target "${target}" (one of ${Object.keys(NEEDS).join(', ')})`)
  const missing = checkNode()
  for (const tool of NEEDS[target]) {
    const p = checkTool(tool, env)
    if (p) missing.push(p)
  }
  const notes =
    target === 'start'
      ? Object.entries(OPTIONAL_AT_RUN_TIME)
          .filter(([t]) => !which(t, env.PATH))
          .map(([t, use]) => `${t} is not installed: needed only for ${use}`)
      : []
  return { missing, notes }
}

/** The message a person reads: what is missing, why it is needed, and the commands that fix it. */
export function formatReport(command, { missing, notes }, os) {
  const lines = []
  if (notes.length) lines.push(...notes.map((n) => `note: ${n}`))
  if (!missing.length) return lines.join('\n')
  lines.push(`\`${command}\` cannot run: ${missing.length} thing${missing.length > 1 ? 's are' : ' is'} missing on this machine.`, '')
  for (const m of missing) {
    const purpose = TOOLS[m.tool]?.purpose
    lines.push(`  MISSING ${m.tool}: ${m.problem}`)
    if (purpose) lines.push(`    used for: ${purpose}`)
    const fix = m.fix ? [m.fix] : installCommands([m.tool], os)
    for (const f of fix) lines.push(`    fix: ${f}`)
    if (!m.fix && TOOLS[m.tool]?.after && os !== 'debian' && os !== 'fedora') lines.push(`    then: ${TOOLS[m.tool].after}`)
  }
  const packaged = missing.filter((m) => !m.fix && TOOLS[m.tool]).map((m) => m.tool)
  if (packaged.length > 1 && ['debian', 'fedora', 'macos'].includes(os)) {
    lines.push('', 'All at once:', ...installCommands(packaged, os).map((c) => `  ${c}`))
  }
  if (os === 'debian' && packaged.length) lines.push('', 'Or run `npm run setup`, which installs every system package the tests use.')
  lines.push('Each message and its fix: README.md, section "Troubleshooting".')
  return lines.join('\n')
}

/** Runs the preflight for `target`; prints the report and exits 1 when anything is missing. */
export function stopIfMissing(target, command, os = detectOs()) {
  const result = preflight(target)
  const text = formatReport(command, result, os)
  if (text) (result.missing.length ? console.error : console.log)(text)
  if (result.missing.length) process.exit(1)
}

const COMMANDS = { start: 'npm start', bench: 'npm run bench', test: 'npm test', 'test:unit': 'npm test -- --unit-only' }

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const osFlag = args.indexOf('--os')
  const target = args.find((a, i) => !a.startsWith('--') && (osFlag < 0 || i !== osFlag + 1)) ?? 'test'
  if (!COMMANDS[target]) {
    console.error(`preflight: unknown preflight target "${target}" (one of ${Object.keys(COMMANDS).join(', ')})`)
    process.exit(2)
  }
  stopIfMissing(target, COMMANDS[target], osFlag >= 0 ? args[osFlag + 1] : detectOs())
}
