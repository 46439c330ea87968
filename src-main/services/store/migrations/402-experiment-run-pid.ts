/** The process that runs an experiment, so the app does not call a run of the CLI (or another app) interrupted while it is alive. */
export const up = `
ALTER TABLE experiment_runs ADD COLUMN pid INTEGER;
`
