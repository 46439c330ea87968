/**
 * The owner of the columns datasets.speech and datasets.speech_source (migration 103; the rest of the table is datasets.ts): whether a dataset's audio is
 * generated or recorded speech, and how that was decided (the folder's mark, an unmarked folder, a person).
 * The model page and the Live banner read it here, by the corpus name a model card records.
 */
import type { Workspace } from './workspace'
import { SpeechOriginSchema, type SpeechOrigin, type SpeechSource } from '../../../src-shared/corpus-mark'

export interface DatasetSpeech {
  id: number
  name: string
  speech: SpeechOrigin
  speechSource: SpeechSource | null
  /** Speakers the dataset holds. */
  speakers: number
}

export class DatasetSpeechError extends Error {
  override name = 'DatasetSpeechError'
}

const SELECT = `SELECT d.id, d.name, d.speech, d.speech_source AS speechSource,
  (SELECT COUNT(*) FROM speakers s WHERE s.dataset_id = d.id) AS speakers FROM datasets d`

/** A dataset's speech origin and speaker count by name (a model card's corpus); null when no such dataset is here. */
export function datasetSpeechByName(ws: Workspace, name: string): DatasetSpeech | null {
  return (ws.db.prepare(`${SELECT} WHERE d.name = ?`).get(name) as DatasetSpeech | undefined) ?? null
}

export function datasetSpeech(ws: Workspace, id: number): DatasetSpeech {
  const row = ws.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as DatasetSpeech | undefined
  if (!row) throw new DatasetSpeechError(`no dataset with id ${id}`)
  return row
}

/**
 * Records the origin. An import (`mark`/`unmarked`) never overrides what a person set; a person (`user`) always can.
 */
export function setDatasetSpeech(ws: Workspace, id: number, speech: SpeechOrigin, source: SpeechSource): DatasetSpeech {
  const s = SpeechOriginSchema.parse(speech)
  const guard = source === 'user' ? '' : " AND (speech_source IS NULL OR speech_source != 'user')"
  const r = ws.db.prepare(`UPDATE datasets SET speech = ?, speech_source = ? WHERE id = ?${guard}`).run(s, source, id)
  if (r.changes === 0 && !ws.db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(id)) throw new DatasetSpeechError(`no dataset with id ${id}`)
  return datasetSpeech(ws, id)
}
