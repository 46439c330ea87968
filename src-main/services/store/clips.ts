/**
 * The one owner of the `clips` and `speakers` tables (migration 001): clip rows, speakers,
 * paging and counts. A clip's label is read through label-rule.ts (`labelSql`), the one
 * resolver of the effective label.
 */
import { notFound } from '../../../src-shared/errors'
import type { ClipRow } from '../../../src-shared/contract/datasets'
import { labelSql } from './label-rule'
import type { LabelRule } from '../../../src-shared/label-rule'
import type { Db } from './workspace'

export interface StoredClip {
  id: number
  dataset_id: number
  speaker_id: number | null
  path: string
  rel_path: string
  content_hash: string
  duration_sec: number
  sample_rate: number
  meta_json: string | null
}

export interface NewClip {
  datasetId: number
  speakerId: number | null
  path: string
  relPath: string
  contentHash: string
  durationSec: number
  sampleRate: number
  channels: number
  format: string
  intensity?: string | null
  sentence?: string | null
  meta: unknown
}

const COLUMNS = 'id, dataset_id, speaker_id, path, rel_path, content_hash, duration_sec, sample_rate, meta_json'

export function clipRow(db: Db, id: number): StoredClip | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM clips WHERE id = ?`).get(id) as StoredClip | undefined
}

export function requireClipRow(db: Db, id: number): StoredClip {
  const c = clipRow(db, id)
  if (!c) throw notFound(`no clip with id ${id}`)
  return c
}

export function clipDuration(db: Db, id: number): number | undefined {
  return clipRow(db, id)?.duration_sec
}

/** Every clip of a dataset, by relative path. */
export function datasetClips(db: Db, datasetId: number): StoredClip[] {
  return db.prepare(`SELECT ${COLUMNS} FROM clips WHERE dataset_id = ? ORDER BY rel_path, id`).all(datasetId) as StoredClip[]
}

export function clipByHash(db: Db, datasetId: number, hash: string): StoredClip | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM clips WHERE dataset_id = ? AND content_hash = ?`).get(datasetId, hash) as StoredClip | undefined
}

export function countClips(db: Db, datasetId: number): number {
  return db.prepare('SELECT COUNT(*) FROM clips WHERE dataset_id = ?').pluck().get(datasetId) as number
}

/** The speaker's id, made on first use; a known gender is kept when the new one is unknown. */
export function upsertSpeaker(db: Db, datasetId: number, code: string, gender: string | null = null): number {
  const sql = `INSERT INTO speakers (dataset_id, code, gender) VALUES (?, ?, ?)
     ON CONFLICT (dataset_id, code) DO UPDATE SET gender = COALESCE(excluded.gender, speakers.gender) RETURNING id`
  return (db.prepare(sql).get(datasetId, code, gender) as { id: number }).id
}

export function insertClip(db: Db, c: NewClip): number {
  const sql = `INSERT INTO clips (dataset_id, speaker_id, path, rel_path, content_hash, duration_sec, sample_rate, channels, format,
       intensity, sentence, meta_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  const args = [c.datasetId, c.speakerId, c.path, c.relPath, c.contentHash, c.durationSec, c.sampleRate, c.channels, c.format]
  return Number(db.prepare(sql).run(...args, c.intensity ?? null, c.sentence ?? null, JSON.stringify(c.meta)).lastInsertRowid)
}

/** A clip found at another path (relinked); the relative path too when given. */
export function moveClip(db: Db, id: number, path: string, relPath?: string): void {
  if (relPath === undefined) db.prepare('UPDATE clips SET path = ? WHERE id = ?').run(path, id)
  else db.prepare('UPDATE clips SET path = ?, rel_path = ? WHERE id = ?').run(path, relPath, id)
}

/** Deletes a clip row (its labels cascade). */
export function deleteClip(db: Db, id: number): void {
  db.prepare('DELETE FROM clips WHERE id = ?').run(id)
}

/** Clip count, total duration, counts per label (under `rule`) and per speaker of a dataset. */
export function clipCounts(db: Db, datasetId: number, rule: LabelRule | 'dataset') {
  const totals = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(duration_sec), 0) AS d FROM clips WHERE dataset_id = ?').get(datasetId) as {
    n: number
    d: number
  }
  const byLabel = db.prepare(`SELECT ${labelSql(rule)} AS e, COUNT(*) AS n FROM clips c WHERE c.dataset_id = ? GROUP BY e`).all(datasetId) as {
    e: string | null
    n: number
  }[]
  const speakers = db
    .prepare(
      `SELECT s.code, s.gender, (SELECT COUNT(*) FROM clips c WHERE c.speaker_id = s.id) AS clips
       FROM speakers s WHERE s.dataset_id = ? ORDER BY s.code`,
    )
    .all(datasetId) as { code: string; gender: 'female' | 'male' | null; clips: number }[]
  return { clips: totals.n, durationSec: totals.d, byLabel, speakers, noSpeaker: noSpeakerClips(db, datasetId) }
}

export function noSpeakerClips(db: Db, datasetId: number): number {
  return db.prepare('SELECT COUNT(*) FROM clips WHERE dataset_id = ? AND speaker_id IS NULL').pluck().get(datasetId) as number
}

/** Clips per (speaker, effective label) of a dataset: what speaker-independent folds balance. */
export function speakerLabelCounts(db: Db, datasetId: number): { id: number; code: string; e: string | null; n: number }[] {
  return db
    .prepare(
      `SELECT s.id, s.code, ${labelSql('dataset')} AS e, COUNT(*) AS n
       FROM clips c JOIN speakers s ON s.id = c.speaker_id WHERE c.dataset_id = ? GROUP BY s.id, e ORDER BY s.code`,
    )
    .all(datasetId) as { id: number; code: string; e: string | null; n: number }[]
}

export interface ClipFilter {
  datasetId: number
  emotion?: string
  speaker?: string
  search?: string
  limit: number
  offset: number
}

/** LIKE pattern for a search text (%, _ and \ taken literally). */
export const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (m) => '\\' + m)}%`

/** A page of clips; `emotion` is each clip's label under `rule` (the dataset's own by default). */
export function clipPage(db: Db, q: ClipFilter, rule: LabelRule | 'dataset' = 'dataset'): { total: number; clips: ClipRow[] } {
  const label = labelSql(rule)
  const where = ['c.dataset_id = @datasetId']
  const named: Record<string, unknown> = { datasetId: q.datasetId }
  if (q.emotion !== undefined) (where.push(`${label} = @emotion`), (named.emotion = q.emotion))
  if (q.speaker !== undefined) (where.push('s.code = @speaker'), (named.speaker = q.speaker))
  if (q.search) (where.push("c.rel_path LIKE @search ESCAPE '\\'"), (named.search = likePattern(q.search)))
  const from = `FROM clips c LEFT JOIN speakers s ON s.id = c.speaker_id WHERE ${where.join(' AND ')}`
  const total = db.prepare(`SELECT COUNT(*) ${from}`).pluck().get(named) as number
  const clips = db
    .prepare(
      `SELECT c.id, c.dataset_id AS datasetId, c.path, c.rel_path AS relPath, c.content_hash AS contentHash,
        c.duration_sec AS durationSec, c.sample_rate AS sampleRate, c.channels, c.format,
        s.code AS speaker, s.gender, ${label} AS emotion, c.intensity, c.sentence
       ${from} ORDER BY c.rel_path LIMIT @limit OFFSET @offset`,
    )
    .all({ ...named, limit: q.limit, offset: q.offset }) as ClipRow[]
  return { total, clips }
}

/** A clip with its effective label under its dataset's rule (null: unlabelled). */
export function labelledClip(db: Db, id: number): (StoredClip & { emotion: string | null }) | undefined {
  return db.prepare(`SELECT ${COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}, ${labelSql('dataset')} AS emotion FROM clips c WHERE c.id = ?`).get(id) as
    | (StoredClip & { emotion: string | null })
    | undefined
}

export interface ClipOrigin {
  clipId: number
  dataset: string
  layout: string
  speaker: string | null
  createdAt: string
}

/** Where each clip comes from: dataset, layout, speaker, when it was added (enrollment's basis reads it). */
export function clipOrigins(db: Db, clipIds: readonly number[]): ClipOrigin[] {
  const q = db.prepare(
    `SELECT c.id AS clipId, d.name AS dataset, d.layout, s.code AS speaker, c.created_at AS createdAt
     FROM clips c JOIN datasets d ON d.id = c.dataset_id LEFT JOIN speakers s ON s.id = c.speaker_id WHERE c.id = ?`,
  )
  return clipIds.map((id) => q.get(id) as ClipOrigin | undefined).filter((r): r is ClipOrigin => !!r)
}
