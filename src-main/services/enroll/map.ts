/**
 * The embedding map: the enrolled examples' embeddings projected onto their first
 * two principal components (services/experiment/pca.ts), with the share of
 * variance each axis shows, and each emotion's prototype in the same plane.
 */
import { pca2 } from '../experiment/pca'
import type { EmbeddingMap } from '../../../src-shared/contract/enroll'

export function embeddingMap(emb: Float32Array, dim: number, labels: string[], clipIds: number[]): EmbeddingMap {
  const n = labels.length
  const xy = pca2(emb, n, dim)
  let total = 0
  const mean = new Float64Array(dim)
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += emb[i * dim + k] / n
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) total += (emb[i * dim + k] - mean[k]) ** 2
  const axis = [0, 1].map((c) => {
    let s = 0
    for (let i = 0; i < n; i++) s += xy[i * 2 + c] ** 2
    return total > 0 ? s / total : 0
  }) as [number, number]
  const points = labels.map((label, i) => ({ clipId: clipIds[i], label, x: xy[i * 2], y: xy[i * 2 + 1] }))
  const prototypes = [...new Set(labels)].sort().map((label) => {
    const own = points.filter((p) => p.label === label)
    return { label, x: own.reduce((s, p) => s + p.x, 0) / own.length, y: own.reduce((s, p) => s + p.y, 0) / own.length }
  })
  return { points, prototypes, explained: axis }
}
