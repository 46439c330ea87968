/**
 * What makes the shell's handlers total: a wrapper that turns any exception into
 * a 500 (or a closed socket when the answer had begun), URL parsing that returns
 * null instead of throwing, and one place where faults are logged.
 */
import type http from 'node:http'
import type { Duplex } from 'node:stream'

/** Logs a fault with where it happened; the server keeps serving. */
export function logFault(where: string, err: unknown): void {
  const e = err as Error
  console.error(`[shell] ${where} failed: ${e?.stack ?? String(err)}`)
}

/** A plain-text answer, or nothing when the answer had already begun (then the socket is closed). */
export function sendText(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy()
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end(message)
}

/** Wraps a request handler so nothing it throws can leave it. */
export function guarded(
  where: string,
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    res.on('error', () => res.destroy())
    try {
      handle(req, res)
    } catch (err) {
      logFault(where, err)
      try {
        sendText(res, 500, 'internal error; see the server log')
      } catch {
        res.destroy()
      }
    }
  }
}

/** The request target as a URL, or null for anything `new URL` rejects (`http://[`, `//`, …). */
export function parseRequestUrl(raw: string | undefined, port: number): URL | null {
  try {
    return new URL(raw ?? '/', `http://127.0.0.1:${port}`)
  } catch {
    return null
  }
}

export function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  try {
    if (socket.writable) socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  } finally {
    socket.destroy()
  }
}

/**
 * The last resort, for faults outside any handler (a timer, a stray promise):
 * log and keep serving. Installed by the shell's entry (main.ts) only; the
 * handlers above are the real fix.
 */
export function installLastResort(): void {
  process.on('uncaughtException', (err) => logFault('uncaught exception (kept serving)', err))
  process.on('unhandledRejection', (err) => logFault('unhandled rejection (kept serving)', err))
}
