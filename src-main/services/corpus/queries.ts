/** Read side of the corpus service, plus relinking a moved dataset folder. */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Workspace } from '../store/workspace'
import { clipCounts, clipPage, datasetClips, moveClip } from '../store/clips'
import { listDatasetRows, requireDatasetRow, setDatasetRoot } from '../store/datasets'
import { datasetAnnotators, getLabelRule, labelSql } from '../store/label-rule'
import type { LabelRule } from '../../../src-shared/label-rule'
import { manifestPathProblem } from './adapters'
import { ClipQuerySchema, type ClipPage, type ClipQuery, type DatasetRow, type DatasetStats, type RelinkReport } from '../../../src-shared/contract/datasets'

/** A clip's label: the effective one under its dataset's label rule (store/label-rule.ts). */
export const CURRENT_LABEL_SQL = labelSql('dataset')

export function listDatasets(ws: Workspace): DatasetRow[] {
  return listDatasetRows(ws.db)
}

/** Counts under the dataset's stored rule, or under `rule` (a preview, or a rule pinned by a training run). */
export function datasetStats(ws: Workspace, datasetId: number, rule?: LabelRule): DatasetStats {
  requireDatasetRow(ws.db, datasetId)
  const labelRule = rule ?? getLabelRule(ws, datasetId)
  const c = clipCounts(ws.db, datasetId, labelRule)
  const byEmotion: Record<string, number> = Object.fromEntries(c.byLabel.map((r) => [r.e ?? 'unlabelled', r.n]))
  const bySpeaker: Record<string, number> = Object.fromEntries(c.speakers.map((s) => [s.code, s.clips]))
  if (c.noSpeaker) bySpeaker['(none)'] = c.noSpeaker
  return {
    datasetId,
    clips: c.clips,
    durationSec: c.durationSec,
    byEmotion,
    bySpeaker,
    speakers: c.speakers,
    labelRule,
    annotators: datasetAnnotators(ws, datasetId),
  }
}

/** A page of clips; `emotion` is each clip's label under the dataset's rule, or under `rule` when given. */
export function listClips(ws: Workspace, query: ClipQuery, rule?: LabelRule): ClipPage {
  return clipPage(ws.db, ClipQuerySchema.parse(query), rule ?? 'dataset')
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256')
    fs.createReadStream(file).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')))
  })
}

/**
 * Points a dataset at a folder it was moved to: each clip is looked up at
 * newRoot/rel_path and accepted only if its sha256 still matches.
 */
export async function relinkDataset(ws: Workspace, datasetId: number, newRoot: string): Promise<RelinkReport> {
  requireDatasetRow(ws.db, datasetId)
  const root = path.resolve(newRoot)
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`cannot relink dataset ${datasetId}: ${root} is not a folder`)
  const clips = datasetClips(ws.db, datasetId)
  const missing: string[] = []
  const mismatched: string[] = []
  const updates: [string, number][] = []
  const realRoot = fs.realpathSync(root)
  for (const c of clips) {
    const p = path.join(root, ...c.rel_path.split('/'))
    // the same rules as a manifest row: relative, inside the new folder, a regular file (a FIFO would block the hash)
    if (manifestPathProblem(realRoot, c.rel_path, p)) {
      missing.push(c.rel_path)
      continue
    }
    if ((await sha256File(p)) !== c.content_hash) mismatched.push(c.rel_path)
    else updates.push([p, c.id])
  }
  ws.db.transaction(() => {
    for (const [p, id] of updates) moveClip(ws.db, id, p)
    if (updates.length) setDatasetRoot(ws.db, datasetId, root)
  })()
  return { datasetId, newRoot: root, relinked: updates.length, missing, mismatched }
}
