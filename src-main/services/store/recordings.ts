/**
 * Reads of the recordings dataset (clips of the dataset named RECORDINGS_DATASET, layout
 * 'recordings'): its clips with person, label under the dataset's rule and metadata. The
 * rows themselves are written through clips.ts, datasets.ts and labels.ts.
 */
import { labelSql } from './label-rule'
import { RECORDINGS_DATASET } from '../../../src-shared/contract/recordings'
import type { Db } from './workspace'

export interface RecordingRow {
  clipId: number
  datasetId: number
  person: string
  emotion: string | null
  path: string
  durationSec: number
  meta: string | null
  createdAt: string
}

const SELECT = `SELECT c.id AS clipId, c.dataset_id AS datasetId, s.code AS person, ${labelSql('dataset')} AS emotion, c.path, c.duration_sec AS durationSec,
  c.meta_json AS meta, c.created_at AS createdAt
  FROM clips c JOIN datasets d ON d.id = c.dataset_id JOIN speakers s ON s.id = c.speaker_id
  WHERE d.name = '${RECORDINGS_DATASET}' AND d.layout = 'recordings'`

export function recordingRow(db: Db, clipId: number): RecordingRow | undefined {
  return db.prepare(`${SELECT} AND c.id = ?`).get(clipId) as RecordingRow | undefined
}

/** A person's recordings (or everyone's), oldest first. */
export function recordingRows(db: Db, person?: string): RecordingRow[] {
  return (
    person === undefined ? db.prepare(`${SELECT} ORDER BY c.id`).all() : db.prepare(`${SELECT} AND s.code = ? ORDER BY c.id`).all(person)
  ) as RecordingRow[]
}
