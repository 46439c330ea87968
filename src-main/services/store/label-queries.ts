/**
 * Reads of the `labels` table for the labelling service (the owner of its writes is labels.ts):
 * the clip queue with this annotator's labels, progress counts, agreement input and export rows.
 */
import type { Workspace } from './workspace'
import { likePattern } from './clips'
import { requireDatasetRow } from './datasets'
import { LabelClipQuerySchema, type LabelClip, type LabelClipPage, type LabelClipQuery, type Progress } from '../../../src-shared/contract/labels'

/** Human labels only: 'corpus' labels are what a corpus claims, not the work of the Label view. */
const MINE = `(SELECT l.emotion FROM labels l WHERE l.clip_id = c.id AND l.annotator = @annotator AND l.source != 'corpus'
  AND l.deleted_at IS NULL AND l.start_sec IS NULL ORDER BY l.id DESC LIMIT 1)`
const REGIONS = `(SELECT COUNT(*) FROM labels l WHERE l.clip_id = c.id AND l.annotator = @annotator AND l.source != 'corpus'
  AND l.deleted_at IS NULL AND l.start_sec IS NOT NULL)`
const DONE = `EXISTS (SELECT 1 FROM labels l WHERE l.clip_id = c.id AND l.annotator = @annotator AND l.source != 'corpus' AND l.deleted_at IS NULL)`
const OTHERS = `(SELECT COUNT(DISTINCT l.annotator) FROM labels l WHERE l.clip_id = c.id AND l.annotator != @annotator
  AND l.source != 'corpus' AND l.deleted_at IS NULL)`

export function requireDataset(ws: Workspace, datasetId: number): void {
  requireDatasetRow(ws.db, datasetId)
}

export function progress(ws: Workspace, datasetId: number, annotator: string): Progress {
  requireDataset(ws, datasetId)
  const total = ws.db.prepare('SELECT COUNT(*) FROM clips WHERE dataset_id = ?').pluck().get(datasetId) as number
  const labelled = ws.db.prepare(`SELECT COUNT(*) FROM clips c WHERE c.dataset_id = @datasetId AND ${DONE}`).pluck().get({ datasetId, annotator }) as number
  const byEmotion: Record<string, number> = {}
  const rows = ws.db
    .prepare(
      `SELECT l.emotion AS e, COUNT(*) AS n FROM labels l JOIN clips c ON c.id = l.clip_id
       WHERE c.dataset_id = @datasetId AND l.annotator = @annotator AND l.source != 'corpus' AND l.deleted_at IS NULL GROUP BY l.emotion`,
    )
    .all({ datasetId, annotator }) as { e: string; n: number }[]
  for (const r of rows) byEmotion[r.e] = r.n
  return { total, labelled, todo: total - labelled, byEmotion }
}

export function labelClips(ws: Workspace, query: LabelClipQuery): LabelClipPage {
  const q = LabelClipQuerySchema.parse(query)
  requireDataset(ws, q.datasetId)
  const where = ['c.dataset_id = @datasetId']
  if (q.status === 'todo') where.push(`NOT ${DONE}`)
  if (q.status === 'done') where.push(DONE)
  if (q.search) where.push("c.rel_path LIKE @search ESCAPE '\\'")
  const params: Record<string, unknown> = { datasetId: q.datasetId, annotator: q.annotator }
  if (q.search) params.search = likePattern(q.search)
  const from = `FROM clips c LEFT JOIN speakers s ON s.id = c.speaker_id WHERE ${where.join(' AND ')}`
  const total = ws.db.prepare(`SELECT COUNT(*) ${from}`).pluck().get(params) as number
  const clips = ws.db
    .prepare(
      `SELECT c.id, c.rel_path AS relPath, c.duration_sec AS durationSec, s.code AS speaker,
        ${MINE} AS mine, ${REGIONS} AS regions, ${OTHERS} AS others
       ${from} ORDER BY c.rel_path, c.id LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: q.limit, offset: q.offset }) as LabelClip[]
  return { total, clips, progress: progress(ws, q.datasetId, q.annotator) }
}

/** Each human annotator's current whole-clip label per clip of a dataset (input for agreement). */
export function wholeClipLabelsByAnnotator(ws: Workspace, datasetId: number, includeCorpus = false): Map<number, Map<string, string>> {
  const rows = ws.db
    .prepare(
      `SELECT l.clip_id AS clipId, l.annotator, l.emotion FROM labels l JOIN clips c ON c.id = l.clip_id
       WHERE c.dataset_id = ? AND l.deleted_at IS NULL AND l.start_sec IS NULL ${includeCorpus ? '' : "AND l.source != 'corpus'"}
       ORDER BY l.id`,
    )
    .all(datasetId) as { clipId: number; annotator: string; emotion: string }[]
  const out = new Map<number, Map<string, string>>()
  for (const r of rows) {
    let m = out.get(r.clipId)
    if (!m) out.set(r.clipId, (m = new Map()))
    m.set(r.annotator, r.emotion) // later rows win: the current label
  }
  return out
}

export interface ExportRow {
  clip_id: number
  rel_path: string
  content_hash: string
  emotion: string
  start_sec: number | null
  end_sec: number | null
  annotator: string
  source: string
  created_at: string
}

/** Live labels of a dataset (or of one clip), human ones only unless `includeCorpus`, optionally of one annotator. */
export function liveRows(ws: Workspace, of: { datasetId: number } | { clipId: number }, annotator?: string, includeCorpus = false): ExportRow[] {
  const where = 'datasetId' in of ? 'c.dataset_id = ?' : 'l.clip_id = ?'
  const extra = [annotator ? 'AND l.annotator = ?' : '', includeCorpus ? '' : "AND l.source != 'corpus'"].join(' ')
  return ws.db
    .prepare(
      `SELECT l.clip_id, c.rel_path, c.content_hash, l.emotion, l.start_sec, l.end_sec, l.annotator, l.source, l.created_at
       FROM labels l JOIN clips c ON c.id = l.clip_id WHERE ${where} AND l.deleted_at IS NULL ${extra}
       ORDER BY c.rel_path, l.annotator, l.start_sec IS NOT NULL, l.start_sec, l.id`,
    )
    .all('datasetId' in of ? of.datasetId : of.clipId, ...(annotator ? [annotator] : [])) as ExportRow[]
}

/** Clips of a dataset this annotator has not labelled yet (by relative path, at most `limit`). */
export function unlabelledClips(
  ws: Workspace,
  datasetId: number,
  annotator: string,
  limit: number,
): { id: number; path: string; content_hash: string; rel_path: string }[] {
  return ws.db
    .prepare(
      `SELECT c.id, c.path, c.content_hash, c.rel_path FROM clips c WHERE c.dataset_id = ?
       AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.clip_id = c.id AND l.annotator = ? AND l.source != 'corpus' AND l.deleted_at IS NULL)
       ORDER BY c.rel_path LIMIT ?`,
    )
    .all(datasetId, annotator, limit) as { id: number; path: string; content_hash: string; rel_path: string }[]
}
