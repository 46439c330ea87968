/**
 * The one owner of the `datasets` and `import_reports` tables (migrations 001, 101, 102):
 * rows, names, roots and the import log. The label-rule columns are read and written by
 * label-rule.ts, which resolves a clip's label under them; the speech columns (migration 103) by
 * dataset-speech.ts.
 */
import { notFound } from '../../../src-shared/errors'
import type { DatasetRow, Layout } from '../../../src-shared/contract/datasets'
import type { Db } from './workspace'

export interface StoredDataset {
  id: number
  name: string
  layout: string
  root_path: string | null
}

export function datasetRow(db: Db, id: number): StoredDataset | undefined {
  return db.prepare('SELECT id, name, layout, root_path FROM datasets WHERE id = ?').get(id) as StoredDataset | undefined
}

/** The dataset, or a not_found ServiceError naming the id. */
export function requireDatasetRow(db: Db, id: number): StoredDataset {
  const d = datasetRow(db, id)
  if (!d) throw notFound(`no dataset with id ${id}`)
  return d
}

export function datasetByName(db: Db, name: string): StoredDataset | undefined {
  return db.prepare('SELECT id, name, layout, root_path FROM datasets WHERE name = ?').get(name) as StoredDataset | undefined
}

export function insertDataset(db: Db, d: { name: string; layout: string; root: string }): number {
  return Number(db.prepare('INSERT INTO datasets (name, layout, root_path) VALUES (?, ?, ?)').run(d.name, d.layout, d.root).lastInsertRowid)
}

export function setDatasetRoot(db: Db, id: number, root: string): void {
  db.prepare('UPDATE datasets SET root_path = ? WHERE id = ?').run(root, id)
}

/** Every dataset with its clip, speaker and duration totals. */
export function listDatasetRows(db: Db): DatasetRow[] {
  return db
    .prepare(
      `SELECT d.id, d.name, d.layout, d.root_path AS rootPath, d.created_at AS createdAt, d.speech, d.speech_source AS speechSource,
        (SELECT COUNT(*) FROM clips c WHERE c.dataset_id = d.id) AS clips,
        (SELECT COUNT(*) FROM speakers s WHERE s.dataset_id = d.id) AS speakers,
        (SELECT COALESCE(SUM(duration_sec), 0) FROM clips c WHERE c.dataset_id = d.id) AS durationSec
       FROM datasets d ORDER BY d.id`,
    )
    .all() as (DatasetRow & { layout: Layout })[]
}

export function insertImportReport(db: Db, datasetId: number, report: unknown): void {
  db.prepare('INSERT INTO import_reports (dataset_id, report_json) VALUES (?, ?)').run(datasetId, JSON.stringify(report))
}
