/**
 * A person's enrollment examples: clip ids -> labelled feature items in the base
 * model's own feature space (its card names the extractor), with every reason a
 * set cannot be enrolled named up front (missing clips, unlabelled clips, too
 * few examples of an emotion).
 */
import { extractForClips, LOGMEL_DEFAULTS } from '../features/index'
import { fitFrames } from '../model/data'
import type { ItemSet, ModelCardData } from '../model/types'
import type { Workspace } from '../store/workspace'
import { getLabelRule } from '../store/label-rule'
import { labelledClip } from '../store/clips'
import { requireDatasetRow } from '../store/datasets'
import type { NamedRule } from '../../../src-shared/label-rule'
import { serviceErrorClass } from '../../../src-shared/errors'

export class EnrollError extends serviceErrorClass('EnrollError') {}

/** Fewest examples of an emotion: one to learn from and one to test on in every fold. */
export const MIN_PER_CLASS = 2

export interface Examples extends ItemSet {
  clipIds: number[]
  counts: Record<string, number>
  /** the label rule of each dataset the examples came from, read with their labels */
  labelRules: NamedRule[]
}

interface ClipRow {
  id: number
  dataset_id: number
  path: string
  content_hash: string
  emotion: string | null
}

/** Checks the clips and their labels without computing anything (the router calls it before starting a job). */
export function checkExamples(ws: Workspace, clipIds: number[]): { rows: ClipRow[]; counts: Record<string, number> } {
  const ids = [...new Set(clipIds)]
  if (ids.length !== clipIds.length) throw new EnrollError('the same clip was chosen twice')
  const rows: ClipRow[] = []
  const missing: number[] = []
  for (const id of ids) {
    const r = labelledClip(ws.db, id)
    if (r) rows.push(r)
    else missing.push(id)
  }
  if (missing.length) throw new EnrollError(`no clip with id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`)
  const unlabelled = rows.filter((r) => !r.emotion)
  if (unlabelled.length) {
    throw new EnrollError(
      `${unlabelled.length} chosen clip(s) have no emotion label under their dataset's label rule (e.g. ${unlabelled[0].path}): label them, ` +
        `change the rule in Datasets, or leave them out`,
    )
  }
  const counts: Record<string, number> = {}
  for (const r of rows) counts[r.emotion!] = (counts[r.emotion!] ?? 0) + 1
  const classes = Object.keys(counts)
  if (classes.length < 2) throw new EnrollError(`enrollment needs examples of at least 2 emotions, got only ${classes[0] ?? 'none'}`)
  const few = classes.filter((c) => counts[c] < MIN_PER_CLASS)
  if (few.length) {
    throw new EnrollError(
      `each emotion needs at least ${MIN_PER_CLASS} examples (one to learn from, one to test on): ${few.map((c) => `${c} has ${counts[c]}`).join(', ')}`,
    )
  }
  return { rows, counts }
}

export async function loadExamples(
  ws: Workspace,
  clipIds: number[],
  card: ModelCardData,
  person: string,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number, message?: string) => void } = {},
): Promise<Examples> {
  // one read transaction: the labels and the rules they were read under are the same snapshot
  const { rows, counts, labelRules } = ws.db.transaction(() => {
    const checked = checkExamples(ws, clipIds)
    const datasets = [...new Set(checked.rows.map((r) => r.dataset_id))]
    return { ...checked, labelRules: datasets.map((id) => ({ name: requireDatasetRow(ws.db, id).name, rule: getLabelRule(ws, id) })) }
  })()
  const extractor = card.extractor.name
  let feats: Map<number | string, Float32Array>
  try {
    feats = await extractForClips(
      ws,
      rows.map((r) => ({ id: r.id, path: r.path, content_hash: r.content_hash })),
      { extractor, signal: opts.signal, onProgress: opts.onProgress },
    )
  } catch (err) {
    if (opts.signal?.aborted) throw err
    throw new EnrollError(`cannot compute ${extractor} features of the examples: ${(err as Error).message}`)
  }
  const itemShape = card.arch.kind === 'mlp' ? [card.arch.inputDim] : [card.arch.frames, card.arch.mels]
  const per = itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(rows.length * per)
  rows.forEach((r, i) => {
    const f = feats.get(r.id)
    if (!f) throw new EnrollError(`no features for ${r.path}`)
    const v = card.arch.kind === 'mlp' ? f : fitFrames(f, card.arch.mels ?? LOGMEL_DEFAULTS.nMels, card.arch.frames)
    if (v.length !== per) throw new EnrollError(`features of ${r.path} have ${v.length} values, model ${card.name} expects ${per}`)
    x.set(v, i * per)
  })
  return { x, itemShape, labels: rows.map((r) => r.emotion!), speakers: rows.map(() => person), clipIds: rows.map((r) => r.id), counts, labelRules }
}
