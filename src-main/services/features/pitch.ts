/**
 * F0 by autocorrelation: a re-implementation of Praat's `To Pitch (ac)`
 * (Boersma 1993, "Accurate short-term analysis of the fundamental frequency
 * and the harmonics-to-noise ratio of a sampled sound"; Praat
 * Sound_to_Pitch.cpp and Pitch_pathFinder), same defaults:
 * floor 75 Hz, ceiling 600 Hz, 3 periods per window (40 ms Hanning),
 * 15 candidates, silence threshold 0.03, voicing threshold 0.45, octave cost
 * 0.01, octave-jump cost 0.35, voiced/unvoiced cost 0.14, time step 10 ms.
 *
 * Per frame: subtract the local mean, apply Praat's Hanning window,
 * autocorrelate by FFT (Wiener-Khinchin, zero-padded to >= 1.5x the window),
 * divide by the window's own autocorrelation, take local maxima above
 * voicingThreshold/2 as candidates (parabolic interpolation), then the
 * Viterbi path over candidates with Praat's costs.
 * Known difference from Praat: the candidate maximum is refined by parabolic
 * interpolation instead of Praat's sinc70 interpolation (F0 differs by well
 * under 0.5%, see docs/features.md).
 */
import { RealFft, nextPow2 } from './fft'
import { frameGrid, praatHanning, type FrameGrid } from './framing'
import { scratchF64, scratchI32 } from './scratch'
import { alloc, copyInput, f64, i32, region, useWasm, wasmKernels } from './wasm/runtime'
import { autocorrFromPower, dctCos, dctSin, jsWindow } from './pitch-frame'

export interface PitchOptions {
  floor?: number
  ceiling?: number
  hop?: number
  maxCandidates?: number
  silenceThreshold?: number
  voicingThreshold?: number
  octaveCost?: number
  octaveJumpCost?: number
  voicedUnvoicedCost?: number
}

export interface PitchTrack {
  grid: FrameGrid
  /** F0 in Hz per frame, 0 where unvoiced. */
  f0: Float64Array
  /** Normalised autocorrelation of the chosen candidate (0 where unvoiced). */
  strength: Float64Array
  /** Local peak / global peak, Praat's "intensity" of the frame. */
  intensity: Float64Array
}

export const PITCH_DEFAULTS: Required<PitchOptions> = {
  floor: 75,
  ceiling: 600,
  hop: 0.01,
  maxCandidates: 15,
  silenceThreshold: 0.03,
  voicingThreshold: 0.45,
  octaveCost: 0.01,
  octaveJumpCost: 0.35,
  voicedUnvoicedCost: 0.14,
}

interface Plan {
  sampleRate: number
  floor: number
  nWin: number
  half: number
  window: Float64Array
  windowR: Float64Array
  fft: RealFft
  /** Half-size FFT for the autocorrelation (type-I DCT of the power spectrum). */
  fft2: RealFft
  re2: Float64Array
  im2: Float64Array
  pow: Float64Array
  ac: Float64Array
  /** 1 / windowR (Praat divides the frame's autocorrelation by the window's). */
  invWindowR: Float64Array
  maxLag: number
  minLag: number
  halfPeriod: number
  /** wasm copies (byte offsets) of the tables and buffers of wasm/pitch.c; null without the kernels. */
  wasm: { window: number; pow: number; sin: number; cos: number; ac: number; invWR: number; r: number } | null
}

/** The plan's tables in the wasm memory (allocated once per plan). */
function wasmPlan(window: Float64Array, nFft: number, invWindowR: Float64Array, maxLag: number): Plan['wasm'] {
  if (!wasmKernels()) return null
  const n2 = nFft / 2
  const put = (a: Float64Array): number => {
    const ptr = alloc(8 * a.length)
    f64(ptr, a.length).set(a)
    return ptr
  }
  return {
    window: put(window), sin: put(dctSin(n2)), cos: put(dctCos(n2)), invWR: put(invWindowR),
    pow: alloc(8 * (n2 + 1)), ac: alloc(8 * (n2 + 1)), r: alloc(8 * (maxLag + 2)),
  }
}

const plans = new Map<string, Plan>()

function plan(sampleRate: number, floor: number, ceiling: number): Plan {
  const key = `${sampleRate}:${floor}:${ceiling}`
  let p = plans.get(key)
  if (p) return p
  const periodsPerWindow = 3
  const dx = 1 / sampleRate
  let nWin = Math.floor(periodsPerWindow / floor / dx)
  const half = Math.floor(nWin / 2) - 1
  nWin = half * 2
  const nFft = Math.max(16, nextPow2(Math.ceil(nWin * 1.5)))
  const fft = new RealFft(nFft)
  const fft2 = new RealFft(nFft / 2)
  const re2 = new Float64Array(fft2.bins)
  const im2 = new Float64Array(fft2.bins)
  const window = praatHanning(nWin)
  const pow = new Float64Array(fft.bins)
  const ac = new Float64Array(fft.bins)
  // Autocorrelation of the window, normalised to 1 at lag 0.
  fft.input.fill(0)
  fft.input.set(window)
  fft.power(pow)
  const windowR = autocorrFromPower(pow, fft2, re2, im2, new Float64Array(fft.bins))
  const w0 = windowR[0]
  for (let i = 0; i < windowR.length; i++) windowR[i] /= w0
  const maxLag = Math.min(Math.floor(nWin / periodsPerWindow) + 2, nWin, fft.bins - 2)
  const invWindowR = new Float64Array(maxLag + 2)
  for (let i = 0; i < invWindowR.length; i++) invWindowR[i] = 1 / windowR[i]
  const minLag = Math.max(2, Math.floor(sampleRate / ceiling))
  const halfPeriod = Math.floor(sampleRate / floor / 2) + 1
  const wasm = wasmPlan(window, nFft, invWindowR, maxLag)
  p = { sampleRate, floor, nWin, half, window, windowR, fft, fft2, re2, im2, pow, ac, invWindowR, maxLag, minLag, halfPeriod, wasm }
  plans.set(key, p)
  return p
}

export function pitchAc(x: Float32Array, sampleRate: number, options: PitchOptions = {}): PitchTrack {
  const o = { ...PITCH_DEFAULTS, ...options }
  if (!(o.floor > 0 && o.ceiling > o.floor)) throw new Error(`pitch floor/ceiling invalid: ${o.floor}/${o.ceiling}`)
  const p = plan(sampleRate, o.floor, o.ceiling)
  const grid = frameGrid(x.length, sampleRate, p.nWin / sampleRate, o.hop)
  const n = grid.nFrames
  const f0 = new Float64Array(n)
  const strength = new Float64Array(n)
  const intensity = new Float64Array(n)
  if (n === 0) return { grid, f0, strength, intensity }

  const maxC = o.maxCandidates - 1 // voiced candidates per frame
  const { nWin, half, window, fft, fft2, re2, im2, pow, ac, invWindowR, maxLag, minLag, halfPeriod } = p
  const logFloorRef = Math.log2(o.floor)
  const nx = x.length
  // Frames this quiet cannot be voiced on the best path: their unvoiced
  // strength voicingThreshold + u (u = 2 - intensity / (silenceThreshold /
  // (1 + voicingThreshold))) exceeds any voiced candidate's (<= 1) plus the
  // largest transition saving (2 x voicedUnvoicedCost), so the Viterbi path
  // is the same with or without their candidates; skip their autocorrelation.
  const vuCostMax = (2 * o.voicedUnvoicedCost * 0.01) / o.hop
  const uMin = 1 + vuCostMax - o.voicingThreshold + 1e-9
  const quietBelow = ((2 - uMin) * o.silenceThreshold) / (1 + o.voicingThreshold) - 1e-12
  const peakFrom = half - halfPeriod, peakTo = half + halfPeriod

  const k = useWasm(x.length) ? wasmKernels() : null
  if (k && p.wasm && fft.wasm && fft2.wasm) {
    // the whole frame loop in wasm (wasm/pitch.c): the same candidates
    const W = p.wasm
    const px = copyInput(x)
    const pd = region('pitch.d', 80), pg = region('pitch.g', 36)
    const pI = region('pitch.intensity', 8 * n), pN = region('pitch.nCand', 4 * n)
    const pF = region('pitch.candF', 8 * n * maxC), pR = region('pitch.candR', 8 * n * maxC)
    // views after the last region call
    fft.input.fill(0)
    const globalPeak = k.pitch_global_peak(px, nx)
    f64(pd, 10).set([grid.t1, grid.hop, sampleRate, globalPeak, quietBelow, o.voicingThreshold, o.ceiling, o.floor, o.octaveCost, logFloorRef])
    i32(pg, 9).set([n, nx, nWin, half, peakFrom, peakTo, maxLag, minLag, maxC])
    k.pitch_frames(px, pd, pg, W.window, fft.wasm.plan, fft2.wasm.plan, W.pow, W.sin, W.cos, W.ac, W.invWR, W.r, pI, pN, pF, pR)
    intensity.set(f64(pI, n))
    viterbi(o, grid, n, maxC, f64(pF, n * maxC), f64(pR, n * maxC), i32(pN, n), intensity, f0, strength)
    return { grid, f0, strength, intensity }
  }

  // Global peak after removing the global mean.
  let mean = 0
  for (let i = 0; i < x.length; i++) mean += x[i]
  mean /= x.length
  let globalPeak = 0
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i] - mean)
    if (v > globalPeak) globalPeak = v
  }
  const candF = scratchF64('pitch.candF', n * maxC)
  const candR = scratchF64('pitch.candR', n * maxC)
  const nCand = scratchI32('pitch.nCand', n)
  nCand.fill(0)
  const inp = fft.input
  inp.fill(0)
  const r = new Float64Array(maxLag + 2)

  for (let f = 0; f < n; f++) {
    const t = grid.t1 + f * grid.hop
    const left = Math.floor(t * sampleRate - 0.5)
    const start = left + 1 - half
    const localPeak = jsWindow(x, start, nWin, window, inp, peakFrom, peakTo)
    intensity[f] = globalPeak > 0 ? Math.min(1, localPeak / globalPeak) : 0
    if (localPeak === 0 || intensity[f] < quietBelow) continue
    fft.power(pow)
    autocorrFromPower(pow, fft2, re2, im2, ac, maxLag + 1)
    const inv0 = 1 / ac[0]
    for (let i = 0; i <= maxLag + 1; i++) r[i] = ac[i] * inv0 * invWindowR[i]
    let c = 0
    const base = f * maxC
    for (let i = Math.max(2, minLag - 1); i <= maxLag; i++) {
      const ri = r[i]
      if (ri > 0.5 * o.voicingThreshold && ri > r[i - 1] && ri >= r[i + 1]) {
        const dr = 0.5 * (r[i + 1] - r[i - 1])
        const d2r = 2 * ri - r[i - 1] - r[i + 1]
        const lag = d2r > 0 ? i + dr / d2r : i
        const freq = sampleRate / lag
        if (freq > o.ceiling || freq < o.floor) continue
        let s = d2r > 0 ? ri + (0.5 * dr * dr) / d2r : ri
        if (s > 1) s = 1 / s
        if (c < maxC) {
          candF[base + c] = freq
          candR[base + c] = s
          c++
        } else {
          // Replace the weakest (Praat: strength - octaveCost * log2(floor / f)).
          let weakest = 0
          let wv = Infinity
          for (let k = 0; k < maxC; k++) {
            const v = candR[base + k] - o.octaveCost * (logFloorRef - Math.log2(candF[base + k]))
            if (v < wv) {
              wv = v
              weakest = k
            }
          }
          if (s - o.octaveCost * (logFloorRef - Math.log2(freq)) > wv) {
            candF[base + weakest] = freq
            candR[base + weakest] = s
          }
        }
      }
    }
    nCand[f] = c
  }

  viterbi(o, grid, n, maxC, candF, candR, nCand, intensity, f0, strength)
  return { grid, f0, strength, intensity }
}

/** Praat's Pitch_pathFinder: candidate 0 of each frame is "unvoiced". */
function viterbi(
  o: Required<PitchOptions>,
  grid: FrameGrid,
  n: number,
  maxC: number,
  candF: Float64Array,
  candR: Float64Array,
  nCand: Int32Array,
  intensity: Float64Array,
  f0: Float64Array,
  strength: Float64Array,
): void {
  const W = maxC + 1
  const corr = 0.01 / grid.hop
  const jumpCost = o.octaveJumpCost * corr
  const vuCost = o.voicedUnvoicedCost * corr
  const delta = scratchF64('pitch.delta', n * W)
  const psi = scratchI32('pitch.psi', n * W)
  const logCeil = Math.log2(o.ceiling)
  for (let f = 0; f < n; f++) {
    const u = 2 - intensity[f] / (o.silenceThreshold / (1 + o.voicingThreshold))
    delta[f * W] = o.voicingThreshold + (u > 0 ? u : 0)
    for (let k = 0; k < nCand[f]; k++) {
      const fr = candF[f * maxC + k]
      delta[f * W + 1 + k] = candR[f * maxC + k] - o.octaveCost * (logCeil - Math.log2(fr))
    }
  }
  // log2 of every candidate frequency, once (the jump cost is |log2 fk - log2 fj|)
  const logF = scratchF64('pitch.logF', n * maxC)
  for (let f = 0; f < n; f++) for (let k = 0; k < nCand[f]; k++) logF[f * maxC + k] = Math.log2(candF[f * maxC + k])
  for (let f = 1; f < n; f++) {
    const nc = nCand[f] + 1
    const np = nCand[f - 1] + 1
    for (let j = 0; j < nc; j++) {
      const lj = j === 0 ? 0 : logF[f * maxC + j - 1]
      let best = -Infinity
      let arg = 0
      for (let k = 0; k < np; k++) {
        let cost: number
        if (j === 0) cost = k === 0 ? 0 : vuCost
        else if (k === 0) cost = vuCost
        else cost = jumpCost * Math.abs(logF[(f - 1) * maxC + k - 1] - lj)
        const v = delta[(f - 1) * W + k] - cost
        if (v > best) {
          best = v
          arg = k
        }
      }
      delta[f * W + j] += best
      psi[f * W + j] = arg
    }
  }
  let best = -Infinity
  let j = 0
  const last = n - 1
  for (let k = 0; k <= nCand[last]; k++) {
    if (delta[last * W + k] > best) {
      best = delta[last * W + k]
      j = k
    }
  }
  for (let f = last; f >= 0; f--) {
    if (j === 0) {
      f0[f] = 0
      strength[f] = 0
    } else {
      f0[f] = candF[f * maxC + j - 1]
      strength[f] = candR[f * maxC + j - 1]
    }
    j = psi[f * W + j]
  }
}

/** Frequency (Hz) to semitones above 27.5 Hz, as in eGeMAPS (0 stays 0 for unvoiced). */
export function hzToSemitone27_5(f: number): number {
  return f > 0 ? 12 * Math.log2(f / 27.5) : 0
}
