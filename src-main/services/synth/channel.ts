/**
 * The recording channel, applied to the rendered voice in plain JS so that
 * every sample comes from a seeded RNG: breath noise, background noise of a
 * kind (white, pink, brown, babble of other talkers, mains hum) at an SNR,
 * the microphone's response (high-pass, low-pass, presence peak or dip), the
 * recording level, sometimes clipping, and 16-bit TPDF dither. A session (a
 * speaker in one room with one microphone) fixes the kind, the mean SNR, the
 * room and the microphone; each clip varies SNR and level around it. The room
 * itself (sox reverb) is a voice effect, see roomEffects.
 */
import { gauss, within } from './profiles'
import type { NoiseKind, SynthRealism } from './options'

export interface Session {
  noise: NoiseKind | null
  snrDb: number
  /** mains frequency for hum */
  humHz: number
  levelDb: number
  /** sox reverb arguments, or null for a dry room */
  reverb: [number, number, number] | null
  mic: { highpassHz: number; lowpassHz: number; presenceHz: number; presenceDb: number } | null
}

export function makeSession(rnd: () => number, r: SynthRealism['channel']): Session {
  const noise = r.noise.length ? r.noise[Math.floor(rnd() * r.noise.length)] : null
  return {
    noise,
    snrDb: +within(r.snrDb, rnd).toFixed(1),
    humHz: rnd() < 0.5 ? 50 : 60,
    levelDb: +within(r.levelDb, rnd).toFixed(1),
    reverb:
      r.reverbProb > 0 && rnd() < r.reverbProb
        ? [Math.round(within(r.reverberance, rnd)), Math.round(within(r.roomScale, rnd)), +within(r.wetDb, rnd).toFixed(1)]
        : null,
    mic:
      r.micProb > 0 && rnd() < r.micProb
        ? {
            highpassHz: Math.round(within(r.highpassHz, rnd)),
            lowpassHz: Math.round(within(r.lowpassHz, rnd)),
            presenceHz: Math.round(1500 + rnd() * 3500),
            presenceDb: +((rnd() * 2 - 1) * r.presenceDb).toFixed(1),
          }
        : null,
  }
}

/** sox effects for the session's room (reverberance %, HF damping 50 %, room scale %, stereo depth, pre-delay ms, wet gain dB). */
export function roomEffects(s: Session): string[] {
  return s.reverb ? ['reverb', String(s.reverb[0]), '50', String(s.reverb[1]), '100', '10', String(s.reverb[2])] : []
}

// ---- filters (RBJ audio-EQ cookbook biquads) ----------------------------------
type Biquad = [number, number, number, number, number]
function biquad(kind: 'lp' | 'hp' | 'peak', f: number, rate: number, q: number, dB = 0): Biquad {
  const w = (2 * Math.PI * f) / rate
  const cos = Math.cos(w)
  const alpha = Math.sin(w) / (2 * q)
  const A = 10 ** (dB / 40)
  let b: number[]
  let a: number[]
  if (kind === 'lp') (b = [(1 - cos) / 2, 1 - cos, (1 - cos) / 2]), (a = [1 + alpha, -2 * cos, 1 - alpha])
  else if (kind === 'hp') (b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]), (a = [1 + alpha, -2 * cos, 1 - alpha])
  else (b = [1 + alpha * A, -2 * cos, 1 - alpha * A]), (a = [1 + alpha / A, -2 * cos, 1 - alpha / A])
  return [b[0] / a[0], b[1] / a[0], b[2] / a[0], a[1] / a[0], a[2] / a[0]]
}
function filter(x: Float32Array, [b0, b1, b2, a1, a2]: Biquad): Float32Array {
  const y = new Float32Array(x.length)
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0
  for (let i = 0; i < x.length; i++) {
    const v = b0 * x[i] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
    x2 = x1, x1 = x[i], y2 = y1, y1 = v
    y[i] = v
  }
  return y
}

/** RMS over the active 20 ms frames (within 30 dB of the loudest), so pauses do not lower it. */
export function activeRms(x: Float32Array, rate: number): number {
  const n = Math.max(1, Math.round(rate * 0.02))
  const e: number[] = []
  for (let i = 0; i + n <= x.length; i += n) {
    let s = 0
    for (let k = i; k < i + n; k++) s += x[k] * x[k]
    e.push(s / n)
  }
  const max = Math.max(0, ...e)
  const active = e.filter((v) => v > max * 1e-3)
  return active.length ? Math.sqrt(active.reduce((a, v) => a + v, 0) / active.length) : 0
}

/** Scales `x` in place to unit RMS (a silent `x` stays silent). */
export function unitRms(x: Float32Array): Float32Array {
  let s = 0
  for (const v of x) s += v * v
  const k = s > 0 ? 1 / Math.sqrt(s / x.length) : 0
  for (let i = 0; i < x.length; i++) x[i] *= k
  return x
}

/** A fast PRNG (mulberry32) seeded from `rnd`, for the per-sample draws (noise, dither). */
export function sampleRng(rnd: () => number): () => number {
  let a = Math.floor(rnd() * 4294967296) >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `n` samples of noise of a kind, unit RMS. Babble sums 3-6 talkers from `beds` (other speech at this rate). */
export function makeNoise(kind: NoiseKind, n: number, rate: number, seedRnd: () => number, beds: Float32Array[], humHz = 50): Float32Array {
  const x = new Float32Array(n)
  const rnd = sampleRng(seedRnd)
  if (kind === 'white') for (let i = 0; i < n; i++) x[i] = gauss(rnd)
  else if (kind === 'pink') {
    // Paul Kellet's refined pink filter
    let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0
    for (let i = 0; i < n; i++) {
      const w = gauss(rnd)
      b0 = 0.99886 * b0 + w * 0.0555179; b1 = 0.99332 * b1 + w * 0.0750759; b2 = 0.969 * b2 + w * 0.153852
      b3 = 0.8665 * b3 + w * 0.3104856; b4 = 0.55 * b4 + w * 0.5329522; b5 = -0.7616 * b5 - w * 0.016898
      x[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362
      b6 = w * 0.115926
    }
  } else if (kind === 'brown') {
    let y = 0
    for (let i = 0; i < n; i++) x[i] = y = 0.995 * y + 0.1 * gauss(rnd)
  } else if (kind === 'hum') {
    for (let i = 0; i < n; i++) x[i] = 0.03 * gauss(rnd)
    for (let h = 1; h <= 5; h++) {
      // one rotating phasor per harmonic instead of a sin() per sample
      const a = (0.5 + rnd()) / h ** 1.2
      const w = (2 * Math.PI * humHz * h) / rate
      const [c, s] = [Math.cos(w), Math.sin(w)]
      let re = Math.cos(rnd() * 2 * Math.PI)
      let im = Math.sqrt(1 - re * re)
      for (let i = 0; i < n; i++) {
        x[i] += a * im
        ;[re, im] = [re * c - im * s, re * s + im * c]
      }
    }
  } else {
    if (!beds.length) throw new Error('synth: babble noise needs speech beds')
    const talkers = 3 + Math.floor(rnd() * 4)
    for (let t = 0; t < talkers; t++) {
      const bed = beds[Math.floor(rnd() * beds.length)]
      let j = Math.floor(rnd() * bed.length)
      const g = 0.5 + rnd()
      for (let i = 0; i < n; i++, j = (j + 1) % bed.length) x[i] += g * bed[j]
    }
  }
  return unitRms(x)
}

export interface ClipChannelInfo {
  noise: NoiseKind | null
  snrDb: number | null
  levelDb: number
  clipped: boolean
}

/**
 * Voice (peak-normalised to the emotion's loudness, dB) -> breath, noise at the
 * clip's SNR, microphone, level, clipping, TPDF dither for 16 bits. Returns floats in [-1, 1].
 */
export function applyChannel(
  voice: Float32Array, rate: number, s: Session, r: SynthRealism['channel'], opts: { breathiness: number; rnd: () => number; beds: Float32Array[] },
): { samples: Float32Array; info: ClipChannelInfo } {
  const { rnd } = opts
  let x = voice
  if (opts.breathiness > 0) {
    // aspiration: high-passed noise that follows the voice's envelope (10 ms follower)
    const hiss = filter(makeNoise('white', x.length, rate, rnd, []), biquad('hp', 1500, rate, 0.707))
    const k = Math.exp(-1 / (0.01 * rate))
    let env = 0
    x = new Float32Array(voice)
    for (let i = 0; i < x.length; i++) {
      env = k * env + (1 - k) * Math.abs(voice[i])
      x[i] += opts.breathiness * 2 * env * hiss[i]
    }
  }
  let snrDb: number | null = null
  if (s.noise) {
    snrDb = +(s.snrDb + gauss(rnd) * r.snrJitterDb).toFixed(1)
    const noise = makeNoise(s.noise, x.length, rate, rnd, opts.beds, s.humHz)
    const k = activeRms(x, rate) / 10 ** (snrDb / 20)
    x = x === voice ? new Float32Array(voice) : x
    for (let i = 0; i < x.length; i++) x[i] += k * noise[i]
  }
  if (s.mic) {
    x = filter(x, biquad('hp', s.mic.highpassHz, rate, 0.707))
    x = filter(x, biquad('lp', Math.min(s.mic.lowpassHz, 0.45 * rate), rate, 0.707))
    if (s.mic.presenceDb) x = filter(x, biquad('peak', Math.min(s.mic.presenceHz, 0.4 * rate), rate, 1, s.mic.presenceDb))
  }
  let levelDb = +(s.levelDb + gauss(rnd) * r.levelJitterDb).toFixed(1)
  const clipped = r.clipProb > 0 && rnd() < r.clipProb
  if (clipped) {
    // drive the peak this far over full scale; the converter clips it
    let peak = 0
    for (const v of x) peak = Math.max(peak, Math.abs(v))
    levelDb = +(within(r.clipDb, rnd) - 20 * Math.log10(peak || 1)).toFixed(1)
  }
  const g = 10 ** (levelDb / 20)
  const dither = sampleRng(rnd)
  const out = new Float32Array(x.length)
  for (let i = 0; i < x.length; i++) {
    out[i] = Math.max(-1, Math.min(1, x[i] * g + (dither() - dither()) / 32768))
  }
  return { samples: out, info: { noise: s.noise, snrDb, levelDb, clipped } }
}
