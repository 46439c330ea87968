/**
 * The one owner of the `labels` and `label_actions` tables (migrations 001, 501). Rows in
 * `labels` are never erased or edited except for setting deleted_at once: a change
 * soft-deletes the old row and inserts a new one. Every write, whoever makes it (the Label
 * view, a label import, a recording, a corpus import), goes through `writeLabels`, which
 * records it as one row of `label_actions` (ids live before / after) in the same
 * transaction, so every label has its undo-log entry and an acknowledged label is on disk
 * (WAL, synchronous=FULL) before the renderer shows it as saved.
 */
import type { Db } from './workspace'

export interface LabelRow {
  id: number
  clip_id: number
  emotion: string
  start_sec: number | null
  end_sec: number | null
  annotator: string
  source: 'corpus' | 'annotator' | 'import'
  created_at: string
  deleted_at: string | null
}

export interface ActionRow {
  id: number
  annotator: string
  clip_id: number | null
  kind: string
  description: string
  before_ids: string
  after_ids: string
  state: 'done' | 'undone' | 'discarded'
  dataset_id: number | null
}

export interface NewLabel {
  clipId: number
  emotion: string
  startSec: number | null
  endSec: number | null
  annotator: string
  source: LabelRow['source']
}

export interface ActionInput {
  annotator: string
  clipId: number | null
  /** the dataset of a clip-less action (a dataset-wide import); taken from the clip otherwise */
  datasetId?: number | null
  kind: 'set' | 'region' | 'update' | 'delete' | 'import'
  description: string
}

/** What a change may do inside `writeLabels`: add rows, soft-delete rows, read the live ones. */
export interface LabelWriter {
  add(l: NewLabel): number
  remove(ids: number[]): void
  /** This annotator's live human labels of a clip (corpus labels left out), oldest first. */
  liveOf(clipId: number, annotator: string): LabelRow[]
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

function insertLabel(db: Db, l: NewLabel): number {
  return Number(
    db
      .prepare('INSERT INTO labels (clip_id, emotion, start_sec, end_sec, annotator, source) VALUES (?, ?, ?, ?, ?, ?)')
      .run(l.clipId, l.emotion, l.startSec, l.endSec, l.annotator, l.source).lastInsertRowid,
  )
}

function softDelete(db: Db, ids: number[]): void {
  const st = db.prepare(`UPDATE labels SET deleted_at = ${NOW} WHERE id = ? AND deleted_at IS NULL`)
  for (const id of ids) st.run(id)
}

/**
 * The one write path of labels: runs `change` and records what it removed and added as one
 * action of `a.annotator` (ending that annotator's redo chain), in one immediate transaction.
 * `discardEmpty`: a change that wrote nothing leaves a discarded action (not worth undoing).
 */
export function writeLabels(
  db: Db,
  a: ActionInput,
  change: (w: LabelWriter) => void,
  opts: { discardEmpty?: boolean } = {},
): { actionId: number; datasetId: number | null; added: number[] } {
  return db.transaction(() => {
    const removed: number[] = []
    const added: number[] = []
    const live = db.prepare("SELECT * FROM labels WHERE clip_id = ? AND annotator = ? AND deleted_at IS NULL AND source != 'corpus' ORDER BY id")
    change({
      add: (l) => {
        const id = insertLabel(db, l)
        added.push(id)
        return id
      },
      remove: (ids) => {
        softDelete(db, ids)
        removed.push(...ids)
      },
      liveOf: (clipId, annotator) => live.all(clipId, annotator) as LabelRow[],
    })
    const datasetId = a.clipId !== null ? clipDataset(db, a.clipId) : (a.datasetId ?? null)
    // A new action ends this annotator's redo chain in its dataset (undo and redo are per dataset).
    db.prepare("UPDATE label_actions SET state = 'discarded' WHERE annotator = ? AND state = 'undone' AND dataset_id IS ?").run(a.annotator, datasetId)
    const state = opts.discardEmpty && !added.length && !removed.length ? 'discarded' : 'done'
    const sql = 'INSERT INTO label_actions (annotator, clip_id, dataset_id, kind, description, before_ids, after_ids, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
    const ids = [JSON.stringify(removed), JSON.stringify(added)]
    const id = Number(db.prepare(sql).run(a.annotator, a.clipId, datasetId, a.kind, a.description, ...ids, state).lastInsertRowid)
    return { actionId: id, datasetId, added }
  }).immediate()
}

/** Live labels of a clip (every annotator, corpus included), whole-clip first, then regions by start. */
export function liveClipLabels(db: Db, clipId: number): LabelRow[] {
  return db.prepare('SELECT * FROM labels WHERE clip_id = ? AND deleted_at IS NULL ORDER BY start_sec IS NOT NULL, start_sec, id').all(clipId) as LabelRow[]
}

export function labelRow(db: Db, id: number): LabelRow | undefined {
  return db.prepare('SELECT * FROM labels WHERE id = ?').get(id) as LabelRow | undefined
}

export function actionRow(db: Db, id: number): ActionRow | undefined {
  return db.prepare('SELECT * FROM label_actions WHERE id = ?').get(id) as ActionRow | undefined
}

function clipDataset(db: Db, clipId: number): number | null {
  return (db.prepare('SELECT dataset_id FROM clips WHERE id = ?').pluck().get(clipId) as number | undefined) ?? null
}

/**
 * Undo takes the latest done action; redo the earliest undone one (they were undone latest-first);
 * within one dataset when `datasetId` is given.
 */
export function lastAction(db: Db, annotator: string, state: 'done' | 'undone', datasetId?: number): ActionRow | undefined {
  const order = state === 'done' ? 'DESC' : 'ASC'
  const inDataset = datasetId === undefined ? '' : 'AND dataset_id = @datasetId'
  return db
    .prepare(`SELECT * FROM label_actions WHERE annotator = @annotator AND state = @state ${inDataset} ORDER BY id ${order} LIMIT 1`)
    .get({ annotator, state, datasetId }) as ActionRow | undefined
}

/** The action that replaced exactly label `id` by an edit of this annotator (null: none). */
export function replacementOf(db: Db, id: number, annotator: string): number[] | null {
  const sql = "SELECT after_ids FROM label_actions WHERE annotator = ? AND kind = 'update' AND state = 'done' AND before_ids = ? ORDER BY id DESC LIMIT 1"
  const after = db.prepare(sql).pluck().get(annotator, JSON.stringify([id])) as string | undefined
  return after ? (JSON.parse(after) as number[]) : null
}

/**
 * Undo (or redo) of action `a`: its added (removed) rows are soft-deleted and copies of the
 * others come back (same content, new ids), so history is never edited.
 */
export function stepAction(db: Db, a: ActionRow, kind: 'undo' | 'redo'): void {
  const [drop, bring] = kind === 'undo' ? [a.after_ids, a.before_ids] : [a.before_ids, a.after_ids]
  softDelete(db, JSON.parse(drop) as number[])
  const copies = JSON.stringify(
    (JSON.parse(bring) as number[]).map((id) => {
      const r = labelRow(db, id)!
      return insertLabel(db, { clipId: r.clip_id, emotion: r.emotion, startSec: r.start_sec, endSec: r.end_sec, annotator: r.annotator, source: r.source })
    }),
  )
  if (kind === 'undo') db.prepare("UPDATE label_actions SET state = 'undone', before_ids = ? WHERE id = ?").run(copies, a.id)
  else db.prepare("UPDATE label_actions SET state = 'done', after_ids = ? WHERE id = ?").run(copies, a.id)
}
