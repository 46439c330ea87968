import fs from 'node:fs'
import path from 'node:path'
import type http from 'node:http'
import { pipeline } from 'node:stream'
import { logFault, sendText } from './guard'

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

/** The file under `root` a URL path names, or null for anything that is not a plain path inside it. */
export function staticFile(root: string, urlPath: string): { file: string; rel: string } | null {
  let rel: string
  try {
    rel = decodeURIComponent(urlPath.split('?')[0])
  } catch {
    return null
  }
  // fs throws (not errors) on a NUL byte: refuse it, and other control characters, here.
  if (/[\u0000-\u001f]/.test(rel) || rel.length > 1024) return null
  if (rel === '/' || rel === '') rel = '/index.html'
  const file = path.resolve(root, '.' + rel)
  if (!file.startsWith(path.resolve(root) + path.sep)) return null
  return { file, rel }
}

/** Serves the built renderer; any path outside its folder is a 404, never a file elsewhere on disk. */
export function serveStatic(root: string, urlPath: string, res: http.ServerResponse, headers: Record<string, string>): void {
  const target = staticFile(root, urlPath)
  if (!target) return sendText(res, 404, 'not found')
  const { file, rel } = target
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return sendText(res, 404, 'not found')
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': rel === '/index.html' ? 'no-store' : 'max-age=3600',
    })
    if (res.req.method === 'HEAD') return void res.end()
    // pipeline: a read error (the file vanished after stat) closes this response, not the process.
    pipeline(fs.createReadStream(file), res, (e) => e && e.code !== 'ERR_STREAM_PREMATURE_CLOSE' && logFault(`serving ${rel}`, e))
  })
}
