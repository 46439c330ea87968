/**
 * One training step and the batch assembly it needs. Batches are copied from the
 * flat item array into a reused Float32Array; the loss, the share of active anchors and
 * the gradient norm stay on the device and are summed there, so a step makes no
 * synchronous read-back.
 */
import * as tf from '@tensorflow/tfjs'
import { activeFraction, balancedLoss, batchMasks, contrastivePairs, disposeOutput, tidyKeep, type BatchMasks, type LossOutput } from './losses'
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

/** Loss of a pair batch: items [a_0..a_{P-1}, b_0..b_{P-1}] embedded in one pass (contrastive). */
export function pairBatchOutput(net: EmbeddingModel, x: tf.Tensor, same: tf.Tensor1D, loss: LossConfig, frozen = 0): LossOutput {
  return tidyKeep(() => {
    const e = net.embed(x, frozen)
    const p = same.shape[0]
    const ea = tf.slice(e, [0, 0], [p, -1]) as tf.Tensor2D
    const eb = tf.slice(e, [p, 0], [p, -1]) as tf.Tensor2D
    return contrastivePairs(ea, eb, same, loss.margin)
  })
}

/** Loss of a class-balanced batch (every loss but contrastive). */
export function itemBatchOutput(net: EmbeddingModel, x: tf.Tensor, masks: BatchMasks, loss: LossConfig, frozen = 0): LossOutput {
  return tidyKeep(() => balancedLoss(net.embed(x, frozen), masks, loss))
}

/** Scalar forms (tests, the fused-block check). */
export function pairBatchLoss(net: EmbeddingModel, x: tf.Tensor, same: tf.Tensor1D, loss: LossConfig, frozen = 0): tf.Scalar {
  return scalarOf(pairBatchOutput(net, x, same, loss, frozen))
}
export function itemBatchLoss(net: EmbeddingModel, x: tf.Tensor, masks: BatchMasks, loss: LossConfig, frozen = 0): tf.Scalar {
  return scalarOf(itemBatchOutput(net, x, masks, loss, frozen))
}
function scalarOf(o: LossOutput): tf.Scalar {
  disposeOutput(o)
  return o.loss
}

export { batchMasks }

/** What one optimisation step leaves for the epoch's diagnostics (scalars on the device; caller disposes). */
export interface StepResult {
  loss: tf.Scalar
  /** Share of anchors or pairs with a non-zero gradient. */
  active: tf.Scalar
  /** Global L2 norm of the gradient over the trainable variables. */
  gradNorm: tf.Scalar
}

/** sqrt(sum of squares) over a set of gradients. */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar)
}

/**
 * Value, gradients and active share of a loss: `f` returns a LossOutput; its active share is
 * kept out of the gradient tape's clean-up. Used by the step below and the data-parallel trainer.
 */
export function lossGrads(vars: tf.Variable[], f: () => LossOutput): { value: tf.Scalar; grads: tf.Tensor[]; active: tf.Scalar } {
  let active: tf.Scalar | null = null
  const { value, grads } = tf.variableGrads(() => {
    const o = f()
    active = tf.keep(activeFraction(o))
    return o.loss
  }, vars)
  return { value, grads: vars.map((v) => grads[v.name]), active: active! }
}

/** One optimisation step (same arithmetic as optimizer.minimize). */
export function optimiseStep(optimizer: tf.Optimizer, vars: tf.Variable[], f: () => LossOutput): StepResult {
  const { value, grads, active } = lossGrads(vars, f)
  const gradNorm = globalNorm(grads)
  optimizer.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, grads[i]])))
  tf.dispose(grads)
  return { loss: value, active, gradNorm }
}
