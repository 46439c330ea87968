/**
 * Glottal pulses, jitter, shimmer and HNR.
 *
 * Pulses, as Praat's `To PointProcess (periodic, cc)`: within each voiced
 * stretch of the pitch track, anchored at the absolute extremum nearest the
 * stretch's middle, then stepped one local period at a time to both sides; each
 * step is the lag that maximises the normalised cross-correlation of one period
 * of waveform around the previous pulse with the one around the next (searched
 * near the same-polarity extremum within [0.8, 1.25] periods, parabolic
 * refinement); as in Praat, a pulse is kept only when that correlation
 * exceeds 0.3 (stepping continues past dropped ones). Pulse amplitudes (for
 * shimmer) are the interpolated extremum.
 *
 * Jitter (local) and shimmer (local, local_dB) follow Praat's
 * PointProcess_getJitter_local / PointProcess_Sound_getShimmer_local with
 * period floor 0.1 ms, ceiling 20 ms, maximum period factor 1.3, maximum
 * amplitude factor 1.6: jitter = mean |T_i - T_{i-1}| / mean T;
 * shimmer = mean |A_i - A_{i-1}| / mean A; shimmer_dB = mean |20 log10(A_i / A_{i-1})|.
 *
 * HNR: Praat's `To Harmonicity (cc)` measure, 10 log10(r / (1 - r)) with r the
 * normalised forward cross-correlation at the period lag over a window of
 * one period of 75 Hz; we evaluate r only near the lag of our pitch track.
 */
import type { PitchTrack } from './pitch'
import { copyInput, f64, region, useWasm, wasmKernels } from './wasm/runtime'

export interface Pulses {
  t: Float64Array
  amp: Float64Array
}

const PERIOD_FLOOR = 0.0001
const PERIOD_CEILING = 0.02
const MAX_PERIOD_FACTOR = 1.3
const MAX_AMPLITUDE_FACTOR = 1.6
/** Praat's Sound_Pitch_to_PointProcess_cc adds a pulse only when its correlation with the previous period exceeds 0.3. */
const MIN_PULSE_CORRELATION = 0.3

function extremum(x: Float32Array, a: number, b: number, sign: number): number {
  a = Math.max(1, a)
  b = Math.min(x.length - 2, b)
  let best = -1
  let bv = -Infinity
  for (let i = a; i <= b; i++) {
    const v = sign === 0 ? Math.abs(x[i]) : sign * x[i]
    if (v > bv) {
      bv = v
      best = i
    }
  }
  return best
}

function refine(x: Float32Array, i: number, sampleRate: number): [number, number] {
  const y0 = x[i - 1], y1 = x[i], y2 = x[i + 1]
  const d2 = y0 - 2 * y1 + y2
  const off = d2 !== 0 ? (0.5 * (y0 - y2)) / d2 : 0
  const o = Math.max(-0.5, Math.min(0.5, off))
  const amp = Math.abs(y1 - 0.25 * (y0 - y2) * o)
  return [(i + 0.5 + o) / sampleRate, amp]
}

export function findPulses(x: Float32Array, sampleRate: number, pitch: PitchTrack): Pulses {
  const { f0, grid } = pitch
  const ts: number[] = []
  const as: number[] = []
  const n = f0.length
  // wasm path (wasm/pulses.c): the samples and the correlation slot in the wasm memory
  const k = useWasm(x.length) ? wasmKernels() : null
  const px = k ? copyInput(x) : 0
  const pcc = k ? region('pulses.cc', 8) : 0
  const cc = k ? f64(pcc, 1) : new Float64Array(1)
  const lag = (at: number, guess: number, N: number): number => (k ? k.cc_lag(px, x.length, at, guess, N, pcc) : ccLag(x, at, guess, N, cc))
  let f = 0
  while (f < n) {
    if (!(f0[f] > 0)) {
      f++
      continue
    }
    let e = f
    while (e + 1 < n && f0[e + 1] > 0) e++
    const tl = grid.t1 + (f - 0.5) * grid.hop
    const tr = grid.t1 + (e + 0.5) * grid.hop
    const f0At = (t: number) => f0[Math.max(f, Math.min(e, Math.round((t - grid.t1) / grid.hop)))]
    const tm = 0.5 * (tl + tr)
    const T0 = 1 / f0At(tm)
    const a = extremum(x, Math.floor((tm - T0 / 2) * sampleRate), Math.ceil((tm + T0 / 2) * sampleRate), 0)
    if (a > 0) {
      const sign = x[a] >= 0 ? 1 : -1
      const seg: [number, number][] = [refine(x, a, sampleRate)]
      // right
      let prev = a
      let prevT = seg[0][0]
      for (;;) {
        const T = sampleRate / f0At(prev / sampleRate)
        const i = extremum(x, Math.ceil(prev + 0.8 * T), Math.floor(prev + 1.25 * T), sign)
        if (i < 0 || (i + 0.5) / sampleRate > tr) break
        prevT += lag(prev, i - prev, Math.round(T)) / sampleRate
        // as Praat: a pulse is kept only where the periods correlate (> 0.3); stepping goes on
        if (cc[0] > MIN_PULSE_CORRELATION) seg.push([prevT, refine(x, i, sampleRate)[1]])
        prev = i
      }
      // left
      prev = a
      prevT = seg[0][0]
      const leftPulses: [number, number][] = []
      for (;;) {
        const T = sampleRate / f0At(prev / sampleRate)
        const i = extremum(x, Math.ceil(prev - 1.25 * T), Math.floor(prev - 0.8 * T), sign)
        if (i < 0 || (i + 0.5) / sampleRate < tl) break
        prevT += lag(prev, i - prev, Math.round(T)) / sampleRate
        // as Praat: a pulse is kept only where the periods correlate (> 0.3); stepping goes on
        if (cc[0] > MIN_PULSE_CORRELATION) leftPulses.push([prevT, refine(x, i, sampleRate)[1]])
        prev = i
      }
      leftPulses.reverse()
      for (const [t, amp] of [...leftPulses, ...seg]) {
        ts.push(t)
        as.push(amp)
      }
    }
    f = e + 1
  }
  return { t: Float64Array.from(ts), amp: Float64Array.from(as) }
}

/**
 * Lag (samples, fractional) near `guess` that maximises the normalised
 * correlation of one period of waveform centred on `at` with the one centred
 * on `at + lag` (Praat's Sound_findMaximumCorrelation, searched +-3 samples
 * around the peak-picked guess, parabolic refinement); cc[0] receives the
 * correlation at the chosen lag (-Infinity when no local maximum was found).
 */
/**
 * Cross products of one period with the signal at four consecutive lags, in one pass:
 * out[q + k] = sum over i < N of s[a0 + i] * s[b0 + i + k], k = 0..3 (the shifted samples
 * slide along, one new load per i).
 */
function lagDots4(s: Float32Array | Float64Array, a0: number, b0: number, N: number, out: Float64Array, q: number): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0
  let y0 = s[b0], y1 = s[b0 + 1], y2 = s[b0 + 2]
  for (let i = 0; i < N; i++) {
    const p = s[a0 + i]
    const y3 = s[b0 + i + 3]
    s0 += p * y0
    s1 += p * y1
    s2 += p * y2
    s3 += p * y3
    y0 = y1; y1 = y2; y2 = y3
  }
  out[q] = s0; out[q + 1] = s1; out[q + 2] = s2; out[q + 3] = s3
}

const ccDots = new Float64Array(9)

function ccLag(x: Float32Array, at: number, guess: number, N: number, cc: Float64Array): number {
  const h = N >> 1
  let best = -Infinity, bestL = guess, rm = 0, rp = 0
  let r0 = NaN, r1 = NaN
  const a0 = at - h
  const aOk = a0 >= 0 && a0 + N <= x.length
  // energy of the reference period (lag-independent); that of the shifted
  // period by a sliding sum across consecutive valid lags
  let sxx = 0
  if (aOk) for (let i = 0; i < N; i++) sxx += x[a0 + i] * x[a0 + i]
  // cross products for the 9 lags, four lags per pass where all are inside the signal
  const dots = ccDots
  for (let q = 0; q < 9; ) {
    const b0 = at + guess - 4 + q - h
    if (aOk && q + 3 < 9 && b0 >= 0 && b0 + 3 + N <= x.length) {
      lagDots4(x, a0, b0, N, dots, q)
      q += 4
    } else {
      let s0 = 0
      if (aOk && b0 >= 0 && b0 + N <= x.length) for (let i = 0; i < N; i++) s0 += x[a0 + i] * x[b0 + i]
      dots[q] = s0
      q++
    }
  }
  let syy = 0, prevOk = false
  for (let L = guess - 4; L <= guess + 4; L++) {
    const b0 = at + L - h
    let r = -Infinity
    if (aOk && b0 >= 0 && b0 + N <= x.length) {
      if (prevOk) {
        const out = x[b0 - 1], inn = x[b0 + N - 1]
        syy += inn * inn - out * out
      } else {
        syy = 0
        for (let i = 0; i < N; i++) syy += x[b0 + i] * x[b0 + i]
      }
      prevOk = true
      const sxy = dots[L - guess + 4]
      r = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0
    } else prevOk = false
    if (L >= guess - 2 && r1 > best && r1 >= r0 && r1 >= r) {
      best = r1; bestL = L - 1; rm = r0; rp = r
    }
    r0 = r1
    r1 = r
  }
  cc[0] = best
  if (best === -Infinity) return guess
  const d2 = rm - 2 * best + rp
  const off = d2 < 0 ? (0.5 * (rm - rp)) / d2 : 0
  return bestL + Math.max(-0.5, Math.min(0.5, off))
}

const isPeriod = (p: number) => p >= PERIOD_FLOOR && p <= PERIOD_CEILING

/** Jitter/shimmer over pulses with index in [from, to) (Praat's definitions). NaN when undefined. */
export function jitterShimmer(p: Pulses, from = 0, to = p.t.length): { jitter: number; shimmer: number; shimmerDb: number } {
  let sumP = 0, nP = 0, sumD = 0, nD = 0
  let sumA = 0, nA = 0, sumAD = 0, sumADb = 0, nAD = 0
  for (let i = from + 1; i < to; i++) {
    const per = p.t[i] - p.t[i - 1]
    if (!isPeriod(per)) continue
    sumP += per
    nP++
    if (i >= from + 2) {
      const prev = p.t[i - 1] - p.t[i - 2]
      if (isPeriod(prev)) {
        const ratio = per > prev ? per / prev : prev / per
        if (ratio <= MAX_PERIOD_FACTOR) {
          sumD += Math.abs(per - prev)
          nD++
          const a1 = p.amp[i - 1], a2 = p.amp[i]
          const ar = a1 > a2 ? a1 / a2 : a2 / a1
          if (ar <= MAX_AMPLITUDE_FACTOR && a1 > 0 && a2 > 0) {
            sumAD += Math.abs(a2 - a1)
            sumADb += Math.abs(20 * Math.log10(a2 / a1))
            nAD++
            sumA += a1
            nA++
          }
        }
      }
    }
  }
  const meanP = nP ? sumP / nP : NaN
  return {
    jitter: nD && nP ? sumD / nD / meanP : NaN,
    shimmer: nAD ? sumAD / nAD / (sumA / nA) : NaN,
    shimmerDb: nAD ? sumADb / nAD : NaN,
  }
}

/** Per frame: jitter and shimmer (dB) over the periods inside a window centred on each frame. */
export function jitterShimmerFrames(p: Pulses, pitch: PitchTrack, windowSec = 0.06): { jitter: Float64Array; shimmerDb: Float64Array } {
  const n = pitch.f0.length
  const jitter = new Float64Array(n).fill(NaN)
  const shimmerDb = new Float64Array(n).fill(NaN)
  let lo = 0
  for (let f = 0; f < n; f++) {
    if (!(pitch.f0[f] > 0)) continue
    const t = pitch.grid.t1 + f * pitch.grid.hop
    while (lo < p.t.length && p.t[lo] < t - windowSec / 2) lo++
    let hi = lo
    while (hi < p.t.length && p.t[hi] <= t + windowSec / 2) hi++
    if (hi - lo >= 3) {
      const r = jitterShimmer(p, lo, hi)
      jitter[f] = r.jitter
      shimmerDb[f] = r.shimmerDb
    }
  }
  return { jitter, shimmerDb }
}

/**
 * Per-frame HNR (dB) from the normalised cross-correlation near the pitch
 * period; NaN where unvoiced. Per frame the mean-removed segment is copied
 * once; the energy of the first period is lag-independent and that of the
 * shifted period is updated by a sliding sum, so each lag costs one dot product.
 */
export function hnrFrames(x: Float32Array, sampleRate: number, pitch: PitchTrack, floor = 75): Float64Array {
  const n = pitch.f0.length
  const N = Math.floor(sampleRate / floor)
  if (useWasm(x.length) && n > 0) return wasmHnr(x, sampleRate, pitch, N)
  const out = new Float64Array(n).fill(NaN)
  const maxLen = N + Math.ceil((sampleRate / 75) * 1.1) + 4
  let seg = new Float64Array(maxLen)
  let rs = new Float64Array(64)
  for (let f = 0; f < n; f++) {
    const f0 = pitch.f0[f]
    if (!(f0 > 0)) continue
    const t = pitch.grid.t1 + f * pitch.grid.hop
    const T = sampleRate / f0
    const lagLo = Math.max(2, Math.floor(T * 0.9))
    const lagHi = Math.ceil(T * 1.1) + 1
    const start = Math.round(t * sampleRate - (N + T) / 2)
    if (start < 0 || start + N + lagHi + 1 >= x.length) continue
    const len = N + lagHi + 2
    if (seg.length < len + 3) seg = new Float64Array(len + 3)
    let mean = 0
    for (let i = 0; i < N + lagHi; i++) mean += x[start + i]
    mean /= N + lagHi
    for (let i = 0; i < len; i++) seg[i] = x[start + i] - mean
    // three more (or zeros past the end) so that lags go in whole blocks of four
    for (let i = len; i < len + 3; i++) seg[i] = start + i < x.length ? x[start + i] - mean : 0
    let sxx = 0
    for (let i = 0; i < N; i++) sxx += seg[i] * seg[i]
    const l0 = lagLo - 1
    let syy = 0
    for (let i = 0; i < N; i++) syy += seg[l0 + i] * seg[l0 + i]
    // dot products for all lags, four lags per pass over the first period
    const nl = lagHi + 2 - l0
    if (rs.length < nl + 3) rs = new Float64Array(nl + 3)
    let q = 0
    for (; q < nl; q += 4) {
      lagDots4(seg, 0, l0 + q, N, rs, q)
    }
    let best = -Infinity, rm1 = 0, rp1 = 0
    let r0 = 0, r1 = 0
    for (let lag = l0; lag <= lagHi + 1; lag++) {
      if (lag > l0) {
        const out0 = seg[lag - 1], in0 = seg[lag + N - 1]
        syy += in0 * in0 - out0 * out0
      }
      const sxy = rs[lag - l0]
      const r = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0
      if (lag >= lagLo + 1 && r1 > best && r1 >= r0 && r1 >= r) {
        best = r1; rm1 = r0; rp1 = r
      }
      r0 = r1
      r1 = r
    }
    if (best === -Infinity) continue
    const d2 = rm1 - 2 * best + rp1
    let r = d2 < 0 ? best - (0.125 * (rp1 - rm1) * (rp1 - rm1)) / d2 : best
    if (r > 1) r = 1 / r
    out[f] = r <= 1e-15 ? -150 : r >= 1 - 1e-15 ? 150 : 10 * Math.log10(r / (1 - r))
  }
  return out
}

/** hnrFrames in wasm (wasm/hnr.c): the same values. */
function wasmHnr(x: Float32Array, sampleRate: number, pitch: PitchTrack, N: number): Float64Array {
  const k = wasmKernels()!
  const n = pitch.f0.length
  let minF0 = Infinity
  for (let f = 0; f < n; f++) if (pitch.f0[f] > 0 && pitch.f0[f] < minF0) minF0 = pitch.f0[f]
  // the longest lag range any frame needs (the segment, and the lags' dot products in blocks of four)
  const lagHiMax = minF0 < Infinity ? Math.ceil((sampleRate / minF0) * 1.1) + 1 : 0
  const px = copyInput(x)
  const pf0 = region('hnr.f0', 8 * n)
  const pSeg = region('hnr.seg', 8 * (N + lagHiMax + 12))
  const pRs = region('hnr.rs', 8 * (lagHiMax + 12))
  const pOut = region('hnr.out', 8 * n)
  f64(pf0, n).set(pitch.f0)
  f64(pOut, n).fill(NaN)
  k.hnr_frames(px, x.length, pf0, n, pitch.grid.t1, pitch.grid.hop, sampleRate, N, pSeg, pRs, pOut)
  return f64(pOut, n).slice()
}
