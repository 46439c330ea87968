/*
 * harmonics.ts harmonicFrames: per voiced frame the Gaussian-windowed 1024-point power spectrum,
 * H1-H2, H1-A3 and the formant amplitudes relative to H1. Same operations in the same order as the
 * TypeScript, with JavaScript's Math.log10 imported, so the results are bit-identical.
 */
#include "kernels.h"

static double harm_db(const double *pow, int bins, double binHz, double fHz) {
  const double fa = __builtin_floor((fHz * 0.9) / binHz), fb = __builtin_ceil((fHz * 1.1) / binHz);
  const int a = fa > 1 ? (int)fa : 1;
  const int b = fb < bins - 1 ? (int)fb : bins - 1;
  double m = 0;
  for (int k = a; k <= b; k++) if (pow[k] > m) m = pow[k];
  return 10 * js_log10(m + 1e-20);
}

/* out: h1h2[nF], h1a3[nF], formantRel[3 nF] (NaN-filled by the caller). */
EXPORT("harmonic_frames")
void harmonic_frames(const float *x, int nx, const double *f0, const double *formantFreq, int nF, double t1, double hop, double sampleRate, int n,
                     const double *win, const struct fft_plan *fp, double *pow, int bins, double binHz, double *out) {
  double *inp = fp->x, *h1h2 = out, *h1a3 = out + nF, *rel = out + 2 * nF;
  for (int f = 0; f < nF; f++) {
    const double F0 = f0[f];
    if (!(F0 > 0)) continue;
    const int start = (int)js_round((t1 + f * hop) * sampleRate - n / 2.0);
    if (start >= 0 && start + n <= nx) {
      for (int i = 0; i < n; i++) inp[i] = x[start + i] * win[i];
    } else {
      for (int i = 0; i < n; i++) {
        const int j = start + i;
        inp[i] = j >= 0 && j < nx ? x[j] * win[i] : 0;
      }
    }
    fft_power(fp, pow);
    const double h1 = harm_db(pow, bins, binHz, F0);
    h1h2[f] = h1 - harm_db(pow, bins, binHz, 2 * F0);
    for (int k = 0; k < 3; k++) {
      const double fk = formantFreq[f * 3 + k];
      if (!__builtin_isfinite(fk)) continue;
      const double hr = js_round(fk / F0);
      const double h = hr > 1 ? hr : 1;
      const double a = harm_db(pow, bins, binHz, h * F0);
      rel[f * 3 + k] = a - h1;
      if (k == 2) h1a3[f] = h1 - a;
    }
  }
}
