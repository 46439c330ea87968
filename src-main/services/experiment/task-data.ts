/**
 * The data every later task reads from the features stage's output, read-only:
 * DIR/features/<corpus>.json (labels, speakers, shape) + <corpus>.f32 (the features),
 * the classes of the experiment, the target's speaker-independent folds and the
 * source's split into pre-training and tuning speakers. All of it is a pure function of
 * the features files and the configuration, so every task derives the same.
 */
import fs from 'node:fs'
import path from 'node:path'
import { assignFolds } from '../corpus/splits'
import { makeRng, speakerSplit } from '../model/sampling'
import type { ItemSet } from '../model/types'
import type { ExperimentConfig } from '../../../src-shared/contract/experiments'
import type { Workspace } from '../store/workspace'
import type { Plan } from './plan-format'
import { featuresId } from './plan'
import { chooseClasses } from './grid'
import { readTaskResult, writeDurable } from './plan-io'
import { EXTRACTOR_OF, type ExtractorName } from '../../../src-shared/extractors'

export const FEATURES_DIR = 'features'

export interface FeaturesResult {
  corpus: string
  role: 'source' | 'target'
  dataset: string
  clips: number
  speakers: number
  emotions: string[]
  itemShape: number[]
  extractor: { name: ExtractorName; version: string }
}

const base = (dir: string, corpus: string) => path.join(dir, FEATURES_DIR, corpus)

export function writeFeatures(dir: string, corpus: string, items: ItemSet): void {
  writeDurable(`${base(dir, corpus)}.f32`, new Uint8Array(items.x.buffer, items.x.byteOffset, items.x.byteLength))
  writeDurable(`${base(dir, corpus)}.json`, JSON.stringify({ itemShape: items.itemShape, labels: items.labels, speakers: items.speakers }))
}

/** Reads one corpus's features (cached per process: tasks of one run share them). */
export function readFeatures(dir: string, corpus: string, cache?: Map<string, ItemSet>): ItemSet {
  const key = `${path.resolve(dir)}|${corpus}`
  const hit = cache?.get(key)
  if (hit) return hit
  const f = `${base(dir, corpus)}.json`
  if (!fs.existsSync(f)) throw new Error(`the features of ${corpus} are missing (${f}); run the features stage first`)
  const meta = JSON.parse(fs.readFileSync(f, 'utf8')) as { itemShape: number[]; labels: string[]; speakers: string[] }
  const buf = fs.readFileSync(`${base(dir, corpus)}.f32`)
  const x = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
  const per = meta.itemShape.reduce((a, b) => a * b, 1)
  if (x.length !== per * meta.labels.length) throw new Error(`${base(dir, corpus)}.f32 holds ${x.length} values, expected ${per * meta.labels.length}`)
  const items = { x, itemShape: meta.itemShape, labels: meta.labels, speakers: meta.speakers }
  cache?.set(key, items)
  return items
}

/** The one subset() (services/model/data.ts), re-exported for the experiment tasks. */
export { subset } from '../model/data'

export const indicesWhere = (d: ItemSet, keep: (i: number) => boolean) => d.labels.flatMap((_, i) => (keep(i) ? [i] : []))

/** The experiment's classes from the corpora's emotions (features results). */
export function classesOf(config: ExperimentConfig, features: FeaturesResult[]): string[] {
  const target = features.find((f) => f.role === 'target')!
  return chooseClasses(config.classes, target.emotions, config.sources.map((s) => features.find((f) => f.corpus === s.name)!.emotions))
}

/** The target's folds: every speaker in one fold, balanced in emotion counts (corpus/splits.ts). */
export function targetFolds(target: ItemSet, k: number): Map<string, number> {
  const bySpeaker = new Map<string, Map<string, number>>()
  target.speakers.forEach((s, i) => {
    const m = bySpeaker.get(s) ?? new Map<string, number>()
    m.set(target.labels[i], (m.get(target.labels[i]) ?? 0) + 1)
    bySpeaker.set(s, m)
  })
  const speakers = [...bySpeaker.keys()].sort()
  if (speakers.length < k) throw new Error(`the target has ${speakers.length} speaker(s); ${k} speaker-independent folds need at least ${k}`)
  const folds = assignFolds(
    speakers.map((code) => ({ code, counts: bySpeaker.get(code)!, total: [...bySpeaker.get(code)!.values()].reduce((a, b) => a + b, 0) })),
    k,
    'experiment',
  )
  return new Map(speakers.map((s, i) => [s, folds[i]]))
}

/** Share of a source's speakers held out of pre-training for tuning the losses. */
export const TUNING_FRACTION = 0.2

/** A source's speakers: tuning (held out of every pre-training) and pre-training. */
export function sourceSplit(source: ItemSet, name: string): { tuning: string[]; pretrain: string[] } {
  const unique = [...new Set(source.speakers)].sort()
  // At least 3 tuning speakers (the tuner splits them again: 1 to train on, 2 held out), at least 2 left for pre-training (one for early stopping).
  if (unique.length < 5)
    throw new Error(
      `source ${name} has ${unique.length} speaker(s); at least 5 are needed: 3 to tune the losses on, held out of pre-training, ` +
        `and 2 to pre-train (one for early stopping)`,
    )
  // 6 tuning speakers (3 folds of 2: 6 score units, model/tuning.ts) whenever 8 remain to pre-train.
  const nTune = Math.max(3, Math.round(unique.length * TUNING_FRACTION), unique.length >= 14 ? 6 : 0)
  const s = speakerSplit(makeRng(`tuning-${name}`), source.speakers, nTune / unique.length)
  const tuning = s.heldOutSpeakers
  return { tuning, pretrain: unique.filter((x) => !tuning.includes(x)) }
}

export interface TaskContext {
  dir: string
  plan: Plan
  config: ExperimentConfig
  /** Lent workspace for the features stage (single-process runs); otherwise a scratch one per task. */
  ws?: Workspace
  signal: AbortSignal
  progress(fraction: number | null, message: string): void
  /** Features read by this process (tasks of one process share them). */
  cache: Map<string, ItemSet>
}

export const extractorOf = (config: ExperimentConfig): ExtractorName => EXTRACTOR_OF[config.model]

/** The features results of the plan (every later task depends on all of them). */
export function featuresResults(ctx: TaskContext): FeaturesResult[] {
  return [...ctx.config.sources, ctx.config.target].map((c) => {
    const r = readTaskResult<FeaturesResult>(ctx.dir, featuresId(c.name))
    if (!r) throw new Error(`the features of ${c.name} are missing; run the features stage first`)
    return r.result
  })
}

