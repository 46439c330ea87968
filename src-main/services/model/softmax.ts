/**
 * Baseline of the paper's grid: a plain softmax classifier (same hidden layers as the
 * MLP embedding network, cross-entropy) trained on the target features alone.
 */
import * as tf from '@tensorflow/tfjs'
import { classificationMetrics, type ClassMetrics } from './inference-core'
import { fitNormaliser, normaliseSet } from './normalise'
import { makeRng, shuffle } from './sampling'
import { gatherRows } from './step'
import type { ItemSet, Normaliser } from './types'

export interface SoftmaxModel {
  classes: string[]
  normaliser: Normaliser
  predict(items: ItemSet): string[]
  evaluate(items: ItemSet): ClassMetrics
  dispose(): void
}

export async function softmaxBaseline(
  train: ItemSet,
  opts: { hidden?: number[]; epochs?: number; batch?: number; learningRate?: number; seed: number; indices?: number[] },
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
    vars.push(tf.variable(tf.randomUniform([dims[i], dims[i + 1]], -Math.sqrt(6 / (dims[i] + dims[i + 1])), Math.sqrt(6 / (dims[i] + dims[i + 1])), 'float32', seed++)))
    vars.push(tf.variable(tf.zeros([dims[i + 1]])))
  }
  const forward = (x: tf.Tensor2D) => {
    let h = x
    for (let i = 0; i < vars.length; i += 2) h = tf.fused.matMul({ a: h, b: vars[i] as tf.Tensor2D, bias: vars[i + 1], activation: i < vars.length - 2 ? 'relu' : 'linear' }) as tf.Tensor2D
    return h
  }
  const opt = tf.train.adam(opts.learningRate ?? 1e-3)
  const rng = makeRng(`${opts.seed}-softmax`)
  const batch = Math.min(opts.batch ?? 32, idx.length)
  const yAll = idx.map((i) => classes.indexOf(train.labels[i]))
  for (let e = 0; e < (opts.epochs ?? 100); e++) {
    const order = shuffle(rng, [...idx.keys()])
    for (let s = 0; s < order.length; s += batch) {
      const rows = order.slice(s, s + batch)
      const x = tf.tensor2d(gatherRows(data.x, d, rows.map((r) => idx[r])), [rows.length, d])
      const y = tf.oneHot(tf.tensor1d(rows.map((r) => yAll[r]), 'int32'), classes.length)
      const l = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x)) as tf.Scalar, true, vars)
      tf.dispose([x, y, l!])
    }
    if (e % 10 === 9) await new Promise((r) => setImmediate(r))
  }
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
    evaluate: (items) => classificationMetrics(items.labels, predictItems(items)),
    dispose: () => vars.forEach((v) => v.dispose()),
  }
}
