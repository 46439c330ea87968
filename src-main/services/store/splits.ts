/** The one owner of the `splits` and `split_folds` tables (migration 101): stored speaker-independent folds. */
import type { Db } from './workspace'

export interface SplitRow {
  id: number
  dataset_id: number
  k: number
  seed: string
  created_at: string
}

/** Stores a split (replacing one of the same dataset, k and seed); returns its id. */
export function saveSplit(db: Db, s: { datasetId: number; k: number; seed: string }, folds: { speakerId: number; fold: number }[]): number {
  return db.transaction(() => {
    db.prepare('DELETE FROM splits WHERE dataset_id = ? AND k = ? AND seed = ?').run(s.datasetId, s.k, s.seed)
    const id = Number(db.prepare('INSERT INTO splits (dataset_id, k, seed) VALUES (?, ?, ?)').run(s.datasetId, s.k, s.seed).lastInsertRowid)
    const ins = db.prepare('INSERT INTO split_folds (split_id, speaker_id, fold) VALUES (?, ?, ?)')
    for (const f of folds) ins.run(id, f.speakerId, f.fold)
    return id
  })()
}

export function splitRow(db: Db, id: number): SplitRow | undefined {
  return db.prepare('SELECT id, dataset_id, k, seed, created_at FROM splits WHERE id = ?').get(id) as SplitRow | undefined
}

/** speaker id -> fold of a split. */
export function splitFolds(db: Db, splitId: number): Map<number, number> {
  const rows = db.prepare('SELECT speaker_id, fold FROM split_folds WHERE split_id = ?').all(splitId) as { speaker_id: number; fold: number }[]
  return new Map(rows.map((r) => [r.speaker_id, r.fold]))
}

/** The latest split of a dataset matching k and seed where given. */
export function latestSplitId(db: Db, datasetId: number, opts: { k?: number; seed?: string }): number | undefined {
  const where = ['dataset_id = ?']
  const args: (number | string)[] = [datasetId]
  if (opts.k !== undefined) (where.push('k = ?'), args.push(opts.k))
  if (opts.seed !== undefined) (where.push('seed = ?'), args.push(opts.seed))
  return db.prepare(`SELECT id FROM splits WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT 1`).pluck().get(...args) as number | undefined
}

/** Fold of every clip of a split (clips whose speaker is not in the split are left out). */
export function clipFoldRows(db: Db, splitId: number): { clipId: number; fold: number }[] {
  return db
    .prepare('SELECT c.id AS clipId, f.fold FROM split_folds f JOIN clips c ON c.speaker_id = f.speaker_id WHERE f.split_id = ? ORDER BY c.id')
    .all(splitId) as { clipId: number; fold: number }[]
}
