/** Finds the external programs the app can use; shared by `ser doctor`, the launcher and the tests. */
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'

// not named `require`: the ESM bundle injects its own top-level `require` into shared chunks
const requireHere = createRequire(import.meta.url)

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const p = path.join(dir, cmd)
    try {
      fs.accessSync(p, fs.constants.X_OK)
      return p
    } catch {
      /* not here */
    }
  }
  return null
}

/** Path of the Electron binary if the `electron` package downloaded one, else null. */
export function findElectronBinary(): string | null {
  if (process.env.SER_ELECTRON_PATH && fs.existsSync(process.env.SER_ELECTRON_PATH)) return process.env.SER_ELECTRON_PATH
  try {
    const p = requireHere('electron') as unknown
    return typeof p === 'string' && fs.existsSync(p) ? p : null
  } catch {
    return null
  }
}

export function findChromium(): string | null {
  if (process.env.SER_CHROMIUM && fs.existsSync(process.env.SER_CHROMIUM)) return process.env.SER_CHROMIUM
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const p = which(name)
    if (p) return p
  }
  return null
}

export function findProgram(name: string): string | null {
  return which(name)
}

export function packageVersion(pkg: string): string | null {
  try {
    return (requireHere(`${pkg}/package.json`) as { version: string }).version
  } catch {
    return null
  }
}
