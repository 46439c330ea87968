/**
 * One training step and the batch assembly it needs. Batches are copied from the
 * flat item array into a reused Float32Array; the loss stays on the device and is
 * summed there, so a step makes no synchronous read-back.
 */
import * as tf from '@tensorflow/tfjs'
import { contrastiveLoss, distanceLossMasked, distanceMasks } from './losses'
import type { EmbeddingModel } from './networks'
import type { LossConfig } from './types'

export function gatherRows(x: Float32Array, per: number, rows: ArrayLike<number>, out?: Float32Array): Float32Array {
  const buf = out && out.length === rows.length * per ? out : new Float32Array(rows.length * per)
  for (let r = 0; r < rows.length; r++) {
    const s = rows[r] * per
    buf.set(x.subarray(s, s + per), r * per)
  }
  return buf
}

/** Loss of a pair batch: items [a_0..a_{P-1}, b_0..b_{P-1}] embedded in one pass. */
export function pairBatchLoss(net: EmbeddingModel, x: tf.Tensor, same: tf.Tensor1D, loss: LossConfig, frozen = 0): tf.Scalar {
  const e = net.embed(x, frozen)
  const p = same.shape[0]
  const ea = tf.slice(e, [0, 0], [p, -1]) as tf.Tensor2D
  const eb = tf.slice(e, [p, 0], [p, -1]) as tf.Tensor2D
  return contrastiveLoss(ea, eb, same, loss.margin)
}

/** Loss of a class-balanced batch (the distance loss). */
export function itemBatchLoss(net: EmbeddingModel, x: tf.Tensor, masks: ReturnType<typeof distanceMasks>, loss: LossConfig, frozen = 0): tf.Scalar {
  return distanceLossMasked(net.embed(x, frozen), masks, loss.margin, loss.temperature)
}

export { distanceMasks }
export type Optim = tf.Optimizer

/** Runs one optimisation step; returns the loss tensor (caller disposes / accumulates). */
export function optimiseStep(optimizer: tf.Optimizer, vars: tf.Variable[], f: () => tf.Scalar): tf.Scalar {
  return optimizer.minimize(f, true, vars) as tf.Scalar
}
