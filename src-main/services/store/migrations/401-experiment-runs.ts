/** Experiment runs (services/experiment): one row per output folder, so the UI can browse past runs. */
export const up = `
CREATE TABLE experiment_runs (
  id INTEGER PRIMARY KEY,
  out_dir TEXT NOT NULL UNIQUE,      -- the run folder (manifest.json, records.jsonl, results.*, report.html)
  config_json TEXT NOT NULL,         -- src-shared/contract/experiments.ts ExperimentConfig
  status TEXT NOT NULL CHECK (status IN ('running','done','failed','cancelled')),
  error TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT
);
CREATE INDEX experiment_runs_created ON experiment_runs(created_at);
`
