/**
 * One table of request ids for every desk write (set, update, remove, undo, redo,
 * import), each bound to the annotator, the kind of write and a fingerprint of its
 * payload: a retry (same id, same request) gets the first answer back before any
 * other check runs; the same id with a different request is refused. result_json
 * holds an import's counts, so a retried import answers as the first one did.
 * Ids recorded before this table are copied in unbound (fingerprint NULL).
 */
export const up = `
CREATE TABLE label_requests (
  request_id TEXT PRIMARY KEY,
  annotator TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('set','update','remove','undo','redo','import')),
  fingerprint TEXT,
  action_id INTEGER REFERENCES label_actions(id) ON DELETE CASCADE,
  result_json TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
INSERT INTO label_requests (request_id, annotator, kind, action_id)
  SELECT request_id, annotator, CASE kind WHEN 'region' THEN 'set' WHEN 'delete' THEN 'remove' ELSE kind END, id
  FROM label_actions WHERE request_id IS NOT NULL;
INSERT OR IGNORE INTO label_requests (request_id, annotator, kind, action_id)
  SELECT request_id, annotator, kind, action_id FROM label_undo_requests;
CREATE INDEX label_actions_supersede ON label_actions(annotator, kind, state, before_ids);
`
