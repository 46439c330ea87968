import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { findChromium } from '../../src-main/services/system/environment'

/** The shell serves the built renderer: build it unless the test runner already did. */
export default function globalSetup(): void {
  if (!findChromium()) throw new Error('Chromium not found: install Debian\'s `chromium` package (see README) or set SER_CHROMIUM')
  const index = path.resolve('out/renderer/index.html')
  if (process.env.SER_SKIP_BUILD === '1' && fs.existsSync(index) && fs.existsSync(path.resolve('out/main/shell.js'))) return
  execFileSync(process.execPath, [path.resolve('node_modules/electron-vite/bin/electron-vite.js'), 'build'], { stdio: 'inherit' })
}
