/**
 * From a workspace dataset to an ItemSet: clips with a current label and a speaker,
 * features from the features service (cached per content hash), log-mel spectrograms
 * centre-cropped or zero-padded to a fixed number of frames for the CNN.
 */
import { extractForClips, EXTRACTOR_VERSION, LOGMEL_DEFAULTS } from '../features/index'
import { listClips, listDatasets } from '../corpus/index'
import type { Workspace } from '../store/workspace'
import { getLabelRule } from '../store/label-rule'
import { labelRuleName, type LabelRule } from '../../../src-shared/label-rule'
import type { ItemSet } from './types'
import type { ExtractorName } from '../../../src-shared/extractors'

export { EXTRACTOR_VERSION }

export interface DatasetItemsOptions {
  extractor: ExtractorName
  /** Spectrogram frames for the CNN (10 ms hop): 128 = 1.28 s. */
  frames?: number
  /** Only these emotions (default: all labelled). */
  classes?: string[]
  signal?: AbortSignal
  onProgress?: (fraction: number, message?: string) => void
}

export function resolveDataset(ws: Workspace, ref: string): { id: number; name: string } {
  const all = listDatasets(ws)
  const d = all.find((x) => String(x.id) === ref || x.name === ref)
  if (!d) throw new Error(`no dataset '${ref}' in workspace ${ws.dir} (have: ${all.map((x) => x.name).join(', ') || 'none'})`)
  return { id: d.id, name: d.name }
}

export function fitFrames(spec: Float32Array, mels: number, frames: number): Float32Array {
  const have = Math.floor(spec.length / mels)
  const out = new Float32Array(frames * mels)
  if (have >= frames) {
    const start = Math.floor((have - frames) / 2)
    out.set(spec.subarray(start * mels, (start + frames) * mels))
  } else {
    out.set(spec.subarray(0, have * mels), Math.floor((frames - have) / 2) * mels)
  }
  return out
}

/** The clips training may use under the dataset's label rule: a label and a speaker (and one of `classes` when given). */
export function labelledClips(ws: Workspace, datasetRef: string, classes?: string[]) {
  const ds = resolveDataset(ws, datasetRef)
  const labelRule = getLabelRule(ws, ds.id)
  const rows = []
  for (let offset = 0; ; offset += 10000) {
    const page = listClips(ws, { datasetId: ds.id, limit: 10000, offset }, labelRule)
    rows.push(...page.clips)
    if (rows.length >= page.total || page.clips.length === 0) break
  }
  const usable = rows.filter((c) => c.emotion && c.speaker && (!classes || classes.includes(c.emotion)))
  if (usable.length === 0) throw new Error(`dataset '${ds.name}' has no labelled clips with a speaker under its label rule (${labelRuleName(labelRule)})`)
  return { labelRule, clips: usable as (typeof usable[number] & { emotion: string; speaker: string })[] }
}

/** Items of a dataset, labelled under its label rule, read once and pinned so every page (and the card) uses the same one. */
export async function datasetItems(
  ws: Workspace,
  datasetRef: string,
  opts: DatasetItemsOptions,
): Promise<ItemSet & { clipIds: number[]; labelRule: LabelRule }> {
  const { labelRule, clips: usable } = labelledClips(ws, datasetRef, opts.classes)
  const feats = await extractForClips(
    ws,
    usable.map((c) => ({ id: c.id, path: c.path, content_hash: c.contentHash })),
    { extractor: opts.extractor, signal: opts.signal, onProgress: opts.onProgress },
  )
  const mels = LOGMEL_DEFAULTS.nMels
  const frames = opts.frames ?? 128
  const itemShape = opts.extractor === 'egemaps' ? [88] : [frames, mels]
  const per = itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(usable.length * per)
  usable.forEach((c, i) => {
    const f = feats.get(c.id)
    if (!f) throw new Error(`no features for clip ${c.path}`)
    x.set(opts.extractor === 'egemaps' ? f : fitFrames(f, mels, frames), i * per)
  })
  return { x, itemShape, labels: usable.map((c) => c.emotion!), speakers: usable.map((c) => c.speaker!), clipIds: usable.map((c) => c.id), labelRule }
}

/** Items `idx` of `d`, in that order (one copy of the rows). */
export function subset(d: ItemSet, idx: number[]): ItemSet {
  const per = d.itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(idx.length * per)
  idx.forEach((i, r) => x.set(d.x.subarray(i * per, (i + 1) * per), r * per))
  return { x, itemShape: d.itemShape, labels: idx.map((i) => d.labels[i]), speakers: idx.map((i) => d.speakers[i]) }
}
