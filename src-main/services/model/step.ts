/**
 * One training step and the batch assembly it needs. Batches are copied from the
 * flat item array into a reused Float32Array; the loss, the share of active anchors and
 * the gradient norm stay on the device and are summed there, so a step makes no
 * synchronous read-back.
 */
import * as tf from '@tensorflow/tfjs'
import { adamApplyWasm, isAdam } from '../engine/adam'
import { denseBackward, denseForward } from '../engine/dense-stack'
import { mlpGradsWasm, mlpStepWasm, wasmStepAvailable, type MlpStepBatch } from '../engine/mlp-step'
import { contrastiveHead } from '../engine/pair-head'
import {
  ACTIVE_THRESHOLD,
  activeFraction,
  balancedLoss,
  batchMasks,
  contrastivePairs,
  disposeOutput,
  tidyKeep,
  type BatchMasks,
  type LossOutput,
} from './losses'
import { fusedKernels, type EmbeddingModel } from './networks'
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

/** Whether this step can update with the fused Adam loop (engine/adam.ts): wasm, fused kernels on, tf.train.adam. */
export function fusedAdam(optimizer: tf.Optimizer): boolean {
  return tf.getBackend() === 'wasm' && fusedKernels() && isAdam(optimizer)
}

/** One optimisation step (same arithmetic as optimizer.minimize; on wasm Adam is one loop per variable). */
export function optimiseStep(optimizer: tf.Optimizer, vars: tf.Variable[], f: () => LossOutput): StepResult {
  const { value, grads, active } = lossGrads(vars, f)
  if (fusedAdam(optimizer)) {
    const norm = adamApplyWasm(optimizer, vars, grads)
    tf.dispose(grads)
    return { loss: value, active, gradNorm: tf.scalar(norm) }
  }
  const gradNorm = globalNorm(grads)
  optimizer.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, grads[i]])))
  tf.dispose(grads)
  return { loss: value, active, gradNorm }
}

/**
 * One optimisation step on a pair batch: `x` holds the items [a_0..a_{P-1}, b_0..b_{P-1}]
 * (flat, itemShape each), `same[p]` = 1 for a same-class pair. The contrastive MLP on wasm runs
 * the fused step below; everything else the composed ops through optimiseStep.
 */
export function pairStep(
  net: EmbeddingModel,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  x: Float32Array,
  same: ArrayLike<number>,
  itemShape: number[],
  loss: LossConfig,
  frozen = 0,
  rows?: ArrayLike<number>,
): StepResult {
  const P = same.length
  if (fusedAdam(optimizer)) {
    const one = wasmPairStep(net, optimizer, x, same, loss, frozen, rows)
    if (one) return { loss: tf.scalar(one.loss), active: tf.scalar(one.active), gradNorm: tf.scalar(one.gradNorm) }
    const fused = fusedPairGrads(net, x, same, loss, frozen, rows)
    if (fused) {
      try {
        const norm = adamApplyWasm(optimizer, vars, fused.grads)
        return { loss: tf.scalar(fused.loss), active: tf.scalar(fused.active), gradNorm: tf.scalar(norm) }
      } finally {
        tf.dispose(fused.grads)
      }
    }
  }
  const xs = tf.tensor(x, [2 * P, ...itemShape])
  const ys = tf.tensor1d(Float32Array.from(same))
  try {
    return optimiseStep(optimizer, vars, () => pairBatchOutput(net, xs, ys, loss, frozen))
  } finally {
    tf.dispose([xs, ys])
  }
}

/**
 * Loss, active share and gradients (in the order of trainableVariables(frozen); caller disposes)
 * of a contrastive pair batch for the MLP on wasm with ~20 kernel dispatches instead of ~200:
 * frozen layers and the dense stack forward (engine/dense-stack.ts), the loss and its gradient
 * in one loop (engine/pair-head.ts), the stack's backward pass. `rows` (the item index of each of
 * the 2P rows of x) lets an item drawn into several pairs be embedded once: few-shot fine-tuning
 * draws 2P rows from a few dozen items. On wasm the pass is one WebAssembly call (engine/mlp-step.ts
 * mlpGradsWasm) unless SER_WASM_STEP=0. null where it does not apply
 * (another backend or network, another loss, SER_FUSED_KERNELS=0). Same arithmetic as the
 * composed ops up to float rounding (test/unit/model/training-identical.test.ts).
 */
export function fusedPairGrads(
  net: EmbeddingModel,
  x: Float32Array,
  same: ArrayLike<number>,
  loss: LossConfig,
  frozen = 0,
  rows?: ArrayLike<number>,
): { loss: number; active: number; grads: tf.Tensor[] } | null {
  if (tf.getBackend() !== 'wasm' || !fusedKernels() || net.arch.kind !== 'mlp' || loss.name !== 'contrastive') return null
  const L = net.layers
  const P = same.length
  const per = x.length / (2 * P)
  const { f, normalize, batch } = mlpPairBatch(net, x, same, loss, frozen, rows)
  const { x: xu, n, ia, ib } = batch
  // the whole pass as one WebAssembly call (engine/mlp-step.ts) unless SER_WASM_STEP=0
  const one = mlpGradsWasm(L.map((l) => l.kernel), L.map((l) => l.bias), f, normalize, batch)
  if (one) return one
  const held: tf.Tensor[] = []
  try {
    let h = tf.tensor2d(xu, [n, per])
    held.push(h)
    for (let i = 0; i < f; i++) {
      h = tf.fused.matMul({ a: h, b: L[i].kernel as tf.Tensor2D, bias: L[i].bias, activation: 'relu' }) as tf.Tensor2D
      held.push(h)
    }
    const ws = L.slice(f).map((l) => l.kernel as tf.Tensor2D)
    const bs = L.slice(f).map((l) => l.bias as tf.Tensor1D)
    const { outs, value } = denseForward(h, ws, bs, normalize)
    held.push(...outs.slice(1), ...(normalize ? [value] : []))
    const D = value.shape[1]
    const de = new Float32Array(n * D)
    const head = contrastiveHead(value.dataSync() as Float32Array, ia, ib, same, D, loss.margin, ACTIVE_THRESHOLD, de)
    const dy = tf.tensor2d(de, [n, D])
    held.push(dy)
    return { loss: head.loss, active: head.active, grads: denseBackward(outs, ws, dy, normalize) }
  } finally {
    tf.dispose(held)
  }
}

/**
 * The rows of x once per item: slot[r] is the row of the unique-item batch that row r of x maps
 * to (`rows`: the item index of each row; without it every row is its own item).
 */
function uniqueRows(x: Float32Array, count: number, rows?: ArrayLike<number>): { slot: Int32Array; n: number; xu: Float32Array } {
  const per = x.length / count
  const slot = new Int32Array(count)
  const first: number[] = []
  if (rows) {
    const seen = new Map<number, number>()
    for (let r = 0; r < count; r++) {
      let k = seen.get(rows[r])
      if (k === undefined) seen.set(rows[r], (k = first.push(r) - 1))
      slot[r] = k
    }
  } else for (let r = 0; r < count; r++) slot[r] = first.push(r) - 1
  const n = first.length
  const xu = n === count ? x : new Float32Array(n * per)
  if (xu !== x) first.forEach((r, k) => xu.set(x.subarray(r * per, (r + 1) * per), k * per))
  return { slot, n, xu }
}

/**
 * The contrastive MLP step as one WebAssembly call (engine/mlp-step.ts: forward, loss, backward and
 * Adam over the tfjs variables in place), or null where it does not apply (another network or loss,
 * SER_WASM_STEP=0, SER_FUSED_KERNELS=0: the caller checked fusedAdam). Same arithmetic as
 * fusedPairGrads + adamApplyWasm up to float rounding (test/unit/engine/mlp-step.test.ts).
 */
export function wasmPairStep(
  net: EmbeddingModel,
  optimizer: tf.Optimizer,
  x: Float32Array,
  same: ArrayLike<number>,
  loss: LossConfig,
  frozen = 0,
  rows?: ArrayLike<number>,
): { loss: number; active: number; gradNorm: number } | null {
  if (net.arch.kind !== 'mlp' || loss.name !== 'contrastive' || !wasmStepAvailable()) return null
  const { f, normalize, batch } = mlpPairBatch(net, x, same, loss, frozen, rows)
  return mlpStepWasm(optimizer, net.layers.map((l) => l.kernel), net.layers.map((l) => l.bias), f, normalize, batch)
}

/** What both WebAssembly passes take: the trainable layers' start, the normalisation and the unique-row pair batch. */
function mlpPairBatch(
  net: EmbeddingModel,
  x: Float32Array,
  same: ArrayLike<number>,
  loss: LossConfig,
  frozen: number,
  rows?: ArrayLike<number>,
): { f: number; normalize: boolean; batch: MlpStepBatch } {
  const P = same.length
  const { slot, n, xu } = uniqueRows(x, 2 * P, rows)
  return {
    f: Math.min(Math.max(0, frozen), net.layers.length - 1),
    normalize: net.arch.normalize !== 'none',
    batch: { x: xu, n, ia: slot.subarray(0, P), ib: slot.subarray(P), same, margin: loss.margin, threshold: ACTIVE_THRESHOLD },
  }
}
