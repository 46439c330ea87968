/** Trained models, training runs (resumable: spec + checkpoint folder) and enrolled profiles. */
export const up = `
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  dir TEXT NOT NULL UNIQUE,          -- folder with model.json, weights.bin, card.json
  card_json TEXT NOT NULL,           -- copy of card.json at save time
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE training_runs (
  id INTEGER PRIMARY KEY,
  spec_json TEXT NOT NULL,           -- services/model/run.ts TrainSpec
  out_dir TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running','done','failed','cancelled')),
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  backend TEXT,
  error TEXT,
  history_json TEXT,
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT
);
CREATE INDEX training_runs_state ON training_runs(state);
CREATE TABLE profiles (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  model_id INTEGER REFERENCES models(id) ON DELETE CASCADE,
  profile_path TEXT NOT NULL,        -- profile.json (support embeddings, temperature, 'uncertain' distance)
  classes_json TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
`
