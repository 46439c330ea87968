/**
 * eGeMAPS v02 (Eyben et al. 2016): low-level descriptors on one 10 ms frame
 * grid (Praat's pitch grid, see framing.ts), smoothed (sma3 / sma3nz) and
 * summarised into the 88 functionals named in names.ts. See docs/features.md
 * for each feature and how it differs from openSMILE.
 */
import { EGEMAPS_NAMES } from './names'
import { pitchAc, hzToSemitone27_5, type PitchTrack } from './pitch'
import { formantsAt } from './formants'
import { findPulses, jitterShimmerFrames, hnrFrames } from './voicequality'
import { spectralFrames } from './spectral'
import { harmonicFrames } from './harmonics'
import { sma3, pick, mean, std, stddevNorm, fullFunctionals, runs } from './functionals'
import { resampleTo } from '../../../src-shared/resample'
import { ANALYSIS_RATE } from '../../../src-shared/audio'

export { ANALYSIS_RATE }

/** Per-frame descriptors (unsmoothed; NaN where a voiced-only descriptor is undefined). */
export interface EgemapsLlds {
  hop: number
  t1: number
  pitch: PitchTrack
  voiced: Uint8Array
  f0Semitone: Float64Array
  loudness: Float64Array
  flux: Float64Array
  mfcc: Float64Array[]
  jitter: Float64Array
  shimmerDb: Float64Array
  hnr: Float64Array
  h1h2: Float64Array
  h1a3: Float64Array
  formantFreq: Float64Array[]
  formantBw: Float64Array[]
  formantRel: Float64Array[]
  alphaRatio: Float64Array
  hammarberg: Float64Array
  slope0_500: Float64Array
  slope500_1500: Float64Array
  energy: Float64Array
}

export function egemapsLlds(input: Float32Array, sampleRate: number): EgemapsLlds {
  const x = sampleRate === ANALYSIS_RATE ? input : resampleTo(input, sampleRate, ANALYSIS_RATE)
  const sr = ANALYSIS_RATE
  const pitch = pitchAc(x, sr)
  const { grid, f0 } = pitch
  const n = grid.nFrames
  const voiced = new Uint8Array(n)
  for (let i = 0; i < n; i++) voiced[i] = f0[i] > 0 ? 1 : 0
  const times = new Float64Array(n)
  for (let i = 0; i < n; i++) times[i] = grid.t1 + i * grid.hop
  const fm = formantsAt(x, sr, times, (i) => voiced[i] === 1)
  const pulses = findPulses(x, sr, pitch)
  const js = jitterShimmerFrames(pulses, pitch)
  const hnr = hnrFrames(x, sr, pitch)
  const sp = spectralFrames(x, sr, grid)
  const hm = harmonicFrames(x, sr, grid, f0, fm.freq)
  const col = (a: Float64Array, k: number) => {
    const o = new Float64Array(n)
    for (let i = 0; i < n; i++) o[i] = a[i * 3 + k]
    return o
  }
  const f0Semitone = new Float64Array(n)
  for (let i = 0; i < n; i++) f0Semitone[i] = voiced[i] ? hzToSemitone27_5(f0[i]) : NaN
  return {
    hop: grid.hop,
    t1: grid.t1,
    pitch,
    voiced,
    f0Semitone,
    loudness: sp.loudness,
    flux: sp.flux,
    mfcc: sp.mfcc,
    jitter: js.jitter,
    shimmerDb: js.shimmerDb,
    hnr,
    h1h2: hm.h1h2,
    h1a3: hm.h1a3,
    formantFreq: [0, 1, 2].map((k) => col(fm.freq, k)),
    formantBw: [0, 1, 2].map((k) => col(fm.bw, k)),
    formantRel: [0, 1, 2].map((k) => col(hm.formantRel, k)),
    alphaRatio: sp.alphaRatio,
    hammarberg: sp.hammarberg,
    slope0_500: sp.slope0_500,
    slope500_1500: sp.slope500_1500,
    energy: sp.energy,
  }
}

function masked(x: Float64Array, voiced: Uint8Array, want: number): Float64Array {
  const o = new Float64Array(x.length)
  for (let i = 0; i < x.length; i++) o[i] = voiced[i] === want ? x[i] : NaN
  return o
}

/** The 88 eGeMAPS v02 functionals, in EGEMAPS_NAMES order. */
export function extractEgemaps(samples: Float32Array, sampleRate: number): Float32Array {
  if (!(samples instanceof Float32Array)) throw new Error('extractEgemaps: samples must be a Float32Array')
  const L = egemapsLlds(samples, sampleRate)
  return egemapsFunctionals(L, samples.length / sampleRate)
}

export function egemapsFunctionals(L: EgemapsLlds, durationSec: number): Float32Array {
  const out: number[] = []
  const hop = L.hop
  const ms = (x: Float64Array, mask?: Uint8Array) => {
    const v = pick(x, mask)
    out.push(mean(v), stddevNorm(v))
  }
  const V = L.voiced
  const UV = V.map((v) => 1 - v)
  // sma3nz: smoothing over voiced (finite) frames only
  const nz = (x: Float64Array) => sma3(masked(x, V, 1))
  out.push(...fullFunctionals(pick(nz(L.f0Semitone)), hop))
  const loud = sma3(L.loudness)
  out.push(...fullFunctionals(pick(loud), hop))
  ms(sma3(L.flux))
  for (const c of L.mfcc) ms(sma3(c))
  ms(nz(L.jitter))
  ms(nz(L.shimmerDb))
  ms(nz(L.hnr))
  ms(nz(L.h1h2))
  ms(nz(L.h1a3))
  for (let k = 0; k < 3; k++) {
    ms(nz(L.formantFreq[k]))
    ms(nz(L.formantBw[k]))
    ms(nz(L.formantRel[k]))
  }
  const v = (x: Float64Array) => sma3(masked(x, V, 1))
  const uv = (x: Float64Array) => sma3(masked(x, UV, 1))
  ms(v(L.alphaRatio))
  ms(v(L.hammarberg))
  ms(v(L.slope0_500))
  ms(v(L.slope500_1500))
  ms(v(L.flux))
  for (const c of L.mfcc) ms(v(c))
  for (const x of [L.alphaRatio, L.hammarberg, L.slope0_500, L.slope500_1500, L.flux]) out.push(mean(pick(uv(x))))
  // loudness peaks per second
  let peaks = 0
  for (let i = 1; i < loud.length - 1; i++) if (loud[i] > loud[i - 1] && loud[i] >= loud[i + 1]) peaks++
  const dur = durationSec > 0 ? durationSec : 1
  out.push(peaks / dur)
  const vr = runs(V, 1).map((r) => r * hop)
  const ur = runs(V, 0).map((r) => r * hop)
  out.push(vr.length / dur, mean(vr), std(vr), mean(ur), std(ur))
  const e = mean(pick(L.energy))
  out.push(10 * Math.log10(Math.max(e, 1e-10)))
  if (out.length !== EGEMAPS_NAMES.length) throw new Error(`internal: ${out.length} functionals, expected ${EGEMAPS_NAMES.length}`)
  return Float32Array.from(out, (a) => (Number.isFinite(a) ? a : 0))
}
