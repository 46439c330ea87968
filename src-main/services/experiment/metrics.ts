/**
 * Classification metrics over an explicit class list (so a class nobody predicted
 * still has its row and column):
 * - accuracy: correct / n;
 * - UAR (unweighted average recall): mean over the classes present in the truth of
 *   recall = TP / (TP + FN) — chance level is 1 / classes whatever the class balance;
 * - macro-F1: mean over the classes present in the truth of F1 = 2PR / (P + R), with
 *   precision 0 when a class is never predicted (scikit-learn's zero_division=0);
 * - confusion[truth][predicted] = count.
 * Equal to sklearn.metrics accuracy_score, balanced_accuracy_score and
 * f1_score(average='macro', labels=<classes present in truth>, zero_division=0).
 */
export interface Metrics {
  accuracy: number
  uar: number
  macroF1: number
  confusion: Record<string, Record<string, number>>
}

export function confusionMatrix(classes: string[], truth: string[], predicted: string[]): Record<string, Record<string, number>> {
  if (truth.length !== predicted.length) throw new Error(`truth has ${truth.length} labels, predictions ${predicted.length}`)
  const m: Record<string, Record<string, number>> = {}
  for (const t of classes) m[t] = Object.fromEntries(classes.map((p) => [p, 0]))
  truth.forEach((t, i) => {
    const p = predicted[i]
    if (!(t in m)) throw new Error(`label '${t}' is not one of the classes ${classes.join(', ')}`)
    if (!(p in m[t])) throw new Error(`prediction '${p}' is not one of the classes ${classes.join(', ')}`)
    m[t][p]++
  })
  return m
}

export function metricsFromConfusion(classes: string[], confusion: Record<string, Record<string, number>>): Metrics {
  let n = 0
  let correct = 0
  let recallSum = 0
  let f1Sum = 0
  let present = 0
  for (const c of classes) {
    const row = classes.reduce((s, p) => s + confusion[c][p], 0)
    n += row
    correct += confusion[c][c]
    if (row === 0) continue
    present++
    const tp = confusion[c][c]
    const predictedAsC = classes.reduce((s, t) => s + confusion[t][c], 0)
    const recall = tp / row
    const precision = predictedAsC > 0 ? tp / predictedAsC : 0
    recallSum += recall
    f1Sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
  }
  if (n === 0) throw new Error('metrics of an empty test set')
  return { accuracy: correct / n, uar: recallSum / present, macroF1: f1Sum / present, confusion }
}

export function classificationMetrics(classes: string[], truth: string[], predicted: string[]): Metrics {
  return metricsFromConfusion(classes, confusionMatrix(classes, truth, predicted))
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
