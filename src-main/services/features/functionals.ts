/**
 * Smoothing and functionals as openSMILE's eGeMAPS v02 applies them.
 * - sma3: symmetric 3-frame moving average (openSMILE cContourSmoother, smaWin=3;
 *   at the edges the available frames are averaged).
 * - sma3nz: the same over voiced frames only ("nz": unvoiced frames are
 *   skipped, not counted as zeros); values stay NaN on unvoiced frames.
 * - Functionals ignore NaN frames (openSMILE: nonZeroFuncts=1 for *nz LLDs).
 */
export function sma3(x: Float64Array): Float64Array {
  const n = x.length
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0, c = 0
    for (let j = i - 1; j <= i + 1; j++) {
      if (j >= 0 && j < n && Number.isFinite(x[j])) {
        s += x[j]
        c++
      }
    }
    y[i] = Number.isFinite(x[i]) && c ? s / c : NaN
  }
  return y
}

/** Values of x where mask (if given) is true and x is finite. */
export function pick(x: Float64Array, mask?: Uint8Array): number[] {
  const out: number[] = []
  for (let i = 0; i < x.length; i++) if ((!mask || mask[i]) && Number.isFinite(x[i])) out.push(x[i])
  return out
}

export function mean(v: number[]): number {
  if (!v.length) return 0
  let s = 0
  for (const a of v) s += a
  return s / v.length
}

export function std(v: number[]): number {
  if (v.length < 2) return 0
  const m = mean(v)
  let s = 0
  for (const a of v) s += (a - m) * (a - m)
  return Math.sqrt(s / v.length)
}

/** openSMILE stddevNorm: standard deviation / |arithmetic mean| (coefficient of variation); 0 when the mean is 0. */
export function stddevNorm(v: number[]): number {
  const m = mean(v)
  return m === 0 ? 0 : std(v) / Math.abs(m)
}

/** Percentile with linear interpolation between sorted values (numpy.percentile default). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0
  const pos = p * (sorted.length - 1)
  const i = Math.floor(pos)
  const f = pos - i
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i]
}

/**
 * Rising/falling slopes (openSMILE cFunctionalPeaks2 / cFunctionalSegments style):
 * from each local minimum to the next local maximum (rising) and from each
 * local maximum to the next local minimum (falling), slope = delta value / delta time (per second).
 * The contour is taken over the given values in order (NaN frames removed).
 */
export function slopes(v: number[], hop: number): { meanRise: number; stdRise: number; meanFall: number; stdFall: number } {
  const rise: number[] = []
  const fall: number[] = []
  if (v.length >= 3) {
    const ext: number[] = [0]
    for (let i = 1; i < v.length - 1; i++) {
      if ((v[i] > v[i - 1] && v[i] >= v[i + 1]) || (v[i] < v[i - 1] && v[i] <= v[i + 1])) ext.push(i)
    }
    ext.push(v.length - 1)
    for (let k = 1; k < ext.length; k++) {
      const a = ext[k - 1], b = ext[k]
      const s = (v[b] - v[a]) / ((b - a) * hop)
      if (s > 0) rise.push(s)
      else if (s < 0) fall.push(-s)
    }
  }
  return { meanRise: mean(rise), stdRise: std(rise), meanFall: mean(fall), stdFall: std(fall) }
}

/** The ten functionals eGeMAPS applies to F0 and loudness, in openSMILE's order. */
export function fullFunctionals(v: number[], hop: number): number[] {
  const sorted = [...v].sort((a, b) => a - b)
  const p20 = percentile(sorted, 0.2), p50 = percentile(sorted, 0.5), p80 = percentile(sorted, 0.8)
  const s = slopes(v, hop)
  return [mean(v), stddevNorm(v), p20, p50, p80, p80 - p20, s.meanRise, s.stdRise, s.meanFall, s.stdFall]
}

/** Runs of consecutive true values in a boolean mask, as lengths in frames. */
export function runs(mask: Uint8Array, value: number): number[] {
  const out: number[] = []
  let n = 0
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === value) n++
    else if (n) {
      out.push(n)
      n = 0
    }
  }
  if (n) out.push(n)
  return out
}
