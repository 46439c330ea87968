import crypto from 'node:crypto'

/**
 * The renderer's Content-Security-Policy, identical in Electron (meta tag and
 * response header) and in the browser shell (response header).
 * 'unsafe-inline' is allowed for styles only: wavesurfer.js injects <style> into its shadow DOM.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: ser-media:",
  "connect-src 'self' ser-media:",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url')
}

/** Constant-time comparison so the token cannot be guessed byte by byte from timings. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

/** Only loopback host names: blocks DNS-rebinding pages from talking to us. */
export function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false
  return [`127.0.0.1:${port}`, `localhost:${port}`].includes(hostHeader.toLowerCase())
}

/** The WebSocket's Origin: absent (a non-browser client holding the token) or our own page's. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  return !origin || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
}
