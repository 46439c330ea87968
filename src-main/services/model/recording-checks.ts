/**
 * Checks of the recording itself, before any model: is there energy above 4 kHz (a telephone
 * line or an 8 kHz file has none), is it clipped, is the speech above the noise, and is there
 * enough of it to judge. Fixed physical limits, the same for every model and generator
 * (docs/live.md, Unfamiliar). Input: mono samples at the analysis rate.
 */
import { RealFft } from '../features/fft'

export interface RecordingReport {
  /** Energy 4.2-7.6 kHz over energy 0.1-3.8 kHz of the active frames, dB (-Infinity: none at all). */
  highBandDb: number
  /** Share of samples at or above 0.98 of full scale. */
  clippedShare: number
  /** Loud frames (95th percentile) over quiet frames (10th percentile), dB. */
  snrDb: number
  /** Seconds of frames within 35 dB of the loudest and above -70 dBFS. */
  speechSeconds: number
}

export const RECORDING_LIMITS = {
  /** Below this the recording has (almost) nothing above 4 kHz: the band the model's voices were heard in is missing. */
  minHighBandDb: -55,
  maxClippedShare: 0.05,
  minSnrDb: 3,
  minSpeechSeconds: 0.4,
} as const

const FRAME = 512
const HOP = 256

export function recordingReport(samples: Float32Array, rate: number): RecordingReport {
  let clipped = 0
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]) >= 0.98) clipped++
  const frames: number[] = []
  for (let s = 0; s + FRAME <= samples.length; s += HOP) {
    let e = 0
    for (let k = 0; k < FRAME; k++) e += samples[s + k] * samples[s + k]
    frames.push(10 * Math.log10(e / FRAME + 1e-20))
  }
  if (frames.length === 0) return { highBandDb: -Infinity, clippedShare: samples.length ? clipped / samples.length : 0, snrDb: 0, speechSeconds: 0 }
  const sorted = [...frames].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.round((sorted.length - 1) * q)]
  const loudest = sorted[sorted.length - 1]
  const fft = new RealFft(FRAME)
  const power = new Float64Array(fft.bins)
  const binHz = rate / FRAME
  let low = 0
  let high = 0
  let active = 0
  frames.forEach((db, f) => {
    if (db < loudest - 35 || db < -70) return
    active++
    const s = f * HOP
    for (let k = 0; k < FRAME; k++) fft.input[k] = samples[s + k] * (0.5 - 0.5 * Math.cos((2 * Math.PI * k) / (FRAME - 1)))
    fft.power(power)
    for (let b = 0; b < fft.bins; b++) {
      const hz = b * binHz
      if (hz >= 100 && hz <= 3800) low += power[b]
      else if (hz >= 4200 && hz <= Math.min(7600, rate * 0.475)) high += power[b]
    }
  })
  return {
    highBandDb: low > 0 ? 10 * Math.log10(high / low) : -Infinity,
    clippedShare: clipped / samples.length,
    snrDb: at(0.95) - at(0.1),
    speechSeconds: (active * HOP) / rate,
  }
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : String(v))

/** The reasons a recording is outside what any model here was trained on (empty: none). */
export function recordingReasons(r: RecordingReport): string[] {
  const out: string[] = []
  const L = RECORDING_LIMITS
  if (r.speechSeconds < L.minSpeechSeconds) out.push(`too little speech to judge: ${r.speechSeconds.toFixed(2)} s (at least ${L.minSpeechSeconds} s)`)
  else if (r.highBandDb < L.minHighBandDb)
    out.push(`no energy above 4 kHz (telephone band or an 8 kHz recording): ${f1(r.highBandDb)} dB against the band below, limit ${L.minHighBandDb} dB`)
  if (r.clippedShare > L.maxClippedShare)
    out.push(`clipped: ${(r.clippedShare * 100).toFixed(1)}% of samples at full scale (limit ${L.maxClippedShare * 100}%)`)
  if (r.speechSeconds >= L.minSpeechSeconds && r.snrDb < L.minSnrDb) out.push(`speech barely above the noise: ${f1(r.snrDb)} dB (limit ${L.minSnrDb} dB)`)
  return out
}
