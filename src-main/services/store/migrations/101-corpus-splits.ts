/** Speaker-independent k-fold splits (services/corpus/splits.ts) and the last import report per dataset. */
export const up = `
CREATE TABLE splits (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  k INTEGER NOT NULL CHECK (k >= 2),
  seed TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (dataset_id, k, seed)
);
CREATE TABLE split_folds (
  split_id INTEGER NOT NULL REFERENCES splits(id) ON DELETE CASCADE,
  speaker_id INTEGER NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
  fold INTEGER NOT NULL CHECK (fold >= 0),
  PRIMARY KEY (split_id, speaker_id)
);
CREATE TABLE import_reports (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  report_json TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX labels_clip_live ON labels(clip_id, deleted_at);
`
