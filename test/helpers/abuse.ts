/**
 * The fault and abuse suite's parts, shared by the bounded vitest version
 * (test/unit/fault/) and `npm run soak` (scripts/soak.ts). Everything talks to a
 * real shell process on 127.0.0.1 only, over raw sockets or a bare WebSocket.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import seedrandom from 'seedrandom'
import WebSocket from 'ws'
import { openWorkspace } from '../../src-main/services/store/workspace'
import { WS_MAX_PAYLOAD_BYTES } from '../../src-shared/contract/limits'
import { startShellProcess, type ShellProcess } from './shell-process'

export type Rng = () => number

/** A stub renderer: the shell serves it like the real one, and no build is needed. */
export function stubRenderer(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-fault-renderer-'))
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Siamese SER</title>')
  fs.mkdirSync(path.join(dir, 'assets'))
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)')
  return dir
}

/** The contents of every file a renderer folder holds: the only bodies a 200 may carry. */
export function rendererFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'latin1'))
}

/**
 * Sends raw bytes, returns the status line (or '' when the server closed without one) within `ms`.
 * halfClose: end our side after sending (abusive; a server may drop the answer then).
 */
export async function rawRequest(port: number, bytes: Buffer | string, ms = 3000, halfClose = false): Promise<string> {
  return (await rawExchange(port, bytes, ms, halfClose)).split('\r\n')[0]
}

/** The whole answer (as far as it came within `ms`, up to the first 64 KiB). */
export function rawExchange(port: number, bytes: Buffer | string, ms = 3000, halfClose = false): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' })
    let got = ''
    const done = () => {
      clearTimeout(timer)
      sock.destroy()
      resolve(got)
    }
    const timer = setTimeout(done, ms)
    sock.on('data', (d) => {
      got += d.toString('latin1')
      // complete once the announced body has arrived
      const head = got.indexOf('\r\n\r\n')
      const len = /content-length: (\d+)/i.exec(got.slice(0, head))
      if (head >= 0 && (!len || got.length - head - 4 >= Number(len[1]) || got.length > 65_536)) done()
    })
    sock.on('error', done)
    sock.on('close', done)
    sock.on('connect', () => (halfClose ? sock.end(bytes) : sock.write(bytes)))
  })
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]
const randomBytes = (rng: Rng, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rng() * 256)))

/** One malformed or unauthenticated request: the kind (for the counts) and its bytes. */
export function hostileRequest(rng: Rng, port: number, token: string): { kind: string; bytes: Buffer | string } {
  const host = `127.0.0.1:${port}`
  const wrongToken = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a')
  const upgrade = (target: string, headers: Record<string, string> = {}) =>
    [
      `GET ${target} HTTP/1.1`, `Host: ${headers.Host ?? host}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', ...Object.entries(headers).filter(([k]) => k !== 'Host').map(([k, v]) => `${k}: ${v}`), '', '',
    ].join('\r\n')
  const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}\r\n`
  const enc = ['%00', '%2e%2e%2f', '%ZZ', '%', '%c0%af', '%ff%fe', '%0d%0a', '%u0000', '..%5c..%5c', '%252e']
  const kinds: (() => { kind: string; bytes: Buffer | string })[] = [
    () => ({ kind: 'random bytes', bytes: randomBytes(rng, 1 + Math.floor(rng() * 600)) }),
    () => ({ kind: 'NUL path', bytes: get(`/${'a'.repeat(Math.floor(rng() * 5))}%00${pick(rng, ['', '.html', '/x'])}`) }),
    () => ({ kind: 'raw NUL in path', bytes: Buffer.concat([Buffer.from('GET /a'), Buffer.from([0]), Buffer.from(`b HTTP/1.1\r\nHost: ${host}\r\n\r\n`)]) }),
    () => ({ kind: '%-encodings', bytes: get(`/${Array.from({ length: 1 + Math.floor(rng() * 4) }, () => pick(rng, enc)).join(pick(rng, ['', '/', 'a']))}`) }),
    () => ({
      kind: 'bad request line',
      bytes:
        pick(rng, [
          'GET http://[ HTTP/1.1', 'GET //[::1 HTTP/1.1', 'GET http://%zz/ HTTP/1.1', 'GET  HTTP/1.1', 'G\u00e9T / HTTP/1.1', 'GET / HTTP/9.9',
          'GET /\t/ HTTP/1.1', 'GET', '\r\n\r\n', 'GET / HTTP/1.1 extra',
        ]) + `\r\nHost: ${host}\r\n\r\n`,
    }),
    () => ({
      kind: 'unparsable upgrade target',
      bytes: upgrade(pick(rng, ['http://[', 'http://[/trpc', '//[::', 'http://%zz/trpc', `http://[?token=${token}`])),
    }),
    () => ({ kind: 'oversized headers', bytes: `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'x'.repeat(17_000 + Math.floor(rng() * 50_000))}\r\n\r\n` }),
    () => ({ kind: 'many headers', bytes: `GET / HTTP/1.1\r\nHost: ${host}\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: y`).join('\r\n')}\r\n\r\n` }),
    () => ({ kind: 'wrong token (media)', bytes: get(`/media/clip/1?token=${pick(rng, [wrongToken, '', '%00', 'x'.repeat(5000)])}`) }),
    () => ({ kind: 'wrong token (websocket)', bytes: upgrade(`/trpc?token=${pick(rng, [wrongToken, '', '%00', encodeURIComponent(token + '\u0000')])}`) }),
    () => ({
      kind: 'wrong origin',
      bytes: upgrade(`/trpc?token=${token}`, { Origin: pick(rng, ['http://evil.example', 'null', `http://127.0.0.1:${port + 1}`, 'file://']) }),
    }),
    () => ({
      kind: 'wrong host',
      bytes: pick(rng, [
        upgrade(`/trpc?token=${token}`, { Host: 'evil.example' }),
        `GET / HTTP/1.1\r\nHost: rebind.example:${port}\r\n\r\n`,
        'GET / HTTP/1.1\r\n\r\n',
      ]),
    }),
    () => ({
      kind: 'bad method',
      bytes:
        `${pick(rng, ['POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT', 'BREW'])} ${pick(rng, ['/', '/media/clip/1', '*', '/trpc'])} HTTP/1.1\r\n` +
        `Host: ${host}\r\nContent-Length: 5\r\n\r\nhello`,
    }),
    () => ({ kind: 'truncated', bytes: get('/index.html').slice(0, 1 + Math.floor(rng() * 30)) }),
    () => ({
      kind: 'bad content-length',
      bytes:
        `GET / HTTP/1.1\r\nHost: ${host}\r\n` +
        `Content-Length: ${pick(rng, ['-1', 'abc', '99999999999999999999', '1, 2'])}\r\nTransfer-Encoding: chunked\r\n\r\n`,
    }),
    () => ({
      kind: 'path traversal',
      bytes: get(pick(rng, ['/../../etc/passwd', '/..%2f..%2fetc/passwd', '/assets/../../package.json', '/%2e%2e/%2e%2e/etc/hosts', `/${'../'.repeat(50)}`])),
    }),
  ]
  return pick(rng, kinds)()
}

/** A minimal tRPC client over a bare WebSocket (JSON-RPC messages, no transformer). */
export class RawRpc {
  private next = 1
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private constructor(readonly sock: WebSocket) {
    sock.on('message', (data) => {
      let msg: { id?: number; result?: { data?: unknown }; error?: { message?: string } }
      try {
        msg = JSON.parse(String(data))
      } catch {
        return
      }
      const w = msg.id === undefined ? undefined : this.waiting.get(msg.id)
      if (!w) return
      this.waiting.delete(msg.id!)
      if (msg.error) w.reject(new Error(msg.error.message ?? 'error'))
      else w.resolve(msg.result?.data)
    })
    const fail = () => {
      for (const w of this.waiting.values()) w.reject(new Error('connection lost'))
      this.waiting.clear()
    }
    sock.on('close', fail)
    sock.on('error', fail)
  }

  static open(port: number, token: string, origin = `http://127.0.0.1:${port}`): Promise<RawRpc> {
    return new Promise((resolve, reject) => {
      const sock = new WebSocket(`ws://127.0.0.1:${port}/trpc?token=${encodeURIComponent(token)}`, { headers: { Origin: origin } })
      sock.once('open', () => resolve(new RawRpc(sock)))
      sock.once('error', reject)
    })
  }

  call(method: 'query' | 'mutation', path: string, input: unknown): Promise<unknown> {
    const id = this.next++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.sock.send(JSON.stringify({ id, method, params: { path, input } }), (err) => err && reject(err))
    })
  }

  close(): void {
    this.sock.terminate()
  }
}

/** Hostile frames on an authenticated WebSocket: garbage, bad JSON-RPC, unknown paths, bad inputs. */
export async function hostileFrames(port: number, token: string, rng: Rng, n: number): Promise<number> {
  const rpc = await RawRpc.open(port, token)
  let sent = 0
  const frames = [
    () => randomBytes(rng, 1 + Math.floor(rng() * 200)),
    () => '{"id":1,"method":"mutation","params":{"path":"labels.set","input":{"clipId":"x"}}}',
    () => '{"id":"x","method":"nope"}',
    () => '{"id":2,"method":"query","params":{"path":"no.such.thing","input":null}}',
    () => `{"id":3,"method":"query","params":{"path":"system.settings.get","input":{"key":"${'k'.repeat(500)}"}}}`,
    () => '[1,2,3]',
    () => 'null',
    () => '{"id":4,"method":"subscription.stop"}',
    () => `{"id":5,"method":"mutation","params":{"path":"system.echo","input":{"text":"\\u0000${'z'.repeat(20_000)}"}}}`,
  ]
  for (let i = 0; i < n && rpc.sock.readyState === WebSocket.OPEN; i++) {
    rpc.sock.send(pick(rng, frames)())
    sent++
  }
  await new Promise((r) => setTimeout(r, 100))
  rpc.close()
  return sent
}

/** A frame one byte over the limit closes that connection (1009), and only that one. */
export async function oversizedFrame(port: number, token: string): Promise<number> {
  const rpc = await RawRpc.open(port, token)
  return new Promise((resolve) => {
    rpc.sock.once('close', (code) => resolve(code))
    rpc.sock.send(Buffer.alloc(WS_MAX_PAYLOAD_BYTES + 1, 0x20))
  })
}

/** The server still answers correctly: the page, a token-checked refusal, and a database round trip. */
export async function answersCorrectly(port: number, token: string): Promise<{ page: string; refused: string; echo: unknown }> {
  const page = await rawRequest(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
  const refused = await rawRequest(port, `GET /media/clip/1?token=nope HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
  const rpc = await RawRpc.open(port, token)
  try {
    const echo = ((await rpc.call('mutation', 'system.echo', { text: 'still here' })) as { text: string }).text
    return { page, refused, echo }
  } finally {
    rpc.close()
  }
}

export interface AbuseFigures {
  requests: number
  frames: number
  byKind: Record<string, number>
  byStatus: Record<string, number>
  /** answers with a 200 whose body is not one of the renderer's files: must be 0 */
  leaked: number
}

/** `n` hostile requests, `concurrency` at a time, plus `frames` hostile WebSocket frames. */
export async function abuse(
  port: number,
  token: string,
  opts: { n: number; seed: string; concurrency?: number; frames?: number; rendererFiles: string[] },
): Promise<AbuseFigures> {
  const rng = seedrandom(opts.seed)
  const figures: AbuseFigures = { requests: 0, frames: 0, byKind: {}, byStatus: {}, leaked: 0 }
  let i = 0
  const worker = async () => {
    while (i < opts.n) {
      i++
      const r = hostileRequest(rng, port, token)
      const answer = await rawExchange(port, r.bytes, 2000, rng() < 0.3)
      const status = answer.split('\r\n')[0].split(' ')[1] ?? 'closed'
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4)
      if (status === '200' && !opts.rendererFiles.includes(body)) figures.leaked++
      figures.requests++
      figures.byKind[r.kind] = (figures.byKind[r.kind] ?? 0) + 1
      figures.byStatus[status] = (figures.byStatus[status] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency ?? 16 }, worker))
  figures.frames = await hostileFrames(port, token, rng, opts.frames ?? 200)
  return figures
}

/** Peak resident memory of a process (VmHWM), in MiB; null where /proc is absent. */
export function peakRssMiB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : null
  } catch {
    return null
  }
}

/** A workspace with one dataset of `n` 60-second clip rows (no audio needed for labels). */
export function labelWorkspace(n: number): { dir: string; clipIds: number[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-fault-ws-'))
  const ws = openWorkspace(dir)
  const datasetId = Number(ws.db.prepare("INSERT INTO datasets (name, layout, root_path) VALUES ('fault', 'folder', '/tmp/fault')").run().lastInsertRowid)
  const ins = ws.db.prepare(
    "INSERT INTO clips (dataset_id, path, rel_path, content_hash, duration_sec, sample_rate, channels, format) VALUES (?, ?, ?, ?, 60, 16000, 1, 'wav')",
  )
  const clipIds = Array.from({ length: n }, (_, i) => Number(ins.run(datasetId, `/tmp/fault/c${i}.wav`, `c${i}.wav`, `fault-${i}`).lastInsertRowid))
  ws.close()
  return { dir, clipIds }
}

export interface KillFigures {
  kills: number
  sent: number
  /** writes sent again after a kill because their answer never came (each may or may not have been committed) */
  retried: number
  acknowledged: number
  present: number
  missing: number
  doubled: number
  integrity: string
  peakRssMiB: number | null
}

/**
 * kill -9 of the server at random moments during bursts of label writes. Each
 * write is a distinct region with its own request id; after each restart the
 * writes sent but not acknowledged are sent again with the same ids (as the
 * desk's queue does). At the end every acknowledged write must be there once.
 */
export async function killDuringWrites(opts: {
  kills: number
  seed: string
  inFlight?: number
  fromSources?: boolean
  log?: (s: string) => void
}): Promise<KillFigures> {
  const rng = seedrandom(opts.seed)
  const { dir, clipIds } = labelWorkspace(20)
  const renderer = stubRenderer()
  const writes = new Map<string, { clipId: number; startSec: number; acked: boolean }>()
  let serial = 0
  let retried = 0
  let peak: number | null = null
  const newWrite = () => {
    const k = serial++
    const id = `soak-${String(k).padStart(8, '0')}`
    writes.set(id, { clipId: clipIds[k % clipIds.length], startSec: Math.floor(k / clipIds.length) * 0.01, acked: false })
    return id
  }
  const send = (rpc: RawRpc, id: string) => {
    const w = writes.get(id)!
    const label = { clipId: w.clipId, emotion: 'angry', annotator: 'soak', startSec: w.startSec, endSec: w.startSec + 0.005, requestId: id }
    return rpc.call('mutation', 'labels.set', label).then(
      () => void (w.acked = true),
      () => undefined,
    )
  }
  let shell: ShellProcess | null = null
  try {
    for (let round = 0; round <= opts.kills; round++) {
      shell = await startShellProcess({ workspace: dir, renderer, fromSources: opts.fromSources ?? true })
      const rpc = await RawRpc.open(shell.port, shell.token)
      // first the retries of what the last round left unanswered, then new writes until the kill
      const pending = [...writes].filter(([, w]) => !w.acked).map(([id]) => id)
      retried += pending.length
      const last = round === opts.kills
      const killAt = Date.now() + 30 + rng() * 400
      const inflight = new Set<Promise<void>>()
      const pump = async () => {
        while (last ? pending.length > 0 : Date.now() < killAt) {
          const id = pending.shift() ?? newWrite()
          const p = send(rpc, id)
          inflight.add(p)
          void p.finally(() => inflight.delete(p))
          if (inflight.size >= (opts.inFlight ?? 8)) await Promise.race(inflight)
        }
      }
      await pump()
      if (last) {
        await Promise.all(inflight)
        rpc.close()
        peak = peakRssMiB(shell.child.pid!)
        await shell.stop()
      } else {
        await shell.kill()
        rpc.close()
        await Promise.allSettled(inflight)
        opts.log?.(`kill ${round + 1}/${opts.kills}: ${[...writes.values()].filter((w) => w.acked).length} acknowledged so far`)
      }
      shell = null
    }
    const db = new Database(path.join(dir, 'workspace.sqlite'), { readonly: true })
    try {
      const rows = db
        .prepare("SELECT clip_id AS c, start_sec AS s, COUNT(*) AS n FROM labels WHERE annotator = 'soak' AND deleted_at IS NULL GROUP BY clip_id, start_sec")
        .all() as { c: number; s: number; n: number }[]
      const have = new Map(rows.map((r) => [`${r.c}@${r.s}`, r.n]))
      const acked = [...writes.values()].filter((w) => w.acked)
      const integrity = String(db.pragma('integrity_check', { simple: true }))
      return {
        kills: opts.kills,
        sent: writes.size,
        retried,
        acknowledged: acked.length,
        present: acked.filter((w) => (have.get(`${w.clipId}@${w.startSec}`) ?? 0) >= 1).length,
        missing: acked.filter((w) => !have.has(`${w.clipId}@${w.startSec}`)).length,
        doubled: rows.filter((r) => r.n > 1).length,
        integrity,
        peakRssMiB: peak,
      }
    } finally {
      db.close()
    }
  } finally {
    if (shell) await shell.kill()
    fs.rmSync(dir, { recursive: true, force: true })
    fs.rmSync(renderer, { recursive: true, force: true })
  }
}
