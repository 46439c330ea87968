/**
 * The labelling desk's action log: one row per user action (set a label, move a
 * region, delete, import), holding which label rows were live before and after.
 * Undo and redo never erase: they soft-delete rows (labels.deleted_at) and insert
 * copies, then update the action's before/after ids. request_id makes a retried
 * mutation (answer lost when the server died after the commit) a no-op.
 */
export const up = `
CREATE TABLE label_actions (
  id INTEGER PRIMARY KEY,
  annotator TEXT NOT NULL,
  clip_id INTEGER REFERENCES clips(id) ON DELETE CASCADE,  -- NULL for a dataset-wide import
  kind TEXT NOT NULL,              -- set | region | update | delete | import
  description TEXT NOT NULL,
  before_ids TEXT NOT NULL,        -- JSON array of label ids live before the action
  after_ids TEXT NOT NULL,         -- JSON array of label ids live after it
  state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('done','undone','discarded')),
  request_id TEXT UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX label_actions_annotator ON label_actions(annotator, state, id);
CREATE INDEX labels_annotator ON labels(annotator, clip_id);
`
