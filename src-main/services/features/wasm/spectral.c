/*
 * spectral.ts's frame loop: framing, energy, Hamming window, power spectrum, Bark loudness,
 * alpha ratio, Hammarberg index, the two dB slopes, flux and MFCC 1-4 of every frame. Same
 * operations in the same order as the TypeScript, and the same Math.log / Math.exp / Math.log10
 * (imported from JavaScript), so the results are bit-identical.
 */
#include "kernels.h"

enum { N_BARK = 26, N_MEL = 26, OUT = 11 };

static double db_slope(const double *db, int a, int b, double binHz) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0, c = 0;
  for (int k = a; k <= b; k++) {
    const double xk = k * binHz, y = db[k];
    sx += xk; sy += y; sxx += xk * xk; sxy += xk * y; c++;
  }
  const double den = c * sxx - sx * sx;
  return den > 0 ? (c * sxy - sx * sy) / den : 0;
}

/* out[f * 11 + j]: loudness, alpha ratio, Hammarberg, slope 0-500, slope 500-1500, flux, mfcc 1-4, energy. */
EXPORT("spectral_frames")
void spectral_frames(const float *x, int nx, const int *starts, int nF, int n, const double *win, const struct fft_plan *fp, double *pow,
                     int bins, const double *bark, const int *barkRange, const double *mel, const int *melRange, const double *dct,
                     const int *ks, double binHz, double dbPerNeper, double *db, double *prevMag, double *out) {
  double *inp = fp->x;
  const double scale = 1.0 / n;
  const int k50 = ks[0], k1000 = ks[1], k5000 = ks[2], k2000 = ks[3], k500 = ks[4], k1500 = ks[5];
  for (int k = 0; k < bins; k++) prevMag[k] = 0;
  double *dd = prevMag + bins; /* bins more doubles after prevMag */
  for (int f = 0; f < nF; f++) {
    double *o = out + f * OUT;
    const int start = starts[f];
    double e = 0;
    if (start >= 0 && start + n <= nx) {
      for (int i = 0; i < n; i++) {
        const double v = x[start + i];
        e += v * v;
        inp[i] = v * win[i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        const int j = start + i;
        const double v = j >= 0 && j < nx ? (double)x[j] : 0.0;
        e += v * v;
        inp[i] = v * win[i];
      }
    }
    o[10] = e / n;
    fft_power(fp, pow);
    /* scaling, the total and the alpha-ratio band sums: each sum adds the same bins in the same order
       as the TypeScript's separate loops, interleaved here so that their chains of additions overlap */
    double norm = 0, lo = 0, hi = 0;
    int k = 0;
    for (; k < k50 && k < bins; k++) norm += pow[k] = pow[k] * scale;
    for (; k < k1000 && k < bins; k++) {
      const double v = pow[k] = pow[k] * scale;
      norm += v;
      lo += v;
    }
    for (; k <= k5000 && k < bins; k++) {
      const double v = pow[k] = pow[k] * scale;
      norm += v;
      hi += v;
    }
    for (; k < bins; k++) norm += pow[k] = pow[k] * scale;
    double loud = 0;
    for (int m = 0; m < N_BARK; m++) {
      double s = 0;
      const double *w = bark + barkRange[3 * m + 2] - barkRange[3 * m];
      for (int k = barkRange[3 * m], e2 = barkRange[3 * m + 1]; k <= e2; k++) s += w[k] * pow[k];
      loud += s > 0 ? js_exp(0.33 * js_log(s)) : 0;
    }
    o[0] = loud;
    double maxLo = 0, maxHi = 0;
    for (int k = 1; k <= k2000; k++) if (pow[k] > maxLo) maxLo = pow[k];
    for (int k = k2000 + 1; k <= k5000; k++) if (pow[k] > maxHi) maxHi = pow[k];
    const double eps = 1e-20;
    o[1] = 10 * js_log10((hi + eps) / (lo + eps));
    o[2] = 10 * js_log10((maxLo + eps) / (maxHi + eps));
    for (int k = 0; k <= k1500; k++) db[k] = dbPerNeper * js_log(pow[k] + 1e-20);
    o[3] = db_slope(db, 0, k500, binHz);
    o[4] = db_slope(db, k500, k1500, binHz);
    const double inv = norm > 0 ? 1 / __builtin_sqrt(norm) : 0;
    /* the squared differences elementwise (vectorised), then their sum in order */
    for (int k = 0; k < bins; k++) {
      const double m = __builtin_sqrt(pow[k]) * inv;
      const double d = m - prevMag[k];
      dd[k] = d * d;
      prevMag[k] = m;
    }
    double flux = 0;
    for (int k = 0; k < bins; k++) flux += dd[k];
    o[5] = f == 0 ? 0 : flux;
    double melE[N_MEL];
    for (int m = 0; m < N_MEL; m++) {
      double s = 0;
      const double *w = mel + melRange[3 * m + 2] - melRange[3 * m];
      for (int k = melRange[3 * m], e2 = melRange[3 * m + 1]; k <= e2; k++) s += w[k] * pow[k];
      melE[m] = js_log(s != s ? s : s > 1e-20 ? s : 1e-20); /* Math.max(s, 1e-20) */
    }
    double c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (int j = 0; j < N_MEL; j++) {
      const double v = melE[j];
      c0 += dct[j] * v;
      c1 += dct[N_MEL + j] * v;
      c2 += dct[2 * N_MEL + j] * v;
      c3 += dct[3 * N_MEL + j] * v;
    }
    o[6] = c0; o[7] = c1; o[8] = c2; o[9] = c3;
  }
}
