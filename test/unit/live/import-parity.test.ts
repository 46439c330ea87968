/**
 * A clip streamed through the live path gives the import path's features. The live path is
 * the renderer's capture code run in Node: device-rate blocks of 128 samples (what an
 * AudioWorklet delivers) into the Chunker, which resamples to 16 kHz and cuts 100 ms
 * chunks; the chunks, concatenated, are what services/live extracts features from. The
 * import path is the feature worker on the file (services/features/extract-worker.ts). Both
 * resample with src-shared/resample.ts, so the 16 kHz signals are equal to the bit and so
 * are the features; the tolerance below (1e-5 relative per feature, 1e-3 dB per log-mel
 * cell) only allows float rounding. Measured before one resampler (a Blackman-windowed
 * sinc in the renderer, a Hann one in features/): at 44.1 and 48 kHz, 43 of the 88 eGeMAPS
 * functionals differed by more than 1e-3 relative (median 7e-4; worst mfcc2V_sma3nz_amean,
 * 0.09 live against 0.84 imported), and the import path's log-mel ran at the file's own
 * rate (897 frames for this clip at 44.1 kHz, where 16 kHz gives 326).
 */
import { describe, expect, it } from 'vitest'
import { Chunker } from '../../../src-renderer/src/audio/chunker'
import { decodeAudioFile, toMono } from '../../../src-main/services/audio/index'
import { extractEgemaps, logMel, EGEMAPS_NAMES } from '../../../src-main/services/features/index'
import runFeatureTask from '../../../src-main/services/features/extract-worker'
import { SPEECH, speechWav } from '../features/helpers'

const BLOCK = 128
const CHUNK = 1600

/** The microphone's view of a file: its samples in device-rate blocks, then silence. */
function streamLive(samples: Float32Array, rate: number): Float32Array {
  const chunks: Float32Array[] = []
  const c = new Chunker(rate, CHUNK, (k) => chunks.push(k.samples))
  const withSilence = new Float32Array(samples.length + rate) // the mic carries on after the clip
  withSilence.set(samples)
  for (let o = 0; o < withSilence.length; o += BLOCK) c.push([withSilence.subarray(o, Math.min(withSilence.length, o + BLOCK))])
  const out = new Float32Array(chunks.length * CHUNK)
  chunks.forEach((k, i) => out.set(k, i * CHUNK))
  return out
}

/** Largest |a - b| / max(|a|, |b|, floor) over the elements. */
function maxRelative(a: Float32Array, b: Float32Array, floor: number): { value: number; at: number } {
  let value = 0, at = -1
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), floor)
    if (d > value) (value = d), (at = i)
  }
  return { value, at }
}

describe('live capture and import give the same features', () => {
  for (const rate of [44100, 48000]) {
    it(`a ${rate} Hz clip: eGeMAPS within 1e-5 relative, log-mel within 1e-3 dB`, async () => {
      const file = speechWav(SPEECH[1], rate)
      const decoded = await decodeAudioFile(file)
      expect(decoded.sampleRate).toBe(rate)

      const imported = await runFeatureTask({ path: file, extractor: 'egemaps' })
      const importedMel = await runFeatureTask({ path: file, extractor: 'logmel' })
      const n = Math.round(imported.duration * 16000)
      expect(imported.duration).toBeCloseTo(decoded.durationSec, 3)

      const live = streamLive(toMono(decoded), rate).subarray(0, n)
      expect(live.length).toBe(n)
      const liveEg = extractEgemaps(live, 16000)
      const eg = maxRelative(liveEg, imported.data, 1e-6)
      expect(eg.value, `worst feature ${EGEMAPS_NAMES[eg.at]}: live ${liveEg[eg.at]}, import ${imported.data[eg.at]}`).toBeLessThanOrEqual(1e-5)

      const liveMel = logMel(live, 16000)
      expect([liveMel.frames, liveMel.bins]).toEqual(importedMel.dims)
      let worstDb = 0
      for (let i = 0; i < liveMel.data.length; i++) worstDb = Math.max(worstDb, Math.abs(liveMel.data[i] - importedMel.data[i]))
      expect(worstDb).toBeLessThanOrEqual(1e-3)
    })
  }
})
