/**
 * The fewest independent units (speakers, speaker folds, pre-trained bases) an interval may
 * rest on. A bootstrap over fewer units cannot estimate its own spread (over 2 units it has
 * 3 distinct resamples), so every surface shows the per-unit values instead and says so.
 * Shared by the services (model cards, `ser train`, `ser evaluate`, Enroll, experiment
 * reports) and the views. A Wilson interval over clips is not a bootstrap and may stay,
 * labelled as ignoring speaker variation.
 */
export const MIN_INTERVAL_UNITS = 5

/** 'too few speakers for an interval (3, at least 5)' */
export function tooFewUnits(what: 'speakers' | 'folds' | 'bases', n: number): string {
  return `too few ${what} for an interval (${n}, at least ${MIN_INTERVAL_UNITS})`
}

/** What a Wilson interval over clips leaves out, in the words every surface uses. */
export const WILSON_LABEL = 'Wilson, over clips: ignores speaker variation'
