/** Pure-JS helpers on flat embedding arrays: prototypes, distances, calibration error (classification metrics: metrics.ts). */

export function prototypes(emb: Float32Array, labels: string[], dim: number): { classes: string[]; protos: Float32Array } {
  const classes = [...new Set(labels)].sort()
  const index = new Map(classes.map((c, i) => [c, i]))
  const protos = new Float32Array(classes.length * dim)
  const counts = new Float64Array(classes.length)
  labels.forEach((l, i) => {
    const c = index.get(l)!
    counts[c]++
    for (let k = 0; k < dim; k++) protos[c * dim + k] += emb[i * dim + k]
  })
  for (let c = 0; c < classes.length; c++) for (let k = 0; k < dim; k++) protos[c * dim + k] /= counts[c]
  return { classes, protos }
}

export function dist(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, dim: number): number {
  let s = 0
  for (let k = 0; k < dim; k++) {
    const d = a[ai * dim + k] - b[bi * dim + k]
    s += d * d
  }
  return Math.sqrt(s)
}

/** Accuracy of nearest-prototype classification of `query` with prototypes from `support`. */
export function prototypeAccuracy(support: Float32Array, supportLabels: string[], query: Float32Array, queryLabels: string[], dim: number): number {
  const { classes, protos } = prototypes(support, supportLabels, dim)
  let ok = 0
  for (let q = 0; q < queryLabels.length; q++) {
    let best = -1
    let bd = Infinity
    for (let c = 0; c < classes.length; c++) {
      const d = dist(query, q, protos, c, dim)
      if (d < bd) {
        bd = d
        best = c
      }
    }
    if (classes[best] === queryLabels[q]) ok++
  }
  return queryLabels.length ? ok / queryLabels.length : 0
}

/**
 * Expected calibration error (Guo et al. 2017): confidence of the top class in `bins`
 * equal-width bins, sum over bins of (bin size / n) * |accuracy - mean confidence|.
 */
export function expectedCalibrationError(confidence: number[], correct: boolean[], bins = 10): number {
  const n = confidence.length
  if (n === 0) return 0
  const cnt = new Float64Array(bins)
  const acc = new Float64Array(bins)
  const conf = new Float64Array(bins)
  confidence.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.floor(c * bins))
    cnt[b]++
    conf[b] += c
    acc[b] += correct[i] ? 1 : 0
  })
  let e = 0
  for (let b = 0; b < bins; b++) if (cnt[b] > 0) e += (cnt[b] / n) * Math.abs(acc[b] / cnt[b] - conf[b] / cnt[b])
  return e
}

export function softmaxNeg(distances: number[], temperature: number): number[] {
  const z = distances.map((d) => -d / temperature)
  const m = Math.max(...z)
  const ex = z.map((v) => Math.exp(v - m))
  const s = ex.reduce((a, b) => a + b, 0)
  return ex.map((v) => v / s)
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo] + (s[hi] - s[lo]) * (pos - lo)
}
