/**
 * What every arm of an evaluation shares: the training data made from the support set
 * (the same jitter for every loss and method at K=1) and the vector form the softmax
 * baseline takes.
 */
import { makeRng } from '../model/sampling'
import type { ItemSet } from '../model/types'

/**
 * Training data from the support set. A class with a single clip gets one jittered copy
 * (each feature + N(0, (0.05 sd of that feature in the pool)^2)) so the contrastive loss
 * has a same-class pair; every method sees the same training data. Support embeddings
 * for the prototypes use the original clips only.
 */
export function trainingSet(support: ItemSet, pool: ItemSet, seed: string): ItemSet {
  const counts = new Map<string, number>()
  for (const l of support.labels) counts.set(l, (counts.get(l) ?? 0) + 1)
  const single = support.labels.map((l, i) => (counts.get(l) === 1 ? i : -1)).filter((i) => i >= 0)
  if (single.length === 0) return support
  const per = support.itemShape.reduce((a, b) => a * b, 1)
  const n = pool.labels.length
  const sdv = new Float32Array(per)
  for (let k = 0; k < per; k++) {
    let m = 0
    let s = 0
    for (let i = 0; i < n; i++) m += pool.x[i * per + k]
    m /= n
    for (let i = 0; i < n; i++) s += (pool.x[i * per + k] - m) ** 2
    sdv[k] = Math.sqrt(s / Math.max(1, n - 1))
  }
  const rng = makeRng(`jitter-${seed}`)
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng())
  const x = new Float32Array((support.labels.length + single.length) * per)
  x.set(support.x)
  single.forEach((i, r) => {
    const o = (support.labels.length + r) * per
    for (let k = 0; k < per; k++) x[o + k] = support.x[i * per + k] + 0.05 * sdv[k] * gauss()
  })
  return {
    x,
    itemShape: support.itemShape,
    labels: [...support.labels, ...single.map((i) => support.labels[i])],
    speakers: [...support.speakers, ...single.map((i) => support.speakers[i])],
  }
}

/**
 * The softmax baseline takes vectors: a spectrogram item [frames, bands] becomes each
 * band's mean and sd over the frames (2 x bands values); vectors pass through.
 */
export function asVectors(d: ItemSet): ItemSet {
  if (d.itemShape.length === 1) return d
  const bands = d.itemShape[d.itemShape.length - 1]
  const per = d.itemShape.reduce((a, b) => a * b, 1)
  const frames = per / bands
  const n = d.labels.length
  const x = new Float32Array(n * 2 * bands)
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < bands; b++) {
      let m = 0
      let q = 0
      for (let f = 0; f < frames; f++) {
        const v = d.x[i * per + f * bands + b]
        m += v
        q += v * v
      }
      m /= frames
      x[i * 2 * bands + b] = m
      x[i * 2 * bands + bands + b] = Math.sqrt(Math.max(0, q / frames - m * m))
    }
  }
  return { x, itemShape: [2 * bands], labels: d.labels, speakers: d.speakers }
}

