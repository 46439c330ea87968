/**
 * The first two principal components of n row vectors (flat [n * dim]), by power
 * iteration with deflation on the dim x dim covariance. Deterministic (fixed start
 * vector), signs fixed so the largest |loading| is positive. Returns flat [n * 2].
 */
export function pca2(x: ArrayLike<number>, n: number, dim: number): Float64Array {
  const mean = new Float64Array(dim)
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += x[i * dim + k] / n
  const cov = new Float64Array(dim * dim)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const da = x[i * dim + a] - mean[a]
      if (da === 0) continue
      for (let b = a; b < dim; b++) cov[a * dim + b] += da * (x[i * dim + b] - mean[b])
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a]
  const comps: Float64Array[] = []
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(dim).map((_, k) => 1 + k / dim)
    for (let it = 0; it < 300; it++) {
      const w = new Float64Array(dim)
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) w[a] += cov[a * dim + b] * v[b]
      for (const p of comps) {
        const d = p.reduce((s, pk, k) => s + pk * w[k], 0)
        for (let k = 0; k < dim; k++) w[k] -= d * p[k]
      }
      const norm = Math.hypot(...w)
      if (norm < 1e-12) break
      const next = w.map((q) => q / norm)
      const delta = next.reduce((s, q, k) => s + Math.abs(q - v[k]), 0)
      v = next
      if (delta < 1e-10) break
    }
    let big = 0
    for (let k = 1; k < dim; k++) if (Math.abs(v[k]) > Math.abs(v[big])) big = k
    if (v[big] < 0) v = v.map((q) => -q)
    comps.push(v)
  }
  const out = new Float64Array(n * 2)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0
      for (let k = 0; k < dim; k++) s += (x[i * dim + k] - mean[k]) * comps[c][k]
      out[i * 2 + c] = s
    }
  }
  return out
}
