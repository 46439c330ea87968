/**
 * Undo and redo stay in the dataset the annotator is looking at (issue 20): each
 * action records its dataset. Earlier actions get it from their clip, or, for a
 * dataset-wide import (no clip), from the first label row the action touched.
 */
export const up = `
ALTER TABLE label_actions ADD COLUMN dataset_id INTEGER REFERENCES datasets(id) ON DELETE CASCADE;
UPDATE label_actions SET dataset_id = (SELECT c.dataset_id FROM clips c WHERE c.id = label_actions.clip_id) WHERE clip_id IS NOT NULL;
UPDATE label_actions SET dataset_id = (
  SELECT c.dataset_id FROM labels l JOIN clips c ON c.id = l.clip_id
  WHERE l.id = (SELECT j.value FROM json_each(CASE WHEN label_actions.after_ids != '[]' THEN label_actions.after_ids ` +
  `ELSE label_actions.before_ids END) j LIMIT 1)
) WHERE clip_id IS NULL;
CREATE INDEX label_actions_dataset ON label_actions(annotator, dataset_id, state, id);
`
