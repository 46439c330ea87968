/**
 * The browser shell: the same renderer and the same router as the Electron
 * app, over HTTP + WebSocket bound to 127.0.0.1. A random per-run token guards
 * the WebSocket and every media request; the static renderer files carry no data.
 *
 * Every handler is total: whatever bytes arrive (a NUL in the path, a request
 * line `new URL` cannot parse, a socket reset mid-upgrade), the request gets an
 * error answer or its socket is closed, and the server keeps serving. See guard.ts.
 */
import http from 'node:http'
import type { Duplex } from 'node:stream'
import { applyWSSHandler } from '@trpc/server/adapters/ws'
import { WebSocketServer } from 'ws'
import { WS_MAX_PAYLOAD_BYTES } from '../../src-shared/contract/limits'
import type { AppServices } from '../api/context'
import { appRouter } from '../api/router'
import { handleMediaRequest } from '../api/media'
import { guarded, logFault, parseRequestUrl, rejectUpgrade, sendText } from './guard'
import { listenPreferred } from './listen'
import { CONTENT_SECURITY_POLICY, hostAllowed, newToken, originAllowed, tokenMatches } from './security'
import { serveStatic } from './static'

export interface ShellOptions {
  services: AppServices
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string
  /** 0 or absent: any free port. */
  port?: number
  /** Tried first when `port` is absent; a busy one falls back to any free port. */
  preferredPort?: number
  token?: string
}

export interface ShellServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'microphone=(self), camera=(), geolocation=()',
}

export async function startShell(opts: ShellOptions): Promise<ShellServer> {
  const token = opts.token ?? newToken()
  let port = 0

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (!hostAllowed(req.headers.host, port)) return sendText(res, 421, 'wrong host: this server answers only 127.0.0.1 and localhost')
    const url = parseRequestUrl(req.url, port)
    if (!url) return sendText(res, 400, 'bad request target')
    if (url.pathname.startsWith('/media/')) {
      if (!tokenMatches(token, url.searchParams.get('token'))) return sendText(res, 401, 'missing or wrong token')
      handleMediaRequest(opts.services, url.pathname.slice('/media/'.length), req.headers.range)
        .then((r) => {
          res.writeHead(r.status, { ...SECURITY_HEADERS, ...r.headers })
          res.end(r.body)
        })
        .catch((err: unknown) => {
          logFault('media request', err)
          sendText(res, 500, 'the media request failed; see the server log')
        })
      return
    }
    // A page asks whether its token still opens this server: after a restart (new token) it says so instead of "closed".
    if (url.pathname === '/token-check')
      return tokenMatches(token, url.searchParams.get('token')) ? sendText(res, 200, 'ok') : sendText(res, 401, 'missing or wrong token')
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'only GET and HEAD')
    serveStatic(opts.rendererDir, url.pathname, res, SECURITY_HEADERS)
  }

  const server = http.createServer(guarded('http request', onRequest))
  // A client that sends its headers slowly (or never) is cut off, not waited for.
  server.headersTimeout = 10_000
  server.requestTimeout = 60_000
  // Malformed requests the HTTP parser itself refuses: a 400, never an exception.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy()
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request'
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  })

  // One bound for every message: derived from the contract's largest input (src-shared/contract/limits.ts).
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES })
  wss.on('error', (err) => logFault('websocket server', err))
  wss.on('connection', (client) => client.on('error', (err) => logFault('websocket client', err)))
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // A reset during the handshake must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy())
    try {
      const url = parseRequestUrl(req.url, port)
      const ok =
        url !== null &&
        url.pathname === '/trpc' &&
        hostAllowed(req.headers.host, port) &&
        originAllowed(req.headers.origin, port) &&
        tokenMatches(token, url.searchParams.get('token'))
      if (!ok) return rejectUpgrade(socket, 401, 'Unauthorized')
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
    } catch (err) {
      logFault('websocket upgrade', err)
      rejectUpgrade(socket, 400, 'Bad Request')
    }
  })
  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: () => ({ services: opts.services, transport: 'websocket' as const }),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 },
  })

  port = await listenPreferred(server, opts.port ?? 0, opts.preferredPort)
  server.on('error', (err) => logFault('http server', err))
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    async close() {
      handler.broadcastReconnectNotification()
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export { SECURITY_HEADERS }
