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
 * c[j] = sum_{t=j}^{n-1} x[t] x[t-j], j = 0..m. For m = 10 (the formant
 * order): two passes (lags 0-5, 6-10) that keep the recent samples in local
 * variables, so each sample is loaded once or twice per pass; terms are
 * added in the same order as the plain loop (t < j contributes exact zeros).
 */
function autocorr(x: Float64Array, n: number, m: number, c: Float64Array): void {
  if (m === 10 && n > 10) {
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0
    let x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0
    for (let t = 0; t < n; t++) {
      const xt = x[t]
      c0 += xt * xt
      c1 += xt * x1
      c2 += xt * x2
      c3 += xt * x3
      c4 += xt * x4
      c5 += xt * x5
      x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = xt
    }
    c[0] = c0; c[1] = c1; c[2] = c2; c[3] = c3; c[4] = c4; c[5] = c5
    let c6 = 0, c7 = 0, c8 = 0, c9 = 0, c10 = 0
    let y1 = 0, y2 = 0, y3 = 0, y4 = 0 // x[t-7], x[t-8], x[t-9], x[t-10]
    for (let t = 6; t < n; t++) {
      const xt = x[t]
      const u = x[t - 6]
      c6 += xt * u
      c7 += xt * y1
      c8 += xt * y2
      c9 += xt * y3
      c10 += xt * y4
      y4 = y3; y3 = y2; y2 = y1; y1 = u
    }
    c[6] = c6; c[7] = c7; c[8] = c8; c[9] = c9; c[10] = c10
    return
  }
  for (let j0 = 0; j0 <= m; j0 += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0
    const j3 = j0 + 3
    // head: t < j3, lags whose range starts later
    for (let t = j0; t < Math.min(j3, n); t++) {
      const xt = x[t]
      s0 += xt * x[t - j0]
      if (t >= j0 + 1) s1 += xt * x[t - j0 - 1]
      if (t >= j0 + 2) s2 += xt * x[t - j0 - 2]
    }
    for (let t = j3; t < n; t++) {
      const xt = x[t]
      s0 += xt * x[t - j0]
      s1 += xt * x[t - j0 - 1]
      s2 += xt * x[t - j0 - 2]
      s3 += xt * x[t - j3]
    }
    c[j0] = s0
    if (j0 + 1 <= m) c[j0 + 1] = s1
    if (j0 + 2 <= m) c[j0 + 2] = s2
    if (j3 <= m) c[j3] = s3
  }
}

/**
 * Burg's method in the autocorrelation domain (K. Vos, "A fast implementation
 * of Burg's method", 2013, in its covariance-matrix form): the same
 * coefficients as `burg` (equal up to rounding), but the data are read once
 * (autocorrelation up to lag m, O(n m)) and each order costs O(m^2) on the
 * (k+2)x(k+2) matrix Phi_ij = sum_{t=k+1}^{n-1} x[t-i] x[t-j], updated from
 * the previous order by shifting and subtracting edge products.
 * x is 0-based, length n; on success d[1..m] holds the predictor
 * (x[t] ~ sum_k d[k] x[t-k], as `burg`). `work` needs 3 (m+2)^2 + 4 (m+2) doubles.
 */
export function burgFast(x: Float64Array, n: number, m: number, d: Float64Array, work: Float64Array): boolean {
  const S = m + 2
  const c = work.subarray(0, S)
  let P = work.subarray(S, S + S * S)
  let Q = work.subarray(S + S * S, S + 2 * S * S)
  const a = work.subarray(S + 2 * S * S, 2 * S + 2 * S * S)
  const v = work.subarray(2 * S + 2 * S * S, 3 * S + 2 * S * S)
  const w = work.subarray(3 * S + 2 * S * S, 4 * S + 2 * S * S)
  autocorr(x, n, m, c)
  // order 0: t = 1..n-1
  P[0] = c[0] - x[0] * x[0]
  P[S + 1] = c[0] - x[n - 1] * x[n - 1]
  P[1] = P[S] = c[1]
  a[0] = 1
  for (let k = 0; k < m; k++) {
    const K = k + 2 // matrix size; a has k+1 coefficients, a[k+1] = 0
    a[k + 1] = 0
    // v = P a, w = P rev(a)
    let num = 0, ef = 0, eb = 0
    for (let i = 0; i < K; i++) {
      let sv = 0, sw = 0
      const row = i * S
      for (let j = 0; j < K; j++) {
        const pij = P[row + j]
        sv += pij * a[j]
        sw += pij * a[K - 1 - j]
      }
      v[i] = sv
      w[i] = sw
    }
    for (let i = 0; i < K; i++) {
      ef += a[i] * v[i]
      eb += a[K - 1 - i] * w[i]
      num += a[K - 1 - i] * v[i]
    }
    const den = ef + eb
    if (!(den > 0)) return false
    const kappa = (-2 * num) / den
    // a_i += kappa a_{k+1-i}, i = 0..k+1 (in place, pairwise)
    for (let i = 0, j = k + 1; i <= j; i++, j--) {
      const ai = a[i], aj = a[j]
      a[i] = ai + kappa * aj
      if (i !== j) a[j] = aj + kappa * ai
    }
    if (k === m - 1) break
    // next order k+1: size K+1, t = k+2..n-1
    // Q[i+1][j+1] = P[i][j] - x[n-1-i] x[n-1-j];  Q[0][j] = c_j - sum_{t=j}^{k+1} x[t] x[t-j]
    for (let i = 0; i < K; i++) {
      const xi = x[n - 1 - i]
      for (let j = i; j < K; j++) {
        const q = P[i * S + j] - xi * x[n - 1 - j]
        Q[(i + 1) * S + j + 1] = q
        Q[(j + 1) * S + i + 1] = q
      }
    }
    for (let j = 0; j <= K; j++) {
      let s = c[j]
      for (let t = j; t <= k + 1; t++) s -= x[t] * x[t - j]
      Q[j] = s
      Q[j * S] = s
    }
    const tmp = P
    P = Q
    Q = tmp
  }
  for (let i = 1; i <= m; i++) d[i] = -a[i]
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
  const k = useWasm() ? wasmKernels() : null
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
