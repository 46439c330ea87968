/**
 * The one owner of the `training_runs` table (migrations 301, 303): each training run with
 * the pid of the process that runs it, so a run whose process died shows as 'interrupted'
 * and can be resumed; its per-epoch history; the spec to resume it with.
 */
import path from 'node:path'
import { z } from 'zod'
import { EpochPointSchema, TrainingRunSchema, type EpochPoint, type TrainingRun } from '../../../src-shared/contract/models'
import { ServiceError } from '../../../src-shared/errors'
import type { Workspace } from './workspace'

export interface RunRow {
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
    ws.db
      .prepare(
        "UPDATE training_runs SET state = 'interrupted', error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND state = 'running'",
      )
      .run(INTERRUPTED, r.id)
    n++
  }
  return n
}

export function runningRunFor(ws: Workspace, out: string): RunRow | null {
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
    if (live) throw new ServiceError('conflict', `${out} is already being trained (run ${live.id}, process ${live.pid}): wait for it or cancel it`)
    const prev = ws.db
      .prepare("SELECT id FROM training_runs WHERE out_dir = ? AND state IN ('interrupted','failed','cancelled') ORDER BY id DESC LIMIT 1")
      .pluck()
      .get(out) as number | undefined
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

export function finishRun(
  ws: Workspace,
  id: number,
  end: { state: 'done'; modelId: number; history: unknown[] } | { state: 'failed' | 'cancelled'; error: string },
): void {
  if (end.state === 'done') {
    ws.db
      .prepare(
        "UPDATE training_runs SET state = 'done', model_id = ?, history_json = ?, error = NULL, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') " +
          'WHERE id = ?',
      )
      .run(end.modelId, JSON.stringify(end.history), id)
  } else {
    ws.db
      .prepare("UPDATE training_runs SET state = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?")
      .run(end.state, end.error, id)
  }
}

/**
 * A run of this process that ended without saying so (its worker thread was terminated by a
 * cancel, or crashed): the job layer calls this so the row does not stay 'running'.
 */
export function endRunOf(ws: Workspace, out: string, state: 'failed' | 'cancelled', error: string): void {
  ws.db
    .prepare(
      "UPDATE training_runs SET state = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE out_dir = ? AND state = 'running' AND pid = ?",
    )
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
  if (!r) throw new ServiceError('not_found', `no training run with id ${id}`)
  if (r.state === 'running') throw new ServiceError('conflict', `training run ${id} is still running (process ${r.pid})`)
  if (r.state === 'done') throw new ServiceError('conflict', `training run ${id} has finished: its model is in the list`)
  const spec = JSON.parse(r.spec_json) as Record<string, unknown> & { out: string; name: string }
  return { ...spec, out: r.out_dir }
}
