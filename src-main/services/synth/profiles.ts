/**
 * What makes the generated emotions and speakers differ. Each emotion moves
 * pitch level and range, tempo and loudness (espeak-ng SSML prosody), spectral
 * tilt (sox treble/bass shelves) and voice quality (sox overdrive = pressed/harsh,
 * tremolo = tremor, lowpass = breathy/dull) away from neutral; intensity scales
 * the move. Speakers differ by espeak voice variant, base pitch, speaking rate
 * and a formant/pitch shift (sox `speed`). Every clip adds a little seeded
 * random variation so a model must generalise rather than memorise.
 */
import type { Emotion } from '../../../src-shared/emotions'

export interface EmotionProfile {
  /** pitch level, % relative to the speaker's */
  pitch: number
  /** pitch range, % of the speaker's */
  range: number
  /** speaking rate, % of the speaker's */
  rate: number
  /** loudness in dB relative to neutral */
  gain: number
  /** high-shelf gain in dB at 3 kHz (positive: flatter spectral tilt) */
  treble: number
  /** overdrive gain (pressed/harsh voice), 0 = none */
  drive: number
  /** tremolo depth in % (tremor), 0 = none */
  tremor: number
  /** low-pass cut-off in Hz (dull, breathy), 0 = none */
  lowpass: number
}

export const PROFILES: Record<Emotion, EmotionProfile> = {
  neutral: { pitch: 0, range: 100, rate: 100, gain: 0, treble: 0, drive: 0, tremor: 0, lowpass: 0 },
  calm: { pitch: -6, range: 70, rate: 88, gain: -3, treble: -3, drive: 0, tremor: 0, lowpass: 0 },
  happy: { pitch: 22, range: 165, rate: 110, gain: 3, treble: 3, drive: 0, tremor: 0, lowpass: 0 },
  sad: { pitch: -14, range: 50, rate: 75, gain: -7, treble: -8, drive: 0, tremor: 0, lowpass: 3200 },
  angry: { pitch: 14, range: 185, rate: 122, gain: 6, treble: 6, drive: 8, tremor: 0, lowpass: 0 },
  fearful: { pitch: 32, range: 130, rate: 126, gain: -1, treble: 1, drive: 0, tremor: 45, lowpass: 0 },
  disgust: { pitch: -9, range: 120, rate: 84, gain: 0, treble: -2, drive: 3, tremor: 0, lowpass: 0 },
  surprised: { pitch: 40, range: 210, rate: 104, gain: 3, treble: 2, drive: 0, tremor: 0, lowpass: 0 },
}

export interface SpeakerVoice {
  code: string
  gender: 'female' | 'male'
  /** espeak-ng voice with variant, e.g. en-us+m3 */
  voice: string
  /** espeak -p (0..99) */
  basePitch: number
  /** espeak -s words per minute */
  wpm: number
  /** sox speed factor: shifts pitch and formants together (tempo compensated in wpm) */
  shift: number
}

const MALE = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']
const FEMALE = ['f1', 'f2', 'f3', 'f4', 'f5']
const LANGS = ['en-us', 'en-gb', 'en']

export function makeSpeaker(code: string, gender: 'female' | 'male', index: number, rnd: () => number): SpeakerVoice {
  const variants = gender === 'male' ? MALE : FEMALE
  const variant = variants[index % variants.length]
  const lang = LANGS[Math.floor(index / variants.length) % LANGS.length]
  return {
    code,
    gender,
    voice: `${lang}+${variant}`,
    basePitch: Math.round((gender === 'male' ? 30 : 55) + rnd() * 25),
    wpm: Math.round(150 + rnd() * 40),
    shift: +(gender === 'male' ? 0.9 + rnd() * 0.12 : 1.0 + rnd() * 0.12).toFixed(3),
  }
}

export interface ClipRender {
  text: string
  speaker: SpeakerVoice
  emotion: Emotion
  /** scales the emotion's distance from neutral: 0.6 low, 1 normal, 1.4 strong */
  strength: number
  /** output sample rate */
  rate: number
}

const lerp = (neutral: number, value: number, k: number) => neutral + (value - neutral) * k

/** espeak-ng arguments and sox effects for one clip (with seeded per-clip variation). */
export function renderPlan(c: ClipRender, rnd: () => number): { espeak: string[]; sox: string[] } {
  const p = PROFILES[c.emotion]
  const n = PROFILES.neutral
  const k = c.strength
  const j = (spread: number) => (rnd() * 2 - 1) * spread
  const pitch = lerp(n.pitch, p.pitch, k) + j(6)
  const range = Math.max(10, lerp(n.range, p.range, k) + j(15))
  const rate = Math.max(40, lerp(n.rate, p.rate, k) + j(6))
  const gain = lerp(n.gain, p.gain, k) + j(1.5)
  const treble = lerp(n.treble, p.treble, k) + j(1)
  const sign = (x: number) => (x >= 0 ? `+${x.toFixed(1)}` : x.toFixed(1))
  const ssml = `<speak><prosody pitch="${sign(pitch)}%" range="${range.toFixed(0)}%" rate="${rate.toFixed(0)}%">${c.text}</prosody></speak>`
  const espeak = ['-v', c.speaker.voice, '-p', String(c.speaker.basePitch), '-s', String(Math.round(c.speaker.wpm / c.speaker.shift)), '-m', '--stdout', ssml]
  const sox: string[] = ['speed', String(c.speaker.shift)]
  if (Math.abs(treble) >= 0.5) sox.push('treble', treble.toFixed(1), '3000')
  if (p.drive) sox.push('overdrive', (p.drive * k).toFixed(1), '20')
  if (p.tremor) sox.push('tremolo', (5 + rnd() * 3).toFixed(1), Math.min(90, p.tremor * k).toFixed(0))
  if (p.lowpass) sox.push('lowpass', String(Math.round(p.lowpass / Math.max(0.5, k))))
  // Peak-normalise, then apply the emotion's loudness with 9 dB of headroom.
  sox.push('gain', '-n', (gain - 9).toFixed(1), 'rate', '-v', String(c.rate), 'dither', '-s')
  return { espeak, sox }
}
