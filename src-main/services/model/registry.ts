/**
 * The one owner of the `models` and `training_runs` tables (migrations 301-303): lists
 * models, resolves an id (or 'default') to a folder, registers a model with one upsert
 * (keyed by folder, so a resumed run never adds a second row), keeps names unique,
 * renames and deletes, and records training runs with the pid of the process that runs
 * them, so a run whose process died shows as 'interrupted' and can be resumed.
 * Nothing else writes SQL on these tables.
 */
import fs from 'node:fs'
import path from 'node:path'
import {
  ModelCardSchema,
  type EpochPoint,
  type ModelListItem,
  type TrainingRun,
  TrainingRunSchema,
  EpochPointSchema,
} from '../../../src-shared/contract/models'
import type { Workspace } from '../store/workspace'
import { defaultModelDir } from './default-model'
import { readCard, writeAtomic } from './storage'
import type { ModelCardData } from './types'
import { z } from 'zod'

export class ModelRegistryError extends Error {
  override name = 'ModelRegistryError'
  constructor(
    message: string,
    readonly code: 'not-found' | 'conflict' | 'bad-request' = 'bad-request',
  ) {
    super(message)
  }
}

export interface ModelRow {
  id: number
  name: string
  dir: string
  createdAt: string
}

const ROW = 'SELECT id, name, dir, created_at AS createdAt FROM models'

export function listModels(ws: Workspace): ModelRow[] {
  return ws.db.prepare(`${ROW} ORDER BY id DESC`).all() as ModelRow[]
}

export function getModel(ws: Workspace, id: number): ModelRow | null {
  return (ws.db.prepare(`${ROW} WHERE id = ?`).get(id) as ModelRow | undefined) ?? null
}

/** The folder of 'default' (the shipped model) or of a row's id; a clear error otherwise. */
export function resolveModelDir(ws: Workspace, ref: string | number): string {
  if (ref === 'default') return defaultModelDir()
  const id = Number(ref)
  const row = Number.isInteger(id) && id > 0 ? getModel(ws, id) : null
  if (!row) throw new ModelRegistryError(`no model with id ${ref} (choose one from the model list, or 'default')`, 'not-found')
  return row.dir
}

function summary(id: string, card: ModelCardData, builtIn: boolean): ModelListItem {
  return {
    id,
    name: card.name,
    builtIn,
    createdAt: card.createdAt,
    arch: card.arch.kind,
    sourceCorpus: card.sourceCorpus,
    targetCorpus: card.targetCorpus,
    loss: card.loss.name,
    frozenLayers: card.frozenLayers,
    shots: card.shots,
    backend: card.backend.name,
    labels: card.labels,
    metrics: card.metrics,
    speakers: card.speakers ?? null,
    heldOut: card.heldOut ?? null,
  }
}

/** The shipped default (when this build has one) and every workspace model whose card reads. */
export function modelListItems(ws: Workspace): ModelListItem[] {
  const out: ModelListItem[] = []
  try {
    out.push(summary('default', readCard(defaultModelDir()), true))
  } catch {
    /* no shipped model in this build: nothing to list */
  }
  for (const r of listModels(ws)) {
    if (!fs.existsSync(path.join(r.dir, 'card.json'))) continue
    try {
      out.push(summary(String(r.id), readCard(r.dir), false))
    } catch {
      /* a damaged model folder is reported when it is opened, not in the list */
    }
  }
  return out
}

/** Whether another model has this name; case is ignored ('Model' and 'model' look the same in a list). */
export function modelNameTaken(ws: Workspace, name: string, exceptDir?: string): boolean {
  const dirs = ws.db.prepare('SELECT dir FROM models WHERE lower(name) = lower(?)').pluck().all(name.trim()) as string[]
  return dirs.some((dir) => exceptDir === undefined || dir !== path.resolve(exceptDir))
}

/** The one message for a name that is taken, at training time and at rename. */
export const nameTakenMessage = (name: string) => `a model named '${name}' already exists: choose another name, or rename or delete the old one on its model page`

/**
 * `name` when it is free (or already this folder's), else `name` + the date and time, and a
 * counter if even that is taken: a second `ser train --name model` never fails after training.
 */
export function uniqueModelName(ws: Workspace, name: string, dir: string, now = new Date()): string {
  const base = name.trim()
  if (!modelNameTaken(ws, base, dir)) return base
  const stamped = `${base} ${now.toISOString().slice(0, 16).replace('T', ' ')}`
  let candidate = stamped
  for (let k = 2; modelNameTaken(ws, candidate, dir); k++) candidate = `${stamped} #${k}`
  return candidate
}

/** One upsert keyed by folder: a model trained again (or resumed) into the same folder keeps its id. */
export function registerModel(ws: Workspace, m: { name: string; dir: string; card: ModelCardData }): number {
  if (modelNameTaken(ws, m.name, m.dir)) throw new ModelRegistryError(nameTakenMessage(m.name), 'conflict')
  try {
    return Number(
      ws.db
        .prepare('INSERT INTO models (name, dir, card_json) VALUES (?, ?, ?) ON CONFLICT(dir) DO UPDATE SET name = excluded.name, card_json = excluded.card_json RETURNING id')
        .pluck()
        .get(m.name, path.resolve(m.dir), JSON.stringify(m.card)),
    )
  } catch (err) {
    if (/UNIQUE constraint failed: models\.name/.test((err as Error).message)) {
      throw new ModelRegistryError(nameTakenMessage(m.name), 'conflict')
    }
    throw err
  }
}

/** Renames a model: its row, its card.json and the profile.json next to it (a profile names its model). */
export function renameModel(ws: Workspace, id: number, newName: string): ModelRow {
  const row = getModel(ws, id)
  if (!row) throw new ModelRegistryError(`no model with id ${id}`, 'not-found')
  const name = newName.trim()
  if (!name) throw new ModelRegistryError('a model needs a name')
  if (name === row.name) return row
  if (modelNameTaken(ws, name, row.dir)) throw new ModelRegistryError(nameTakenMessage(name), 'conflict')
  const card = { ...readCard(row.dir), name }
  const parsed = ModelCardSchema.parse(card)
  ws.db.transaction(() => {
    ws.db.prepare('UPDATE models SET name = ?, card_json = ? WHERE id = ?').run(name, JSON.stringify(parsed), id)
    writeAtomic(path.join(row.dir, 'card.json'), JSON.stringify(parsed, null, 2))
    const profile = path.join(row.dir, 'profile.json')
    if (fs.existsSync(profile)) {
      const p = JSON.parse(fs.readFileSync(profile, 'utf8')) as { model?: string }
      if (p.model === row.name) writeAtomic(profile, JSON.stringify({ ...p, model: name }))
    }
  })()
  return { ...row, name }
}

/** The profiles built on a model (enrollment); such a model is not deleted on its own. */
export function modelUsers(ws: Workspace, id: number): string[] {
  return ws.db.prepare('SELECT name FROM profiles WHERE model_id = ? ORDER BY name').pluck().all(id) as string[]
}

/** Why a model may not be deleted now (null: it may). */
export function undeletableReason(ws: Workspace, row: ModelRow): string | null {
  const users = modelUsers(ws, row.id)
  if (users.length) return `model '${row.name}' belongs to profile ${users.map((u) => `'${u}'`).join(', ')}: remove the profile in the Enroll view instead`
  if (runningRunFor(ws, row.dir)) return `model '${row.name}' is being trained: cancel the run first`
  return null
}

/** Whether delete removes the model's folder: one the workspace made directly under models/ (never a link, never the shipped model). */
export function ownsFolder(ws: Workspace, row: ModelRow): boolean {
  const dir = path.resolve(row.dir)
  return path.dirname(dir) === path.resolve(ws.subdir('models')) && dir !== path.resolve(defaultModelDir()) && fs.existsSync(dir) && !fs.lstatSync(dir).isSymbolicLink()
}

/**
 * Removes a model's row, and its folder when the workspace made it directly under models/
 * (a folder registered from elsewhere is left on disk). Refused while a profile uses it or it
 * trains. The folder is first renamed aside, so a failed removal never leaves a half model
 * under its own name; its training runs stay listed, without a model (ON DELETE SET NULL).
 */
export function deleteModel(ws: Workspace, id: number): void {
  const row = getModel(ws, id)
  if (!row) throw new ModelRegistryError(`no model with id ${id}`, 'not-found')
  const why = undeletableReason(ws, row)
  if (why) throw new ModelRegistryError(why, 'conflict')
  const dir = path.resolve(row.dir)
  const owned = ownsFolder(ws, row)
  const aside = path.join(path.dirname(dir), `.deleting-${id}-${Date.now().toString(36)}`)
  if (owned) fs.renameSync(dir, aside)
  try {
    deleteModelRow(ws, id)
  } catch (err) {
    if (owned) fs.renameSync(aside, dir)
    throw err
  }
  if (owned) fs.rmSync(aside, { recursive: true, force: true })
}

/** The row only (enroll/profiles.ts removes a profile and its model in one transaction). */
export function deleteModelRow(ws: Workspace, id: number): void {
  ws.db.prepare('DELETE FROM models WHERE id = ?').run(id)
}

// ---- training runs -------------------------------------------------------------------

interface RunRow {
  id: number
  state: TrainingRun['state']
  spec_json: string
  out_dir: string
  backend: string | null
  error: string | null
  started_at: string
  history_json: string | null
  model_id: number | null
  pid: number | null
}

/** Whether a process with this id is alive (signal 0 only checks; EPERM = alive, another user's). */
export function processAlive(pid: number | null): boolean {
  if (!pid) return false
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const INTERRUPTED = 'interrupted: the process that ran it ended (killed or closed); resume to continue from its last checkpoint'

/** Runs left 'running' by a process that is gone become 'interrupted'. */
export function markInterruptedRuns(ws: Workspace): number {
  const rows = ws.db.prepare("SELECT id, pid FROM training_runs WHERE state = 'running'").all() as { id: number; pid: number | null }[]
  let n = 0
  for (const r of rows) {
    if (processAlive(r.pid)) continue
    ws.db.prepare("UPDATE training_runs SET state = 'interrupted', error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND state = 'running'").run(INTERRUPTED, r.id)
    n++
  }
  return n
}

function runningRunFor(ws: Workspace, out: string): RunRow | null {
  markInterruptedRuns(ws)
  return (ws.db.prepare("SELECT * FROM training_runs WHERE out_dir = ? AND state = 'running'").get(path.resolve(out)) as RunRow | undefined) ?? null
}

/**
 * The run of `out`: an unfinished row of the same folder (interrupted, failed, cancelled) is
 * taken over, so a resumed run stays one row; otherwise a new one. Refused while another
 * live process trains into the same folder.
 */
export function beginRun(ws: Workspace, spec: { out: string }, backend: string): number {
  const out = path.resolve(spec.out)
  return ws.db.transaction(() => {
    const live = runningRunFor(ws, out)
    if (live) throw new ModelRegistryError(`${out} is already being trained (run ${live.id}, process ${live.pid}): wait for it or cancel it`, 'conflict')
    const prev = ws.db.prepare("SELECT id FROM training_runs WHERE out_dir = ? AND state IN ('interrupted','failed','cancelled') ORDER BY id DESC LIMIT 1").pluck().get(out) as number | undefined
    if (prev !== undefined) {
      ws.db
        .prepare("UPDATE training_runs SET state = 'running', spec_json = ?, backend = ?, pid = ?, error = NULL, finished_at = NULL WHERE id = ?")
        .run(JSON.stringify({ ...spec, out }), backend, process.pid, prev)
      return prev
    }
    return Number(
      ws.db
        .prepare("INSERT INTO training_runs (spec_json, out_dir, state, backend, pid) VALUES (?, ?, 'running', ?, ?)")
        .run(JSON.stringify({ ...spec, out }), out, backend, process.pid).lastInsertRowid,
    )
  })()
}

// A damaged point (a NaN loss saved as null) drops that point only, not the whole curve.
const History = z.array(EpochPointSchema.passthrough().nullable().catch(null)).catch([])
function readHistory(json: string | null): EpochPoint[] {
  try {
    return History.parse(json ? JSON.parse(json) : []).filter((p) => p !== null)
  } catch {
    return []
  }
}
const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null)

/**
 * Keeps one epoch of a running run in its row, so the curves survive a reload, a closed
 * view and a crash. An epoch recorded again (a run restarted from an earlier checkpoint)
 * replaces that epoch and every later one of its phase.
 */
export function recordEpoch(ws: Workspace, runId: number, point: EpochPoint): void {
  ws.db.transaction(() => {
    const json = ws.db.prepare('SELECT history_json FROM training_runs WHERE id = ?').pluck().get(runId) as string | null | undefined
    if (json === undefined) return
    const p = EpochPointSchema.safeParse({ ...point, valLoss: finite(point.valLoss), valAccuracy: finite(point.valAccuracy) })
    if (!p.success) return // a diverged epoch (NaN training loss) is not drawn; training itself reports it
    const kept = readHistory(json).filter((q) => q.phase !== point.phase || q.epoch < point.epoch)
    const next = [...kept, p.data].sort((a, b) => phaseRank(a) - phaseRank(b) || a.epoch - b.epoch)
    ws.db.prepare('UPDATE training_runs SET history_json = ? WHERE id = ?').run(JSON.stringify(next), runId)
  })()
}
const phaseRank = (p: EpochPoint) => (p.phase === 'finetune' ? 1 : 0)

/** The per-epoch history of the latest finished run that made this model (empty when none is recorded). */
export function modelHistory(ws: Workspace, modelId: number): { runId: number | null; history: EpochPoint[] } {
  const r = ws.db.prepare("SELECT id, history_json FROM training_runs WHERE model_id = ? AND state = 'done' ORDER BY id DESC LIMIT 1").get(modelId) as
    | { id: number; history_json: string | null }
    | undefined
  return r ? { runId: r.id, history: readHistory(r.history_json) } : { runId: null, history: [] }
}

export function finishRun(ws: Workspace, id: number, end: { state: 'done'; modelId: number; history: unknown[] } | { state: 'failed' | 'cancelled'; error: string }): void {
  if (end.state === 'done') {
    ws.db
      .prepare("UPDATE training_runs SET state = 'done', model_id = ?, history_json = ?, error = NULL, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?")
      .run(end.modelId, JSON.stringify(end.history), id)
  } else {
    ws.db.prepare("UPDATE training_runs SET state = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(end.state, end.error, id)
  }
}

/**
 * A run of this process that ended without saying so (its worker thread was terminated by a
 * cancel, or crashed): the job layer calls this so the row does not stay 'running'.
 */
export function endRunOf(ws: Workspace, out: string, state: 'failed' | 'cancelled', error: string): void {
  ws.db
    .prepare("UPDATE training_runs SET state = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE out_dir = ? AND state = 'running' AND pid = ?")
    .run(state, error, path.resolve(out), process.pid)
}

function toRun(r: RunRow): TrainingRun {
  let spec: { name?: string } = {}
  try {
    spec = JSON.parse(r.spec_json)
  } catch {
    /* a damaged spec: not resumable */
  }
  return TrainingRunSchema.parse({
    id: r.id,
    state: r.state,
    name: spec.name ?? 'model',
    out: r.out_dir,
    backend: r.backend,
    error: r.error,
    startedAt: r.started_at,
    modelId: r.model_id,
    resumable: r.state !== 'done' && r.state !== 'running' && typeof (spec as { source?: unknown }).source === 'string',
    history: readHistory(r.history_json),
  })
}

/** The latest runs, newest first, with dead 'running' rows marked interrupted first. */
export function listRuns(ws: Workspace, limit = 50): TrainingRun[] {
  markInterruptedRuns(ws)
  return (ws.db.prepare('SELECT * FROM training_runs ORDER BY id DESC LIMIT ?').all(limit) as RunRow[]).map(toRun)
}

/** The spec a run was started with, for Resume (same folder, so the same checkpoints). */
export function runSpecForResume(ws: Workspace, id: number): Record<string, unknown> & { out: string; name: string } {
  markInterruptedRuns(ws)
  const r = ws.db.prepare('SELECT * FROM training_runs WHERE id = ?').get(id) as RunRow | undefined
  if (!r) throw new ModelRegistryError(`no training run with id ${id}`, 'not-found')
  if (r.state === 'running') throw new ModelRegistryError(`training run ${id} is still running (process ${r.pid})`, 'conflict')
  if (r.state === 'done') throw new ModelRegistryError(`training run ${id} has finished: its model is in the list`, 'conflict')
  const spec = JSON.parse(r.spec_json) as Record<string, unknown> & { out: string; name: string }
  return { ...spec, out: r.out_dir }
}
