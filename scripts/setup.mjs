#!/usr/bin/env node
/**
 * `npm run setup [-- --dry-run] [-- --os debian|fedora|macos|windows]`: the system part of
 * the set-up. On Debian/Ubuntu it installs, with apt, every package the tests and the bench
 * use that is not installed yet (CI runs it from .ci/run); elsewhere it prints the commands
 * to run. Plain Node, no dependencies: it runs before `npm ci`.
 */
import { spawnSync } from 'node:child_process'
import { TOOLS, detectOs, installCommands } from './system-packages.mjs'

const args = process.argv.slice(2)
const dryRun = args.includes('--dry-run')
const osFlag = args.indexOf('--os')
const os = osFlag >= 0 ? args[osFlag + 1] : detectOs()
const names = Object.keys(TOOLS)

if (os !== 'debian') {
  console.log(`npm run setup installs packages only on Debian/Ubuntu. On this machine (${os}) run:`)
  for (const line of installCommands(names, os)) console.log(`  ${line}`)
  console.log('Then `npm ci` and `npm test` (its preflight names anything still missing).')
  process.exit(0)
}

const installed = (pkg) => /install ok installed/.test(spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout ?? '')
const missing = names.flatMap((n) => TOOLS[n].apt).filter((p) => !installed(p))
if (!missing.length) {
  console.log('setup: every system package is installed.')
  process.exit(0)
}
const sudo = process.getuid?.() === 0 ? [] : ['sudo']
const run = (cmd) => {
  console.log(`setup: ${cmd.join(' ')}`)
  if (dryRun) return
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  if (r.status !== 0) {
    console.error(`setup: \`${cmd.join(' ')}\` failed (exit ${r.status ?? r.error?.message}); install these yourself: ${missing.join(' ')}`)
    process.exit(1)
  }
}
console.log(`setup: installing ${missing.join(' ')}`)
run([...sudo, 'apt-get', 'update', '-qq'])
run([...sudo, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing])
