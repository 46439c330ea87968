/**
 * Synthetic signals with known answers: pure tones, pulse trains with set F0
 * and set jitter/shimmer, silence, white noise.
 */
import { describe, expect, it } from 'vitest'
import seedrandom from 'seedrandom'
import { pitchAc } from '../../../src-main/services/features/pitch'
import { findPulses, jitterShimmer } from '../../../src-main/services/features/voicequality'
import { extractEgemaps, EGEMAPS_NAMES, EGEMAPS_INDEX, voiceReport } from '../../../src-main/services/features/index'

const SR = 16000

function tone(f: number, sec: number, amp = 0.5): Float32Array {
  const x = new Float32Array(Math.round(sec * SR))
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * f * i) / SR)
  return x
}

/**
 * Pulse train: each pulse a decaying 700 Hz resonance (a crude glottal pulse
 * through a vocal tract), placed at integer sample positions with periods
 * T0 * (1 + jitter * u), u uniform in [-1, 1], amplitudes 1 + shimmer * v.
 * Returns the signal and the exact pulse positions/amplitudes used.
 */
function pulseTrain(f0: number, sec: number, jitter: number, shimmer: number, seed: string) {
  const rng = seedrandom(seed)
  const x = new Float32Array(Math.round(sec * SR))
  const pos: number[] = []
  const amps: number[] = []
  let t = 200
  while (t < x.length - 400) {
    pos.push(t)
    amps.push(1 + shimmer * (2 * rng() - 1))
    t += Math.round((SR / f0) * (1 + jitter * (2 * rng() - 1)))
  }
  const shape = new Float32Array(240)
  for (let i = 0; i < shape.length; i++) shape[i] = Math.exp(-i / 30) * Math.cos((2 * Math.PI * 700 * i) / SR)
  pos.forEach((p, k) => {
    for (let i = 0; i < shape.length && p + i < x.length; i++) x[p + i] += 0.3 * amps[k] * shape[i]
  })
  return { x, pos, amps }
}

function praatJitter(pos: number[]): number {
  const per = pos.slice(1).map((p, i) => (p - pos[i]) / SR)
  let d = 0
  for (let i = 1; i < per.length; i++) d += Math.abs(per[i] - per[i - 1])
  return d / (per.length - 1) / (per.reduce((a, b) => a + b, 0) / per.length)
}

describe('pitch on synthetic signals', () => {
  it.each([100, 220, 440])('pure tone at %d Hz: every inner frame voiced, F0 within 0.2%%', (f) => {
    const p = pitchAc(tone(f, 1), SR)
    const inner = Array.from(p.f0).slice(2, -2)
    expect(inner.every((v) => v > 0)).toBe(true)
    for (const v of inner) expect(Math.abs(v - f) / f).toBeLessThan(0.002)
  })

  it('silence has no voiced frame and 88 finite functionals', () => {
    const x = new Float32Array(SR)
    const p = pitchAc(x, SR)
    expect(Array.from(p.f0).every((v) => v === 0)).toBe(true)
    const v = extractEgemaps(x, SR)
    expect(v.length).toBe(88)
    expect(Array.from(v).every(Number.isFinite)).toBe(true)
    expect(v[EGEMAPS_INDEX['VoicedSegmentsPerSec']]).toBe(0)
  })

  it('white noise is (almost) entirely unvoiced', () => {
    const rng = seedrandom('noise')
    const x = new Float32Array(2 * SR).map(() => 0.3 * (2 * rng() - 1))
    const p = pitchAc(x, SR)
    const voiced = Array.from(p.f0).filter((v) => v > 0).length
    expect(voiced / p.f0.length).toBeLessThan(0.05)
  })
})

describe('pulse trains with set F0, jitter and shimmer', () => {
  it.each([
    [120, 0, 0],
    [120, 0.02, 0],
    [200, 0.01, 0.1],
  ])('F0 %d Hz, jitter %f, shimmer %f', (f0, jit, shim) => {
    const { x, pos, amps } = pulseTrain(f0, 1.5, jit, shim, `pt-${f0}-${jit}`)
    const p = pitchAc(x, SR)
    const voiced = Array.from(p.f0).filter((v) => v > 0)
    expect(voiced.length / p.f0.length).toBeGreaterThan(0.9)
    const mean = voiced.reduce((a, b) => a + b, 0) / voiced.length
    const trueF0 = SR / ((pos[pos.length - 1] - pos[0]) / (pos.length - 1))
    expect(Math.abs(mean - trueF0) / trueF0).toBeLessThan(0.01)
    const pulses = findPulses(x, SR, p)
    expect(Math.abs(pulses.t.length - pos.length)).toBeLessThanOrEqual(3)
    const js = jitterShimmer(pulses)
    const expected = praatJitter(pos)
    // Pulses sit on exact sample positions: our jitter must match the generated one within 0.2 % absolute.
    expect(Math.abs(js.jitter - expected)).toBeLessThan(0.002)
    let sa = 0, sd = 0
    for (let i = 1; i < amps.length; i++) sd += Math.abs(amps[i] - amps[i - 1])
    for (const a of amps) sa += a
    const expShim = sd / (amps.length - 1) / (sa / amps.length)
    expect(Math.abs(js.shimmer - expShim)).toBeLessThan(0.01 + 0.1 * expShim)
    const r = voiceReport(x, SR)
    expect(Math.abs(r.meanF0 - trueF0) / trueF0).toBeLessThan(0.01)
  })
})

describe('eGeMAPS vector', () => {
  it('has the 88 openSMILE names, unique', () => {
    expect(EGEMAPS_NAMES.length).toBe(88)
    expect(new Set(EGEMAPS_NAMES).size).toBe(88)
    expect(EGEMAPS_NAMES[0]).toBe('F0semitoneFrom27.5Hz_sma3nz_amean')
    expect(EGEMAPS_NAMES[87]).toBe('equivalentSoundLevel_dBp')
  })

  it('a 220 Hz tone gives F0 = 12 log2(220 / 27.5) = 36 semitones and a single voiced segment', () => {
    const v = extractEgemaps(tone(220, 1), SR)
    expect(v[EGEMAPS_INDEX['F0semitoneFrom27.5Hz_sma3nz_amean']]).toBeCloseTo(36, 1)
    expect(v[EGEMAPS_INDEX['VoicedSegmentsPerSec']]).toBeCloseTo(1, 5)
    // A sine of amplitude 0.5 has mean square 0.125: -9.03 dB.
    expect(v[EGEMAPS_INDEX['equivalentSoundLevel_dBp']]).toBeCloseTo(10 * Math.log10(0.125), 0)
  })

  it('a 44.1 kHz input is resampled: same F0 as at 16 kHz', () => {
    const x = new Float32Array(44100).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 150 * i) / 44100))
    const v = extractEgemaps(x, 44100)
    expect(v[0]).toBeCloseTo(12 * Math.log2(150 / 27.5), 1)
  })
})
