/**
 * Request ids of undo and redo: an undo whose answer was lost (the server died
 * after the commit) is retried by the renderer with the same id, and must not
 * undo a second action. action_id is NULL when there was nothing to undo.
 */
export const up = `
CREATE TABLE label_undo_requests (
  request_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('undo','redo')),
  annotator TEXT NOT NULL,
  action_id INTEGER REFERENCES label_actions(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
`
