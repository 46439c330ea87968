/** The experiment_runs table (migration 401): one row per run folder. */
import fs from 'node:fs'
import type { Workspace } from '../store/workspace'
import { finishRunRow, runningRunRows, runRow, runRows, upsertRunRow, type ExperimentRunRow } from '../store/experiment-runs'
import { ExperimentConfigSchema, type ExperimentConfig, type ExperimentRun } from '../../../src-shared/contract/experiments'
import { readPlanStatus } from './plan-status'

type Status = ExperimentRun['status']

export function upsertRun(ws: Workspace, outDir: string, config: ExperimentConfig): number {
  return upsertRunRow(ws.db, outDir, config)
}

export function finishRun(ws: Workspace, id: number, status: Exclude<Status, 'running'>, error: string | null = null): void {
  finishRunRow(ws.db, id, status, error)
}

type Row = ExperimentRunRow

function toRun(r: Row): ExperimentRun {
  let done: number | null = null
  let total: number | null = null
  if (fs.existsSync(r.out_dir)) {
    try {
      const st = readPlanStatus(r.out_dir)
      total = st.total
      done = st.done
    } catch {
      /* an unreadable folder shows as unknown progress */
    }
  }
  return {
    id: r.id,
    outDir: r.out_dir,
    status: r.status,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    error: r.error,
    config: ExperimentConfigSchema.parse(JSON.parse(r.config_json)),
    done,
    total,
  }
}

export function listRuns(ws: Workspace): ExperimentRun[] {
  return runRows(ws.db).map(toRun)
}

export function getRun(ws: Workspace, id: number): ExperimentRun | null {
  const r = runRow(ws.db, id)
  return r ? toRun(r) : null
}

/** Whether another process with this id is alive (signal 0 only checks). */
function otherProcessAlive(pid: number | null): boolean {
  if (!pid || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // alive, owned by another user
  }
}

/**
 * Runs left 'running' by a process that died (the app was closed mid-run) are shown as
 * cancelled; their folder resumes. A run of this process not in activeDirs has ended too;
 * one whose process (a CLI run, another window) is still alive is left running.
 */
export function markStaleRuns(ws: Workspace, activeDirs: Set<string>): void {
  const rows = runningRunRows(ws.db)
  for (const r of rows) {
    if (activeDirs.has(r.out_dir) || otherProcessAlive(r.pid)) continue
    finishRun(ws, r.id, 'cancelled', 'interrupted (the process ended); start it again to resume')
  }
}
