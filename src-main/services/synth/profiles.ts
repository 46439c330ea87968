/**
 * What makes the generated emotions and speakers differ. Each emotion moves
 * pitch level and range, tempo and loudness (espeak-ng SSML prosody), spectral
 * tilt (sox treble shelf) and voice quality (sox overdrive = pressed/harsh,
 * tremolo = tremor, lowpass = breathy/dull) away from neutral; intensity scales
 * the move. How far each clip and each speaker strays from these means, and how
 * much speakers differ, is set by the realism knobs (options.ts): with the
 * `clean` preset emotions are nearly separable, with `realistic` they overlap as
 * in acted corpora (per-speaker styles, clips that barely show their emotion,
 * voice-quality cues that are sometimes missing or borrowed).
 */
import type { Emotion } from '../../../src-shared/emotions'
import { PRESETS, type SynthRealism } from './options'

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

/** The prosodic cues a speaker's style and the per-clip jitter act on, with the jitter half-width at `jitter: 1`. */
const CUES = { pitch: 6, range: 15, rate: 6, gain: 1.5, treble: 1 } as const
type Cue = keyof typeof CUES

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
  /** formant-only factor (speed by it, then pitch back): vocal-tract length; 1 = none */
  formant?: number
  /** aspiration noise level following the speech envelope (0 = none), applied by channel.ts */
  breathiness?: number
  /** multiplies every emotion's move from neutral */
  expressiveness?: number
  /** this speaker's own deviation per emotion and cue, as a share of the move (0 = the profile's) */
  style?: Partial<Record<Emotion, Record<Cue, number>>>
}

const MALE = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']
const FEMALE = ['f1', 'f2', 'f3', 'f4', 'f5']
// 'wide': further espeak-ng variants of each sex (some breathy, some creaky or nasal)
const MALE_WIDE = [...MALE, 'm8', 'Andy', 'Denis', 'Henrique', 'Hugo', 'Lee', 'Marco', 'antonio', 'michel', 'miguel', 'travis', 'victor', 'sandro', 'Storm']
const FEMALE_WIDE = [...FEMALE, 'Alicia', 'Andrea', 'Annie', 'anika', 'aunty', 'belinda', 'linda', 'steph', 'steph2', 'steph3', 'grandma']
const LANGS = ['en-us', 'en-gb', 'en']

/** A uniform draw in [lo, hi]; no draw when the range is a point, so a degenerate knob leaves the stream unchanged. */
export const within = ([lo, hi]: readonly [number, number], rnd: () => number): number => (hi > lo ? lo + rnd() * (hi - lo) : lo)
/** A standard normal draw (Box-Muller). */
export const gauss = (rnd: () => number): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())

export function makeSpeaker(code: string, gender: 'female' | 'male', index: number, rnd: () => number, realism: SynthRealism = PRESETS.clean): SpeakerVoice {
  const s = realism.speaker
  const variants = gender === 'male' ? (s.voices === 'wide' ? MALE_WIDE : MALE) : s.voices === 'wide' ? FEMALE_WIDE : FEMALE
  const variant = variants[index % variants.length]
  const lang = LANGS[Math.floor(index / variants.length) % LANGS.length]
  const voice: SpeakerVoice = {
    code,
    gender,
    voice: `${lang}+${variant}`,
    basePitch: Math.round(within(gender === 'male' ? s.malePitch : s.femalePitch, rnd)),
    wpm: Math.round(within(s.wpm, rnd)),
    shift: +within(gender === 'male' ? s.maleShift : s.femaleShift, rnd).toFixed(3),
    formant: +within(s.formant, rnd).toFixed(3),
    breathiness: +within(s.breathiness, rnd).toFixed(3),
    expressiveness: +within(realism.emotion.expressiveness, rnd).toFixed(3),
  }
  if (realism.emotion.speakerStyle > 0) {
    const sd = realism.emotion.speakerStyle
    voice.style = {}
    for (const e of Object.keys(PROFILES) as Emotion[]) {
      const st = {} as Record<Cue, number>
      for (const cue of Object.keys(CUES) as Cue[]) st[cue] = +(gauss(rnd) * sd).toFixed(3)
      voice.style[e] = st
    }
  }
  return voice
}

export interface ClipRender {
  text: string
  speaker: SpeakerVoice
  emotion: Emotion
  /** scales the emotion's distance from neutral: 0.6 low, 1 normal, 1.4 strong */
  strength: number
  /** output sample rate */
  rate: number
  /** sox effects of the room (channel.ts roomEffects), applied to the voice before the output rate */
  room?: string[]
}

/** What renderPlan chose for a clip (recorded in synth-truth.json). */
export interface ClipProsody {
  /** the expressiveness actually rendered (intensity x speaker x clip) */
  strength: number
  /** voice-quality effects present */
  quality: string[]
}

const sign = (x: number) => (x >= 0 ? `+${x.toFixed(1)}` : x.toFixed(1))

/**
 * espeak-ng arguments and sox effects (voice and emotion only; the channel is
 * channel.ts's) for one clip, with seeded per-clip variation. The sox chain
 * ends at the output rate, peak-normalised to `gain` dB (the emotion's loudness).
 */
export function renderPlan(
  c: ClipRender,
  rnd: () => number,
  realism: SynthRealism = PRESETS.clean,
): { espeak: string[]; sox: string[]; gain: number; prosody: ClipProsody } {
  const em = realism.emotion
  const p = PROFILES[c.emotion]
  const n = PROFILES.neutral
  const perClip = em.strengthSd > 0 ? Math.exp(gauss(rnd) * em.strengthSd) : 1
  const k = Math.min(2.5, c.strength * (c.speaker.expressiveness ?? 1) * perClip)
  const style = c.speaker.style?.[c.emotion]
  const j = (spread: number) => (rnd() * 2 - 1) * spread * em.jitter
  const cue = (name: Cue) => n[name] + (p[name] - n[name]) * k * (1 + (style?.[name] ?? 0)) + j(CUES[name])
  const pitch = cue('pitch')
  const range = Math.max(10, cue('range'))
  const rate = Math.max(40, cue('rate'))
  const gain = cue('gain')
  const treble = cue('treble')
  const ssml = `<speak><prosody pitch="${sign(pitch)}%" range="${range.toFixed(0)}%" rate="${rate.toFixed(0)}%">${c.text}</prosody></speak>`
  const formant = c.speaker.formant ?? 1
  const espeak = [
    '-v',
    c.speaker.voice,
    '-p',
    String(c.speaker.basePitch),
    '-s',
    String(Math.round(c.speaker.wpm / (c.speaker.shift * formant))),
    '-m',
    '--stdout',
    ssml,
  ]
  const sox: string[] = ['speed', String(+(c.speaker.shift * formant).toFixed(4))]
  // formant-only shift: speed moved pitch and formants by `formant`, bring the pitch back
  if (Math.abs(formant - 1) > 0.005) sox.push('pitch', (-1200 * Math.log2(formant)).toFixed(0))
  if (Math.abs(treble) >= 0.5) sox.push('treble', treble.toFixed(1), '3000')
  const quality: string[] = []
  const effect = (name: string, ...args: string[]) => {
    if (quality.includes(name)) return
    quality.push(name)
    sox.push(name, ...args)
  }
  const present = em.qualityProb >= 1 || rnd() < em.qualityProb
  if (present && p.drive) effect('overdrive', (p.drive * k).toFixed(1), '20')
  if (present && p.tremor) effect('tremolo', (5 + rnd() * 3).toFixed(1), Math.min(90, p.tremor * k).toFixed(0))
  if (present && p.lowpass) effect('lowpass', String(Math.round(p.lowpass / Math.max(0.5, k))))
  if (em.qualityLeak > 0 && rnd() < em.qualityLeak) {
    // a mild voice-quality effect that does not belong to this emotion: creak, a shaky or a dull voice
    const kind = Math.floor(rnd() * 3)
    if (kind === 0) effect('overdrive', (1 + rnd() * 3).toFixed(1), '20')
    if (kind === 1) effect('tremolo', (4 + rnd() * 3).toFixed(1), (10 + rnd() * 20).toFixed(0))
    if (kind === 2) effect('lowpass', String(Math.round(3500 + rnd() * 2500)))
  }
  // peak-normalised to the emotion's loudness; the channel sets the recording level
  sox.push(...(c.room ?? []), 'rate', '-v', String(c.rate), 'gain', '-n', gain.toFixed(1))
  return { espeak, sox, gain, prosody: { strength: +k.toFixed(3), quality } }
}
