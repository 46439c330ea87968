/**
 * One pitch frame on the JavaScript path (pitch.ts; wasm/pitch.c does the same operations for the
 * WebAssembly path): the windowed, mean-removed frame with its local peak, and the autocorrelation
 * from the power spectrum by a half-size FFT.
 */
import type { RealFft } from './fft'

/**
 * One frame on the JavaScript path: inp = (samples - local mean) x window (samples outside
 * the signal count as zeros; inp[nWin..] stays zero); returns the peak |inp| within
 * [peakFrom, peakTo) (Praat's local peak).
 */
export function jsWindow(x: Float32Array, start: number, nWin: number, window: Float64Array, inp: Float64Array, peakFrom: number, peakTo: number): number {
  const nx = x.length
  const i0 = start < 0 ? -start : 0
  const i1 = start + nWin > nx ? Math.max(i0, nx - start) : nWin
  let m0 = 0, m1 = 0, m2 = 0, m3 = 0
  let i = i0
  for (; i + 3 < i1; i += 4) {
    m0 += x[start + i]
    m1 += x[start + i + 1]
    m2 += x[start + i + 2]
    m3 += x[start + i + 3]
  }
  for (; i < i1; i++) m0 += x[start + i]
  const lm = (m0 + m1 + m2 + m3) / nWin
  let localPeak = 0
  if (i0 === 0 && i1 === nWin) {
    for (let i = 0; i < nWin; i++) inp[i] = (x[start + i] - lm) * window[i]
  } else {
    for (let i = 0; i < nWin; i++) inp[i] = ((i >= i0 && i < i1 ? x[start + i] : 0) - lm) * window[i]
  }
  for (let i = peakFrom < 0 ? 0 : peakFrom; i < peakTo && i < nWin; i++) {
    const v = inp[i]
    const a = v < 0 ? -v : v
    if (a > localPeak) localPeak = a
  }
  return localPeak
}

/**
 * ac[m] = sum_{k=0}^{N-1} P[k] cos(2 pi k m / N) for m = 0..N/2, P the
 * (even) power spectrum given for k = 0..N/2: twice a type-I DCT of the
 * N/2 + 1 values, computed with one real FFT of N/2 points (Numerical
 * Recipes cosft1) instead of a real FFT of N points. Only lags <= upTo are
 * guaranteed to be written.
 */
export function autocorrFromPower(pow: Float64Array, half: RealFft, re: Float64Array, im: Float64Array, dst: Float64Array, upTo = half.size): Float64Array {
  const n = half.size // N / 2
  const y = half.input
  const sin = dctSin(n)
  let sum = 0.5 * (pow[0] - pow[n])
  y[0] = 0.5 * (pow[0] + pow[n])
  const cos = dctCos(n)
  for (let j = 1; j < n >> 1; j++) {
    const a = pow[j], b = pow[n - j]
    const y1 = 0.5 * (a + b)
    const y2 = a - b
    const ws = sin[j] * y2
    y[j] = y1 - ws
    y[n - j] = y1 + ws
    sum += cos[j] * y2
  }
  y[n >> 1] = pow[n >> 1]
  half.complex(re, im)
  dst[0] = 2 * re[0]
  dst[1] = 2 * sum
  // lags 2k and 2k + 1 up to upTo (the rest are not needed by the caller)
  const kEnd = Math.min(n >> 1, (upTo >> 1) + 1)
  for (let k = 1; k < kEnd; k++) {
    dst[2 * k] = 2 * re[k]
    sum -= im[k]
    dst[2 * k + 1] = 2 * sum
  }
  if (kEnd === n >> 1) dst[n] = 2 * re[n >> 1]
  return dst
}

const sinTables = new Map<number, Float64Array>()
const cosTables = new Map<number, Float64Array>()
export function dctSin(n: number): Float64Array {
  let t = sinTables.get(n)
  if (!t) {
    t = new Float64Array(n >> 1)
    for (let j = 0; j < t.length; j++) t[j] = Math.sin((Math.PI * j) / n)
    sinTables.set(n, t)
  }
  return t
}
export function dctCos(n: number): Float64Array {
  let t = cosTables.get(n)
  if (!t) {
    t = new Float64Array(n >> 1)
    for (let j = 0; j < t.length; j++) t[j] = Math.cos((Math.PI * j) / n)
    cosTables.set(n, t)
  }
  return t
}
