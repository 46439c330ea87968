/**
 * Whole-clip voice report in Praat's terms (what Praat's Voice report gives):
 * mean F0 over voiced frames, fraction voiced, jitter (local), shimmer
 * (local, local_dB), mean HNR over voiced frames, mean F1/F2/F3 over voiced frames.
 */
import { pitchAc } from './pitch'
import { findPulses, jitterShimmer, hnrFrames } from './voicequality'
import { formantsAt } from './formants'

export interface VoiceReport {
  duration: number
  meanF0: number
  voicedFraction: number
  jitterLocal: number
  shimmerLocal: number
  shimmerLocalDb: number
  meanHnr: number
  meanFormants: [number, number, number]
}

export function voiceReport(samples: Float32Array, sampleRate: number): VoiceReport {
  const pitch = pitchAc(samples, sampleRate)
  const n = pitch.f0.length
  let sf = 0, nv = 0
  for (let i = 0; i < n; i++) if (pitch.f0[i] > 0) { sf += pitch.f0[i]; nv++ }
  const js = jitterShimmer(findPulses(samples, sampleRate, pitch))
  const hnr = hnrFrames(samples, sampleRate, pitch)
  let sh = 0, nh = 0
  for (const h of hnr) if (Number.isFinite(h)) { sh += h; nh++ }
  const times = Array.from({ length: n }, (_, i) => pitch.grid.t1 + i * pitch.grid.hop)
  const fm = formantsAt(samples, sampleRate, times, (i) => pitch.f0[i] > 0)
  const mf: [number, number, number] = [0, 0, 0]
  for (let k = 0; k < 3; k++) {
    let s = 0, c = 0
    for (let i = 0; i < n; i++) if (Number.isFinite(fm.freq[i * 3 + k])) { s += fm.freq[i * 3 + k]; c++ }
    mf[k] = c ? s / c : NaN
  }
  return {
    duration: samples.length / sampleRate,
    meanF0: nv ? sf / nv : NaN,
    voicedFraction: n ? nv / n : 0,
    jitterLocal: js.jitter,
    shimmerLocal: js.shimmer,
    shimmerLocalDb: js.shimmerDb,
    meanHnr: nh ? sh / nh : NaN,
    meanFormants: mf,
  }
}
