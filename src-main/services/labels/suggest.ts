/**
 * "Label next": the annotator's unlabelled clips that the current model is least
 * sure of (uncertainty sampling by margin: 1 - (p_top - p_second)). Features come
 * from the workspace cache / feature worker pool; the model and its profile from
 * the model service (the shipped default unless a model folder is given).
 * suggestNext runs the scoring on the 'suggest' worker thread (suggest-worker.ts, its
 * own workspace connection), so the model and the features never block the server.
 * What a model said about a clip is kept (store/suggest-scores.ts, keyed by the model
 * folder's files and the clip's content hash): scoring again reads it, and only clips
 * not scored before are extracted and run through the network.
 */
import path from 'node:path'
import { runWithPort, singleThreadPool } from '../workers'
import { unlabelledClips } from '../store/label-queries'
import { initBackend } from '../engine/backend'
import { extractForClips, EXTRACTOR_VERSION } from '../features/index'
import { fitFrames } from '../model/data'
import { defaultModelDir } from '../model/default-model'
import { predict } from '../model/inference'
import { loadModel, loadProfile, readCard } from '../model/storage'
import { verdictsFor } from '../model/unfamiliar'
import { cachedScores, modelKey, storeScores, type CachedScore } from '../store/suggest-scores'
import type { Workspace } from '../store/workspace'
import type { SuggestResult } from '../../../src-shared/contract/labels'

/** Margin uncertainty of one probability vector: 0 = sure, 1 = a tie between the top two. */
export function marginUncertainty(p: Record<string, number>): number {
  const v = Object.values(p).sort((a, b) => b - a)
  return 1 - ((v[0] ?? 0) - (v[1] ?? 0))
}

export interface SuggestOptions {
  datasetId: number
  annotator: string
  count: number
  modelDir?: string
  /** at most this many unlabelled clips are scored (the rest wait for the next round); default MAX_SCORED */
  maxScored?: number
  signal?: AbortSignal
  onProgress?: (fraction: number, message?: string) => void
}

const pool = singleThreadPool('suggest')
/** Clips scored per round: a CREMA-D-sized dataset (7 442 clips) takes four rounds; the first round of 2 000 is the slow one. */
export const MAX_SCORED = 2000

/** Stops the suggestion thread (tests, shutdown). */
export function closeSuggestPool(): Promise<void> {
  return pool.close()
}

export type SuggestMessage = { fraction: number; message?: string }

/** suggestHere on the worker thread; progress comes back over a port, an abort ends the thread. */
export async function suggestNext(ws: Workspace, o: SuggestOptions): Promise<SuggestResult> {
  const { signal, onProgress, ...rest } = o
  return runWithPort<SuggestResult, SuggestMessage>(
    pool.get(),
    { workspace: ws.dir, options: rest },
    (m) => onProgress?.(m.fraction, m.message),
    signal ?? new AbortController().signal,
  )
}

/** The scoring itself, on the calling thread (the worker's entry). */
type ClipRow = { id: number; path: string; content_hash: string; rel_path: string }
type Score = CachedScore

export async function suggestHere(ws: Workspace, o: SuggestOptions): Promise<SuggestResult> {
  const clips: ClipRow[] = unlabelledClips(ws, o.datasetId, o.annotator, o.maxScored ?? MAX_SCORED)
  const dir = path.resolve(o.modelDir ?? defaultModelDir())
  const name = readCard(dir).name
  if (!clips.length) return { model: name, scored: 0, cached: 0, suggestions: [] }
  o.onProgress?.(0, `looking up ${clips.length} clips scored before`)
  const key = modelKey(dir)
  const cached = cachedScores(ws, key, EXTRACTOR_VERSION, clips.map((c) => c.content_hash))
  const fresh = await scoreClips(ws, dir, clips.filter((c) => !cached.has(c.content_hash)), o)
  const hashOf = new Map(clips.map((c) => [c.id, c.content_hash]))
  storeScores(ws, key, EXTRACTOR_VERSION, [...fresh].map(([id, p]) => ({ contentHash: hashOf.get(id)!, ...p })))
  const scoreOf = (c: ClipRow): Score | undefined => cached.get(c.content_hash) ?? fresh.get(c.id)
  const usable = clips.filter((c) => scoreOf(c))
  o.onProgress?.(1, `${usable.length} clips scored`)
  // unfamiliar clips first (the model knows least there; their `top` is no suggestion), then by margin
  const ranked = usable
    .map((c) => {
      const p = scoreOf(c)!
      const uncertainty = p.unfamiliar?.unfamiliar ? 1 : marginUncertainty(p.probabilities)
      return {
        clipId: c.id,
        relPath: c.rel_path,
        top: p.top,
        uncertainty,
        probabilities: p.probabilities,
        unfamiliar: p.unfamiliar?.unfamiliar ? p.unfamiliar : null,
      }
    })
    .sort((a, b) => Number(!!b.unfamiliar) - Number(!!a.unfamiliar) || b.uncertainty - a.uncertainty || a.relPath.localeCompare(b.relPath))
  return { model: name, scored: usable.length, cached: usable.length - fresh.size, suggestions: ranked.slice(0, o.count) }
}

/** Features (cache or extraction) and the network for clips not scored before; by clip id. */
async function scoreClips(ws: Workspace, dir: string, clips: ClipRow[], o: SuggestOptions): Promise<Map<number, Score>> {
  const out = new Map<number, Score>()
  if (!clips.length) return out
  await initBackend()
  const { model, card } = await loadModel(dir, { extractorVersion: EXTRACTOR_VERSION })
  const profile = loadProfile(path.join(dir, 'profile.json'), card)
  const feats = await extractForClips(ws, clips, {
    extractor: card.extractor.name,
    signal: o.signal,
    onProgress: (f, m) => o.onProgress?.(f * 0.9, m),
  })
  const usable = clips.filter((c) => feats.has(c.id))
  const itemShape = card.arch.kind === 'mlp' ? [card.arch.inputDim] : [card.arch.frames, card.arch.mels]
  const per = itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(usable.length * per)
  usable.forEach((c, i) => {
    const f = feats.get(c.id)!
    x.set(card.arch.kind === 'mlp' ? f : fitFrames(f, itemShape[1], itemShape[0]), i * per)
  })
  const items = { x, itemShape, labels: usable.map(() => '?'), speakers: usable.map(() => '?') }
  const preds = predict(model, profile, items)
  const verdicts = verdictsFor(card, profile, items, preds, null)
  usable.forEach((c, i) => out.set(c.id, { top: preds[i].top, probabilities: preds[i].probabilities, unfamiliar: verdicts[i] }))
  return out
}
