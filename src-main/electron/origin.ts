/**
 * Is a URL our own page? Pure (no electron import) so it is tested with Windows
 * paths on any machine. Chromium reports `file:///C:/Users/x/app/out/renderer/index.html`
 * for the native path `C:\Users\x\app\out\renderer\index.html`: both are turned into
 * file: URLs and compared as URLs, never a URL path against a native path.
 */
import { pathToFileURL } from 'node:url'

export type PathStyle = 'win32' | 'posix'

/** Windows for drive-letter and UNC paths (and on Windows), posix otherwise. */
export function pathStyle(nativePath: string, platform: string = process.platform): PathStyle {
  return platform === 'win32' || /^[A-Za-z]:[\\/]/.test(nativePath) || nativePath.startsWith('\\\\') ? 'win32' : 'posix'
}

/** The file: URL of a native path, encoded as Chromium encodes it. */
export function fileUrlOf(nativePath: string, platform: string = process.platform): URL {
  return pathToFileURL(nativePath, { windows: pathStyle(nativePath, platform) === 'win32' })
}

/** True for the app's own page: the built renderer's index.html, loaded from file: (query and fragment ignored). */
export function isAppUrl(url: string, rendererIndex: string, platform: string = process.platform): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol !== 'file:') return false
  const want = fileUrlOf(rendererIndex, platform)
  const norm = (x: URL) => {
    let p: string
    try {
      p = decodeURIComponent(x.pathname)
    } catch {
      return null
    }
    return { host: x.host.toLowerCase(), path: p }
  }
  const a = norm(u)
  const b = norm(want)
  if (!a || !b || a.host !== b.host) return false
  // Windows paths are case-insensitive (C: and c:, Users and users)
  return pathStyle(rendererIndex, platform) === 'win32' ? a.path.toLowerCase() === b.path.toLowerCase() : a.path === b.path
}
