/**
 * The embedding map: the enrolled examples' embeddings projected onto their first
 * two principal components, with the share of variance each axis shows, and each
 * emotion's prototype in the same plane (PCA is linear, so the projected class
 * mean is the mean of the projected points).
 * The axes come from services/model/pca.ts (zero variance on an axis stays zero).
 */
import type { EmbeddingMap } from '../../../src-shared/contract/enroll'
import { principalAxes } from '../model/pca'

export function embeddingMap(emb: Float32Array, dim: number, labels: string[], clipIds: number[]): EmbeddingMap {
  const n = labels.length
  const { axes, mean, total } = principalAxes(emb, n, dim, 2)
  const proj = (i: number, c: number) => {
    let s = 0
    for (let k = 0; k < dim; k++) s += (emb[i * dim + k] - mean[k]) * axes[c][k]
    return s
  }
  const points = labels.map((label, i) => ({ clipId: clipIds[i], label, x: proj(i, 0), y: proj(i, 1) }))
  const explained = [0, 1].map((c) => (total > 0 ? points.reduce((s, p) => s + (c === 0 ? p.x : p.y) ** 2, 0) / total : 0)) as [number, number]
  const prototypes = [...new Set(labels)].sort().map((label) => {
    const own = points.filter((p) => p.label === label)
    return { label, x: own.reduce((s, p) => s + p.x, 0) / own.length, y: own.reduce((s, p) => s + p.y, 0) / own.length }
  })
  return { points, prototypes, explained }
}
