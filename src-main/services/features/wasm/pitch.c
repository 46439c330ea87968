/*
 * Pitch kernels (pitch.ts): one frame's mean removal, Hanning window and local peak, and its
 * normalised autocorrelation (power spectrum, Numerical Recipes cosft1 type-I DCT by a half-size
 * FFT, division by the window's own autocorrelation). Same operations in the same order as the
 * TypeScript, so the results are bit-identical.
 */
#include "kernels.h"

/* inp = (x[start + i] - local mean) * window[i], zeros outside the signal; returns the peak |inp| in [peakFrom, peakTo). */
EXPORT("pitch_window")
double pitch_window(const float *x, int nx, int start, int nWin, const double *window, double *inp, int peakFrom, int peakTo) {
  const int i0 = start < 0 ? -start : 0;
  const int i1 = start + nWin > nx ? (i0 > nx - start ? i0 : nx - start) : nWin;
  double m0 = 0, m1 = 0, m2 = 0, m3 = 0;
  int i = i0;
  for (; i + 3 < i1; i += 4) {
    m0 += x[start + i];
    m1 += x[start + i + 1];
    m2 += x[start + i + 2];
    m3 += x[start + i + 3];
  }
  for (; i < i1; i++) m0 += x[start + i];
  const double lm = (m0 + m1 + m2 + m3) / nWin;
  if (i0 == 0 && i1 == nWin) {
    for (i = 0; i < nWin; i++) inp[i] = (x[start + i] - lm) * window[i];
  } else {
    for (i = 0; i < nWin; i++) inp[i] = ((i >= i0 && i < i1 ? (double)x[start + i] : 0.0) - lm) * window[i];
  }
  double peak = 0;
  for (i = peakFrom < 0 ? 0 : peakFrom; i < peakTo && i < nWin; i++) {
    const double v = inp[i];
    const double a = v < 0 ? -v : v;
    if (a > peak) peak = a;
  }
  return peak;
}

/*
 * r[i] = ac[i] / ac[0] * invWR[i], i = 0..maxLag + 1, with ac the autocorrelation of p1's input
 * (pitch.ts autocorrFromPower with upTo = maxLag + 1; p2 is the half-size FFT).
 */
EXPORT("pitch_acf")
void pitch_acf(const struct fft_plan *p1, const struct fft_plan *p2, double *pow, const double *sinT, const double *cosT, double *ac,
               const double *invWR, int maxLag, double *r) {
  fft_power(p1, pow);
  const int n = 2 * p2->M;
  double *y = p2->x, *re = p2->re, *im = p2->im;
  double sum = 0.5 * (pow[0] - pow[n]);
  y[0] = 0.5 * (pow[0] + pow[n]);
  for (int j = 1; j < n >> 1; j++) {
    const double a = pow[j], b = pow[n - j];
    const double y1 = 0.5 * (a + b), y2 = a - b;
    const double ws = sinT[j] * y2;
    y[j] = y1 - ws;
    y[n - j] = y1 + ws;
    sum += cosT[j] * y2;
  }
  y[n >> 1] = pow[n >> 1];
  fft_complex(p2, re, im);
  ac[0] = 2 * re[0];
  ac[1] = 2 * sum;
  const int upTo = maxLag + 1;
  const int kEnd = (n >> 1) < (upTo >> 1) + 1 ? (n >> 1) : (upTo >> 1) + 1;
  for (int k = 1; k < kEnd; k++) {
    ac[2 * k] = 2 * re[k];
    sum -= im[k];
    ac[2 * k + 1] = 2 * sum;
  }
  if (kEnd == n >> 1) ac[n] = 2 * re[n >> 1];
  const double inv0 = 1 / ac[0];
  for (int i = 0; i <= maxLag + 1; i++) r[i] = ac[i] * inv0 * invWR[i];
}
