/**
 * Z-score normalisation over the last axis of each item (per eGeMAPS dimension for
 * the MLP, per mel band for spectrograms). Statistics come from training data only
 * and travel in the model card, so inference applies exactly what training saw.
 */
import type { ItemSet, Normaliser } from './types'

export function fitNormaliser(data: ItemSet, indices?: ArrayLike<number>): Normaliser {
  const last = data.itemShape[data.itemShape.length - 1]
  const per = data.itemShape.reduce((p, q) => p * q, 1)
  const idx = indices ?? Int32Array.from(data.labels.keys())
  const sum = new Float64Array(last)
  const sq = new Float64Array(last)
  let count = 0
  for (let r = 0; r < idx.length; r++) {
    const base = idx[r] * per
    for (let k = 0; k < per; k++) {
      const v = data.x[base + k]
      sum[k % last] += v
      sq[k % last] += v * v
    }
    count += per / last
  }
  const mean = Array.from(sum, (s) => s / Math.max(1, count))
  const std = Array.from(sq, (s, k) => Math.sqrt(Math.max(s / Math.max(1, count) - mean[k] * mean[k], 0)) || 1)
  return { mean, std: std.map((s) => (s < 1e-8 ? 1 : s)) }
}

export function applyNormaliser(x: Float32Array, n: Normaliser | null): Float32Array {
  if (!n) return x
  const last = n.mean.length
  const out = new Float32Array(x.length)
  for (let k = 0; k < x.length; k++) {
    const j = k % last
    out[k] = (x[k] - n.mean[j]) / n.std[j]
  }
  return out
}

export function normaliseSet(data: ItemSet, n: Normaliser | null): ItemSet {
  if (n && n.mean.length !== data.itemShape[data.itemShape.length - 1]) {
    throw new Error(`normaliser has ${n.mean.length} dimensions, items have ${data.itemShape[data.itemShape.length - 1]} on the last axis`)
  }
  return { ...data, x: applyNormaliser(data.x, n) }
}
