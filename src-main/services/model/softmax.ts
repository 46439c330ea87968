/**
 * Baseline of the paper's grid: a plain softmax classifier (same hidden layers as the
 * MLP embedding network, cross-entropy) trained on the target features alone. With
 * `stepsPerEpoch` it trains for epochs x steps random batches (the experiment gives it the
 * fine-tunes' budget); without, each epoch is one pass over the shuffled items. Every epoch
 * leaves EpochDiagnostics like the Siamese runs': the loss, the share of items whose
 * cross-entropy still has a gradient (1 - p(true class) > ACTIVE_THRESHOLD), the gradient
 * norm, the mean norm of the logits and the relative weight change.
 */
import * as tf from '@tensorflow/tfjs'
import type { EpochDiagnostics } from '../../../src-shared/losses'
import { ACTIVE_THRESHOLD } from './losses'
import { globalNorm } from './step'
import { weightChange } from './diagnostics'
import { classificationMetrics, type ClassMetrics } from './metrics'
import { fitNormaliser, normaliseSet } from './normalise'
import { makeRng, shuffle } from './sampling'
import { gatherRows } from './step'
import type { ItemSet, Normaliser } from './types'

export interface SoftmaxModel {
  classes: string[]
  normaliser: Normaliser
  predict(items: ItemSet): string[]
  evaluate(items: ItemSet): ClassMetrics
  /** One entry per training epoch. */
  diagnostics: EpochDiagnostics[]
  dispose(): void
}

export async function softmaxBaseline(
  train: ItemSet,
  opts: { hidden?: number[]; epochs?: number; stepsPerEpoch?: number; batch?: number; learningRate?: number; seed: number; indices?: number[] },
): Promise<SoftmaxModel> {
  if (train.itemShape.length !== 1) throw new Error('the softmax baseline takes feature vectors (itemShape [d])')
  const idx = opts.indices ?? train.labels.map((_, i) => i)
  const classes = [...new Set(idx.map((i) => train.labels[i]))].sort()
  const normaliser = fitNormaliser(train, idx)
  const data = normaliseSet(train, normaliser)
  const d = train.itemShape[0]
  const hidden = opts.hidden ?? [256, 128]
  let seed = opts.seed
  const vars: tf.Variable[] = []
  const dims = [d, ...hidden, classes.length]
  for (let i = 0; i < dims.length - 1; i++) {
    vars.push(
      tf.variable(tf.randomUniform([dims[i], dims[i + 1]], -Math.sqrt(6 / (dims[i] + dims[i + 1])), Math.sqrt(6 / (dims[i] + dims[i + 1])), 'float32', seed++)),
    )
    vars.push(tf.variable(tf.zeros([dims[i + 1]])))
  }
  const forward = (x: tf.Tensor2D) => {
    let h = x
    for (let i = 0; i < vars.length; i += 2)
      h = tf.fused.matMul({ a: h, b: vars[i] as tf.Tensor2D, bias: vars[i + 1], activation: i < vars.length - 2 ? 'relu' : 'linear' }) as tf.Tensor2D
    return h
  }
  const opt = tf.train.adam(opts.learningRate ?? 1e-3)
  const rng = makeRng(`${opts.seed}-softmax`)
  const batch = Math.min(opts.batch ?? 32, idx.length)
  const yAll = idx.map((i) => classes.indexOf(train.labels[i]))
  const start = vars.map((v) => tf.clone(v))
  const diagnostics: EpochDiagnostics[] = []
  let order: number[] = []
  const nextBatch = () => {
    if (order.length < batch) order = [...order, ...shuffle(rng, [...idx.keys()])]
    return order.splice(0, batch)
  }
  for (let e = 0; e < (opts.epochs ?? 100); e++) {
    const sums = { loss: 0, active: 0, grad: 0, logits: 0, steps: 0 }
    const batches = opts.stepsPerEpoch ?? Math.ceil(idx.length / batch)
    if (opts.stepsPerEpoch === undefined) order = shuffle(rng, [...idx.keys()])
    for (let s = 0; s < batches; s++) {
      const rows = opts.stepsPerEpoch === undefined ? order.slice(s * batch, (s + 1) * batch) : nextBatch()
      const x = tf.tensor2d(gatherRows(data.x, d, rows.map((r) => idx[r])), [rows.length, d])
      const y = tf.oneHot(tf.tensor1d(rows.map((r) => yAll[r]), 'int32'), classes.length)
      const figures = tf.tidy(() => {
        let active: tf.Scalar | null = null
        let norm: tf.Scalar | null = null
        const { value, grads } = tf.variableGrads(() => {
          const logits = forward(x)
          const pTrue = tf.sum(tf.mul(tf.softmax(logits), y), 1)
          active = tf.keep(tf.mean(tf.cast(tf.greater(tf.sub(1, pTrue), ACTIVE_THRESHOLD), 'float32')) as tf.Scalar)
          norm = tf.keep(tf.mean(tf.norm(logits, 'euclidean', 1)) as tf.Scalar)
          return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar
        }, vars)
        opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })))
        return tf.stack([value, active!, globalNorm(vars.map((v) => grads[v.name])), norm!])
      })
      const [l, a, g, n] = figures.dataSync()
      tf.dispose([x, y, figures])
      Object.assign(sums, { loss: sums.loss + l, active: sums.active + a, grad: sums.grad + g, logits: sums.logits + n, steps: sums.steps + 1 })
    }
    const k = Math.max(1, sums.steps)
    diagnostics.push({
      epoch: e + 1,
      loss: sums.loss / k,
      active_fraction: Math.min(1, sums.active / k),
      grad_norm: sums.grad / k,
      embedding_norm: sums.logits / k,
      weight_change: weightChange(vars, start),
    })
    if (e % 10 === 9) await new Promise((r) => setImmediate(r))
  }
  tf.dispose(start)
  opt.dispose()
  const predictItems = (items: ItemSet) => {
    const n = normaliseSet(items, normaliser)
    const out = tf.tidy(() => tf.argMax(forward(tf.tensor2d(n.x, [items.labels.length, d])), 1))
    const ids = out.dataSync()
    out.dispose()
    return Array.from(ids, (k) => classes[k])
  }
  return {
    classes,
    normaliser,
    predict: predictItems,
    // no class list: the items may hold classes the classifier never saw
    evaluate: (items) => classificationMetrics(null, items.labels, predictItems(items)),
    diagnostics,
    dispose: () => vars.forEach((v) => v.dispose()),
  }
}
