/**
 * The Label view's writes: checks (clip, range, whose label), request ids (`once`) and undo/redo.
 * Every row goes through store/labels.ts `writeLabels`, which keeps the undo log.
 */
import type { Workspace } from '../store/workspace'
import { clipDuration as storedDuration } from '../store/clips'
import { actionRow, labelRow, lastAction, liveClipLabels, replacementOf, stepAction, writeLabels, type ActionInput, type LabelRow } from '../store/labels'
import type { ActionResult, Label, SetLabel, UndoState, UpdateRegion } from '../../../src-shared/contract/labels'
import { LabelError } from './errors'
import { once, type PriorRequest } from './requests'

export { LabelError }
export type { ActionInput }

type Db = Workspace['db']

/** What a label row and an exported label share, in camelCase and in that order. */
export function labelFields<S extends string>(r: Pick<LabelRow, 'emotion' | 'start_sec' | 'end_sec' | 'annotator' | 'created_at'> & { source: S }) {
  return {
    emotion: r.emotion,
    startSec: r.start_sec,
    endSec: r.end_sec,
    annotator: r.annotator,
    source: r.source,
    createdAt: r.created_at,
  }
}

export function toLabel(r: LabelRow): Label {
  return { id: r.id, clipId: r.clip_id, ...labelFields(r) }
}

/** Live labels of a clip (every annotator, corpus included), whole-clip first, then regions by start. */
export function clipLabels(ws: Workspace, clipId: number): Label[] {
  return liveClipLabels(ws.db, clipId).map(toLabel)
}

function clipDuration(db: Db, clipId: number): number {
  const d = storedDuration(db, clipId)
  if (d === undefined) throw new LabelError(`no clip with id ${clipId}`)
  return d
}

function checkRange(db: Db, clipId: number, start: number, end: number): void {
  const dur = clipDuration(db, clipId)
  // A little slack: decoders disagree about the last frame.
  if (end > dur + 0.05) throw new LabelError(`region ${start.toFixed(3)}-${end.toFixed(3)} s ends after clip ${clipId} (${dur.toFixed(3)} s)`)
  if (!(end > start)) throw new LabelError(`region must end after it starts (${start}-${end})`)
}

/**
 * Runs `change` through the one label write path (store/labels.ts `writeLabels`, which keeps
 * the undo log) and answers with the action and its clip's labels as they are now.
 */
export function recordAction(ws: Workspace, a: ActionInput, change: Parameters<typeof writeLabels>[2]): ActionResult {
  const { actionId, datasetId } = writeLabels(ws.db, a, change)
  return { actionId, clipId: a.clipId, datasetId, description: a.description, labels: a.clipId ? clipLabels(ws, a.clipId) : [] }
}

/** The answer a write gave, rebuilt for its retry: the action and its clip's labels as they are now. */
function actionAnswer(ws: Workspace, p: PriorRequest, prefix = ''): ActionResult | null {
  if (p.actionId === null) return null
  const a = actionRow(ws.db, p.actionId)!
  return {
    actionId: a.id,
    clipId: a.clip_id,
    datasetId: a.dataset_id,
    description: `${prefix}${a.description}`,
    labels: a.clip_id ? clipLabels(ws, a.clip_id) : [],
  }
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
      recordAction(ws, { annotator, clipId, kind: isRegion ? 'region' : 'set', description }, (w) => {
        if (!isRegion) w.remove(w.liveOf(clipId, annotator).filter((r) => r.start_sec === null).map((r) => r.id))
        w.add({ clipId, emotion, startSec: isRegion ? input.startSec! : null, endSec: isRegion ? input.endSec! : null, annotator, source })
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
  let id = labelId
  for (let hop = 0; hop < 1000; hop++) {
    const r = labelRow(db, id)
    if (!r || !r.deleted_at || r.annotator !== annotator) return id
    const ids = replacementOf(db, id, annotator) ?? []
    if (ids.length !== 1) return id
    id = ids[0]
  }
  return id
}

function liveOwnLabel(db: Db, labelId: number, annotator: string): LabelRow {
  const r = labelRow(db, successor(db, labelId, annotator))
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
      recordAction(ws, { annotator: input.annotator, clipId: r.clip_id, kind: 'update', description }, (w) => {
        w.remove([r.id])
        w.add({ clipId: r.clip_id, emotion, startSec: start, endSec: end, annotator: r.annotator, source: r.source })
      }),
    )
  })
}

export function removeLabel(ws: Workspace, input: { labelId: number; annotator: string; requestId?: string }): ActionResult {
  return once(ws, { requestId: input.requestId, annotator: input.annotator, kind: 'remove', payload: { labelId: input.labelId } }, replayAction(ws), () => {
    const r = liveOwnLabel(ws.db, input.labelId, input.annotator)
    const what = r.start_sec === null ? `label ${r.emotion}` : `${r.emotion} region`
    return applied(recordAction(ws, { annotator: input.annotator, clipId: r.clip_id, kind: 'delete', description: `remove ${what}` }, (w) => w.remove([r.id])))
  })
}

/** Where undo and redo may reach: one dataset (what the Label view is showing), or, without one, everything of the annotator's. */
export interface UndoScope {
  datasetId?: number
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
    const a = lastAction(db, annotator, kind === 'undo' ? 'done' : 'undone', scope.datasetId)
    if (!a) return { value: null, actionId: null }
    stepAction(db, a, kind)
    const value = {
      actionId: a.id,
      clipId: a.clip_id,
      datasetId: a.dataset_id,
      description: `${kind} ${a.description}`,
      labels: a.clip_id ? clipLabels(ws, a.clip_id) : [],
    }
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
  const done = lastAction(ws.db, annotator, 'done', scope.datasetId)
  const undone = lastAction(ws.db, annotator, 'undone', scope.datasetId)
  return { canUndo: done?.description ?? null, canRedo: undone?.description ?? null }
}
