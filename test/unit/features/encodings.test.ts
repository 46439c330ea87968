/**
 * Features of files in every encoding the importer accepts, through the worker pool
 * (where the extractor runs in the app): a 24-bit stereo WAV and a FLAC copy of a
 * 16-bit mono clip must give the same eGeMAPS values as the original.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir, tempWorkspace } from '../../helpers/workspace'
import { tearDown } from '../../helpers/lifecycle'
import { SPEECH, speechWav } from './helpers'
import { extractForClips, closeFeaturePool, EGEMAPS_NAMES } from '../../../src-main/services/features/index'
import { loadAnalysisAudio } from '../../../src-main/services/features/audio-input'

const ws = tempWorkspace()
const dir = tempDir('ser-features-enc-')
afterAll(() => tearDown({ pools: [closeFeaturePool], ws, dirs: [dir] }))

describe('feature input encodings', () => {
  const original = speechWav(SPEECH[0])
  const stereo24 = path.join(dir, 'stereo24.wav')
  const flac = path.join(dir, 'copy.flac')
  // both channels carry the same signal, so the mono mix is the original to 24-bit precision
  execFileSync('sox', [original, '-b', '24', '-c', '2', stereo24])
  execFileSync('sox', [original, flac])

  it('decodes 24-bit stereo WAV and FLAC on this thread as the original', async () => {
    const a = await loadAnalysisAudio(original)
    for (const f of [stereo24, flac]) {
      const b = await loadAnalysisAudio(f)
      expect(b.sampleRate).toBe(a.sampleRate)
      expect(b.samples.length).toBe(a.samples.length)
      let maxDiff = 0
      for (let i = 0; i < a.samples.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.samples[i] - b.samples[i]))
      expect(maxDiff).toBeLessThan(1e-4)
    }
  })

  it('gives the same eGeMAPS in the worker threads for all three files', async () => {
    const clips = [original, stereo24, flac].map((p, i) => ({ id: i + 1, path: p, content_hash: `enc-${i}` }))
    const r = await extractForClips(ws, clips, { extractor: 'egemaps', threads: 2 })
    const f0 = EGEMAPS_NAMES.indexOf('F0semitoneFrom27.5Hz_sma3nz_amean')
    const loud = EGEMAPS_NAMES.indexOf('loudness_sma3_amean')
    for (const id of [2, 3]) {
      expect(r.get(id)![f0]).toBeCloseTo(r.get(1)![f0], 3)
      expect(r.get(id)![loud]).toBeCloseTo(r.get(1)![loud], 3)
    }
  })
})
