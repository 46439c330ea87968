/**
 * The media route: every answer, errors included, carries Cache-Control: no-store (a
 * 410 for a moved clip must not stick after a relink); AVI audio is decoded on the
 * playback worker; the player's error text is the server's message, never the URL
 * (which carries the token).
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeToneAvi } from '../../helpers/avi'
import { tempDir, tempWorkspace } from '../../helpers/workspace'
import { tearDown } from '../../helpers/lifecycle'
import { closeMediaPool, handleMediaRequest } from '../../../src-main/api/media'
import { JobRegistry } from '../../../src-main/services/jobs/registry'
import { encodeWav16 } from '../../../src-main/services/audio/index'
import { mediaProblem, redactToken } from '../../../src-renderer/src/api/media-error'

let ws: ReturnType<typeof tempWorkspace>
let dir: string
let services: { ws: typeof ws; jobs: JobRegistry }
const ids: Record<string, number> = {}

beforeAll(() => {
  ws = tempWorkspace()
  dir = tempDir('ser-media-')
  services = { ws, jobs: new JobRegistry() }
  fs.writeFileSync(path.join(dir, 'a.wav'), encodeWav16(new Float32Array(1600).fill(0.1), 16000))
  writeToneAvi(path.join(dir, 'a.avi'), { seconds: 1, rate: 8000, fps: 5, audio: 'pcm_s16le' })
  fs.writeFileSync(path.join(dir, 'bad.avi'), 'not an avi at all')
  const ds = Number(ws.db.prepare("INSERT INTO datasets (name, layout, root_path) VALUES ('m', 'folder', ?)").run(dir).lastInsertRowid)
  const add = (name: string, file: string) => {
    ids[name] = Number(
      ws.db
        .prepare(
          'INSERT INTO clips (dataset_id, path, rel_path, content_hash, duration_sec, sample_rate, channels, format) ' +
            "VALUES (?, ?, ?, ?, 1, 16000, 1, 'wav/pcm16')",
        )
        .run(ds, path.join(dir, file), file, `h-${name}`).lastInsertRowid,
    )
  }
  add('wav', 'a.wav')
  add('avi', 'a.avi')
  add('gone', 'gone.wav')
  add('goneAvi', 'gone.avi')
  add('bad', 'bad.avi')
})

afterAll(() => tearDown({ pools: [closeMediaPool], ws, dirs: [dir] }))

describe('media responses', () => {
  it('a moved clip is 410 with the reason, and no-store so a relink takes effect at once', async () => {
    for (const k of ['gone', 'goneAvi']) {
      const r = await handleMediaRequest(services, `clip/${ids[k]}`)
      expect(r.status).toBe(410)
      expect(r.headers['Cache-Control']).toBe('no-store')
      expect(String(r.body)).toMatch(new RegExp(`the audio file of clip ${ids[k]} has moved or was deleted: .*gone\\.(wav|avi) \\(relink the dataset\\)`))
    }
  })

  it('every error answer is no-store', async () => {
    for (const p of ['clip/999999', 'nonsense', `clip/${ids.bad}`]) {
      const r = await handleMediaRequest(services, p)
      expect(r.status).toBeGreaterThanOrEqual(400)
      expect(r.headers['Cache-Control']).toBe('no-store')
    }
    const bad = await handleMediaRequest(services, `clip/${ids.bad}`)
    expect(bad.status).toBe(422)
    expect(String(bad.body)).toMatch(/cannot play clip \d+ .*content is not a known audio format/)
    expect(String(bad.body)).not.toMatch(/not an avi at all/)
  })

  it('plays WAV as is and AVI audio decoded (on the playback worker) to WAV', async () => {
    const w = await handleMediaRequest(services, `clip/${ids.wav}`)
    expect(w.status).toBe(200)
    expect(w.headers['Content-Type']).toBe('audio/wav')
    const a = await handleMediaRequest(services, `clip/${ids.avi}`)
    expect(a.status).toBe(200)
    expect(a.headers['Content-Type']).toBe('audio/wav')
    const b = a.body as Buffer
    expect(b.toString('latin1', 0, 4)).toBe('RIFF')
    expect(b.readUInt32LE(24)).toBe(8000)
    expect(b.readUInt32LE(40)).toBe(8000 * 2) // 1 s of mono 16-bit
  })
})

describe('the player error text', () => {
  let server: http.Server
  let base: string
  beforeAll(async () => {
    // a real HTTP server answering with handleMediaRequest, as the shell does
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      void handleMediaRequest(services, url.pathname.replace(/^\/media\//, '')).then((r) => res.writeHead(r.status, r.headers).end(r.body))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it("shows the server's message for a 410, never the URL or its token", async () => {
    const url = `${base}/media/clip/${ids.gone}?token=s3cr3t-token-value`
    const wavesurferError = new Error(`Failed to fetch ${url}: 410 (Gone)`)
    const why = await mediaProblem(url, wavesurferError)
    expect(why).toMatch(/has moved or was deleted: .*gone\.wav \(relink the dataset\)/)
    expect(why).not.toMatch(/s3cr3t|token=/)
  })

  it('when the server cannot be reached the original message is shown with the token hidden', async () => {
    const url = 'http://127.0.0.1:1/media/clip/1?token=s3cr3t-token-value'
    const why = await mediaProblem(url, new Error(`Failed to fetch ${url}: network error`))
    expect(why).not.toMatch(/s3cr3t/)
    expect(why).toContain('token=(hidden)')
    expect(redactToken('/media/clip/3?x=1&token=abc&y=2')).toBe('/media/clip/3?x=1&token=(hidden)&y=2')
  })
})
