/** The experiment_runs table (migration 401): one row per run folder. */
import fs from 'node:fs'
import type { Workspace } from '../store/workspace'
import { ExperimentConfigSchema, type ExperimentConfig, type ExperimentRun } from '../../../src-shared/contract/experiments'
import { readPlanStatus } from './plan-status'

type Status = ExperimentRun['status']

export function upsertRun(ws: Workspace, outDir: string, config: ExperimentConfig): number {
  return Number(
    ws.db
      .prepare(
        `INSERT INTO experiment_runs (out_dir, config_json, status, pid) VALUES (?, ?, 'running', ?)
         ON CONFLICT(out_dir) DO UPDATE SET config_json = excluded.config_json, status = 'running', error = NULL, finished_at = NULL, pid = excluded.pid
         RETURNING id`,
      )
      .pluck()
      .get(outDir, JSON.stringify(config), process.pid),
  )
}

export function finishRun(ws: Workspace, id: number, status: Exclude<Status, 'running'>, error: string | null = null): void {
  ws.db.prepare("UPDATE experiment_runs SET status = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(status, error, id)
}

interface Row {
  id: number
  out_dir: string
  config_json: string
  status: Status
  error: string | null
  created_at: string
  finished_at: string | null
}

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
  return (ws.db.prepare('SELECT * FROM experiment_runs ORDER BY id DESC').all() as Row[]).map(toRun)
}

export function getRun(ws: Workspace, id: number): ExperimentRun | null {
  const r = ws.db.prepare('SELECT * FROM experiment_runs WHERE id = ?').get(id) as Row | undefined
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
  const rows = ws.db.prepare("SELECT id, out_dir, pid FROM experiment_runs WHERE status = 'running'").all() as { id: number; out_dir: string; pid: number | null }[]
  for (const r of rows) {
    if (activeDirs.has(r.out_dir) || otherProcessAlive(r.pid)) continue
    finishRun(ws, r.id, 'cancelled', 'interrupted (the process ended); start it again to resume')
  }
}
