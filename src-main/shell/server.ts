/**
 * The browser shell: the same renderer and the same router as the Electron
 * app, over HTTP + WebSocket bound to 127.0.0.1. A random per-run token guards
 * the WebSocket and every media request; the static renderer files carry no data.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { applyWSSHandler } from '@trpc/server/adapters/ws'
import { WebSocketServer } from 'ws'
import type { AppServices } from '../api/context'
import { appRouter } from '../api/router'
import { handleMediaRequest } from '../api/media'
import { CONTENT_SECURITY_POLICY, hostAllowed, newToken, tokenMatches } from './security'
import { serveStatic } from './static'

export interface ShellOptions {
  services: AppServices
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string
  port?: number
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

  const server = http.createServer((req, res) => {
    if (!hostAllowed(req.headers.host, port)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('wrong host: this server answers only 127.0.0.1 and localhost')
      return
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    if (url.pathname.startsWith('/media/')) {
      if (!tokenMatches(token, url.searchParams.get('token'))) {
        res.writeHead(401, { 'Content-Type': 'text/plain' }).end('missing or wrong token')
        return
      }
      void handleMediaRequest(opts.services, url.pathname.slice('/media/'.length), req.headers.range).then(
        (r) => {
          res.writeHead(r.status, { ...SECURITY_HEADERS, ...r.headers })
          res.end(r.body)
        },
        (err: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(err.message),
      )
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end()
      return
    }
    serveStatic(opts.rendererDir, url.pathname, res, SECURITY_HEADERS)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const origin = req.headers.origin
    const originOk = !origin || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
    if (url.pathname !== '/trpc' || !hostAllowed(req.headers.host, port) || !originOk || !tokenMatches(token, url.searchParams.get('token'))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })
  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: () => ({ services: opts.services, transport: 'websocket' as const }),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 },
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    async close() {
      handler.broadcastReconnectNotification()
      for (const client of wss.clients) client.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
