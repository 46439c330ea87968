/**
 * Each dataset's speech origin, stored at import from the corpus folder's mark (`ser-corpus.json`, written by
 * `ser synth`) and settable by the user: generated, recorded or unknown, and how it was decided. Datasets made
 * before this say unknown (nothing marked them), except the microphone recordings, which are people.
 */
export const up = `
ALTER TABLE datasets ADD COLUMN speech TEXT NOT NULL DEFAULT 'unknown' CHECK (speech IN ('generated','recorded','unknown'));
ALTER TABLE datasets ADD COLUMN speech_source TEXT CHECK (speech_source IN ('mark','unmarked','user') OR speech_source IS NULL);
UPDATE datasets SET speech = 'recorded', speech_source = 'unmarked' WHERE layout = 'recordings';
`
