/**
 * The two Siamese losses of docs/METHOD.md, on embeddings (tf tensors).
 *
 * - Contrastive (Hadsell, Chopra & LeCun 2006): y*d^2 + (1-y)*max(0, m - d)^2, averaged over pairs.
 * - Modified distance loss: OUR RECONSTRUCTION of the paper's loss from its abstract
 *   ("optimizing the model based on the relevant distance between same and difference
 *   class pairs"); the paper's exact formula was not available. For each anchor i of a
 *   batch, D_same(i) = mean distance to the other items of its class, D_diff(i) = mean
 *   distance to items of other classes; loss = mean_i softplus((D_same - D_diff + m) / t) * t.
 *   Anchors with no other item of their class (or no item of another class) are skipped.
 *
 * Distances are Euclidean with a small epsilon inside the square root so the gradient
 * stays finite at d = 0.
 */
import * as tf from '@tensorflow/tfjs'

export const DISTANCE_EPS = 1e-9

/** Row-wise Euclidean distances between a[i] and b[i]: [n, k] x [n, k] -> [n]. */
export function pairDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.squaredDifference(a, b), 1), DISTANCE_EPS)) as tf.Tensor1D)
}

/** All pairwise Euclidean distances of the rows of e: [n, k] -> [n, n]. */
export function pairwiseDistances(e: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(e), 1, true) // [n,1]
    const gram = tf.matMul(e, e, false, true)
    const d2 = tf.relu(tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(gram, 2)))
    return tf.sqrt(tf.add(d2, DISTANCE_EPS)) as tf.Tensor2D
  })
}

/**
 * Contrastive loss over pairs. `same` holds 1 for a same-class pair, 0 otherwise.
 * Returns the scalar mean over pairs.
 */
export function contrastiveLoss(a: tf.Tensor2D, b: tf.Tensor2D, same: tf.Tensor1D, margin: number): tf.Scalar {
  return tf.tidy(() => {
    const d = pairDistances(a, b)
    return contrastiveFromDistances(d, same, margin)
  })
}

export function contrastiveFromDistances(d: tf.Tensor1D, same: tf.Tensor1D, margin: number): tf.Scalar {
  return tf.tidy(() => {
    const pos = tf.mul(same, tf.square(d))
    const hinge = tf.relu(tf.sub(margin, d))
    const neg = tf.mul(tf.sub(1, same), tf.square(hinge))
    return tf.mean(tf.add(pos, neg)) as tf.Scalar
  })
}

/** Masks for the distance loss, computed once per batch in plain JS from integer labels. */
export function distanceMasks(labels: ArrayLike<number>): { same: tf.Tensor2D; diff: tf.Tensor2D; valid: tf.Tensor1D; nValid: number } {
  const n = labels.length
  const same = new Float32Array(n * n)
  const diff = new Float32Array(n * n)
  const valid = new Float32Array(n)
  let nValid = 0
  for (let i = 0; i < n; i++) {
    let ns = 0
    let nd = 0
    for (let j = 0; j < n; j++) {
      if (i === j) continue
      if (labels[i] === labels[j]) ns++
      else nd++
    }
    for (let j = 0; j < n; j++) {
      if (i === j) continue
      if (labels[i] === labels[j]) same[i * n + j] = 1 / ns
      else diff[i * n + j] = 1 / nd
    }
    if (ns > 0 && nd > 0) {
      valid[i] = 1
      nValid++
    }
  }
  return {
    same: tf.tensor2d(same, [n, n]),
    diff: tf.tensor2d(diff, [n, n]),
    valid: tf.tensor1d(valid),
    nValid,
  }
}

/**
 * Modified distance loss (our reconstruction, see the file comment) on a batch of
 * embeddings [n, k] with integer class labels. t > 0; m >= 0.
 */
export function distanceLoss(e: tf.Tensor2D, labels: ArrayLike<number>, margin: number, temperature: number): tf.Scalar {
  const masks = distanceMasks(labels)
  try {
    return distanceLossMasked(e, masks, margin, temperature)
  } finally {
    masks.same.dispose()
    masks.diff.dispose()
    masks.valid.dispose()
  }
}

export function distanceLossMasked(
  e: tf.Tensor2D,
  masks: { same: tf.Tensor2D; diff: tf.Tensor2D; valid: tf.Tensor1D; nValid: number },
  margin: number,
  temperature: number,
): tf.Scalar {
  if (!(temperature > 0)) throw new Error(`distance loss: temperature must be > 0, got ${temperature}`)
  if (masks.nValid === 0) throw new Error('distance loss: the batch needs at least two items of one class and one of another')
  return tf.tidy(() => {
    const d = pairwiseDistances(e)
    const dSame = tf.sum(tf.mul(d, masks.same), 1)
    const dDiff = tf.sum(tf.mul(d, masks.diff), 1)
    const z = tf.div(tf.add(tf.sub(dSame, dDiff), margin), temperature)
    const per = tf.mul(tf.softplus(z), temperature)
    return tf.div(tf.sum(tf.mul(per, masks.valid)), masks.nValid) as tf.Scalar
  })
}
