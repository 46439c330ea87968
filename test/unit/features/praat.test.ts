/**
 * Agreement with Praat (run here, on espeak-ng speech of five voices and
 * "emotions"): pitch (ac), harmonicity (cc), formants (burg), jitter and
 * shimmer from PointProcess (periodic, cc). Tolerances are documented in
 * docs/features.md with the measured values.
 */
import { describe, expect, it } from 'vitest'
import { SPEECH, speechWav, praatAnalysis, readWav } from './helpers'
import { pitchAc } from '../../../src-main/services/features/pitch'
import { hnrFrames } from '../../../src-main/services/features/voicequality'
import { formantsAt } from '../../../src-main/services/features/formants'
import { voiceReport } from '../../../src-main/services/features/index'

const TOL = {
  meanF0Rel: 0.02,
  voicingAgreement: 0.9,
  meanHnrDb: 2.5,
  formantRel: 0.05,
  shimmerRel: 0.15,
  jitterAbs: 0.006,
}

describe.each(SPEECH.map((s) => [s.name, s] as const))('against Praat: %s', (_name, spec) => {
  const wav = speechWav(spec)
  const praat = praatAnalysis(wav)
  const { samples, sampleRate } = readWav(wav)
  const pitch = pitchAc(samples, sampleRate)

  it('same frame grid, voicing agrees on >= 90% of frames, mean F0 within 2%', () => {
    expect(pitch.f0.length).toBe(praat.pitch.length)
    let agree = 0, sp = 0, np = 0, sm = 0, nm = 0
    praat.pitch.forEach((pf, i) => {
      expect(Math.abs(pitch.grid.t1 + i * pitch.grid.hop - pf.t)).toBeLessThan(1e-5)
      const vp = Number.isFinite(pf.f0), vm = pitch.f0[i] > 0
      if (vp === vm) agree++
      if (vp) { sp += pf.f0; np++ }
      if (vm) { sm += pitch.f0[i]; nm++ }
    })
    expect(agree / praat.pitch.length).toBeGreaterThanOrEqual(TOL.voicingAgreement)
    expect(Math.abs(sm / nm - sp / np) / (sp / np)).toBeLessThan(TOL.meanF0Rel)
  })

  it('mean HNR over frames voiced in both within 2.5 dB', () => {
    const h = hnrFrames(samples, sampleRate, pitch)
    let a = 0, b = 0, c = 0
    h.forEach((v, i) => {
      const ph = praat.hnr[i]?.hnr
      if (Number.isFinite(v) && Number.isFinite(ph) && ph > -199) { a += v; b += ph; c++ }
    })
    expect(c).toBeGreaterThan(50)
    expect(Math.abs(a / c - b / c)).toBeLessThan(TOL.meanHnrDb)
  })

  it('mean F1, F2 over voiced frames within 5%', () => {
    const times = praat.pitch.map((p) => p.t)
    const fm = formantsAt(samples, sampleRate, times, (i) => pitch.f0[i] > 0)
    for (const k of [0, 1]) {
      let a = 0, b = 0, c = 0
      praat.formants.forEach((pf, i) => {
        const ref = k === 0 ? pf.f1 : pf.f2
        const ours = fm.freq[i * 3 + k]
        if (pitch.f0[i] > 0 && Number.isFinite(ref) && Number.isFinite(ours)) { a += ours; b += ref; c++ }
      })
      expect(c).toBeGreaterThan(50)
      expect(Math.abs(a - b) / b).toBeLessThan(TOL.formantRel)
    }
  })

  it('jitter (local) and shimmer (local) close to Praat', () => {
    const r = voiceReport(samples, sampleRate)
    expect(Math.abs(r.meanF0 - praat.meanF0) / praat.meanF0).toBeLessThan(TOL.meanF0Rel)
    expect(Math.abs(r.shimmerLocal - praat.shimmerLocal) / praat.shimmerLocal).toBeLessThan(TOL.shimmerRel)
    expect(Math.abs(r.jitterLocal - praat.jitterLocal)).toBeLessThan(TOL.jitterAbs)
  })
})
