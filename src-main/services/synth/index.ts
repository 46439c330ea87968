/**
 * `synthCorpus`: a small corpus in the exact layout of RAVDESS, CREMA-D or
 * eNTERFACE'05, spoken by espeak-ng, shaped by sox so that emotions differ
 * audibly and measurably but overlap, speakers differ (profiles.ts), and
 * recorded through a varied channel (channel.ts); how much of each is set by
 * the realism knobs (options.ts, preset `realistic` by default). Every random
 * choice comes from a seeded RNG, so a seed and its knobs give the same bytes.
 * Writes `synth-truth.json` (the ground truth) and `ser-corpus.json` (the mark that says the speech is
 * generated, read at import: src-shared/corpus-mark.ts) next to the audio.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import seedrandom from 'seedrandom'
import { cremadPlan, enterfacePlan, ravdessPlan, type ExtraFile, type LayoutPlan, type SynthLayout, type TruthClip } from './layouts'
import { makeSpeaker, renderPlan, type ClipProsody, type SpeakerVoice } from './profiles'
import { applyChannel, makeSession, roomEffects, type ClipChannelInfo, type Session } from './channel'
import { DEFAULT_PRESET, resolveRealism, type RealismOverrides, type SynthRealism } from './options'
import { makeBabbleBeds } from './babble'
import { renderVideoOnly, renderVoice, runLimited, writeClip } from './render'
import { CORPUS_MARK_FILE, type CorpusMark } from '../../../src-shared/corpus-mark'

export type { SynthLayout, TruthClip, ExtraFile } from './layouts'
export { PROFILES } from './profiles'
export {
  PRESETS,
  PRESET_NAMES,
  DEFAULT_PRESET,
  NOISE_KINDS,
  resolveRealism,
  parseKnob,
  type SynthRealism,
  type RealismOverrides,
  type PresetName,
} from './options'

export interface SynthOptions {
  layout: SynthLayout
  speakers: number
  out: string
  seed?: string
  /** realism preset: clean | realistic (default) | harsh */
  preset?: string
  /** knobs laid over the preset's, e.g. { channel: { snrDb: [5, 20] } } */
  realism?: RealismOverrides
  /** RAVDESS repetitions per statement (1 or 2, default 2) */
  reps?: number
  /** CREMA-D sentence codes to use (1..12, default 12); eNTERFACE sentences per emotion (1..5, default 5) */
  sentences?: number
  /** RAVDESS: add one song file and one video-only file per actor (left out on import by default) */
  extras?: boolean
  /** eNTERFACE: use the irregular spellings of the real corpus for some subjects (default true) */
  irregular?: boolean
  /** parallel processes (default: cores + 1) */
  concurrency?: number
  onProgress?(done: number, total: number): void
}

/** A clip as generated: its truth plus what the generator did to it. */
export interface RenderedClip extends TruthClip {
  session: number
  prosody: ClipProsody
  channel: ClipChannelInfo
}

export interface SynthResult {
  dir: string
  layout: SynthLayout
  seed: string
  preset: string
  realism: SynthRealism
  speakers: (SpeakerVoice & { sessions: Session[] })[]
  clips: RenderedClip[]
  extras: ExtraFile[]
}

export const TRUTH_FILE = 'synth-truth.json'

export function planCorpus(o: SynthOptions): LayoutPlan {
  if (!Number.isInteger(o.speakers) || o.speakers < 1 || o.speakers > (o.layout === 'ravdess' ? 99 : o.layout === 'cremad' ? 999 : 99)) {
    throw new Error(`synth: --speakers must be a positive integer within the layout's range, got ${o.speakers}`)
  }
  const rnd = seedrandom(`${o.seed ?? 'ser'}:plan`)
  if (o.layout === 'ravdess') return ravdessPlan(o.speakers, o)
  if (o.layout === 'cremad') return cremadPlan(o.speakers, o, rnd)
  if (o.layout === 'enterface') return enterfacePlan(o.speakers, o, rnd)
  throw new Error(`synth: unknown layout ${JSON.stringify(o.layout)} (ravdess, cremad or enterface)`)
}

export async function synthCorpus(o: SynthOptions): Promise<SynthResult> {
  const seed = o.seed ?? 'ser'
  const preset = o.preset ?? DEFAULT_PRESET
  const realism = resolveRealism(preset, o.realism)
  const plan = planCorpus(o)
  const dir = path.resolve(o.out)
  fs.mkdirSync(dir, { recursive: true })
  const voices = new Map<string, SpeakerVoice & { sessions: Session[] }>()
  const speakerRnd = seedrandom(`${seed}:speakers`)
  for (const c of plan.clips) {
    if (voices.has(c.speaker)) continue
    const voice = makeSpeaker(c.speaker, c.gender ?? 'male', voices.size, speakerRnd, realism)
    const sessionRnd = seedrandom(`${seed}:sessions:${c.speaker}`)
    const sessions = Array.from({ length: realism.channel.sessions }, () => makeSession(sessionRnd, realism.channel))
    voices.set(c.speaker, { ...voice, sessions })
  }
  for (const f of plan.files) fs.writeFileSync(path.join(dir, f.relPath), f.content)
  const beds = makeBabbleBeds(seed, realism)
  const clips: RenderedClip[] = new Array(plan.clips.length)
  const render = async (c: { relPath: string; speaker: string; text: string; emotion: TruthClip['emotion']; strength: number; rate: number }, avi: boolean) => {
    const out = path.join(dir, c.relPath)
    fs.mkdirSync(path.dirname(out), { recursive: true })
    const speaker = voices.get(c.speaker)!
    const rnd = seedrandom(`${seed}:${c.relPath}`)
    const chRnd = seedrandom(`${seed}:${c.relPath}:channel`)
    const session = Math.floor(chRnd() * speaker.sessions.length)
    const s = speaker.sessions[session]
    const plan = renderPlan({ text: c.text, speaker, emotion: c.emotion, strength: c.strength, rate: c.rate, room: roomEffects(s) }, rnd, realism)
    const voice = await renderVoice(plan.espeak, plan.sox, c.rate)
    const babble = s.noise === 'babble' ? await beds(c.rate) : []
    const { samples, info } = applyChannel(voice, c.rate, s, realism.channel, { breathiness: speaker.breathiness ?? 0, rnd: chRnd, beds: babble })
    await writeClip(samples, c.rate, out, avi)
    return { session, prosody: plan.prosody, channel: info }
  }
  const jobs: (() => Promise<void>)[] = []
  plan.clips.forEach((c, i) => jobs.push(async () => void (clips[i] = { ...c, ...(await render(c, c.container === 'avi')) })))
  for (const x of plan.extras) {
    jobs.push(async () => {
      if (x.kind === 'video-only') {
        fs.mkdirSync(path.dirname(path.join(dir, x.relPath)), { recursive: true })
        return renderVideoOnly(path.join(dir, x.relPath))
      }
      await render({ relPath: x.relPath, speaker: x.speaker, text: 'La la la, kids are singing by the door', emotion: 'calm', strength: 1, rate: 48000 }, false)
    })
  }
  let done = 0
  const limit = o.concurrency ?? os.availableParallelism() + 1
  await runLimited(jobs, limit, async (job) => {
    await job()
    o.onProgress?.(++done, jobs.length)
  })
  const result: SynthResult = { dir, layout: o.layout, seed, preset, realism, speakers: [...voices.values()], clips, extras: plan.extras }
  // the folder is not part of the truth file, so the same seed gives the same bytes wherever it is written
  fs.writeFileSync(path.join(dir, TRUTH_FILE), JSON.stringify({ ...result, dir: '.' }, null, 1))
  // the mark import stores as the dataset's speech origin: generated, whatever the folder is called
  const mark: CorpusMark = {
    format: 'ser-corpus/1',
    speech: 'generated',
    generator: 'ser synth (espeak-ng + sox)',
    layout: o.layout,
    speakers: voices.size,
    clips: clips.length,
    seed,
    preset,
  }
  fs.writeFileSync(path.join(dir, CORPUS_MARK_FILE), JSON.stringify(mark, null, 1) + '\n')
  return result
}
