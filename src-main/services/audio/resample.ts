/**
 * Downmix and band-limited resampling. Resampling is libsamplerate's
 * SRC_SINC_MEDIUM_QUALITY (Erik de Castro Lopo's windowed-sinc converter,
 * 121 dB SNR, 90% pass band) through @alexanderolsen/libsamplerate-js (wasm);
 * the result equals libsamplerate's `src_simple` with that converter.
 */
import * as lsrNs from '@alexanderolsen/libsamplerate-js'
import type { DecodedAudio } from './errors'

type SRC = { simple(x: Float32Array): Float32Array }
type Lib = { create(ch: number, from: number, to: number, o: { converterType: number }): Promise<SRC>; ConverterType: Record<string, number> }
// The package is a UMD bundle: depending on the loader (tsx main thread, tsx worker
// thread, electron-vite bundle) its exports arrive as named exports or as `default`.
const nsAny = lsrNs as unknown as Partial<Lib> & { default?: Lib }
const { create, ConverterType } = (typeof nsAny.create === 'function' ? nsAny : nsAny.default) as Lib

const converters = new Map<string, Promise<SRC>>()

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
 * round(n * toRate / fromRate)). Async because the wasm converter loads once per thread.
 */
export async function resample(samples: Float32Array, fromRate: number, toRate: number): Promise<Float32Array> {
  for (const r of [fromRate, toRate]) {
    if (!Number.isFinite(r) || r <= 0) throw new Error(`resample: invalid sample rate ${r}`)
  }
  if (toRate / fromRate > 256 || fromRate / toRate > 256) throw new Error(`resample: ratio ${toRate}/${fromRate} is outside libsamplerate's 1/256..256`)
  if (fromRate === toRate) return Float32Array.from(samples)
  if (samples.length === 0) return new Float32Array(0)
  const key = `${fromRate}:${toRate}`
  let p = converters.get(key)
  if (!p) {
    p = create(1, fromRate, toRate, { converterType: ConverterType.SRC_SINC_MEDIUM_QUALITY })
    converters.set(key, p)
  }
  const src = await p
  const out = src.simple(samples)
  const want = Math.round((samples.length * toRate) / fromRate)
  if (out.length === want) return Float32Array.from(out)
  const fixed = new Float32Array(want)
  fixed.set(out.subarray(0, Math.min(want, out.length)))
  return fixed
}
