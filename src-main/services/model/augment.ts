/**
 * K = 1: a class with a single training clip has no positive pair, which every metric-learning
 * loss needs, and the samplers never pair a clip with itself. Such a class gets one jittered
 * copy of its clip (each value + N(0, (0.05 x its sd over the pool)^2)), the same augmentation
 * for every loss (the experiment runner's trainingSet applies the same rule to its support sets).
 */
import { groupByLabel, makeRng } from './sampling'
import type { ItemSet } from './types'

export const JITTER_SD = 0.05

export function withSingleShotCopies(data: ItemSet, train: number[], pool: number[], seed: string): { data: ItemSet; train: number[] } {
  const singles = [...groupByLabel(data.labels, train).values()].filter((g) => g.length === 1).map((g) => g[0])
  if (singles.length === 0) return { data, train }
  const per = data.itemShape.reduce((a, b) => a * b, 1)
  const sd = new Float64Array(per)
  const mean = new Float64Array(per)
  for (const i of pool) for (let k = 0; k < per; k++) mean[k] += data.x[i * per + k] / pool.length
  for (const i of pool) for (let k = 0; k < per; k++) sd[k] += (data.x[i * per + k] - mean[k]) ** 2 / Math.max(1, pool.length - 1)
  const rng = makeRng(`single-shot-${seed}`)
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng())
  const n = data.labels.length
  const x = new Float32Array((n + singles.length) * per)
  x.set(data.x)
  singles.forEach((i, r) => {
    for (let k = 0; k < per; k++) x[(n + r) * per + k] = data.x[i * per + k] + JITTER_SD * Math.sqrt(sd[k]) * normal()
  })
  return {
    data: {
      x,
      itemShape: data.itemShape,
      labels: [...data.labels, ...singles.map((i) => data.labels[i])],
      speakers: [...data.speakers, ...singles.map((i) => data.speakers[i])],
    },
    train: [...train, ...singles.map((_, r) => n + r)],
  }
}
