/** Datasets, speakers, clips and labels: the corpus every other part reads. */
export const up = `
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  layout TEXT NOT NULL,            -- ravdess | cremad | enterface | folder | manifest | recordings
  root_path TEXT,                  -- where the user keeps the audio; never copied
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE speakers (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  gender TEXT CHECK (gender IN ('female','male') OR gender IS NULL),
  UNIQUE (dataset_id, code)
);
CREATE TABLE clips (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  speaker_id INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
  path TEXT NOT NULL,              -- absolute path at import (or after relink)
  rel_path TEXT NOT NULL,          -- relative to the dataset root, used to relink moved folders
  content_hash TEXT NOT NULL,      -- sha256 of the file bytes
  duration_sec REAL NOT NULL,
  sample_rate INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  format TEXT NOT NULL,
  intensity TEXT,
  sentence TEXT,
  meta_json TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (dataset_id, content_hash)
);
CREATE INDEX clips_dataset ON clips(dataset_id);
CREATE INDEX clips_speaker ON clips(speaker_id);
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
  emotion TEXT NOT NULL,
  start_sec REAL,                  -- NULL for a whole-clip label
  end_sec REAL,
  annotator TEXT NOT NULL,         -- 'corpus' for labels read from a corpus
  source TEXT NOT NULL CHECK (source IN ('corpus','annotator','import')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at TEXT                  -- labels are never erased, so undo and audits work
);
CREATE INDEX labels_clip ON labels(clip_id);
CREATE TABLE feature_cache (
  content_hash TEXT NOT NULL,
  extractor TEXT NOT NULL,         -- e.g. egemaps, logmel
  version TEXT NOT NULL,           -- bumped when the extractor changes; stale rows are recomputed
  dims TEXT NOT NULL,              -- JSON shape, e.g. [88] or [frames, 64]
  data BLOB NOT NULL,              -- little-endian float32
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (content_hash, extractor, version)
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL
);
`
