/**
 * `synthCorpus`: a small corpus in the exact layout of RAVDESS, CREMA-D or
 * eNTERFACE'05, spoken by espeak-ng and shaped by sox so that emotions differ
 * audibly and measurably and speakers differ (see profiles.ts). Writes
 * `synth-truth.json` (the ground truth) next to the audio.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import seedrandom from 'seedrandom'
import { cremadPlan, enterfacePlan, ravdessPlan, type ExtraFile, type LayoutPlan, type SynthLayout, type TruthClip } from './layouts'
import { makeSpeaker, renderPlan, type SpeakerVoice } from './profiles'
import { renderClip, renderVideoOnly, runLimited } from './render'

export type { SynthLayout, TruthClip, ExtraFile } from './layouts'
export { PROFILES } from './profiles'

export interface SynthOptions {
  layout: SynthLayout
  speakers: number
  out: string
  seed?: string
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

export interface SynthResult {
  dir: string
  layout: SynthLayout
  seed: string
  clips: TruthClip[]
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
  const plan = planCorpus(o)
  const dir = path.resolve(o.out)
  fs.mkdirSync(dir, { recursive: true })
  const voices = new Map<string, SpeakerVoice>()
  const speakerRnd = seedrandom(`${seed}:speakers`)
  for (const c of plan.clips) {
    if (!voices.has(c.speaker)) voices.set(c.speaker, makeSpeaker(c.speaker, c.gender ?? 'male', voices.size, speakerRnd))
  }
  for (const f of plan.files) fs.writeFileSync(path.join(dir, f.relPath), f.content)
  const jobs: (() => Promise<void>)[] = []
  for (const c of plan.clips) {
    jobs.push(async () => {
      const out = path.join(dir, c.relPath)
      fs.mkdirSync(path.dirname(out), { recursive: true })
      const rnd = seedrandom(`${seed}:${c.relPath}`)
      const { espeak, sox } = renderPlan({ text: c.text, speaker: voices.get(c.speaker)!, emotion: c.emotion, strength: c.strength, rate: c.rate }, rnd)
      await renderClip(espeak, sox, out, c.container === 'avi')
    })
  }
  for (const x of plan.extras) {
    jobs.push(async () => {
      const out = path.join(dir, x.relPath)
      fs.mkdirSync(path.dirname(out), { recursive: true })
      if (x.kind === 'video-only') return renderVideoOnly(out)
      const rnd = seedrandom(`${seed}:${x.relPath}`)
      const { espeak, sox } = renderPlan({ text: 'La la la, kids are singing by the door', speaker: voices.get(x.speaker)!, emotion: 'calm', strength: 1, rate: 48000 }, rnd)
      await renderClip(espeak, sox, out, false)
    })
  }
  let done = 0
  const limit = o.concurrency ?? os.availableParallelism() + 1
  await runLimited(jobs, limit, async (job) => {
    await job()
    o.onProgress?.(++done, jobs.length)
  })
  const result: SynthResult = { dir, layout: o.layout, seed, clips: plan.clips, extras: plan.extras }
  fs.writeFileSync(path.join(dir, TRUTH_FILE), JSON.stringify(result, null, 1))
  return result
}
