/**
 * Few-shot inference. A profile holds the enrolled support examples' embeddings; a
 * clip's embedding is compared with each class (its prototype = mean support embedding,
 * or the mean of its k nearest support items), distances become probabilities through
 * softmax(-d / T) with T calibrated on validation data by minimising the negative
 * log-likelihood, and the answer is 'uncertain' when even the nearest class is farther
 * than a threshold learnt from how far known items of a class lie from it.
 * Classes come from the support set, so a profile may hold emotions the source corpus never had.
 * With L2-normalised embeddings every clip lies on the unit sphere, so a clip far outside the
 * training data is also caught by its raw output norm (normRange).
 */
import { embedAll, embedAllWithNorms, type TrainedModel } from './trained'
import { dist, expectedCalibrationError, prototypes, quantile, softmaxNeg } from './inference-core'
import { classificationMetrics, type ClassMetrics } from './metrics'
import type { ItemSet } from './types'
import type { Prediction, Profile } from './profile'
import { profileDistance } from './unfamiliar'

export { expectedCalibrationError }
export type { Prediction, Profile }

/** How far outside the support's raw-norm range a clip may lie before it is 'uncertain'. */
export const NORM_OUTLIER = 3

export function buildProfile(model: TrainedModel, support: ItemSet, opts: { method?: 'prototype' | 'knn'; k?: number } = {}): Profile {
  if (support.labels.length === 0) throw new Error('a profile needs at least one support example')
  const dim = model.net.embeddingDim
  const { emb, norms } = embedAllWithNorms(model, support)
  const { classes, protos } = prototypes(emb, support.labels, dim)
  const profile: Profile = {
    method: opts.method ?? 'prototype',
    k: opts.k ?? 3,
    classes,
    dim,
    prototypes: Array.from(protos),
    support: support.labels.map((label, i) => ({ label, embedding: Array.from(emb.subarray(i * dim, (i + 1) * dim)) })),
    temperature: 1,
    uncertainDistance: Infinity,
    ece: null,
    ...(model.net.arch.normalize === 'l2' ? { normRange: [Math.min(...norms), Math.max(...norms)] as [number, number] } : {}),
  }
  // Uncalibrated defaults: T = median own-class distance; 'uncertain' beyond twice the largest one.
  const own = support.labels.map((l, i) => dist(emb, i, protos, classes.indexOf(l), dim))
  const med = quantile(own, 0.5)
  profile.temperature = med > 1e-6 ? med : 1
  profile.uncertainDistance = Math.max(...own) * 2 + 1e-6
  return profile
}

function classDistances(profile: Profile, emb: Float32Array, i: number): number[] {
  const { dim } = profile
  if (profile.method === 'prototype') return profile.classes.map((_, c) => dist(emb, i, profile.prototypes, c, dim))
  return profile.classes.map((c) => {
    const ds = profile.support.filter((s) => s.label === c).map((s) => dist(emb, i, s.embedding, 0, dim))
    ds.sort((a, b) => a - b)
    const near = ds.slice(0, Math.max(1, profile.k))
    return near.reduce((a, b) => a + b, 0) / near.length
  })
}

function normOutlier(profile: Profile, norm: number): boolean {
  if (!profile.normRange) return false
  const [lo, hi] = profile.normRange
  return norm > hi * NORM_OUTLIER || norm < lo / NORM_OUTLIER
}

function toPrediction(profile: Profile, d: number[], outlier = false): Prediction {
  const p = softmaxNeg(d, profile.temperature)
  let best = 0
  for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c
  return {
    probabilities: Object.fromEntries(profile.classes.map((c, i) => [c, p[i]])),
    top: profile.classes[best],
    uncertain: outlier || Math.min(...d) > profile.uncertainDistance,
    distances: Object.fromEntries(profile.classes.map((c, i) => [c, d[i]])),
  }
}

export function predict(model: TrainedModel, profile: Profile, items: ItemSet): Prediction[] {
  const { emb, norms } = embedAllWithNorms(model, items)
  const takes = profile.familiarity ? profile.support.map((s) => s.embedding) : null
  return items.labels.map((_, i) => {
    const p = toPrediction(profile, classDistances(profile, emb, i), normOutlier(profile, norms[i]))
    if (takes && profile.familiarity) p.takesDistance = profileDistance(emb, i, takes, profile.dim, profile.familiarity.k)
    return p
  })
}

/**
 * Calibrates the profile's temperature on labelled validation items (classes unknown to
 * the profile are ignored), sets the 'uncertain' distance to the 97.5th percentile of the
 * validation items' distance to their own class, and records the calibrated ECE.
 */
export function calibrate(
  model: TrainedModel,
  profile: Profile,
  validation: ItemSet,
): { temperature: number; ece: number; eceBefore: number; uncertainDistance: number } {
  const emb = embedAll(model, validation)
  const rows: { d: number[]; y: number }[] = []
  validation.labels.forEach((l, i) => {
    const y = profile.classes.indexOf(l)
    if (y >= 0) rows.push({ d: classDistances(profile, emb, i), y })
  })
  if (rows.length === 0) throw new Error("calibration needs validation items of the profile's classes")
  const nll = (T: number) => rows.reduce((s, r) => s - Math.log(Math.max(softmaxNeg(r.d, T)[r.y], 1e-12)), 0)
  const ece = (T: number) => {
    const conf: number[] = []
    const ok: boolean[] = []
    for (const r of rows) {
      const p = softmaxNeg(r.d, T)
      const top = p.indexOf(Math.max(...p))
      conf.push(p[top])
      ok.push(top === r.y)
    }
    return expectedCalibrationError(conf, ok)
  }
  const eceBefore = ece(profile.temperature)
  const scale =
    quantile(
      rows.map((r) => r.d[r.y]),
      0.5,
    ) || 1
  let bestT = profile.temperature
  let bestNll = nll(bestT)
  // Bounded below: with perfectly separated validation data the NLL falls forever as T -> 0,
  // which would turn every answer into a 0/1 certainty on new speakers.
  for (let e = -1.3; e <= 2; e += 0.05) {
    const T = scale * 10 ** e
    const v = nll(T)
    if (v < bestNll) {
      bestNll = v
      bestT = T
    }
  }
  profile.temperature = bestT
  profile.ece = ece(bestT)
  profile.uncertainDistance =
    quantile(
      rows.map((r) => r.d[r.y]),
      0.975,
    ) * 1.25
  return { temperature: bestT, ece: profile.ece, eceBefore, uncertainDistance: profile.uncertainDistance }
}

export function evaluateProfile(model: TrainedModel, profile: Profile, test: ItemSet): ClassMetrics & { ece: number; uncertainRate: number } {
  const preds = predict(model, profile, test)
  // no class list: the test set may hold classes the profile lacks
  const m = classificationMetrics(null, test.labels, preds.map((p) => p.top))
  const ece = expectedCalibrationError(
    preds.map((p) => p.probabilities[p.top]),
    preds.map((p, i) => p.top === test.labels[i]),
  )
  return { ...m, ece, uncertainRate: preds.filter((p) => p.uncertain).length / Math.max(1, preds.length) }
}
