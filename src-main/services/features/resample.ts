/**
 * Rational-ratio resampling by a windowed-sinc polyphase filter (Hann-windowed
 * sinc, 16 zero crossings each side, cutoff 0.95 x the lower Nyquist).
 * Used inside features only: to bring any input to 16 kHz and to take the
 * 11 kHz copy that Burg formant analysis works on (Praat resamples to twice
 * the maximum formant, 5500 Hz, likewise). Comparable to scipy.signal.resample_poly
 * with a Hann-windowed sinc; not bit-exact with any library.
 */
const HALF_TAPS = 16
const CUTOFF = 0.95

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

/** taps: L phases of `width` taps (the filter's 2 half taps, zero-padded to a multiple of 4). */
const tables = new Map<string, { L: number; M: number; taps: Float64Array; width: number; half: number }>()

function table(fromRate: number, toRate: number, halfTaps = HALF_TAPS, cutoffFrac = CUTOFF) {
  const key = `${fromRate}>${toRate}:${halfTaps}:${cutoffFrac}`
  let t = tables.get(key)
  if (t) return t
  const g = gcd(fromRate, toRate)
  const L = toRate / g // output phases
  const M = fromRate / g
  const cutoff = cutoffFrac * Math.min(1, toRate / fromRate) // in units of the input Nyquist
  const half = Math.ceil(halfTaps / Math.min(1, toRate / fromRate))
  const span = 2 * half
  const width = Math.ceil(span / 4) * 4
  const taps = new Float64Array(L * width)
  for (let ph = 0; ph < L; ph++) {
    const frac = ((ph * M) % L) / L // fractional input position of this phase
    let sum = 0
    for (let k = 0; k < span; k++) {
      const d = k - half + 1 - frac // distance from input sample to output time
      const x = Math.PI * cutoff * d
      const sinc = Math.abs(d) < 1e-12 ? 1 : Math.sin(x) / x
      const w = Math.abs(d) < half ? 0.5 + 0.5 * Math.cos((Math.PI * d) / half) : 0
      taps[ph * width + k] = sinc * w * cutoff
      sum += taps[ph * width + k]
    }
    for (let k = 0; k < span; k++) taps[ph * width + k] /= sum // unity gain at DC
  }
  t = { L, M, taps, width, half }
  tables.set(key, t)
  return t
}

/** Output length of resampleTo for an input of n samples. */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  const g = gcd(fromRate, toRate)
  return Math.floor((n * (toRate / g)) / (fromRate / g))
}

/**
 * Output samples j0 <= j < j1 (clipped to the output length) of
 * resampleTo(x, fromRate, toRate), written to dst[j]; the rest of dst is not
 * touched. Lets callers resample only the stretches they analyse. `filter`:
 * zero crossings each side and cutoff as a fraction of the lower Nyquist
 * (default: resampleTo's 16 and 0.95).
 */
export function resampleRange(
  x: Float32Array,
  fromRate: number,
  toRate: number,
  dst: Float64Array | Float32Array,
  j0: number,
  j1: number,
  filter: { halfTaps: number; cutoff: number } = { halfTaps: HALF_TAPS, cutoff: CUTOFF },
): void {
  const { L, M, taps, width, half } = table(fromRate, toRate, filter.halfTaps, filter.cutoff)
  const n = x.length
  const nOut = Math.floor((n * L) / M)
  if (j0 < 0) j0 = 0
  if (j1 > nOut) j1 = nOut
  for (let j = j0; j < j1; j++) {
    const pos = Math.floor((j * M) / L)
    const base = (j % L) * width
    const first = pos - half + 1
    let acc = 0
    if (first >= 0 && first + width <= n) {
      // four partial sums (width is a multiple of 4; padded taps are 0)
      let a1 = 0, a2 = 0, a3 = 0
      for (let k = 0; k < width; k += 4) {
        acc += taps[base + k] * x[first + k]
        a1 += taps[base + k + 1] * x[first + k + 1]
        a2 += taps[base + k + 2] * x[first + k + 2]
        a3 += taps[base + k + 3] * x[first + k + 3]
      }
      acc += a1 + a2 + a3
    } else {
      for (let k = 0; k < width; k++) {
        const i = first + k
        if (i >= 0 && i < n) acc += taps[base + k] * x[i]
      }
    }
    dst[j] = acc
  }
}

export function resampleTo(x: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new Error(`sample rates must be positive integers, got ${fromRate} -> ${toRate}`)
  }
  if (fromRate === toRate) return x
  const out = new Float32Array(resampledLength(x.length, fromRate, toRate))
  resampleRange(x, fromRate, toRate, out, 0, out.length)
  return out
}
