/**
 * Each dataset's rule for which label counts as a clip's label (src-shared/label-rule.ts):
 * corpus, one annotator, or the majority. Datasets made before this default to majority,
 * which is their corpus label until annotators disagree with it.
 */
export const up = `
ALTER TABLE datasets ADD COLUMN label_rule TEXT NOT NULL DEFAULT 'majority' CHECK (label_rule IN ('corpus','annotator','majority'));
ALTER TABLE datasets ADD COLUMN label_rule_annotator TEXT;
`
