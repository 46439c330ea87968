/** The one owner of the `experiment_runs` table (migrations 401, 402): one row per run folder. */
import type { Db } from './workspace'

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled'

export interface ExperimentRunRow {
  id: number
  out_dir: string
  config_json: string
  status: RunStatus
  error: string | null
  created_at: string
  finished_at: string | null
  pid: number | null
}

/** The run of a folder, started (again) by this process. */
export function upsertRunRow(db: Db, outDir: string, config: unknown): number {
  const sql = `INSERT INTO experiment_runs (out_dir, config_json, status, pid) VALUES (?, ?, 'running', ?)
     ON CONFLICT(out_dir) DO UPDATE SET config_json = excluded.config_json, status = 'running', error = NULL, finished_at = NULL, pid = excluded.pid
     RETURNING id`
  return Number(db.prepare(sql).pluck().get(outDir, JSON.stringify(config), process.pid))
}

export function finishRunRow(db: Db, id: number, status: Exclude<RunStatus, 'running'>, error: string | null): void {
  db.prepare("UPDATE experiment_runs SET status = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(status, error, id)
}

export function runRows(db: Db): ExperimentRunRow[] {
  return db.prepare('SELECT * FROM experiment_runs ORDER BY id DESC').all() as ExperimentRunRow[]
}

export function runRow(db: Db, id: number): ExperimentRunRow | undefined {
  return db.prepare('SELECT * FROM experiment_runs WHERE id = ?').get(id) as ExperimentRunRow | undefined
}

/** Rows still marked running (of this folder only, when given). */
export function runningRunRows(db: Db, outDir?: string): ExperimentRunRow[] {
  return (outDir === undefined
    ? db.prepare("SELECT * FROM experiment_runs WHERE status = 'running'").all()
    : db.prepare("SELECT * FROM experiment_runs WHERE status = 'running' AND out_dir = ?").all(outDir)) as ExperimentRunRow[]
}
