/** Read side of the corpus service, plus relinking a moved dataset folder. */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Workspace } from '../store/workspace'
import { datasetAnnotators, getLabelRule, labelSql } from '../store/label-rule'
import type { LabelRule } from '../../../src-shared/label-rule'
import { manifestPathProblem } from './adapters'
import { ClipQuerySchema, type ClipPage, type ClipQuery, type ClipRow, type DatasetRow, type DatasetStats, type Layout, type RelinkReport } from '../../../src-shared/contract/datasets'

/** A clip's label: the effective one under its dataset's label rule (store/label-rule.ts). */
export const CURRENT_LABEL_SQL = labelSql('dataset')

export function listDatasets(ws: Workspace): DatasetRow[] {
  const rows = ws.db
    .prepare(
      `SELECT d.id, d.name, d.layout, d.root_path AS rootPath, d.created_at AS createdAt, d.speech, d.speech_source AS speechSource,
        (SELECT COUNT(*) FROM clips c WHERE c.dataset_id = d.id) AS clips,
        (SELECT COUNT(*) FROM speakers s WHERE s.dataset_id = d.id) AS speakers,
        (SELECT COALESCE(SUM(duration_sec), 0) FROM clips c WHERE c.dataset_id = d.id) AS durationSec
       FROM datasets d ORDER BY d.id`,
    )
    .all() as (DatasetRow & { layout: Layout })[]
  return rows
}

function requireDataset(ws: Workspace, datasetId: number): { id: number; root_path: string | null } {
  const d = ws.db.prepare('SELECT id, root_path FROM datasets WHERE id = ?').get(datasetId) as { id: number; root_path: string | null } | undefined
  if (!d) throw new Error(`no dataset with id ${datasetId}`)
  return d
}

/** Counts under the dataset's stored rule, or under `rule` (a preview, or a rule pinned by a training run). */
export function datasetStats(ws: Workspace, datasetId: number, rule?: LabelRule): DatasetStats {
  requireDataset(ws, datasetId)
  const db = ws.db
  const labelRule = rule ?? getLabelRule(ws, datasetId)
  const totals = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(duration_sec), 0) AS d FROM clips WHERE dataset_id = ?').get(datasetId) as { n: number; d: number }
  const byEmotion: Record<string, number> = {}
  for (const r of db.prepare(`SELECT ${labelSql(labelRule)} AS e, COUNT(*) AS n FROM clips c WHERE c.dataset_id = ? GROUP BY e`).all(datasetId) as { e: string | null; n: number }[]) {
    byEmotion[r.e ?? 'unlabelled'] = r.n
  }
  const speakers = db
    .prepare(
      `SELECT s.code, s.gender, (SELECT COUNT(*) FROM clips c WHERE c.speaker_id = s.id) AS clips
       FROM speakers s WHERE s.dataset_id = ? ORDER BY s.code`,
    )
    .all(datasetId) as { code: string; gender: 'female' | 'male' | null; clips: number }[]
  const bySpeaker: Record<string, number> = Object.fromEntries(speakers.map((s) => [s.code, s.clips]))
  const none = db.prepare('SELECT COUNT(*) FROM clips WHERE dataset_id = ? AND speaker_id IS NULL').pluck().get(datasetId) as number
  if (none) bySpeaker['(none)'] = none
  return { datasetId, clips: totals.n, durationSec: totals.d, byEmotion, bySpeaker, speakers, labelRule, annotators: datasetAnnotators(ws, datasetId) }
}

/** A page of clips; `emotion` is each clip's label under the dataset's rule, or under `rule` when given. */
export function listClips(ws: Workspace, query: ClipQuery, rule?: LabelRule): ClipPage {
  const q = ClipQuerySchema.parse(query)
  const label = rule ? labelSql(rule) : CURRENT_LABEL_SQL
  const where = ['c.dataset_id = @datasetId']
  if (q.emotion !== undefined) where.push(`${label} = @emotion`)
  if (q.speaker !== undefined) where.push('s.code = @speaker')
  if (q.search) where.push("c.rel_path LIKE @search ESCAPE '\\'")
  const params = { ...q, search: q.search ? `%${q.search.replace(/[\\%_]/g, (m) => '\\' + m)}%` : undefined }
  const from = `FROM clips c LEFT JOIN speakers s ON s.id = c.speaker_id WHERE ${where.join(' AND ')}`
  const named = Object.fromEntries(Object.entries(params).filter(([k, v]) => v !== undefined && ['datasetId', 'emotion', 'speaker', 'search'].includes(k)))
  const total = ws.db.prepare(`SELECT COUNT(*) ${from}`).pluck().get(named) as number
  const clips = ws.db
    .prepare(
      `SELECT c.id, c.dataset_id AS datasetId, c.path, c.rel_path AS relPath, c.content_hash AS contentHash,
        c.duration_sec AS durationSec, c.sample_rate AS sampleRate, c.channels, c.format,
        s.code AS speaker, s.gender, ${label} AS emotion, c.intensity, c.sentence
       ${from} ORDER BY c.rel_path LIMIT @limit OFFSET @offset`,
    )
    .all({ ...named, limit: q.limit, offset: q.offset }) as ClipRow[]
  return { total, clips }
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
  requireDataset(ws, datasetId)
  const root = path.resolve(newRoot)
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`cannot relink dataset ${datasetId}: ${root} is not a folder`)
  const clips = ws.db.prepare('SELECT id, rel_path, content_hash FROM clips WHERE dataset_id = ?').all(datasetId) as { id: number; rel_path: string; content_hash: string }[]
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
  const upd = ws.db.prepare('UPDATE clips SET path = ? WHERE id = ?')
  ws.db.transaction(() => {
    for (const [p, id] of updates) upd.run(p, id)
    if (updates.length) ws.db.prepare('UPDATE datasets SET root_path = ? WHERE id = ?').run(root, datasetId)
  })()
  return { datasetId, newRoot: root, relinked: updates.length, missing, mismatched }
}
