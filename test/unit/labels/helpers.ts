import type { Workspace } from '../../../src-main/services/store/workspace'
import { clipLabels } from '../../../src-main/services/labels/index'

/** A dataset with `n` clip rows (no audio needed for label logic); returns the clip ids. */
export function seedClips(ws: Workspace, n: number, durationSec = 2, name = 'desk'): { datasetId: number; clipIds: number[] } {
  const datasetId = Number(ws.db.prepare("INSERT INTO datasets (name, layout, root_path) VALUES (?, 'folder', '/tmp/x')").run(name).lastInsertRowid)
  const ins = ws.db.prepare(
    "INSERT INTO clips (dataset_id, path, rel_path, content_hash, duration_sec, sample_rate, channels, format) VALUES (?, ?, ?, ?, ?, 16000, 1, 'wav')",
  )
  const clipIds: number[] = []
  for (let i = 0; i < n; i++) {
    const rel = `spk1/clip${String(i).padStart(2, '0')}.wav`
    clipIds.push(Number(ins.run(datasetId, `/tmp/x/${rel}`, rel, `${name}-hash-${i}`, durationSec).lastInsertRowid))
  }
  return { datasetId, clipIds }
}

/** One annotator's live labels on a clip (soft-deleted ones left out). */
export const liveLabels = (ws: Workspace, clipId: number, annotator = 'ann') => clipLabels(ws, clipId).filter((l) => l.annotator === annotator)

/** Every row of `labels`, soft-deleted ones included: a write never lowers it (a hard delete would). */
export const labelRows = (ws: Workspace) => ws.db.prepare('SELECT COUNT(*) FROM labels').pluck().get() as number
