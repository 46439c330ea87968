/**
 * The unfamiliar bench's per-file feature cache (bench/unfamiliar-features.ts) gives the same items
 * and recording checks as extracting afresh (services/model/clip-features.ts), on a miss and on a
 * hit, including a silent file whose high-band ratio is -Infinity (stored as null in JSON).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cachedFilesToItems } from '../../../bench/unfamiliar-features'
import { encodeWav16 } from '../../../src-main/services/audio/index'
import { EXTRACTOR_VERSION } from '../../../src-main/services/features/index'
import { defaultModelDir, filesToItems, loadModel } from '../../../src-main/services/model/index'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-bench-features-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function tone(seconds: number, amp: number): Float32Array {
  const rate = 16000
  const x = new Float32Array(seconds * rate)
  for (let i = 0; i < x.length; i++) {
    const t = i / rate
    const partials = 0.6 * Math.sin(2 * Math.PI * 150 * t) + 0.3 * Math.sin(2 * Math.PI * 300 * t) + 0.1 * Math.sin(2 * Math.PI * 5100 * t)
    x[i] = amp * partials * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t))
  }
  return x
}

describe('unfamiliar bench feature cache', () => {
  it('returns what filesToItems returns, extracted or cached', async () => {
    // A fresh cache folder, so the first call is a miss.
    const cache = path.join(dir, 'cache')
    const voiced = path.join(dir, 'voiced.wav')
    const silent = path.join(dir, 'silent.wav')
    fs.writeFileSync(voiced, encodeWav16(tone(1.5, 0.3), 16000))
    fs.writeFileSync(silent, encodeWav16(new Float32Array(16000), 16000))
    const { card } = await loadModel(defaultModelDir(), { extractorVersion: EXTRACTOR_VERSION })
    const files = [voiced, silent]
    const fresh = await filesToItems(files, card)
    expect(fresh.recordings[1].highBandDb).toBe(-Infinity)
    for (const pass of ['miss', 'hit']) {
      const cached = await cachedFilesToItems(files, card, cache)
      expect(Array.from(cached.x), pass).toEqual(Array.from(fresh.x))
      expect(cached.itemShape).toEqual(fresh.itemShape)
      expect(cached.recordings, pass).toEqual(fresh.recordings)
      expect(fs.readdirSync(cache), pass).toHaveLength(2)
    }
  })
})
