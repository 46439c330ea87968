/**
 * Cancelling an import reaches the decodes in flight: a compressed AVI being decoded by
 * ffmpeg is stopped and its ffmpeg process killed, not left running after the import returns.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeToneAvi } from '../../helpers/avi'
import { tempDir, tempWorkspace } from '../../helpers/workspace'
import { tearDown } from '../../helpers/lifecycle'
import { closeImportPool, importCorpus } from '../../../src-main/services/corpus/index'

let ws: ReturnType<typeof tempWorkspace>
let dir: string

function ffmpegChildren(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-x', 'ffmpeg'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number)
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
}

beforeAll(() => {
  ws = tempWorkspace()
  dir = tempDir('ser-cancel-')
  fs.mkdirSync(path.join(dir, 'angry'))
  const src = path.join(dir, 'src.avi')
  // A-law audio goes to ffmpeg; 60 s at 48 kHz stereo keeps it busy for a while
  writeToneAvi(src, { seconds: 60, rate: 48000, fps: 2, audio: 'pcm_alaw', channels: 2 })
  const b = fs.readFileSync(src)
  for (let i = 0; i < 6; i++) {
    const c = Buffer.from(b)
    c[c.length - 1] ^= i + 1 // distinct hashes
    fs.writeFileSync(path.join(dir, 'angry', `c${i}.avi`), c)
  }
  fs.rmSync(src)
}, 120_000)

afterAll(() => tearDown({ pools: [closeImportPool], ws, dirs: [dir] }))

describe('import cancel', () => {
  it('kills the ffmpeg of a decode in flight', async () => {
    const c = new AbortController()
    let seen: number[] = []
    const poll = setInterval(() => {
      const now = ffmpegChildren()
      if (now.length && !c.signal.aborted) {
        seen = now
        c.abort()
      }
    }, 5)
    const r = await importCorpus(ws, dir, { name: 'cancel', layout: 'folder', signal: c.signal, threads: 2 }).finally(() => clearInterval(poll))
    expect(seen.length).toBeGreaterThan(0)
    expect(r.cancelled).toBe(true)
    // right after the import returns, no ffmpeg it started is left
    const alive = seen.filter((pid) => {
      try {
        process.kill(pid, 0)
        return true
      } catch {
        return false
      }
    })
    expect(alive).toEqual([])
    expect(ffmpegChildren()).toEqual([])
  }, 120_000)
})
