/**
 * The embedding map: the enrolled examples' embeddings projected onto their first
 * two principal components, with the share of variance each axis shows, and each
 * emotion's prototype in the same plane (PCA is linear, so the projected class
 * mean is the mean of the projected points).
 *
 * Own power iteration rather than services/experiment/pca.ts: fine-tuned on a few
 * examples, embeddings often collapse to one point per emotion (rank 1 for two
 * emotions), and the second axis must then carry zero variance, not a copy of the
 * first.
 */
import type { EmbeddingMap } from '../../../src-shared/contract/enroll'

/** Leading `count` eigenvectors of the covariance of n rows (flat [n * dim]); a zero vector once no variance is left. */
export function principalAxes(x: ArrayLike<number>, n: number, dim: number, count = 2): { axes: Float64Array[]; mean: Float64Array; total: number } {
  const mean = new Float64Array(dim)
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += x[i * dim + k] / n
  const cov = new Float64Array(dim * dim)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const da = x[i * dim + a] - mean[a]
      if (da !== 0) for (let b = 0; b < dim; b++) cov[a * dim + b] += da * (x[i * dim + b] - mean[b])
    }
  }
  let total = 0
  for (let a = 0; a < dim; a++) total += cov[a * dim + a]
  const axes: Float64Array[] = []
  const orthogonalise = (w: Float64Array) => {
    for (const p of axes) {
      const d = p.reduce((s, pk, k) => s + pk * w[k], 0)
      for (let k = 0; k < dim; k++) w[k] -= d * p[k]
    }
    return Math.hypot(...w)
  }
  for (let c = 0; c < count; c++) {
    let v: Float64Array | null = new Float64Array(dim).map((_, k) => 1 + ((k * 7919) % dim) / dim)
    orthogonalise(v)
    for (let it = 0; it < 500 && v; it++) {
      const w = new Float64Array(dim)
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) w[a] += cov[a * dim + b] * v[b]
      const norm = orthogonalise(w)
      // Nothing left along any direction orthogonal to the axes found so far.
      if (!(norm > 1e-9 * Math.max(total, 1e-30))) v = null
      else {
        const next = w.map((q) => q / norm)
        const delta = next.reduce((s, q, k) => s + Math.abs(q - v![k]), 0)
        v = next
        if (delta < 1e-10) break
      }
    }
    if (!v) {
      axes.push(new Float64Array(dim))
      continue
    }
    let big = 0
    for (let k = 1; k < dim; k++) if (Math.abs(v[k]) > Math.abs(v[big])) big = k
    axes.push(v[big] < 0 ? v.map((q) => -q) : v)
  }
  return { axes, mean, total }
}

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
