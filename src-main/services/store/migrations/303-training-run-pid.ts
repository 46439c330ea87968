/**
 * Training runs remember the process that runs them (pid) and may be 'interrupted':
 * a run whose process died (kill -9, crash, app closed) is no longer shown as running
 * and can be resumed from its checkpoint folder. SQLite cannot alter a CHECK, so the
 * table is rebuilt; no other table references it.
 */
export const up = `
CREATE TABLE training_runs_new (
  id INTEGER PRIMARY KEY,
  spec_json TEXT NOT NULL,           -- services/model/run.ts TrainSpec
  out_dir TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running','done','failed','cancelled','interrupted')),
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  backend TEXT,
  error TEXT,
  history_json TEXT,
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT,
  pid INTEGER
);
INSERT INTO training_runs_new (id, spec_json, out_dir, state, model_id, backend, error, history_json, started_at, finished_at)
  SELECT id, spec_json, out_dir, state, model_id, backend, error, history_json, started_at, finished_at FROM training_runs;
DROP TABLE training_runs;
ALTER TABLE training_runs_new RENAME TO training_runs;
CREATE INDEX training_runs_state ON training_runs(state);
CREATE INDEX training_runs_out ON training_runs(out_dir);
`
