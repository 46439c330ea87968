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
import { scratchF32, scratchF64 } from './scratch'
import { resampleRange, resampledLength, resampleTable, type ResampleInterior } from '../../../src-shared/resample'
import { copyInput, f32, f64, region, useWasm, wasmKernels } from './wasm/runtime'
import { burgFast } from './burg'

/**
 * The filter of the 11 kHz copy: Hann-windowed sinc, 8 zero crossings each
 * side, cutoff 0.99 x 5500 Hz. Praat low-passes with a brick wall at the new
 * Nyquist; a flat passband up to there matters for Burg (our earlier 0.95
 * cutoff with 16 zero crossings put mean F1 up to 3.3% below Praat's, this one
 * within 2.1%, at half the cost). See docs/features.md.
 */
const RESAMPLE_FILTER = { halfTaps: 8, cutoff: 0.99 }

export const FORMANT_DEFAULTS = { maxFormant: 5500, nFormants: 5, windowLength: 0.025, preEmphasisFrom: 50 }

export interface FormantFrames {
  /** [frame * 3 + k] for F1..F3; NaN where absent or frame skipped. */
  freq: Float64Array
  bw: Float64Array
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
  const nWin = Math.floor(2 * windowLength * fs)
  const half = Math.floor(nWin / 2)
  const n = 2 * half
  const nF = times.length
  const startOf = (f: number) => Math.floor(times[f] * fs - 0.5) + 1 - half
  // The 11 kHz copy is computed only over the windows of wanted frames (plus
  // one sample before each stretch for the pre-emphasis).
  // The 11 kHz copy (float32, as resampleTo gives it) and its pre-emphasised
  // version z[j] = y[j] - pre y[j-1] (z[0] = y[0]) are computed only over the
  // merged windows of wanted frames.
  const same = sampleRate === fs
  const ny = same ? x.length : resampledLength(x.length, sampleRate, fs)
  const m = 2 * nFormants
  const workLen = 3 * (m + 2) * (m + 2) + 4 * (m + 2)
  // wasm path: the 16 kHz input, the 11 kHz copy, its pre-emphasised version and the frame's
  // buffers live in the wasm memory (regions first, views after: see wasm/runtime.ts).
  const k = useWasm(x.length) ? wasmKernels() : null
  let W: { z: number; data: number; d: number; c: number; work: number; re: number; im: number; win: number } | null = null
  let interior: ResampleInterior | undefined
  let y: Float32Array, z: Float64Array, data: Float64Array, d: Float64Array, c: Float64Array, re: Float64Array, im: Float64Array
  const win = praatGaussian(n)
  if (k) {
    const tab = same ? null : resampleTable(sampleRate, fs, RESAMPLE_FILTER)
    const px = same ? 0 : copyInput(x)
    const pt = tab ? region('formants.taps', 8 * tab.taps.length) : 0
    const py = same ? 0 : region('formants.y', 4 * ny)
    // window n, padded frame 16 + n (wasm/formants.c), d, c, re, im (m + 1 each), Burg's work
    const small = region('formants.small', 8 * (2 * n + 16 + 4 * (m + 1) + workLen))
    const w = { z: region('formants.z', 8 * ny), win: small, data: small + 8 * n, d: small + 8 * (2 * n + 16), c: small + 8 * (2 * n + 17 + m) }
    W = { ...w, re: w.c + 8 * (m + 1), im: w.c + 16 * (m + 1), work: w.c + 24 * (m + 1) }
    // views after the last region call
    if (tab) f64(pt, tab.taps.length).set(tab.taps)
    y = same ? x : f32(py, ny)
    z = f64(W.z, ny)
    f64(W.win, n).set(win)
    data = f64(W.data + 128, n); d = f64(W.d, m + 1); c = f64(W.c, m + 1); re = f64(W.re, m); im = f64(W.im, m)
    interior = (t, j, end, ph, first, frac) => k.resample_interior(px, x.length, pt, t.L, t.M, t.width, py, j, end, ph, first, frac)
  } else {
    y = same ? x : scratchF32('formants.y', ny)
    z = scratchF64('formants.z', ny)
    data = new Float64Array(n); d = new Float64Array(m + 1); c = new Float64Array(m + 1); re = new Float64Array(m); im = new Float64Array(m)
  }
  const pre = Math.exp((-2 * Math.PI * preEmphasisFrom) / fs)
  {
    let f = 0
    let lo = -1, hi = -1 // pending range [lo, hi)
    const flush = () => {
      if (hi <= lo) return
      const a = Math.max(0, lo - 1), b = Math.min(ny, hi)
      if (!same) resampleRange(x, sampleRate, fs, y, a, b, RESAMPLE_FILTER, interior)
      for (let j = Math.max(0, lo); j < b; j++) z[j] = j >= 1 ? y[j] - pre * y[j - 1] : y[j]
    }
    while (f < nF) {
      if (!want(f)) { f++; continue }
      let e = f
      while (e + 1 < nF && want(e + 1)) e++
      const s0 = startOf(f), s1 = startOf(e) + n
      if (s0 <= hi) hi = Math.max(hi, s1)
      else {
        flush()
        lo = s0
        hi = s1
      }
      f = e + 1
    }
    flush()
  }
  const work = new Float64Array(workLen)
  const freq = new Float64Array(nF * 3).fill(NaN)
  const bw = new Float64Array(nF * 3).fill(NaN)
  const nyq = fs / 2
  const foundF = new Float64Array(m)
  const foundB = new Float64Array(m)
  let warm = false
  for (let f = 0; f < nF; f++) {
    if (!want(f)) {
      continue
    }
    const start = startOf(f)
    if (k && W) {
      if (!k.formant_burg(W.z, start, ny, W.win, n, m, W.data, W.d, W.work)) continue
    } else if (!jsFrame(z, start, ny, win, n, m, data, d, work)) continue
    for (let i = 1; i <= m; i++) c[i] = -d[i]
    if (!warm) initialGuesses(m, re, im)
    const P = W
    const roots = (): boolean => (k && P ? k.poly_roots(P.c, m, P.re, P.im, 500) === 1 : polyRoots(c, m, re, im))
    if (!roots()) {
      initialGuesses(m, re, im)
      if (!roots()) {
        warm = false
        continue
      }
    }
    warm = true
    let nf = 0
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
      if (fr >= 50 && fr <= nyq - 50) {
        // insertion into the list sorted by frequency
        const b = (-Math.log(zr * zr + zi * zi) * fs) / (2 * Math.PI)
        let p = nf++
        while (p > 0 && foundF[p - 1] > fr) {
          foundF[p] = foundF[p - 1]
          foundB[p] = foundB[p - 1]
          p--
        }
        foundF[p] = fr
        foundB[p] = b
      }
    }
    for (let j = 0; j < 3 && j < nf; j++) {
      freq[f * 3 + j] = foundF[j]
      bw[f * 3 + j] = foundB[j]
    }
  }
  return { freq, bw }
}

/** One frame on the JavaScript path: data = windowed z, then Burg (false for a silent window or a failed fit). */
function jsFrame(
  z: Float64Array, start: number, ny: number, win: Float64Array, n: number, m: number, data: Float64Array, d: Float64Array, work: Float64Array,
): boolean {
  let energy = 0
  if (start >= 0 && start + n <= ny) {
    for (let i = 0; i < n; i++) {
      const v = z[start + i] * win[i]
      data[i] = v
      energy += v * v
    }
  } else {
    for (let i = 0; i < n; i++) {
      const j = start + i
      const v = j >= 0 && j < ny ? z[j] * win[i] : 0
      data[i] = v
      energy += v * v
    }
  }
  return energy !== 0 && burgFast(data, n, m, d, work)
}
