/** Result records for the experiment tests, built from a grid and a UAR rule (no training). */
import { classificationMetrics, expandGrid, makeConfig, type Evaluation } from '../../../src-main/services/experiment/index'
import type { ExperimentConfigInput, ResultRecord } from '../../../src-shared/contract/experiments'

export const CLASSES = ['happy', 'sad', 'angry']

/**
 * One record per evaluation of the grid; `correctOf(e)` = how many of the 12 test clips per
 * class are right (the rest are predicted as the next class), so UAR = correct / 12.
 */
export function recordsFor(input: ExperimentConfigInput, correctOf: (e: Evaluation) => number): ResultRecord[] {
  const config = makeConfig(input)
  return expandGrid(config).map(({ key: _key, ...e }) => {
    const k = Math.max(0, Math.min(12, Math.round(correctOf({ key: _key, ...e }))))
    const truth = CLASSES.flatMap((c) => Array(12).fill(c) as string[])
    const pred = CLASSES.flatMap((c, i) => [...Array(k).fill(c), ...Array(12 - k).fill(CLASSES[(i + 1) % 3])] as string[])
    const m = classificationMetrics(CLASSES, truth, pred)
    const source = e.source !== null
    return {
      ...e,
      model: config.model,
      classes: CLASSES,
      n_support: 6,
      n_test: truth.length,
      accuracy: m.accuracy,
      uar: m.uar,
      macro_f1: m.macroF1,
      speakers: {
        pretrain: source ? ['c1', 'c2'] : [],
        validation: source ? ['c3'] : [],
        tuning: source ? ['c4'] : [],
        support: [`s${e.fold + 1}a`],
        test: [`s${e.fold + 1}b`],
      },
      diagnostics: [],
      confusion: m.confusion,
      seconds: 0.5,
    }
  })
}

/** Two named source corpora. */
export const TWO_SOURCES = [
  { name: 'cremad', ref: '/c' },
  { name: 'enterface', ref: '/e' },
]

/** A small grid on two named corpora (cremad -> ravdess, 2 folds, 1 seed, 1 shot, frozen 0); `over` changes any field. */
export function smallGrid(over: Partial<ExperimentConfigInput> = {}): ExperimentConfigInput {
  const corpora = { sources: [{ name: 'cremad', ref: '/c' }], target: { name: 'ravdess', ref: '/r' } }
  return { ...corpora, folds: 2, seeds: 1, pretrainSeeds: 1, shots: [1], frozen: [0], ...over }
}
