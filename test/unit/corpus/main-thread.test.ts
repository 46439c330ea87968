/**
 * Detecting the layout of a big tree runs on the 'corpus-scan' worker: the server's
 * event loop (which carries every live session's frames) never stalls for a second
 * while `detect` walks 100 000 files.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/workspace'
import { closeImportPool, detectLayout } from '../../../src-main/services/corpus/index'

const FILES = 100_000
let root: string

beforeAll(() => {
  root = tempDir('ser-bigtree-')
  const emotions = ['angry', 'sad', 'happy', 'neutral', 'calm']
  for (let d = 0; d < 200; d++) {
    const dir = path.join(root, `spk${d}`, emotions[d % emotions.length])
    fs.mkdirSync(dir, { recursive: true })
    for (let i = 0; i < FILES / 200; i++) fs.closeSync(fs.openSync(path.join(dir, `c${i}.wav`), 'w'))
  }
}, 120_000)

afterAll(async () => {
  await closeImportPool()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

describe('a free main thread', () => {
  it(`detect over ${FILES} files leaves no event-loop gap over 1 s`, async () => {
    let last = performance.now()
    let maxGap = 0
    let ticks = 0
    const timer = setInterval(() => {
      const now = performance.now()
      maxGap = Math.max(maxGap, now - last)
      last = now
      ticks++
    }, 20)
    const t0 = performance.now()
    const d = await detectLayout(root)
    const took = performance.now() - t0
    clearInterval(timer)
    maxGap = Math.max(maxGap, performance.now() - last)
    console.log(`detect over ${FILES} files: ${took.toFixed(0)} ms, ${ticks} timer ticks, largest event-loop gap ${maxGap.toFixed(0)} ms`)
    expect(d.layout).toBe('folder')
    expect(d.reason).toBe(`${FILES} of ${FILES} audio files lie in a folder named after an emotion`)
    expect(maxGap).toBeLessThan(1000)
    // the walk took long enough for the measurement to mean something
    expect(ticks).toBeGreaterThan(5)
  }, 120_000)
})
