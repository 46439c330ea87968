/**
 * Voice-activity gate for the live view: silence and noise show no emotion.
 *
 * Every 10 ms frame (40 ms analysis span ending at the frame) is
 *  - energy-active when its RMS level is above both an absolute floor (-55 dBFS)
 *    and an adaptive noise floor + 10 dB (the floor follows quiet frames quickly
 *    and rises slowly, 1 dB/s, so steady background noise is learnt);
 *  - voiced when it is energy-active and its normalised autocorrelation (DC
 *    removed, at 8 kHz) peaks at >= 0.5 for a lag of 60-400 Hz: a periodic
 *    voice, unlike broadband noise, clicks or hiss.
 * A window is 'speech' when at least 15% of its frames are voiced and at least
 * 5 of the last 50 (0.5 s) are, so the gate closes within half a second after
 * the talker stops; 'noise' when >= 20% are energy-active but it is not speech;
 * 'silence' otherwise. State lives in fixed-size rings.
 *
 * What calls a frame speech is a `FrameVoicing`: `PitchVoicing` is the gate
 * above (energy-active and periodic); vad-silero.ts is a learned detector behind
 * the same interface. The energy floor, level and window rules are the same for both.
 */
import { SampleRing } from './ring'

export const VAD = {
  frame: 160,
  span: 640,
  absFloorDb: -55,
  aboveNoiseDb: 10,
  riseDbPerFrame: 0.01,
  voicedCorr: 0.5,
  minVoicedFraction: 0.15,
  recentFrames: 50,
  minRecentVoiced: 5,
  minActiveFraction: 0.2,
} as const

export const VAD_DETECTORS = ['gate', 'silero'] as const
export type VadDetectorName = (typeof VAD_DETECTORS)[number]

/** Decides, for each completed 10 ms frame, whether it is speech. */
export interface FrameVoicing {
  readonly name: VadDetectorName
  /** Every sample, in order, before the frames they complete are decided. */
  push(x: Float32Array): void
  /** The frame that just completed: `span` = the last 40 ms, `active` = the energy test. */
  frame(span: Float32Array, active: boolean): boolean
}

export interface VadSummary {
  state: 'silence' | 'noise' | 'speech'
  /** Which detector called the frames speech. */
  detector: VadDetectorName
  levelDb: number
  voicedFraction: number
  noiseFloorDb: number
}

/** Today's gate: an energy-active frame whose pitch-range autocorrelation peaks at >= VAD.voicedCorr. */
export class PitchVoicing implements FrameVoicing {
  readonly name = 'gate' as const
  private readonly dec = new Float32Array(VAD.span / 2)

  push(): void {}

  frame(span: Float32Array, active: boolean): boolean {
    return active && this.periodicity(span) >= VAD.voicedCorr
  }

  /** Peak normalised autocorrelation for pitch lags of 60-400 Hz, on a 2x decimated copy. */
  private periodicity(s: Float32Array): number {
    const d = this.dec
    let mean = 0
    for (let i = 0; i < d.length; i++) {
      d[i] = 0.5 * (s[2 * i] + s[2 * i + 1])
      mean += d[i]
    }
    mean /= d.length
    for (let i = 0; i < d.length; i++) d[i] -= mean
    const minLag = Math.floor(8000 / 400)
    const maxLag = Math.ceil(8000 / 60)
    let best = 0
    for (let lag = minLag; lag <= maxLag; lag++) {
      let xy = 0
      let xx = 0
      let yy = 0
      for (let i = 0; i + lag < d.length; i++) {
        const a = d[i]
        const b = d[i + lag]
        xy += a * b
        xx += a * a
        yy += b * b
      }
      const r = xy / Math.sqrt(xx * yy + 1e-20)
      if (r > best) best = r
    }
    return best
  }
}

export class VoiceActivity {
  private readonly history = new SampleRing(VAD.span)
  private readonly span = new Float32Array(VAD.span)
  private pending = 0
  private floorDb = NaN
  /** Per-frame flags and energies for the last windowFrames frames. */
  private readonly voiced: Uint8Array
  private readonly active: Uint8Array
  private readonly energy: Float64Array
  private next = 0
  private seen = 0

  /** The newest frame's decision (per-frame evaluation reads it after each 10 ms push). */
  lastVoiced = false

  constructor(
    readonly windowFrames: number,
    readonly voicing: FrameVoicing = new PitchVoicing(),
  ) {
    this.voiced = new Uint8Array(windowFrames)
    this.active = new Uint8Array(windowFrames)
    this.energy = new Float64Array(windowFrames)
  }

  push(x: Float32Array): void {
    let o = 0
    while (o < x.length) {
      const n = Math.min(x.length - o, VAD.frame - this.pending)
      const piece = x.subarray(o, o + n)
      this.history.write(piece)
      this.voicing.push(piece)
      this.pending += n
      o += n
      if (this.pending === VAD.frame) {
        this.pending = 0
        this.frame()
      }
    }
  }

  private frame(): void {
    const s = this.history.latest(this.span)
    // Energy over the newest 10 ms
    let e = 0
    for (let i = VAD.span - VAD.frame; i < VAD.span; i++) e += s[i] * s[i]
    const db = 10 * Math.log10(e / VAD.frame + 1e-12)
    if (Number.isNaN(this.floorDb)) this.floorDb = db
    else if (db < this.floorDb) this.floorDb = 0.7 * this.floorDb + 0.3 * db
    else this.floorDb += VAD.riseDbPerFrame
    const active = db > VAD.absFloorDb && db > this.floorDb + VAD.aboveNoiseDb
    const voiced = this.voicing.frame(s, active)
    this.lastVoiced = voiced
    const k = this.next
    this.voiced[k] = voiced ? 1 : 0
    this.active[k] = active ? 1 : 0
    this.energy[k] = e / VAD.frame
    this.next = (k + 1) % this.windowFrames
    this.seen++
  }

  summary(): VadSummary {
    const n = Math.min(this.seen, this.windowFrames)
    let voiced = 0
    let active = 0
    let e = 0
    let recent = 0
    for (let j = 0; j < n; j++) {
      const k = (this.next - 1 - j + this.windowFrames) % this.windowFrames
      voiced += this.voiced[k]
      active += this.active[k]
      e += this.energy[k]
      if (j < VAD.recentFrames) recent += this.voiced[k]
    }
    // Fractions of the whole window: a window still filling up counts its missing part as silence.
    const voicedFraction = voiced / this.windowFrames
    const activeFraction = active / this.windowFrames
    const levelDb = n ? Math.max(-120, 10 * Math.log10(e / n + 1e-12)) : -120
    const speech = voicedFraction >= VAD.minVoicedFraction && recent >= VAD.minRecentVoiced
    return {
      state: speech ? 'speech' : activeFraction >= VAD.minActiveFraction ? 'noise' : 'silence',
      detector: this.voicing.name,
      levelDb,
      voicedFraction,
      noiseFloorDb: Number.isNaN(this.floorDb) ? -120 : Math.max(-120, this.floorDb),
    }
  }
}
