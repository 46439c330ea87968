/**
 * Principal components for 2-D embedding maps (experiment reports, enrollment):
 * power iteration with deflation on the dim x dim covariance, deterministic (fixed
 * start vector), signs fixed so the largest |loading| is positive.
 *
 * Each new start vector is made orthogonal to the axes already found, and an axis
 * along which no variance is left is a zero vector: embeddings fine-tuned on a few
 * examples often collapse to one point per emotion (rank 1 for two emotions), and
 * the second axis must then carry zero variance, not a copy of the first.
 */

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

/** The first two principal-component coordinates of n rows (flat [n * dim]): flat [n * 2]. */
export function pca2(x: ArrayLike<number>, n: number, dim: number): Float64Array {
  const { axes, mean } = principalAxes(x, n, dim, 2)
  const out = new Float64Array(n * 2)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0
      for (let k = 0; k < dim; k++) s += (x[i * dim + k] - mean[k]) * axes[c][k]
      out[i * 2 + c] = s
    }
  }
  return out
}
