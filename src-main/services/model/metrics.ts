/**
 * The one implementation of the classification metrics. Model cards and `ser evaluate`
 * (estimate.ts), enrollment's cross-validation, the recipe chooser (recipe.ts), tuning and the
 * experiment's records (and so its report) all call classificationMetrics; a second
 * implementation fails test/unit/tooling/one-metric.test.ts.
 *
 * Over a class list (the rows and columns of the confusion):
 * - accuracy: correct / n;
 * - UAR (unweighted average recall): mean over the classes present in the truth of
 *   recall = TP / (TP + FN); its chance level is 1 / classes whatever the class balance;
 * - macro-F1: mean over the classes present in the truth of F1 = 2PR / (P + R), with
 *   precision 0 when a class is never predicted (scikit-learn's zero_division=0);
 * - confusion[truth][predicted] = count, rows and columns in the class list's order.
 * Equal to sklearn.metrics accuracy_score, balanced_accuracy_score and
 * f1_score(average='macro', labels=<classes present in truth>, zero_division=0).
 *
 * The class list is the caller's when it has one (the experiment's classes, an enrolled
 * person's): every label and prediction must be one of them, and a class nobody predicted
 * still has its row and column. With `null`: the labels in order of first appearance, those of
 * the truth first, then predictions of other labels. Per-class recall and F1 are summed in the
 * class list's order (a floating-point sum can differ in its last bit with another order; these
 * are the orders every stored result was computed with).
 *
 * An empty set has no metrics: classificationMetrics throws 'metrics of an empty test set'. A
 * caller that can meet one decides what it means (tuning.ts scores such a query as 0).
 */

export interface ClassMetrics {
  accuracy: number
  /** Unweighted average recall over the classes present in the truth. */
  uar: number
  macroF1: number
  confusion: Record<string, Record<string, number>>
}

/** The class list without a caller's: labels in order of first appearance, truth first. */
export function classesInOrder(truth: readonly string[], predicted: readonly string[]): string[] {
  return [...new Set([...truth, ...predicted])]
}

export function confusionMatrix(classes: readonly string[], truth: readonly string[], predicted: readonly string[]): Record<string, Record<string, number>> {
  if (truth.length !== predicted.length) throw new Error(`truth has ${truth.length} labels, predictions ${predicted.length}`)
  const m: Record<string, Record<string, number>> = {}
  for (const t of classes) m[t] = Object.fromEntries(classes.map((p) => [p, 0]))
  truth.forEach((t, i) => {
    const p = predicted[i]
    if (!Object.hasOwn(m, t)) throw new Error(`label '${t}' is not one of the classes ${classes.join(', ')}`)
    if (!Object.hasOwn(m[t], p)) throw new Error(`prediction '${p}' is not one of the classes ${classes.join(', ')}`)
    m[t][p]++
  })
  return m
}

export function metricsFromConfusion(classes: readonly string[], confusion: Record<string, Record<string, number>>): ClassMetrics {
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

/**
 * Accuracy, UAR, macro-F1 and the confusion of `predicted` against `truth`, over `classes`
 * (null: the labels in order of first appearance). Throws on an empty set.
 */
export function classificationMetrics(classes: readonly string[] | null, truth: readonly string[], predicted: readonly string[]): ClassMetrics {
  const list = classes ?? classesInOrder(truth, predicted)
  return metricsFromConfusion(list, confusionMatrix(list, truth, predicted))
}
