/**
 * Formants by Burg LPC: a re-implementation of Praat's `To Formant (burg)`
 * (Sound_to_Formant.cpp) with its defaults: 5 formants below 5500 Hz, so the
 * sound is resampled to 11 kHz and an order-10 LPC is fitted; pre-emphasis from
 * 50 Hz; Gaussian window of 2 x 0.025 s; Burg's method as in Numerical Recipes
 * `memcof` (which Praat uses); roots of the predictor polynomial, roots outside
 * the unit circle reflected inside, frequency = |arg z| fs / 2 pi, bandwidth =
 * -ln|z| fs / pi, kept when 50 Hz <= f <= Nyquist - 50 Hz.
 * Differences from Praat: roots by Durand-Kerner iteration (warm-started from
 * the previous frame) instead of eigenvalues of the companion matrix + Newton
 * polishing; our resampler is a windowed sinc rather than Praat's FFT filter.
 */
import { praatGaussian } from './framing'
import { resampleTo } from './resample'

export const FORMANT_DEFAULTS = { maxFormant: 5500, nFormants: 5, windowLength: 0.025, preEmphasisFrom: 50 }

export interface FormantFrames {
  /** [frame * 3 + k] for F1..F3; NaN where absent or frame skipped. */
  freq: Float64Array
  bw: Float64Array
}

/** Burg's method (Numerical Recipes memcof): x[n] ~ sum_k d[k] x[n-k], k = 1..m. Arrays are 1-based. */
export function burg(data: Float64Array, n: number, m: number, d: Float64Array, wk1: Float64Array, wk2: Float64Array, wkm: Float64Array): boolean {
  // data[1..n]
  wk1[1] = data[1]
  wk2[n - 1] = data[n]
  for (let j = 2; j <= n - 1; j++) {
    wk1[j] = data[j]
    wk2[j - 1] = data[j]
  }
  for (let k = 1; k <= m; k++) {
    let num = 0
    let denom = 0
    for (let j = 1; j <= n - k; j++) {
      num += wk1[j] * wk2[j]
      denom += wk1[j] * wk1[j] + wk2[j] * wk2[j]
    }
    if (denom <= 0) return false
    d[k] = (2 * num) / denom
    for (let i = 1; i <= k - 1; i++) d[i] = wkm[i] - d[k] * wkm[k - i]
    if (k === m) return true
    for (let i = 1; i <= k; i++) wkm[i] = d[i]
    for (let j = 1; j <= n - k - 1; j++) {
      wk1[j] -= wkm[k] * wk2[j]
      wk2[j] = wk2[j + 1] - wkm[k] * wk1[j + 1]
    }
  }
  return true
}

/**
 * Roots of z^m + c[1] z^(m-1) + ... + c[m] (c 1-based) by Durand-Kerner;
 * re/im hold the starting guesses on entry and the roots on exit.
 */
export function polyRoots(c: Float64Array, m: number, re: Float64Array, im: Float64Array, maxIter = 500): boolean {
  for (let it = 0; it < maxIter; it++) {
    let change = 0
    for (let i = 0; i < m; i++) {
      const zr = re[i]
      const zi = im[i]
      // p(z) by Horner
      let pr = 1
      let pi = 0
      for (let k = 1; k <= m; k++) {
        const tr = pr * zr - pi * zi + c[k]
        pi = pr * zi + pi * zr
        pr = tr
      }
      // prod (z - z_j), j != i
      let qr = 1
      let qi = 0
      for (let j = 0; j < m; j++) {
        if (j === i) continue
        const dr = zr - re[j]
        const di = zi - im[j]
        const tr = qr * dr - qi * di
        qi = qr * di + qi * dr
        qr = tr
      }
      const den = qr * qr + qi * qi
      if (den === 0) {
        re[i] += 1e-6
        continue
      }
      const wr = (pr * qr + pi * qi) / den
      const wi = (pi * qr - pr * qi) / den
      re[i] = zr - wr
      im[i] = zi - wi
      change += wr * wr + wi * wi
    }
    if (change < 1e-24) return true
  }
  return false
}

function initialGuesses(m: number, re: Float64Array, im: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const a = (2 * Math.PI * (i + 0.25)) / m
    re[i] = 0.9 * Math.cos(a)
    im[i] = 0.9 * Math.sin(a)
  }
}

/**
 * F1-F3 (Hz) and bandwidths at the given frame centre times (seconds).
 * `want(frame)` may skip frames (eGeMAPS needs formants on voiced frames only).
 */
export function formantsAt(
  x: Float32Array,
  sampleRate: number,
  times: ArrayLike<number>,
  want: (frame: number) => boolean = () => true,
): FormantFrames {
  const { maxFormant, nFormants, windowLength, preEmphasisFrom } = FORMANT_DEFAULTS
  const fs = 2 * maxFormant
  const y = Float64Array.from(resampleTo(x, sampleRate, fs))
  const a = Math.exp((-2 * Math.PI * preEmphasisFrom) / fs)
  for (let i = y.length - 1; i >= 1; i--) y[i] -= a * y[i - 1]
  const nWin = Math.floor(2 * windowLength * fs)
  const half = Math.floor(nWin / 2)
  const n = 2 * half
  const win = praatGaussian(n)
  const m = 2 * nFormants
  const data = new Float64Array(n + 1)
  const d = new Float64Array(m + 1)
  const c = new Float64Array(m + 1)
  const wk1 = new Float64Array(n + 1)
  const wk2 = new Float64Array(n + 1)
  const wkm = new Float64Array(m + 1)
  const re = new Float64Array(m)
  const im = new Float64Array(m)
  const nF = times.length
  const freq = new Float64Array(nF * 3).fill(NaN)
  const bw = new Float64Array(nF * 3).fill(NaN)
  const nyq = fs / 2
  const found: number[] = []
  let warm = false
  for (let f = 0; f < nF; f++) {
    if (!want(f)) {
      continue
    }
    const left = Math.floor(times[f] * fs - 0.5)
    const start = left + 1 - half
    let energy = 0
    for (let i = 0; i < n; i++) {
      const j = start + i
      const v = (j >= 0 && j < y.length ? y[j] : 0) * win[i]
      data[i + 1] = v
      energy += v * v
    }
    if (energy === 0 || !burg(data, n, m, d, wk1, wk2, wkm)) continue
    for (let k = 1; k <= m; k++) c[k] = -d[k]
    if (!warm) initialGuesses(m, re, im)
    if (!polyRoots(c, m, re, im)) {
      initialGuesses(m, re, im)
      if (!polyRoots(c, m, re, im)) {
        warm = false
        continue
      }
    }
    warm = true
    found.length = 0
    for (let i = 0; i < m; i++) {
      let zr = re[i]
      let zi = im[i]
      const r2 = zr * zr + zi * zi
      if (r2 > 1) {
        zr /= r2
        zi /= r2
      }
      if (zi < 0) continue
      const fr = (Math.abs(Math.atan2(zi, zr)) * fs) / (2 * Math.PI)
      if (fr >= 50 && fr <= nyq - 50) found.push(fr, (-Math.log(zr * zr + zi * zi) * fs) / (2 * Math.PI))
    }
    // sort pairs by frequency
    const pairs: [number, number][] = []
    for (let i = 0; i < found.length; i += 2) pairs.push([found[i], found[i + 1]])
    pairs.sort((p, q) => p[0] - q[0])
    for (let k = 0; k < 3 && k < pairs.length; k++) {
      freq[f * 3 + k] = pairs[k][0]
      bw[f * 3 + k] = pairs[k][1]
    }
  }
  return { freq, bw }
}
