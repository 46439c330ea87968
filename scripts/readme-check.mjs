#!/usr/bin/env node
/**
 * `node scripts/readme-check.mjs`: the README's set-up, tried literally (a CI step of .ci/run).
 * Takes the commands of the README's "Set-up" code block as written, runs them in a fresh
 * clone of this repository's HEAD with a fresh HOME, and checks what the README promises:
 * `npm start` prints an address, the page at that address loads and connects with the token
 * in it, the default workspace appears under the fresh HOME, and the shipped default model
 * serves the Live view (a session starts on Chromium's fake microphone) and the Enroll view.
 * The `npm test` line is not run here: CI runs it right after, in the real checkout.
 * Needs `npm ci` done in this checkout (for Playwright) and Chromium (or SER_CHROMIUM).
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHROMIUM_NAMES, which } from './preflight.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const START_TIMEOUT_MS = 20 * 60_000

/** The shell lines of the first ```bash block under the "Set-up" heading, comments stripped. */
export function readmeSetupCommands(readme) {
  const section = /^## Set-up[^\n]*\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1]
  const block = section && /```bash\n([\s\S]*?)```/.exec(section)?.[1]
  if (!block) throw new Error('README.md has no ```bash block under a "## Set-up" heading')
  return block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#'))
}

function log(msg) {
  console.log(`readme-check: ${msg}`)
}

/** The environment of a newcomer: a fresh HOME, none of our variables, the machine's npm settings. */
function freshEnv(home) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SER_|XDG_|npm_|INIT_CWD$)/i.test(k) || k === 'SER_CHROMIUM'))
  // The machine's own npm settings (registry, nodedir for native builds offline) and its package
  // cache are kept: a newcomer's machine has its own; downloading 700 packages again proves nothing.
  const npmrc = path.join(os.homedir(), '.npmrc')
  if (fs.existsSync(npmrc)) fs.copyFileSync(npmrc, path.join(home, '.npmrc'))
  const cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim()
  return { ...env, HOME: home, USERPROFILE: home, npm_config_cache: cache, CI: '1' }
}

/** Runs one README line in bash; for the line with `npm start`, resolves with the address once printed. */
function runLine(line, cwd, env, transcript) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', line], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const onData = (d) => {
      out += d
      transcript.write(d)
      const m = /SER_SHELL_URL=(\S+)/.exec(out)
      if (m && line.includes('npm start')) {
        clearTimeout(timer)
        resolve({ url: m[1], child, out: () => out })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const timer = setTimeout(() => {
      process.kill(-child.pid, 'SIGKILL')
      reject(new Error(`\`${line}\` did not finish or print an address in ${START_TIMEOUT_MS / 60_000} min`))
    }, START_TIMEOUT_MS)
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (line.includes('npm start')) reject(new Error(`\`${line}\` exited (${code}) without printing SER_SHELL_URL=...; last output:\n${out.slice(-3000)}`))
      else if (code === 0) resolve({ out: () => out })
      else reject(new Error(`\`${line}\` failed with exit code ${code}; last output:\n${out.slice(-3000)}`))
    })
  })
}

/** SIGTERM to the whole `npm start` process group, SIGKILL after 10 s; resolves once it is gone. */
function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      resolve()
    }
  })
}

async function checkViews(url, workspace) {
  const { chromium } = await import(path.join(root, 'node_modules/@playwright/test/index.mjs'))
  const executablePath = process.env.SER_CHROMIUM || CHROMIUM_NAMES.map((n) => which(n)).find(Boolean)
  if (!executablePath) throw new Error('no Chromium to open the address with (install chromium or set SER_CHROMIUM)')
  const plain = new URL(url)
  const index = await fetch(`${plain.origin}/`)
  if (index.status !== 200 || !/<script/.test(await index.text())) throw new Error(`GET ${plain.origin}/ answered ${index.status}, not the app's page`)
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  })
  try {
    const page = await browser.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(url)
    await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor({ timeout: 30_000 })
    log('the page loaded and its WebSocket connected with the token from the address')
    await page.getByTestId('nav-live').click()
    await page.getByTestId('live-source').filter({ hasText: 'Default model' }).waitFor({ timeout: 30_000 })
    await page.getByTestId('live-start').click()
    await page.getByTestId('live-state').filter({ hasText: 'running' }).waitFor({ timeout: 60_000 })
    log('Live: the shipped default model is offered and a session runs on the fake microphone')
    await page.getByTestId('live-stop').click()
    await page.getByTestId('nav-enroll').click()
    await page.getByTestId('enroll-base').filter({ hasText: 'shipped default' }).waitFor({ timeout: 30_000 })
    log('Enroll: the shipped default model is offered as the base model')
    if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}`)
  } finally {
    await browser.close()
  }
  if (!fs.existsSync(path.join(workspace, 'workspace.sqlite'))) throw new Error(`the default workspace was not created at ${workspace}`)
  log(`the default workspace is ${workspace}`)
}

async function main() {
  const commands = readmeSetupCommands(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).filter((c) => c !== 'npm test')
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-readme-'))
  const clone = path.join(tmp, 'clone')
  const home = path.join(tmp, 'home')
  fs.mkdirSync(home)
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, clone])
  const env = freshEnv(home)
  const transcript = fs.createWriteStream(path.join(tmp, 'transcript.log'))
  log(`fresh clone ${clone}, HOME=${home}; running the README's set-up as written:\n  ${commands.join('\n  ')}`)
  const t0 = Date.now()
  let server
  let failed = true
  try {
    for (const line of commands) {
      log(`$ ${line}`)
      const r = await runLine(line, clone, env, transcript)
      if (r.url) server = r
      // The README names the Node version: on it, npm must not warn that a dependency wants another.
      const engine = /^.*EBADENGINE.*$/m.exec(r.out())
      if (engine) throw new Error(`\`${line}\` printed an engine warning on Node ${process.versions.node}: ${engine[0]}`)
    }
    if (!server) throw new Error('no line of the README set-up starts the app (`npm start`)')
    log(`npm start printed ${server.url.replace(/token=.*/, 'token=…')} after ${((Date.now() - t0) / 1000).toFixed(0)} s`)
    await checkViews(server.url, path.join(home, '.local/share/siamese-ser/workspace'))
    log(`passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
    failed = false
  } finally {
    if (server) await stopGroup(server.child)
    transcript.end()
    if (!failed) fs.rmSync(tmp, { recursive: true, force: true })
    else {
      fs.rmSync(clone, { recursive: true, force: true })
      log(`transcript kept: ${path.join(tmp, 'transcript.log')}`)
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`readme-check: FAILED: ${err.message}`)
    process.exitCode = 1
  })
}
