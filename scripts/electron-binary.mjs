/** Where the Electron binary is, or null: the same rule as src-main/services/system/environment.ts (plain JS here: no TypeScript loader). */
import fs from 'node:fs'
import { createRequire } from 'node:module'

export function electronBinary() {
  if (process.env.SER_ELECTRON_PATH && fs.existsSync(process.env.SER_ELECTRON_PATH)) return process.env.SER_ELECTRON_PATH
  try {
    const p = createRequire(import.meta.url)('electron')
    return typeof p === 'string' && fs.existsSync(p) ? p : null
  } catch {
    // the package is absent, or present without its binary (it throws "failed to install correctly")
    return null
  }
}
