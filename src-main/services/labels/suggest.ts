/**
 * "Label next": the annotator's unlabelled clips that the current model is least
 * sure of (uncertainty sampling by margin: 1 - (p_top - p_second)). Features come
 * from the workspace cache / feature worker pool; the model and its profile from
 * the model service (the shipped default unless a model folder is given).
 * suggestNext runs the scoring on the 'suggest' worker thread (suggest-worker.ts, its
 * own workspace connection), so the model and the features never block the server.
 */
import path from 'node:path'
import { runWithPort, singleThreadPool } from '../workers'
import { unlabelledClips } from '../store/label-queries'
import { initBackend } from '../engine/backend'
import { extractForClips, EXTRACTOR_VERSION } from '../features/index'
import { fitFrames } from '../model/data'
import { defaultModelDir } from '../model/default-model'
import { predict } from '../model/inference'
import { loadModel, loadProfile } from '../model/storage'
import { verdictsFor } from '../model/unfamiliar'
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
  /** at most this many unlabelled clips are scored (the rest wait for the next round) */
  maxScored?: number
  signal?: AbortSignal
  onProgress?: (fraction: number, message?: string) => void
}

const pool = singleThreadPool('suggest')

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
export async function suggestHere(ws: Workspace, o: SuggestOptions): Promise<SuggestResult> {
  const clips = unlabelledClips(ws, o.datasetId, o.annotator, o.maxScored ?? 400)
  const dir = path.resolve(o.modelDir ?? defaultModelDir())
  await initBackend()
  const { model, card } = await loadModel(dir, { extractorVersion: EXTRACTOR_VERSION })
  const profile = loadProfile(path.join(dir, 'profile.json'), card)
  if (!clips.length) return { model: card.name, scored: 0, suggestions: [] }
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
  o.onProgress?.(1, `${usable.length} clips scored`)
  // unfamiliar clips first (the model knows least there; their `top` is no suggestion), then by margin
  const ranked = usable
    .map((c, i) => ({
      clipId: c.id,
      relPath: c.rel_path,
      top: preds[i].top,
      uncertainty: verdicts[i].unfamiliar ? 1 : marginUncertainty(preds[i].probabilities),
      probabilities: preds[i].probabilities,
      unfamiliar: verdicts[i].unfamiliar ? verdicts[i] : null,
    }))
    .sort((a, b) => Number(!!b.unfamiliar) - Number(!!a.unfamiliar) || b.uncertainty - a.uncertainty || a.relPath.localeCompare(b.relPath))
  return { model: card.name, scored: usable.length, suggestions: ranked.slice(0, o.count) }
}
