/**
 * The experiment's figures: one evaluation's record figures, summed confusion matrices, mean
 * and sample standard deviation. Accuracy, UAR and macro-F1 come from model/metrics.ts, the one
 * implementation that model cards, enrollment and the recipe chooser use too.
 */
import type { ResultRecord } from '../../../src-shared/contract/experiments'
import { classificationMetrics } from '../model/metrics'

/** A record's figures over the experiment's classes (in their order): the model card's figures of the same predictions. */
export function recordMetrics(
  classes: readonly string[],
  truth: readonly string[],
  predicted: readonly string[],
): Pick<ResultRecord, 'accuracy' | 'uar' | 'macro_f1' | 'confusion'> {
  const m = classificationMetrics(classes, truth, predicted)
  return { accuracy: m.accuracy, uar: m.uar, macro_f1: m.macroF1, confusion: m.confusion }
}

/** Sum of confusion matrices over the same classes (for the report's per-configuration matrices). */
export function addConfusion(into: Record<string, Record<string, number>>, m: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  for (const [t, row] of Object.entries(m)) {
    into[t] ??= {}
    for (const [p, v] of Object.entries(row)) into[t][p] = (into[t][p] ?? 0) + v
  }
  return into
}

export function mean(v: number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function sd(v: number[]): number {
  if (v.length < 2) return 0
  const m = mean(v)
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))
}
