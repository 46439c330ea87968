/*
 * Formant kernels: the interior loop of src-shared/resample.ts's resampleRange (16 -> 11 kHz),
 * the windowing + Burg (covariance form) of formants.ts, and its Durand-Kerner root finder.
 * Same operations in the same order as the TypeScript (the two-lane vectors hold two of its
 * independent partial sums or elements), so the results are bit-identical.
 */
#include "kernels.h"

/* Outputs j.. of resampleRange's interior loop (four partial sums a0..a3 as two f64x2); returns the j it stopped at. */
EXPORT("resample_interior")
int resample_interior(const float *x, int nx, const double *taps, int L, int M, int width, float *dst, int j, int end, int ph, int first,
                      int frac) {
  for (; j < end && first + width <= nx; j++) {
    const double *tp = taps + ph * width;
    const float *xp = x + first;
    v128_t A = wasm_f64x2_splat(0), B = wasm_f64x2_splat(0);
    for (int k = 0; k < width; k += 4) {
      v128_t x01 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(xp + k));
      v128_t x23 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(xp + k + 2));
      A = wasm_f64x2_add(A, wasm_f64x2_mul(wasm_v128_load(tp + k), x01));
      B = wasm_f64x2_add(B, wasm_f64x2_mul(wasm_v128_load(tp + k + 2), x23));
    }
    const double a0 = wasm_f64x2_extract_lane(A, 0), a1 = wasm_f64x2_extract_lane(A, 1);
    const double a2 = wasm_f64x2_extract_lane(B, 0), a3 = wasm_f64x2_extract_lane(B, 1);
    dst[j] = (float)(a0 + (a1 + a2 + a3));
    if (++ph == L) ph = 0;
    frac += M;
    while (frac >= L) {
      frac -= L;
      first++;
    }
  }
  return j;
}

/*
 * formants.ts autocorr. For m = 10 with x[-16..-1] = 0 (formant_burg pads its window so): all
 * eleven lags in one pass, two lags per f64x2. Each lag adds the same products in the same order
 * as the TypeScript; the extra leading terms x[t] * 0 (t < lag) are +-0 added to a +0 sum, which
 * leaves it +0, so the sums are bit-identical.
 */
static void autocorr(const double *x, int n, int m, double *c, int padded) {
  if (m == 10 && n > 10 && padded) {
    v128_t A10 = wasm_f64x2_splat(0), A32 = A10, A54 = A10, A76 = A10, A98 = A10, AB10 = A10;
    for (int t = 0; t < n; t++) {
      const v128_t X = wasm_f64x2_splat(x[t]);
      A10 = wasm_f64x2_add(A10, wasm_f64x2_mul(X, wasm_v128_load(x + t - 1)));
      A32 = wasm_f64x2_add(A32, wasm_f64x2_mul(X, wasm_v128_load(x + t - 3)));
      A54 = wasm_f64x2_add(A54, wasm_f64x2_mul(X, wasm_v128_load(x + t - 5)));
      A76 = wasm_f64x2_add(A76, wasm_f64x2_mul(X, wasm_v128_load(x + t - 7)));
      A98 = wasm_f64x2_add(A98, wasm_f64x2_mul(X, wasm_v128_load(x + t - 9)));
      AB10 = wasm_f64x2_add(AB10, wasm_f64x2_mul(X, wasm_v128_load(x + t - 11)));
    }
    c[0] = wasm_f64x2_extract_lane(A10, 1); c[1] = wasm_f64x2_extract_lane(A10, 0);
    c[2] = wasm_f64x2_extract_lane(A32, 1); c[3] = wasm_f64x2_extract_lane(A32, 0);
    c[4] = wasm_f64x2_extract_lane(A54, 1); c[5] = wasm_f64x2_extract_lane(A54, 0);
    c[6] = wasm_f64x2_extract_lane(A76, 1); c[7] = wasm_f64x2_extract_lane(A76, 0);
    c[8] = wasm_f64x2_extract_lane(A98, 1); c[9] = wasm_f64x2_extract_lane(A98, 0);
    c[10] = wasm_f64x2_extract_lane(AB10, 1);
    return;
  }
  if (m == 10 && n > 10) {
    double c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0;
    for (int t = 0; t < n; t++) {
      const double xt = x[t];
      c0 += xt * xt; c1 += xt * x1; c2 += xt * x2; c3 += xt * x3; c4 += xt * x4; c5 += xt * x5;
      x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = xt;
    }
    c[0] = c0; c[1] = c1; c[2] = c2; c[3] = c3; c[4] = c4; c[5] = c5;
    double c6 = 0, c7 = 0, c8 = 0, c9 = 0, c10 = 0, y1 = 0, y2 = 0, y3 = 0, y4 = 0;
    for (int t = 6; t < n; t++) {
      const double xt = x[t], u = x[t - 6];
      c6 += xt * u; c7 += xt * y1; c8 += xt * y2; c9 += xt * y3; c10 += xt * y4;
      y4 = y3; y3 = y2; y2 = y1; y1 = u;
    }
    c[6] = c6; c[7] = c7; c[8] = c8; c[9] = c9; c[10] = c10;
    return;
  }
  for (int j0 = 0; j0 <= m; j0 += 4) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const int j3 = j0 + 3;
    for (int t = j0; t < (j3 < n ? j3 : n); t++) {
      const double xt = x[t];
      s0 += xt * x[t - j0];
      if (t >= j0 + 1) s1 += xt * x[t - j0 - 1];
      if (t >= j0 + 2) s2 += xt * x[t - j0 - 2];
    }
    for (int t = j3; t < n; t++) {
      const double xt = x[t];
      s0 += xt * x[t - j0]; s1 += xt * x[t - j0 - 1]; s2 += xt * x[t - j0 - 2]; s3 += xt * x[t - j3];
    }
    c[j0] = s0;
    if (j0 + 1 <= m) c[j0 + 1] = s1;
    if (j0 + 2 <= m) c[j0 + 2] = s2;
    if (j3 <= m) c[j3] = s3;
  }
}

/* formants.ts burgFast: d[1..m] on success. work: 3 (m+2)^2 + 4 (m+2) doubles. */
static int burg_fast(const double *x, int n, int m, double *d, double *work, int padded) {
  const int S = m + 2;
  double *c = work, *P = work + S, *Q = work + S + S * S, *a = work + S + 2 * S * S, *v = a + S, *w = v + S;
  autocorr(x, n, m, c, padded);
  if (c[0] == 0) return 0;
  P[0] = c[0] - x[0] * x[0];
  P[S + 1] = c[0] - x[n - 1] * x[n - 1];
  P[1] = P[S] = c[1];
  a[0] = 1;
  for (int k = 0; k < m; k++) {
    const int K = k + 2;
    a[k + 1] = 0;
    double num = 0, ef = 0, eb = 0;
    for (int i = 0; i < K; i++) {
      double sv = 0, sw = 0;
      const double *row = P + i * S;
      for (int j = 0; j < K; j++) {
        const double pij = row[j];
        sv += pij * a[j];
        sw += pij * a[K - 1 - j];
      }
      v[i] = sv;
      w[i] = sw;
    }
    for (int i = 0; i < K; i++) {
      ef += a[i] * v[i];
      eb += a[K - 1 - i] * w[i];
      num += a[K - 1 - i] * v[i];
    }
    const double den = ef + eb;
    if (!(den > 0)) return 0;
    const double kappa = (-2 * num) / den;
    for (int i = 0, j = k + 1; i <= j; i++, j--) {
      const double ai = a[i], aj = a[j];
      a[i] = ai + kappa * aj;
      if (i != j) a[j] = aj + kappa * ai;
    }
    if (k == m - 1) break;
    for (int i = 0; i < K; i++) {
      const double xi = x[n - 1 - i];
      for (int j = i; j < K; j++) {
        const double q = P[i * S + j] - xi * x[n - 1 - j];
        Q[(i + 1) * S + j + 1] = q;
        Q[(j + 1) * S + i + 1] = q;
      }
    }
    for (int j = 0; j <= K; j++) {
      double s = c[j];
      for (int t = j; t <= k + 1; t++) s -= x[t] * x[t - j];
      Q[j] = s;
      Q[j * S] = s;
    }
    double *tmp = P;
    P = Q;
    Q = tmp;
  }
  for (int i = 1; i <= m; i++) d[i] = -a[i];
  return 1;
}

/*
 * One formant frame: data = z[start + i] * win[i] (zero outside [0, ny)), its energy, then Burg.
 * Returns 1 when d[1..m] holds the predictor, 0 for a silent window or a failed fit.
 * `pad` holds n + 16 doubles: 16 zeros, then the window's data.
 */
EXPORT("formant_burg")
int formant_burg(const double *z, int start, int ny, const double *win, int n, int m, double *pad, double *d, double *work) {
  double energy = 0;
  for (int i = 0; i < 16; i++) pad[i] = 0;
  double *data = pad + 16;
  if (start >= 0 && start + n <= ny) {
    for (int i = 0; i < n; i++) data[i] = z[start + i] * win[i];
  } else {
    for (int i = 0; i < n; i++) {
      const int j = start + i;
      data[i] = j >= 0 && j < ny ? z[j] * win[i] : 0;
    }
  }
  if (m != 10 || n <= 10) {
    for (int i = 0; i < n; i++) energy += data[i] * data[i];
    if (energy == 0) return 0;
  }
  /* For m = 10 the energy is the autocorrelation at lag 0 (the same products added in the same
     order), so burg_fast's c[0] decides: 0 means a silent window. */
  return burg_fast(data, n, m, d, work, 1);
}

/* formants.ts polyRoots (Durand-Kerner); c is 1-based. Returns 1 when converged. */
EXPORT("poly_roots")
int poly_roots(const double *c, int m, double *re, double *im, int maxIter) {
  for (int it = 0; it < maxIter; it++) {
    double change = 0;
    for (int i = 0; i < m; i++) {
      const double zr = re[i], zi = im[i];
      double pr = 1, pi = 0;
      for (int k = 1; k <= m; k++) {
        const double tr = pr * zr - pi * zi + c[k];
        pi = pr * zi + pi * zr;
        pr = tr;
      }
      double qr = 1, qi = 0;
      for (int j = 0; j < m; j++) {
        if (j == i) continue;
        const double dr = zr - re[j], di = zi - im[j];
        const double tr = qr * dr - qi * di;
        qi = qr * di + qi * dr;
        qr = tr;
      }
      const double den = qr * qr + qi * qi;
      if (den == 0) {
        re[i] += 1e-6;
        continue;
      }
      const double wr = (pr * qr + pi * qi) / den, wi = (pi * qr - pr * qi) / den;
      re[i] = zr - wr;
      im[i] = zi - wi;
      change += wr * wr + wi * wi;
    }
    if (change < 1e-24) return 1;
  }
  return 0;
}
