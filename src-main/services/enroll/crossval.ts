/**
 * Held-out accuracy on a person's own examples, by stratified k-fold
 * "leave-some-out": every example is held out exactly once; the model is
 * fine-tuned (when asked) and the prototypes are built from the other folds only,
 * so no held-out example ever shaped what classifies it. The base network's
 * prototypes are scored on the same folds, which shows what fine-tuning added.
 * The out-of-fold distances also calibrate the final profile's temperature.
 */
import { dist, expectedCalibrationError, prototypes, quantile, softmaxNeg } from '../model/inference-core'
import { classificationMetrics } from '../model/metrics'
import { embedAll, type TrainedModel } from '../model/trained'
import { finetune } from '../model/train'
import type { EpochReport, ItemSet } from '../model/types'
import type { HeldOut } from '../../../src-shared/contract/enroll'
import type { Recipe } from '../../../src-shared/losses'
import type { RecipeChoice } from '../../../src-shared/contract/recipe'
import { EnrollError } from './examples'
import { chooseForExamples, trainChosen } from './recipe'
import { stratifiedFolds } from './stratified'

export { stratifiedFolds }

/**
 * Leave-one-session-out folds: fold f holds every example of the f-th session (sorted
 * by key), so no take of the held-out sitting shapes what classifies it. Every emotion
 * must then be present outside each session, or that fold has no prototype for it.
 */
export function sessionFolds(labels: string[], sessions: string[]): { fold: number[]; keys: string[] } {
  if (sessions.length !== labels.length) throw new EnrollError(`${sessions.length} session keys for ${labels.length} examples`)
  const keys = [...new Set(sessions)].sort()
  if (keys.length < 2) throw new EnrollError('holding out a whole session needs examples from at least two recording sessions; all of these come from one')
  for (const k of keys) {
    const outside = new Set(labels.filter((_, i) => sessions[i] !== k))
    const missing = [...new Set(labels)].filter((c) => !outside.has(c))
    if (missing.length)
      throw new EnrollError(`holding out session ${k} would leave no ${missing.join(', ')} example to learn from: record each emotion in at least two sessions`)
  }
  return { fold: sessions.map((s) => keys.indexOf(s)), keys }
}

export interface TuneOptions {
  finetune: boolean
  frozenLayers: number
  epochs: number
  seed: number
  signal?: AbortSignal
  onEpoch?: (r: EpochReport) => void
  /**
   * 'recommended': the recipe (keep the base, or fine-tune with a loss and frozen layers) is chosen on the given examples; `finetune` and `frozenLayers` are
   * then unused.
   */
  recipe?: Recipe
  onChoosing?: (message: string) => void
}

/** The base model fine-tuned on `indices` of `data` (one speaker, so no validation split), or the base itself. */
export async function tune(base: TrainedModel, data: ItemSet, indices: number[], o: TuneOptions): Promise<TrainedModel> {
  if (!o.finetune) return base
  return finetune(
    base,
    data,
    { frozenLayers: o.frozenLayers, shots: null, loss: base.loss, seed: o.seed, indices, overrides: { epochs: o.epochs, validationSpeakers: 0, patience: 0 } },
    { signal: o.signal, onEpoch: o.onEpoch },
  )
}

/** tune(), or with the recommended recipe: choose on `indices` only, then train the chosen recipe on them. */
export async function tuneWith(
  base: TrainedModel,
  data: ItemSet,
  indices: number[],
  o: TuneOptions,
): Promise<{ model: TrainedModel; choice: RecipeChoice | null }> {
  if (o.recipe !== 'recommended') return { model: await tune(base, data, indices, o), choice: null }
  const fallback = o.finetune ? { finetune: true as const, loss: base.loss.name, frozen: o.frozenLayers } : { finetune: false as const }
  const choice = await chooseForExamples(base, data, indices, { ...o, fallback })
  return { model: await trainChosen(base, data, indices, choice, o), choice }
}

/** Distances from items `query` to the class prototypes of items `support`, both taken from `emb`. */
function distancesTo(emb: Float32Array, dim: number, labels: string[], support: number[], query: number[], classes: string[]): number[][] {
  const sup = new Float32Array(support.length * dim)
  support.forEach((i, r) => sup.set(emb.subarray(i * dim, (i + 1) * dim), r * dim))
  const p = prototypes(sup, support.map((i) => labels[i]), dim)
  // prototypes() sorts its classes; map them onto `classes` (the same set, every fold holds them all).
  const order = classes.map((c) => p.classes.indexOf(c))
  return query.map((q) => order.map((c) => dist(emb, q, p.protos, c, dim)))
}

const argmin = (d: number[]) => d.reduce((b, v, i) => (v < d[b] ? i : b), 0)

export interface CrossValResult {
  heldOut: HeldOut
  /** The recommended recipe's choice in each fold (on that fold's training examples only); [] with a fixed recipe. */
  choices: RecipeChoice[]
  /** Out-of-fold distance rows (to every class) with the true class index, for calibration. */
  rows: { d: number[]; y: number }[]
}

export async function crossValidate(
  base: TrainedModel,
  data: ItemSet & { clipIds: number[] },
  k: number,
  o: TuneOptions & { onFold?: (fold: number, folds: number) => void; sessions?: string[] },
): Promise<CrossValResult> {
  const classes = [...new Set(data.labels)].sort()
  const bySession = o.sessions ? sessionFolds(data.labels, o.sessions) : null
  if (bySession) k = bySession.keys.length
  const fold = bySession ? bySession.fold : stratifiedFolds(data.labels, k, o.seed)
  const dim = base.net.embeddingDim
  const baseEmb = embedAll(base, data)
  const truth: string[] = []
  const predicted: string[] = []
  const basePredicted: string[] = []
  const predictions: HeldOut['predictions'] = []
  const rows: CrossValResult['rows'] = []
  const choices: RecipeChoice[] = []
  for (let f = 0; f < k; f++) {
    o.onFold?.(f, k)
    const train = fold.flatMap((g, i) => (g === f ? [] : [i]))
    const test = fold.flatMap((g, i) => (g === f ? [i] : []))
    const baseD = distancesTo(baseEmb, dim, data.labels, train, test, classes)
    const { model, choice } = await tuneWith(base, data, train, o)
    if (choice) choices.push(choice)
    try {
      const emb = model === base ? baseEmb : embedAll(model, data)
      const d = distancesTo(emb, dim, data.labels, train, test, classes)
      test.forEach((i, r) => {
        const y = classes.indexOf(data.labels[i])
        truth.push(data.labels[i])
        predicted.push(classes[argmin(d[r])])
        basePredicted.push(classes[argmin(baseD[r])])
        predictions.push({ clipId: data.clipIds[i], label: data.labels[i], predicted: classes[argmin(d[r])], fold: f })
        rows.push({ d: d[r], y })
      })
    } finally {
      if (model !== base) model.net.dispose()
    }
  }
  const m = classificationMetrics(classes, truth, predicted)
  const baseAcc = classificationMetrics(classes, truth, basePredicted).accuracy
  const n = data.labels.length
  const method =
    (bySession
      ? `leave-one-session-out on the ${n} examples from ${k} recording sessions: each whole session was held out once, `
      : `stratified ${k}-fold leave-some-out on the ${n} examples: each example was held out once, `) +
    (o.recipe === 'recommended'
      ? `the recipe chosen by an inner cross-validation on the other ${bySession ? 'sessions' : 'folds'}' examples only ` +
        `(${choices.map((c) => c.label).join('; ')}), the model trained with it and `
      : o.finetune
        ? `the model fine-tuned (${o.epochs} epochs, ${o.frozenLayers} frozen layer${o.frozenLayers === 1 ? '' : 's'}) and `
        : '') +
    `the emotion prototypes built from the other ${k - 1} ${bySession ? 'session' : 'fold'}${k === 2 ? '' : 's'} only, ` +
    `then the example classified by its nearest prototype`
  return {
    choices,
    heldOut: { method, folds: k, accuracy: m.accuracy, uar: m.uar, macroF1: m.macroF1, baseAccuracy: baseAcc, confusion: m.confusion, predictions },
    rows,
  }
}

type Row = { d: number[]; y: number }

/** T minimising the NLL over a bounded log grid around the median own-class distance (as services/model calibrate()). */
function fitTemperature(rows: Row[]): number {
  const scale = quantile(rows.map((r) => r.d[r.y]), 0.5) || 1
  const nll = (T: number) => rows.reduce((s, r) => s - Math.log(Math.max(softmaxNeg(r.d, T)[r.y], 1e-12)), 0)
  let bestT = scale
  let best = nll(bestT)
  for (let e = -1.3; e <= 2; e += 0.05) {
    const T = scale * 10 ** e
    const v = nll(T)
    if (v < best) {
      best = v
      bestT = T
    }
  }
  return bestT
}

/**
 * Temperature and 'uncertain' distance from out-of-fold rows, the same rules as
 * services/model calibrate(): 'uncertain' lies beyond 1.25 x the 97.5th percentile of
 * own-class distances. The ECE is cross-fitted, so calibration and ECE never share data:
 * the rows are dealt into two halves (alternately within each class), each half's
 * confidences use the temperature fitted on the other half, and the ECE is taken over
 * all rows. With fewer than 2 rows per half the ECE is null.
 */
export function calibrateFromRows(rows: Row[]): { temperature: number; uncertainDistance: number; ece: number | null } {
  const own = rows.map((r) => r.d[r.y])
  const temperature = fitTemperature(rows)
  const seen = new Map<number, number>()
  const half = rows.map((r) => {
    const k = seen.get(r.y) ?? 0
    seen.set(r.y, k + 1)
    return k % 2
  })
  const parts = [0, 1].map((h) => rows.filter((_, i) => half[i] === h))
  let ece: number | null = null
  if (parts.every((p) => p.length >= 2)) {
    const conf: number[] = []
    const ok: boolean[] = []
    parts.forEach((part, h) => {
      const T = fitTemperature(parts[1 - h])
      for (const r of part) {
        const top = argmin(r.d)
        conf.push(softmaxNeg(r.d, T)[top])
        ok.push(top === r.y)
      }
    })
    ece = expectedCalibrationError(conf, ok)
  }
  return { temperature, uncertainDistance: quantile(own, 0.975) * 1.25, ece }
}
