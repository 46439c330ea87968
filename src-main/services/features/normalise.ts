/**
 * Feature normalisation by z-scores, fitted on training vectors and stored
 * with the model (the stats object is plain JSON) so inference applies the
 * same transform.
 * - 'none': identity.
 * - 'dataset': one mean/std per dimension over all training vectors.
 * - 'speaker': one mean/std per dimension per group (speaker); at inference a
 *   known speaker uses their own stats, an unknown one the pooled dataset
 *   stats (also stored), unless `applyNormaliser` is given a fresh speaker fit.
 * Standard deviations below 1e-8 are treated as 1 (constant dimensions pass through centred).
 */
export type NormaliseMode = 'none' | 'dataset' | 'speaker'

export interface ZStats {
  mean: number[]
  std: number[]
}

export interface NormaliserStats {
  mode: NormaliseMode
  dims: number
  dataset: ZStats
  /** Per group (speaker) stats, mode 'speaker' only. */
  groups: Record<string, ZStats>
}

function fit(vectors: ArrayLike<number>[], dims: number): ZStats {
  const mean = new Array<number>(dims).fill(0)
  const sq = new Array<number>(dims).fill(0)
  for (const v of vectors) for (let d = 0; d < dims; d++) mean[d] += v[d]
  const n = Math.max(1, vectors.length)
  for (let d = 0; d < dims; d++) mean[d] /= n
  for (const v of vectors) for (let d = 0; d < dims; d++) sq[d] += (v[d] - mean[d]) ** 2
  const std = sq.map((s) => Math.sqrt(s / n))
  return { mean, std }
}

export function fitNormaliser(vectors: ArrayLike<number>[], groups: (string | number)[] | undefined, mode: NormaliseMode): NormaliserStats {
  if (!vectors.length) throw new Error('fitNormaliser: no vectors to fit')
  const dims = vectors[0].length
  for (const v of vectors) if (v.length !== dims) throw new Error(`fitNormaliser: vectors differ in length (${v.length} vs ${dims})`)
  if (mode === 'speaker' && (!groups || groups.length !== vectors.length)) {
    throw new Error('fitNormaliser: mode "speaker" needs one group (speaker id) per vector')
  }
  const stats: NormaliserStats = { mode, dims, dataset: fit(vectors, dims), groups: {} }
  if (mode === 'speaker' && groups) {
    const by = new Map<string, ArrayLike<number>[]>()
    vectors.forEach((v, i) => {
      const k = String(groups[i])
      if (!by.has(k)) by.set(k, [])
      by.get(k)!.push(v)
    })
    for (const [k, vs] of by) stats.groups[k] = fit(vs, dims)
  }
  return stats
}

function z(v: ArrayLike<number>, s: ZStats): Float32Array {
  const out = new Float32Array(v.length)
  for (let d = 0; d < v.length; d++) {
    const sd = s.std[d] > 1e-8 ? s.std[d] : 1
    out[d] = (v[d] - s.mean[d]) / sd
  }
  return out
}

/** Applies stats to vectors; `groups` gives each vector's speaker for mode 'speaker'. */
export function applyNormaliser(stats: NormaliserStats, vectors: ArrayLike<number>[], groups?: (string | number)[]): Float32Array[] {
  return vectors.map((v, i) => {
    if (v.length !== stats.dims) throw new Error(`applyNormaliser: vector has ${v.length} dims, stats have ${stats.dims}`)
    if (stats.mode === 'none') return Float32Array.from(v as ArrayLike<number>)
    if (stats.mode === 'speaker' && groups) {
      const g = stats.groups[String(groups[i])]
      if (g) return z(v, g)
    }
    return z(v, stats.dataset)
  })
}
