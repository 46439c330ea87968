#!/usr/bin/env node
/**
 * `npm start [-- --workspace DIR]`: builds the app, then starts Electron when its
 * binary is installed, otherwise the browser shell, printing the URL to open.
 * The default workspace is embedded in the user's data folder; --workspace picks another.
 * The browser shell listens on the workspace's last port when it is free (so a page left
 * open across a restart reconnects and sends its unsent labels); --port N picks one.
 */
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronBinary } from './electron-binary.mjs'
import { stopIfMissing } from './preflight.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const forceShell = args.includes('--shell')
const passThrough = args.filter((a) => a !== '--shell')
stopIfMissing('start', 'npm start')

const build = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

const electron = forceShell ? null : electronBinary()
const child = electron
  ? spawn(electron, [root, ...passThrough], { cwd: root, stdio: 'inherit' })
  : (console.log('No Electron binary installed: starting the browser shell. Open the address below in Chromium or Chrome.'),
    spawn(process.execPath, [path.join(root, 'out/main/shell.js'), ...passThrough], { cwd: root, stdio: 'inherit' }))
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code) => process.exit(code ?? 0))
