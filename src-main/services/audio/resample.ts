/**
 * Downmix, and resampling with the app's one resampler (src-shared/resample.ts: the same
 * filter the microphone capture and the feature extractors use; docs/audio.md, Resampling).
 */
import { resampleTo } from '../../../src-shared/resample'
import type { DecodedAudio } from './errors'

/** Mean of the channels (equal weights), a copy even for mono input. */
export function toMono(decoded: Pick<DecodedAudio, 'channels'>): Float32Array {
  const ch = decoded.channels
  if (ch.length === 0) throw new Error('toMono: no channels')
  if (ch.length === 1) return Float32Array.from(ch[0])
  const n = ch[0].length
  const out = new Float32Array(n)
  for (const c of ch) for (let i = 0; i < n; i++) out[i] += c[i]
  const k = 1 / ch.length
  for (let i = 0; i < n; i++) out[i] *= k
  return out
}

/**
 * Resamples mono audio from `fromRate` to `toRate` (anti-aliased; output length
 * floor(n * toRate / fromRate)); always a new array. Async so that a bad rate is a rejection.
 */
export async function resample(samples: Float32Array, fromRate: number, toRate: number): Promise<Float32Array> {
  const out = resampleTo(samples, fromRate, toRate)
  return out === samples ? Float32Array.from(samples) : out
}
