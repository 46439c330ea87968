/** Result records for the experiment tests, built from a grid and a UAR rule (no training). */
import { classificationMetrics, expandGrid, makeConfig, type Task } from '../../../src-main/services/experiment/index'
import type { ExperimentConfigInput, ResultRecord } from '../../../src-shared/contract/experiments'

export const CLASSES = ['happy', 'sad', 'angry']

/**
 * One record per task of the grid; `correctOf(task)` = how many of the 12 test clips per
 * class are right (the rest are predicted as the next class), so UAR = correct / 12.
 */
export function recordsFor(input: ExperimentConfigInput, correctOf: (t: Task) => number): ResultRecord[] {
  const config = makeConfig(input)
  return expandGrid(config).map((t) => {
    const k = Math.max(0, Math.min(12, Math.round(correctOf(t))))
    const truth = CLASSES.flatMap((c) => Array(12).fill(c) as string[])
    const pred = CLASSES.flatMap((c, i) => [...Array(k).fill(c), ...Array(12 - k).fill(CLASSES[(i + 1) % 3])] as string[])
    const m = classificationMetrics(CLASSES, truth, pred)
    return {
      method: t.method, source: t.source, loss: t.loss, frozen: t.frozen, shots: t.shots, fold: t.fold, seed: t.seed, model: config.model,
      classes: CLASSES, n_support: 6, n_test: truth.length, accuracy: m.accuracy, uar: m.uar, macro_f1: m.macroF1,
      train_speakers: [`s${t.fold + 1}a`], test_speakers: [`s${t.fold + 1}b`], confusion: m.confusion, seconds: 0.5,
    }
  })
}
