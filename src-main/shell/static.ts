import fs from 'node:fs'
import path from 'node:path'
import type http from 'node:http'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/** Serves the built renderer; any path outside its folder is a 404, never a file elsewhere on disk. */
export function serveStatic(root: string, urlPath: string, res: http.ServerResponse, headers: Record<string, string>): void {
  let rel: string
  try {
    rel = decodeURIComponent(urlPath.split('?')[0])
  } catch {
    res.writeHead(400).end('bad path')
    return
  }
  if (rel === '/' || rel === '') rel = '/index.html'
  const file = path.resolve(root, '.' + rel)
  if (!file.startsWith(path.resolve(root) + path.sep)) {
    res.writeHead(404).end('not found')
    return
  }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': rel === '/index.html' ? 'no-store' : 'max-age=3600',
    })
    fs.createReadStream(file).pipe(res)
  })
}
