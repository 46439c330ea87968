/**
 * Label writes with undo/redo. Rows in `labels` are never erased or edited except
 * for setting deleted_at once: a change soft-deletes the old row and inserts a new
 * one. Each user action is one row in `label_actions` (ids live before / after),
 * written in the same transaction as the labels, so an acknowledged label is on
 * disk (WAL, synchronous=FULL) before the renderer shows it as saved.
 */
import type { Workspace } from '../store/workspace'
import type { ActionResult, Label, SetLabel, UndoState, UpdateRegion } from '../../../src-shared/contract/labels'
import { LabelError } from './errors'
import { once, type PriorRequest } from './requests'

export { LabelError }

type Db = Workspace['db']
interface LabelRow {
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
interface ActionRow {
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

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

export function toLabel(r: LabelRow): Label {
  return { id: r.id, clipId: r.clip_id, emotion: r.emotion, startSec: r.start_sec, endSec: r.end_sec, annotator: r.annotator, source: r.source, createdAt: r.created_at }
}

/** Live labels of a clip (every annotator, corpus included), whole-clip first, then regions by start. */
export function clipLabels(ws: Workspace, clipId: number): Label[] {
  const rows = ws.db
    .prepare('SELECT * FROM labels WHERE clip_id = ? AND deleted_at IS NULL ORDER BY start_sec IS NOT NULL, start_sec, id')
    .all(clipId) as LabelRow[]
  return rows.map(toLabel)
}

function clipDataset(db: Db, clipId: number): number | null {
  return (db.prepare('SELECT dataset_id FROM clips WHERE id = ?').pluck().get(clipId) as number | undefined) ?? null
}

function clipDuration(db: Db, clipId: number): number {
  const d = db.prepare('SELECT duration_sec FROM clips WHERE id = ?').pluck().get(clipId) as number | undefined
  if (d === undefined) throw new LabelError(`no clip with id ${clipId}`)
  return d
}

function checkRange(db: Db, clipId: number, start: number, end: number): void {
  const dur = clipDuration(db, clipId)
  // A little slack: decoders disagree about the last frame.
  if (end > dur + 0.05) throw new LabelError(`region ${start.toFixed(3)}-${end.toFixed(3)} s ends after clip ${clipId} (${dur.toFixed(3)} s)`)
  if (!(end > start)) throw new LabelError(`region must end after it starts (${start}-${end})`)
}

function insertLabel(db: Db, l: { clipId: number; emotion: string; startSec: number | null; endSec: number | null; annotator: string; source: string }): number {
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

/** Inserts a live copy of each row (same content, new id): how undo/redo restore without editing history. */
function copyRows(db: Db, ids: number[]): number[] {
  const get = db.prepare('SELECT * FROM labels WHERE id = ?')
  return ids.map((id) => {
    const r = get.get(id) as LabelRow
    return insertLabel(db, { clipId: r.clip_id, emotion: r.emotion, startSec: r.start_sec, endSec: r.end_sec, annotator: r.annotator, source: r.source })
  })
}

export interface ActionInput {
  annotator: string
  clipId: number | null
  /** the dataset of a clip-less action (a dataset-wide import); taken from the clip otherwise */
  datasetId?: number | null
  kind: 'set' | 'region' | 'update' | 'delete' | 'import'
  description: string
}

/**
 * Runs `change` (which returns the label ids it removed and added) and records it
 * as one action, all in one transaction (request ids are handled around it, by `once`).
 */
export function recordAction(ws: Workspace, a: ActionInput, change: (db: Db) => { removed: number[]; added: number[] }): ActionResult {
  const db = ws.db
  return db.transaction((): ActionResult => {
    const { removed, added } = change(db)
    softDelete(db, removed)
    const datasetId = a.clipId !== null ? clipDataset(db, a.clipId) : (a.datasetId ?? null)
    // A new action ends this annotator's redo chain in its dataset (undo and redo are per dataset).
    db.prepare("UPDATE label_actions SET state = 'discarded' WHERE annotator = ? AND state = 'undone' AND dataset_id IS ?").run(a.annotator, datasetId)
    const id = Number(
      db
        .prepare('INSERT INTO label_actions (annotator, clip_id, dataset_id, kind, description, before_ids, after_ids) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(a.annotator, a.clipId, datasetId, a.kind, a.description, JSON.stringify(removed), JSON.stringify(added)).lastInsertRowid,
    )
    return { actionId: id, clipId: a.clipId, datasetId, description: a.description, labels: a.clipId ? clipLabels(ws, a.clipId) : [] }
  }).immediate()
}

/** The answer a write gave, rebuilt for its retry: the action and its clip's labels as they are now. */
function actionAnswer(ws: Workspace, p: PriorRequest, prefix = ''): ActionResult | null {
  if (p.actionId === null) return null
  const a = ws.db.prepare('SELECT * FROM label_actions WHERE id = ?').get(p.actionId) as ActionRow
  return { actionId: a.id, clipId: a.clip_id, datasetId: a.dataset_id, description: `${prefix}${a.description}`, labels: a.clip_id ? clipLabels(ws, a.clip_id) : [] }
}
const replayAction = (ws: Workspace) => (p: PriorRequest) => actionAnswer(ws, p)!
const applied = (r: ActionResult) => ({ value: r, actionId: r.actionId })

/** Whole-clip label (replacing this annotator's current one) or a new region. */
export function setLabel(ws: Workspace, input: SetLabel, source: 'annotator' | 'import' = 'annotator'): ActionResult {
  const { clipId, emotion, annotator } = input
  const isRegion = input.startSec !== undefined && input.endSec !== undefined
  const bound = { requestId: input.requestId, annotator, kind: 'set' as const, payload: { clipId, emotion, startSec: input.startSec, endSec: input.endSec } }
  return once(ws, bound, replayAction(ws), () => {
    const db = ws.db
    clipDuration(db, clipId)
    if (isRegion) checkRange(db, clipId, input.startSec!, input.endSec!)
    const description = isRegion ? `${emotion} region ${input.startSec!.toFixed(2)}-${input.endSec!.toFixed(2)} s` : `label ${emotion}`
    return applied(
      recordAction(ws, { annotator, clipId, kind: isRegion ? 'region' : 'set', description }, (db) => {
        const removed = isRegion
          ? []
          : (db
              .prepare("SELECT id FROM labels WHERE clip_id = ? AND annotator = ? AND start_sec IS NULL AND deleted_at IS NULL AND source != 'corpus'")
              .pluck()
              .all(clipId, annotator) as number[])
        const added = [insertLabel(db, { clipId, emotion, startSec: isRegion ? input.startSec! : null, endSec: isRegion ? input.endSec! : null, annotator, source })]
        return { removed, added }
      }),
    )
  })
}

/**
 * The live label an edit of `labelId` means. An edit made offline names the label
 * as the page last saw it; when this annotator's own earlier edit (queued in the
 * same outage) has replaced it since, the edit applies to the replacement.
 */
function successor(db: Db, labelId: number, annotator: string): number {
  const get = db.prepare('SELECT deleted_at, annotator FROM labels WHERE id = ?')
  const next = db.prepare("SELECT after_ids FROM label_actions WHERE annotator = ? AND kind = 'update' AND state = 'done' AND before_ids = ? ORDER BY id DESC LIMIT 1").pluck()
  let id = labelId
  for (let hop = 0; hop < 1000; hop++) {
    const r = get.get(id) as { deleted_at: string | null; annotator: string } | undefined
    if (!r || !r.deleted_at || r.annotator !== annotator) return id
    const after = next.get(annotator, JSON.stringify([id])) as string | undefined
    const ids = after ? (JSON.parse(after) as number[]) : []
    if (ids.length !== 1) return id
    id = ids[0]
  }
  return id
}

function liveOwnLabel(db: Db, labelId: number, annotator: string): LabelRow {
  const r = db.prepare('SELECT * FROM labels WHERE id = ?').get(successor(db, labelId, annotator)) as LabelRow | undefined
  if (!r) throw new LabelError(`no label with id ${labelId}`)
  if (r.deleted_at) throw new LabelError(`label ${labelId} was already removed`)
  if (r.source === 'corpus') throw new LabelError(`label ${labelId} comes from the corpus and cannot be changed in the Label view`)
  if (r.annotator !== annotator) throw new LabelError(`label ${labelId} belongs to ${r.annotator}, not ${annotator}`)
  return r
}

/** Moves, resizes or relabels one of the annotator's labels (a new row replaces the old). */
export function updateRegion(ws: Workspace, input: UpdateRegion): ActionResult {
  const payload = { labelId: input.labelId, emotion: input.emotion, startSec: input.startSec, endSec: input.endSec }
  return once(ws, { requestId: input.requestId, annotator: input.annotator, kind: 'update', payload }, replayAction(ws), () => {
    const r = liveOwnLabel(ws.db, input.labelId, input.annotator)
    const start = input.startSec ?? r.start_sec
    const end = input.endSec ?? r.end_sec
    if ((start === null) !== (end === null)) throw new LabelError('a whole-clip label cannot be given only one boundary')
    if (start !== null && end !== null) checkRange(ws.db, r.clip_id, start, end)
    const emotion = input.emotion ?? r.emotion
    const description = start === null ? `relabel ${r.emotion} -> ${emotion}` : `${emotion} region ${start.toFixed(2)}-${end!.toFixed(2)} s`
    return applied(
      recordAction(ws, { annotator: input.annotator, clipId: r.clip_id, kind: 'update', description }, (db) => ({
        removed: [r.id],
        added: [insertLabel(db, { clipId: r.clip_id, emotion, startSec: start, endSec: end, annotator: r.annotator, source: r.source })],
      })),
    )
  })
}

export function removeLabel(ws: Workspace, input: { labelId: number; annotator: string; requestId?: string }): ActionResult {
  return once(ws, { requestId: input.requestId, annotator: input.annotator, kind: 'remove', payload: { labelId: input.labelId } }, replayAction(ws), () => {
    const r = liveOwnLabel(ws.db, input.labelId, input.annotator)
    const what = r.start_sec === null ? `label ${r.emotion}` : `${r.emotion} region`
    return applied(recordAction(ws, { annotator: input.annotator, clipId: r.clip_id, kind: 'delete', description: `remove ${what}` }, () => ({ removed: [r.id], added: [] })))
  })
}

/** Where undo and redo may reach: one dataset (what the Label view is showing), or, without one, everything of the annotator's. */
export interface UndoScope {
  datasetId?: number
}

function lastAction(db: Db, annotator: string, state: 'done' | 'undone', scope: UndoScope = {}): ActionRow | undefined {
  const order = state === 'done' ? 'DESC' : 'ASC'
  const inDataset = scope.datasetId === undefined ? '' : 'AND dataset_id = @datasetId'
  // Undo takes the latest done action; redo the earliest undone one (they were undone latest-first).
  return db
    .prepare(`SELECT * FROM label_actions WHERE annotator = @annotator AND state = @state ${inDataset} ORDER BY id ${order} LIMIT 1`)
    .get({ annotator, state, datasetId: scope.datasetId }) as ActionRow | undefined
}

type Step = 'undo' | 'redo'

/**
 * Undo reverts the annotator's latest action (its added rows are soft-deleted,
 * copies of the removed rows come back); redo re-applies the earliest undone one.
 * A repeated requestId returns the first answer instead of stepping again.
 */
function step(ws: Workspace, kind: Step, annotator: string, requestId: string | undefined, scope: UndoScope): ActionResult | null {
  const db = ws.db
  return once(ws, { requestId, annotator, kind, payload: { datasetId: scope.datasetId } }, (p) => actionAnswer(ws, p, `${kind} `), () => {
    const a = lastAction(db, annotator, kind === 'undo' ? 'done' : 'undone', scope)
    if (!a) return { value: null, actionId: null }
    const [drop, bring] = kind === 'undo' ? [a.after_ids, a.before_ids] : [a.before_ids, a.after_ids]
    softDelete(db, JSON.parse(drop) as number[])
    const copies = JSON.stringify(copyRows(db, JSON.parse(bring) as number[]))
    if (kind === 'undo') db.prepare("UPDATE label_actions SET state = 'undone', before_ids = ? WHERE id = ?").run(copies, a.id)
    else db.prepare("UPDATE label_actions SET state = 'done', after_ids = ? WHERE id = ?").run(copies, a.id)
    const value = { actionId: a.id, clipId: a.clip_id, datasetId: a.dataset_id, description: `${kind} ${a.description}`, labels: a.clip_id ? clipLabels(ws, a.clip_id) : [] }
    return { value, actionId: a.id }
  })
}

/** Undoes the annotator's latest change, within `scope.datasetId` when given (the Label view always gives its dataset). */
export function undo(ws: Workspace, annotator: string, requestId?: string, scope: UndoScope = {}): ActionResult | null {
  return step(ws, 'undo', annotator, requestId, scope)
}

export function redo(ws: Workspace, annotator: string, requestId?: string, scope: UndoScope = {}): ActionResult | null {
  return step(ws, 'redo', annotator, requestId, scope)
}

export function undoState(ws: Workspace, annotator: string, scope: UndoScope = {}): UndoState {
  const done = lastAction(ws.db, annotator, 'done', scope)
  const undone = lastAction(ws.db, annotator, 'undone', scope)
  return { canUndo: done?.description ?? null, canRedo: undone?.description ?? null }
}
