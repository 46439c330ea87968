/**
 * "Label next" keeps what a model said about a clip (issue 20): scoring the same clips with
 * the same model again reads these rows instead of extracting features and running the
 * network. model_key changes when the model's files change (card, weights, profile); content_hash
 * is the clip's audio.
 */
export const up = `
CREATE TABLE suggest_scores (
  model_key TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  extractor TEXT NOT NULL,
  top TEXT NOT NULL,
  probabilities_json TEXT NOT NULL,
  unfamiliar_json TEXT,            -- the model's unfamiliarity verdict on the clip (NULL: none given)
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (model_key, content_hash, extractor)
) WITHOUT ROWID;
`
