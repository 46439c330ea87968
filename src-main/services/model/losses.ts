/**
 * The metric-learning losses (src-shared/losses.ts names them), on embeddings that the
 * network has already L2-normalised (networks.ts), so distances lie in [0, 2] and every
 * margin or temperature is a fraction of the sphere, not of whatever scale the network grows.
 *
 * Pairs (contrastive), on a batch of P pairs with y = 1 for a same-class pair:
 * - contrastive (Hadsell, Chopra & LeCun 2006): y d^2 + (1-y) max(0, m - d)^2, mean over pairs.
 *
 * Class-balanced batches of n items, per anchor i with positives P(i) (other items of its class,
 * never i itself or a copy of item i) and negatives N(i) (items of other classes); anchors with
 * no positive or no negative are skipped (the mean is over valid anchors):
 * - distance: OUR RECONSTRUCTION of the seed paper's modified distance loss from its abstract
 *   (the formula was not available): D_same = mean_{p in P(i)} d(i,p), D_diff = mean_{n in N(i)} d(i,n),
 *   loss_i = t * softplus((D_same - D_diff + m) / t).
 * - triplet, batch-hard with soft margin (Hermans, Beyer & Leibe 2017, "In Defense of the Triplet
 *   Loss for Person Re-Identification", eq. 5 with the softplus of section 3.3):
 *   loss_i = ln(1 + exp(max_{p in P(i)} d(i,p) - min_{n in N(i)} d(i,n) + m)), m = 0 in the paper.
 * - protonet (Snell, Swersky & Zemel 2017, "Prototypical Networks for Few-shot Learning", eq. 1-2),
 *   within the batch: prototype of i's own class = mean of P(i) (leave-one-out, so i never matches
 *   itself), of every other class c = mean of its items; loss_i = -log softmax_c(-||e_i - mu_c||^2 / t)[y_i].
 * - supcon (Khosla et al. 2020, "Supervised Contrastive Learning", eq. 2, L_out):
 *   loss_i = -1/|P(i)| sum_{p in P(i)} log( exp(e_i.e_p / t) / sum_{a != i} exp(e_i.e_a / t) ).
 *
 * Each loss also returns, per anchor (or pair), the size of its gradient factor ("activity"):
 * the hinge's slope for contrastive, sigmoid(z) for the softplus losses, 1 - p(own class) for
 * protonet, the softmax mass on negatives for supcon. An anchor is active when it exceeds
 * ACTIVE_THRESHOLD; the share of active anchors is an epoch diagnostic (active_fraction).
 *
 * Distances are Euclidean with a small epsilon inside the square root so gradients stay finite at 0.
 */
import * as tf from '@tensorflow/tfjs'
import { LOSS_DEFAULTS, type LossName } from '../../../src-shared/losses'
import type { LossConfig } from './types'

export type { LossConfig }

export const DISTANCE_EPS = 1e-9
/** An anchor whose gradient factor is below this no longer trains the network. */
export const ACTIVE_THRESHOLD = 1e-3
/** Added to masked-out entries of a min / logsumexp; far above any distance on the unit sphere. */
const FAR = 1e4

export interface LossOutput {
  loss: tf.Scalar
  /** Per anchor (balanced batches) or pair: the size of its gradient factor, >= 0. */
  activity: tf.Tensor1D
  /** 1 for anchors that count (null: all), and how many do. */
  valid: tf.Tensor1D | null
  nValid: number
}

/** tf.tidy for results that hold tensors next to plain fields (tidy keeps every tensor it finds in them). */
export function tidyKeep<T>(f: () => T): T {
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as T
}

/** A loss with its LOSS_DEFAULTS hyper-parameters, optionally overridden (tuned values). */
export function lossConfigFor(name: LossName, overrides: Partial<Omit<LossConfig, 'name'>> = {}): LossConfig {
  const d = LOSS_DEFAULTS[name]
  return { name, margin: d.margin, temperature: d.temperature, ...overrides }
}

/** Row-wise Euclidean distances between a[i] and b[i]: [n, k] x [n, k] -> [n]. */
export function pairDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.squaredDifference(a, b), 1), DISTANCE_EPS)) as tf.Tensor1D)
}

/** All pairwise Euclidean distances of the rows of e: [n, k] -> [n, n]. */
export function pairwiseDistances(e: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sqrt(tf.add(pairwiseSquared(e, e), DISTANCE_EPS)) as tf.Tensor2D)
}

function pairwiseSquared(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const sa = tf.sum(tf.square(a), 1, true)
  const sb = tf.sum(tf.square(b), 1, true)
  return tf.relu(tf.sub(tf.add(sa, tf.transpose(sb)), tf.mul(tf.matMul(a, b, false, true), 2))) as tf.Tensor2D
}

/** Contrastive loss of a pair batch (`same` 1 for a same-class pair), with each pair's activity. */
export function contrastivePairs(a: tf.Tensor2D, b: tf.Tensor2D, same: tf.Tensor1D, margin: number): LossOutput {
  return tidyKeep(() => {
    const d = pairDistances(a, b)
    const hinge = tf.relu(tf.sub(margin, d))
    const notSame = tf.sub(1, same)
    const terms = tf.add(tf.mul(same, tf.square(d)), tf.mul(notSame, tf.square(hinge)))
    const activity = tf.add(tf.mul(same, d), tf.mul(notSame, hinge)) as tf.Tensor1D
    return { loss: tf.mean(terms) as tf.Scalar, activity, valid: null, nValid: same.shape[0] }
  })
}

/** Scalar contrastive loss (mean over pairs). */
export function contrastiveLoss(a: tf.Tensor2D, b: tf.Tensor2D, same: tf.Tensor1D, margin: number): tf.Scalar {
  const o = contrastivePairs(a, b, same, margin)
  o.activity.dispose()
  return o.loss
}

/**
 * Masks of a class-balanced batch, computed once per batch in plain JS from integer class ids.
 * `items` (the batch's item indices, when given) keeps a copy of an item from ever being its
 * own positive: an item is never paired with itself.
 */
export interface BatchMasks {
  n: number
  /** [n, n] 1 where j is a positive of i (same class, not i, not a copy of item i). */
  same: tf.Tensor2D
  /** [n, n] 1 where j is of another class. */
  diff: tf.Tensor2D
  /** [n, n] 1 where j is any other item (not i, not a copy of i): supcon's denominator. */
  others: tf.Tensor2D
  /** [n] |P(i)| and |N(i)|, at least 1 so divisions stay finite for skipped anchors. */
  nSame: tf.Tensor1D
  nDiff: tf.Tensor1D
  /** [n, C] one-hot class of each item over the C classes present; [C] items per class. */
  onehot: tf.Tensor2D
  counts: tf.Tensor1D
  valid: tf.Tensor1D
  nValid: number
}

export function batchMasks(classIds: ArrayLike<number>, items?: ArrayLike<number>): BatchMasks {
  const n = classIds.length
  if (items && items.length !== n) throw new Error(`batch masks: ${n} class ids but ${items.length} item indices`)
  const classes = [...new Set(Array.from(classIds))]
  const col = new Map(classes.map((c, k) => [c, k]))
  const C = classes.length
  const same = new Float32Array(n * n)
  const diff = new Float32Array(n * n)
  const others = new Float32Array(n * n)
  const nSame = new Float32Array(n)
  const nDiff = new Float32Array(n)
  const onehot = new Float32Array(n * C)
  const counts = new Float32Array(C)
  const valid = new Float32Array(n)
  let nValid = 0
  for (let i = 0; i < n; i++) {
    onehot[i * C + col.get(classIds[i])!] = 1
    counts[col.get(classIds[i])!]++
    for (let j = 0; j < n; j++) {
      if (j === i || (items && items[j] === items[i])) continue
      others[i * n + j] = 1
      if (classIds[j] === classIds[i]) {
        same[i * n + j] = 1
        nSame[i]++
      } else {
        diff[i * n + j] = 1
        nDiff[i]++
      }
    }
    if (nSame[i] > 0 && nDiff[i] > 0) {
      valid[i] = 1
      nValid++
    }
  }
  return {
    n,
    same: tf.tensor2d(same, [n, n]),
    diff: tf.tensor2d(diff, [n, n]),
    others: tf.tensor2d(others, [n, n]),
    nSame: tf.tensor1d(nSame.map((v) => Math.max(v, 1))),
    nDiff: tf.tensor1d(nDiff.map((v) => Math.max(v, 1))),
    onehot: tf.tensor2d(onehot, [n, C]),
    counts: tf.tensor1d(counts),
    valid: tf.tensor1d(valid),
    nValid,
  }
}

export function disposeMasks(m: BatchMasks): void {
  tf.dispose([m.same, m.diff, m.others, m.nSame, m.nDiff, m.onehot, m.counts, m.valid])
}

/** Mean of per-anchor terms over the valid anchors. */
function validMean(terms: tf.Tensor1D, m: BatchMasks): tf.Scalar {
  return tf.div(tf.sum(tf.mul(terms, m.valid)), m.nValid) as tf.Scalar
}

function distanceTerms(e: tf.Tensor2D, m: BatchMasks, margin: number, t: number) {
  const d = pairwiseDistances(e)
  const dSame = tf.div(tf.sum(tf.mul(d, m.same), 1), m.nSame)
  const dDiff = tf.div(tf.sum(tf.mul(d, m.diff), 1), m.nDiff)
  const z = tf.div(tf.add(tf.sub(dSame, dDiff), margin), t)
  return { terms: tf.mul(tf.softplus(z), t) as tf.Tensor1D, activity: tf.sigmoid(z) as tf.Tensor1D }
}

function tripletTerms(e: tf.Tensor2D, m: BatchMasks, margin: number) {
  const d = pairwiseDistances(e)
  const hardPos = tf.max(tf.mul(d, m.same), 1) // d >= 0, so masked entries (0) never win over a positive
  const hardNeg = tf.min(tf.add(d, tf.mul(tf.sub(1, m.diff), FAR)), 1)
  const z = tf.add(tf.sub(hardPos, hardNeg), margin)
  return { terms: tf.softplus(z) as tf.Tensor1D, activity: tf.sigmoid(z) as tf.Tensor1D }
}

function protonetTerms(e: tf.Tensor2D, m: BatchMasks, t: number) {
  // Own class: leave-one-out prototype from the positives; other classes: the class mean.
  const own = tf.div(tf.matMul(m.same, e), tf.expandDims(m.nSame, 1))
  const dOwn = tf.sum(tf.squaredDifference(e, own), 1, true) // [n, 1]
  const means = tf.div(tf.matMul(m.onehot, e, true, false), tf.expandDims(tf.maximum(m.counts, 1), 1)) // [C, k]
  const dAll = pairwiseSquared(e, means as tf.Tensor2D) // [n, C]
  const d2 = tf.add(tf.mul(dAll, tf.sub(1, m.onehot)), tf.mul(dOwn, m.onehot))
  const logp = tf.logSoftmax(tf.div(tf.neg(d2), t))
  const terms = tf.neg(tf.sum(tf.mul(logp, m.onehot), 1)) as tf.Tensor1D
  return { terms, activity: tf.sub(1, tf.exp(tf.neg(terms))) as tf.Tensor1D }
}

function supconTerms(e: tf.Tensor2D, m: BatchMasks, t: number) {
  const sim = tf.div(tf.matMul(e, e, false, true), t)
  const masked = tf.sub(sim, tf.mul(tf.sub(1, m.others), FAR))
  const logp = tf.sub(sim, tf.logSumExp(masked, 1, true))
  const terms = tf.div(tf.neg(tf.sum(tf.mul(logp, m.same), 1)), m.nSame) as tf.Tensor1D
  const onPositives = tf.sum(tf.mul(tf.exp(logp), m.same), 1)
  return { terms, activity: tf.relu(tf.sub(1, onPositives)) as tf.Tensor1D }
}

/** A class-balanced batch's loss (every loss but contrastive) with each anchor's activity. */
export function balancedLoss(e: tf.Tensor2D, m: BatchMasks, cfg: LossConfig): LossOutput {
  if (cfg.name === 'contrastive') throw new Error('the contrastive loss trains on pair batches, not class-balanced batches')
  if (m.nValid === 0) throw new Error(`${cfg.name} loss: the batch needs at least two items of one class and one of another`)
  const needsT = cfg.name !== 'triplet'
  if (needsT && !(cfg.temperature > 0)) throw new Error(`${cfg.name} loss: temperature must be > 0, got ${cfg.temperature}`)
  return tidyKeep(() => {
    const r =
      cfg.name === 'distance'
        ? distanceTerms(e, m, cfg.margin, cfg.temperature)
        : cfg.name === 'triplet'
          ? tripletTerms(e, m, cfg.margin)
          : cfg.name === 'protonet'
            ? protonetTerms(e, m, cfg.temperature)
            : supconTerms(e, m, cfg.temperature)
    return { loss: validMean(r.terms, m), activity: r.activity, valid: tf.clone(m.valid), nValid: m.nValid }
  })
}

/** Share of valid anchors (or pairs) whose gradient factor is above ACTIVE_THRESHOLD. */
export function activeFraction(o: LossOutput): tf.Scalar {
  return tf.tidy(() => {
    const on = tf.cast(tf.greater(o.activity, ACTIVE_THRESHOLD), 'float32')
    return tf.div(tf.sum(o.valid ? tf.mul(on, o.valid) : on), Math.max(1, o.nValid)) as tf.Scalar
  })
}

export function disposeOutput(o: LossOutput, keepLoss = true): void {
  tf.dispose([o.activity, ...(o.valid ? [o.valid] : []), ...(keepLoss ? [] : [o.loss])])
}

/** Scalar loss of a class-balanced batch with integer class labels (tests, validation). */
export function batchLoss(e: tf.Tensor2D, labels: ArrayLike<number>, cfg: LossConfig): tf.Scalar {
  const m = batchMasks(labels)
  try {
    const o = balancedLoss(e, m, cfg)
    disposeOutput(o)
    return o.loss
  } finally {
    disposeMasks(m)
  }
}

/** The modified distance loss (our reconstruction) as a scalar. t > 0; m >= 0. */
export function distanceLoss(e: tf.Tensor2D, labels: ArrayLike<number>, margin: number, temperature: number): tf.Scalar {
  return batchLoss(e, labels, { name: 'distance', margin, temperature })
}
