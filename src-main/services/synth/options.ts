/**
 * The generator's realism knobs: how much emotions overlap, how much speakers
 * differ, and what the recording channel does (level, noise, room, microphone,
 * clipping). Three named presets; any knob can be overridden by its dotted path
 * (`ser synth --set channel.snrDb=5,20`). docs/corpora.md lists every knob.
 */
import { z } from 'zod'

const range = (lo: number, hi: number) =>
  z.tuple([z.number().min(lo).max(hi), z.number().min(lo).max(hi)]).refine(([a, b]) => a <= b, { message: 'a range must be written low,high' })
const share = z.number().min(0).max(1)

export const NOISE_KINDS = ['white', 'pink', 'brown', 'babble', 'hum'] as const
export type NoiseKind = (typeof NOISE_KINDS)[number]
export const PRESET_NAMES = ['clean', 'realistic', 'harsh'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

export const RealismSchema = z.strictObject({
  emotion: z.strictObject({
    /** multiplies the per-utterance prosody jitter (uniform; at 1: pitch +/-6 %, range +/-15 %, rate +/-6 %, loudness +/-1.5 dB, tilt +/-1 dB) */
    jitter: z.number().min(0).max(10),
    /** sd of log expressiveness per clip: some clips barely show their emotion, some overdo it */
    strengthSd: z.number().min(0).max(2),
    /** sd of each speaker's own offset per emotion and cue, as a share of the emotion's move from neutral */
    speakerStyle: z.number().min(0).max(3),
    /** each speaker's overall expressiveness is drawn from this range (multiplies the intensity) */
    expressiveness: range(0, 3),
    /** chance that an emotion's voice-quality effect (overdrive, tremolo, low-pass) is present in a clip */
    qualityProb: share,
    /** chance that a clip of any emotion gets a mild voice-quality effect of another emotion */
    qualityLeak: share,
  }),
  speaker: z.strictObject({
    /** 'basic': espeak m1-m7 / f1-f5 variants; 'wide': also named variants (breathy, creaky, ...) */
    voices: z.enum(['basic', 'wide']),
    /** espeak base pitch (0-99) range per gender */
    malePitch: range(0, 99),
    femalePitch: range(0, 99),
    /** speaking rate, words per minute */
    wpm: range(80, 400),
    /** sox `speed` factor range per gender: shifts pitch and formants together */
    maleShift: range(0.5, 2),
    femaleShift: range(0.5, 2),
    /** formant-only shift range (sox speed, then pitch back): vocal-tract length */
    formant: range(0.5, 2),
    /** aspiration noise following the speech envelope, relative level range (0 = none) */
    breathiness: range(0, 1),
  }),
  channel: z.strictObject({
    /** recording sessions per speaker (each its own noise, SNR, level, room and microphone); clips are spread over them at random */
    sessions: z.number().int().min(1).max(8),
    /** peak level of a speaker's session, dBFS range */
    levelDb: range(-60, 0),
    /** per-clip level sd, dB */
    levelJitterDb: z.number().min(0).max(20),
    /** noise kinds drawn per speaker session (empty: no noise) */
    noise: z.array(z.enum(NOISE_KINDS)),
    /** session signal-to-noise ratio range, dB (speech RMS over noise RMS) */
    snrDb: range(-10, 80),
    /** per-clip SNR sd, dB */
    snrJitterDb: z.number().min(0).max(20),
    /** share of sessions recorded in a reverberant room (sox reverb) */
    reverbProb: share,
    /** sox reverb reverberance (%), room scale (%), wet gain (dB) ranges */
    reverberance: range(0, 100),
    roomScale: range(0, 100),
    wetDb: range(-20, 10),
    /** share of sessions whose microphone colours the sound */
    micProb: share,
    /** microphone high-pass and low-pass corner ranges, Hz (low-pass kept below 0.45 x rate) */
    highpassHz: range(10, 1000),
    lowpassHz: range(1000, 24000),
    /** microphone presence peak/dip at 1.5-5 kHz, +/- dB */
    presenceDb: z.number().min(0).max(20),
    /** share of clips driven into clipping, and by how many dB over full scale */
    clipProb: share,
    clipDb: range(0, 30),
  }),
})

export type SynthRealism = z.infer<typeof RealismSchema>
export type RealismOverrides = { [K in keyof SynthRealism]?: Partial<SynthRealism[K]> }

const CLEAN: SynthRealism = {
  emotion: { jitter: 1, strengthSd: 0, speakerStyle: 0, expressiveness: [1, 1], qualityProb: 1, qualityLeak: 0 },
  speaker: {
    voices: 'basic', malePitch: [30, 55], femalePitch: [55, 80], wpm: [150, 190],
    maleShift: [0.9, 1.02], femaleShift: [1, 1.12], formant: [1, 1], breathiness: [0, 0],
  },
  channel: {
    sessions: 1, levelDb: [-9, -9], levelJitterDb: 0, noise: [], snrDb: [80, 80], snrJitterDb: 0,
    reverbProb: 0, reverberance: [0, 0], roomScale: [0, 0], wetDb: [0, 0],
    micProb: 0, highpassHz: [10, 10], lowpassHz: [24000, 24000], presenceDb: 0, clipProb: 0, clipDb: [0, 0],
  },
}

const REALISTIC: SynthRealism = {
  emotion: { jitter: 2.5, strengthSd: 0.35, speakerStyle: 0.4, expressiveness: [0.5, 1.2], qualityProb: 0.6, qualityLeak: 0.15 },
  speaker: {
    voices: 'wide', malePitch: [35, 80], femalePitch: [35, 80], wpm: [135, 205],
    maleShift: [0.86, 1.04], femaleShift: [0.98, 1.16], formant: [0.92, 1.08], breathiness: [0, 0.25],
  },
  channel: {
    sessions: 2, levelDb: [-22, -6], levelJitterDb: 2, noise: ['white', 'pink', 'brown', 'babble', 'hum'], snrDb: [12, 40], snrJitterDb: 3,
    reverbProb: 0.5, reverberance: [10, 50], roomScale: [20, 80], wetDb: [-10, -3],
    micProb: 0.7, highpassHz: [60, 250], lowpassHz: [3800, 12000], presenceDb: 5, clipProb: 0.05, clipDb: [1, 6],
  },
}

const HARSH: SynthRealism = {
  emotion: { jitter: 3, strengthSd: 0.45, speakerStyle: 0.6, expressiveness: [0.4, 1.2], qualityProb: 0.5, qualityLeak: 0.2 },
  speaker: {
    voices: 'wide', malePitch: [25, 90], femalePitch: [25, 90], wpm: [120, 220],
    maleShift: [0.84, 1.06], femaleShift: [0.96, 1.18], formant: [0.88, 1.12], breathiness: [0, 0.4],
  },
  channel: {
    sessions: 3, levelDb: [-34, -1], levelJitterDb: 4, noise: ['white', 'pink', 'brown', 'babble', 'hum'], snrDb: [3, 25], snrJitterDb: 4,
    reverbProb: 0.8, reverberance: [30, 80], roomScale: [40, 100], wetDb: [-6, 0],
    micProb: 1, highpassHz: [100, 400], lowpassHz: [3000, 8000], presenceDb: 8, clipProb: 0.15, clipDb: [2, 12],
  },
}

export const PRESETS: Record<PresetName, SynthRealism> = { clean: CLEAN, realistic: REALISTIC, harsh: HARSH }
export const DEFAULT_PRESET: PresetName = 'realistic'

/** The preset's knobs with `overrides` laid over them, validated (errors name the knob). */
export function resolveRealism(preset: string = DEFAULT_PRESET, overrides: RealismOverrides = {}): SynthRealism {
  if (!(PRESET_NAMES as readonly string[]).includes(preset)) throw new Error(`synth: unknown preset ${JSON.stringify(preset)} (${PRESET_NAMES.join(', ')})`)
  const base = PRESETS[preset as PresetName]
  const merged: Record<string, unknown> = {}
  for (const [group, values] of Object.entries(base)) {
    const o = (overrides as Record<string, unknown>)[group]
    if (o !== undefined && (typeof o !== 'object' || o === null || Array.isArray(o))) throw new Error(`synth: realism.${group} must be an object of knobs`)
    merged[group] = { ...values, ...(o as object | undefined) }
  }
  for (const group of Object.keys(overrides))
    if (!(group in base)) throw new Error(`synth: unknown knob group ${JSON.stringify(group)} (${Object.keys(base).join(', ')})`)
  const r = RealismSchema.safeParse(merged)
  if (!r.success) {
    const i = r.error.issues[0]
    throw new Error(`synth: knob ${i.path.join('.')}: ${i.message}`)
  }
  return r.data
}

/** Parses `group.knob=value` (the CLI's --set) into overrides, typed by the knob's preset value. */
export function parseKnob(assignment: string, into: RealismOverrides = {}): RealismOverrides {
  const m = /^(\w+)\.(\w+)=(.*)$/.exec(assignment)
  const knobs = Object.entries(CLEAN).flatMap(([g, v]) => Object.keys(v).map((k) => `${g}.${k}`))
  if (!m) throw new Error(`synth: --set wants group.knob=value, got ${JSON.stringify(assignment)}`)
  const [, group, knob, text] = m
  const example = (CLEAN as unknown as Record<string, Record<string, unknown>>)[group]?.[knob]
  if (example === undefined) throw new Error(`synth: unknown knob ${group}.${knob} (knobs: ${knobs.join(', ')})`)
  const num = (s: string) => {
    const v = Number(s)
    if (s.trim() === '' || !Number.isFinite(v)) throw new Error(`synth: ${group}.${knob} wants a number, got ${JSON.stringify(s)}`)
    return v
  }
  let value: unknown = text
  if (typeof example === 'number') value = num(text)
  else if (Array.isArray(example) && knob === 'noise') value = text === '' ? [] : text.split(',')
  else if (Array.isArray(example)) value = text.split(',').map(num)
  const g = ((into as Record<string, Record<string, unknown>>)[group] ??= {})
  g[knob] = value
  return into
}
