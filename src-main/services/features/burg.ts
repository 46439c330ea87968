/**
 * Burg's method for the formant LPC (formants.ts): Numerical Recipes' memcof (`burg`, the
 * reference) and its covariance form (`burgFast`, what formants.ts runs; wasm/formants.c does the
 * same operations for the WebAssembly path).
 */
/** Burg's method (Numerical Recipes memcof): x[n] ~ sum_k d[k] x[n-k], k = 1..m. Arrays are 1-based. */
export function burg(data: Float64Array, n: number, m: number, d: Float64Array, wk1: Float64Array, wk2: Float64Array, wkm: Float64Array): boolean {
  // data[1..n]
  wk1[1] = data[1]
  wk2[n - 1] = data[n]
  for (let j = 2; j <= n - 1; j++) {
    wk1[j] = data[j]
    wk2[j - 1] = data[j]
  }
  for (let k = 1; k <= m; k++) {
    let num = 0
    let denom = 0
    for (let j = 1; j <= n - k; j++) {
      num += wk1[j] * wk2[j]
      denom += wk1[j] * wk1[j] + wk2[j] * wk2[j]
    }
    if (denom <= 0) return false
    d[k] = (2 * num) / denom
    for (let i = 1; i <= k - 1; i++) d[i] = wkm[i] - d[k] * wkm[k - i]
    if (k === m) return true
    for (let i = 1; i <= k; i++) wkm[i] = d[i]
    for (let j = 1; j <= n - k - 1; j++) {
      wk1[j] -= wkm[k] * wk2[j]
      wk2[j] = wk2[j + 1] - wkm[k] * wk1[j + 1]
    }
  }
  return true
}

/**
 * c[j] = sum_{t=j}^{n-1} x[t] x[t-j], j = 0..m. For m = 10 (the formant
 * order): two passes (lags 0-5, 6-10) that keep the recent samples in local
 * variables, so each sample is loaded once or twice per pass; terms are
 * added in the same order as the plain loop (t < j contributes exact zeros).
 */
function autocorr(x: Float64Array, n: number, m: number, c: Float64Array): void {
  if (m === 10 && n > 10) {
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0
    let x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0
    for (let t = 0; t < n; t++) {
      const xt = x[t]
      c0 += xt * xt
      c1 += xt * x1
      c2 += xt * x2
      c3 += xt * x3
      c4 += xt * x4
      c5 += xt * x5
      x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = xt
    }
    c[0] = c0; c[1] = c1; c[2] = c2; c[3] = c3; c[4] = c4; c[5] = c5
    let c6 = 0, c7 = 0, c8 = 0, c9 = 0, c10 = 0
    let y1 = 0, y2 = 0, y3 = 0, y4 = 0 // x[t-7], x[t-8], x[t-9], x[t-10]
    for (let t = 6; t < n; t++) {
      const xt = x[t]
      const u = x[t - 6]
      c6 += xt * u
      c7 += xt * y1
      c8 += xt * y2
      c9 += xt * y3
      c10 += xt * y4
      y4 = y3; y3 = y2; y2 = y1; y1 = u
    }
    c[6] = c6; c[7] = c7; c[8] = c8; c[9] = c9; c[10] = c10
    return
  }
  for (let j0 = 0; j0 <= m; j0 += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0
    const j3 = j0 + 3
    // head: t < j3, lags whose range starts later
    for (let t = j0; t < Math.min(j3, n); t++) {
      const xt = x[t]
      s0 += xt * x[t - j0]
      if (t >= j0 + 1) s1 += xt * x[t - j0 - 1]
      if (t >= j0 + 2) s2 += xt * x[t - j0 - 2]
    }
    for (let t = j3; t < n; t++) {
      const xt = x[t]
      s0 += xt * x[t - j0]
      s1 += xt * x[t - j0 - 1]
      s2 += xt * x[t - j0 - 2]
      s3 += xt * x[t - j3]
    }
    c[j0] = s0
    if (j0 + 1 <= m) c[j0 + 1] = s1
    if (j0 + 2 <= m) c[j0 + 2] = s2
    if (j3 <= m) c[j3] = s3
  }
}

/**
 * Burg's method in the autocorrelation domain (K. Vos, "A fast implementation
 * of Burg's method", 2013, in its covariance-matrix form): the same
 * coefficients as `burg` (equal up to rounding), but the data are read once
 * (autocorrelation up to lag m, O(n m)) and each order costs O(m^2) on the
 * (k+2)x(k+2) matrix Phi_ij = sum_{t=k+1}^{n-1} x[t-i] x[t-j], updated from
 * the previous order by shifting and subtracting edge products.
 * x is 0-based, length n; on success d[1..m] holds the predictor
 * (x[t] ~ sum_k d[k] x[t-k], as `burg`). `work` needs 3 (m+2)^2 + 4 (m+2) doubles.
 */
export function burgFast(x: Float64Array, n: number, m: number, d: Float64Array, work: Float64Array): boolean {
  const S = m + 2
  const c = work.subarray(0, S)
  let P = work.subarray(S, S + S * S)
  let Q = work.subarray(S + S * S, S + 2 * S * S)
  const a = work.subarray(S + 2 * S * S, 2 * S + 2 * S * S)
  const v = work.subarray(2 * S + 2 * S * S, 3 * S + 2 * S * S)
  const w = work.subarray(3 * S + 2 * S * S, 4 * S + 2 * S * S)
  autocorr(x, n, m, c)
  // order 0: t = 1..n-1
  P[0] = c[0] - x[0] * x[0]
  P[S + 1] = c[0] - x[n - 1] * x[n - 1]
  P[1] = P[S] = c[1]
  a[0] = 1
  for (let k = 0; k < m; k++) {
    const K = k + 2 // matrix size; a has k+1 coefficients, a[k+1] = 0
    a[k + 1] = 0
    // v = P a, w = P rev(a)
    let num = 0, ef = 0, eb = 0
    for (let i = 0; i < K; i++) {
      let sv = 0, sw = 0
      const row = i * S
      for (let j = 0; j < K; j++) {
        const pij = P[row + j]
        sv += pij * a[j]
        sw += pij * a[K - 1 - j]
      }
      v[i] = sv
      w[i] = sw
    }
    for (let i = 0; i < K; i++) {
      ef += a[i] * v[i]
      eb += a[K - 1 - i] * w[i]
      num += a[K - 1 - i] * v[i]
    }
    const den = ef + eb
    if (!(den > 0)) return false
    const kappa = (-2 * num) / den
    // a_i += kappa a_{k+1-i}, i = 0..k+1 (in place, pairwise)
    for (let i = 0, j = k + 1; i <= j; i++, j--) {
      const ai = a[i], aj = a[j]
      a[i] = ai + kappa * aj
      if (i !== j) a[j] = aj + kappa * ai
    }
    if (k === m - 1) break
    // next order k+1: size K+1, t = k+2..n-1
    // Q[i+1][j+1] = P[i][j] - x[n-1-i] x[n-1-j];  Q[0][j] = c_j - sum_{t=j}^{k+1} x[t] x[t-j]
    for (let i = 0; i < K; i++) {
      const xi = x[n - 1 - i]
      for (let j = i; j < K; j++) {
        const q = P[i * S + j] - xi * x[n - 1 - j]
        Q[(i + 1) * S + j + 1] = q
        Q[(j + 1) * S + i + 1] = q
      }
    }
    for (let j = 0; j <= K; j++) {
      let s = c[j]
      for (let t = j; t <= k + 1; t++) s -= x[t] * x[t - j]
      Q[j] = s
      Q[j * S] = s
    }
    const tmp = P
    P = Q
    Q = tmp
  }
  for (let i = 1; i <= m; i++) d[i] = -a[i]
  return true
}
