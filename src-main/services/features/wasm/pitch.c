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

__attribute__((import_module("env"), import_name("log2"))) double js_log2(double);

/* pitch.ts's global peak: max |x[i] - mean| (the mean summed in order). */
EXPORT("pitch_global_peak")
double pitch_global_peak(const float *x, int nx) {
  double mean = 0;
  for (int i = 0; i < nx; i++) mean += x[i];
  mean /= nx;
  /* the maximum, two lanes at a time (pmax keeps the running value unless the new one is larger,
     as `if (v > peak)` does, NaN included; a maximum does not depend on the order) */
  const v128_t M = wasm_f64x2_splat(mean);
  v128_t P = wasm_f64x2_splat(0);
  int i = 0;
  for (; i + 1 < nx; i += 2) {
    const v128_t v = wasm_f64x2_abs(wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(x + i)), M));
    P = wasm_f64x2_pmax(P, v);
  }
  double peak = wasm_f64x2_extract_lane(P, 0);
  const double p1 = wasm_f64x2_extract_lane(P, 1);
  if (p1 > peak) peak = p1;
  for (; i < nx; i++) {
    const double v = __builtin_fabs(x[i] - mean);
    if (v > peak) peak = v;
  }
  return peak;
}

/*
 * pitch.ts's frame loop up to the Viterbi path: per frame the window, the intensity, and for
 * frames loud enough the autocorrelation and its candidates (parabolic peaks above half the
 * voicing threshold, the weakest replaced beyond maxC). d = {t1, hop, sampleRate, globalPeak,
 * quietBelow, voicingThreshold, ceiling, floor, octaveCost, logFloorRef};
 * g = {n, nx, nWin, half, peakFrom, peakTo, maxLag, minLag, maxC}.
 */
EXPORT("pitch_frames")
void pitch_frames(const float *x, const double *d, const int *g, const double *window, const struct fft_plan *p1, const struct fft_plan *p2,
                  double *pow, const double *sinT, const double *cosT, double *ac, const double *invWR, double *r, double *intensity, int *nCand,
                  double *candF, double *candR) {
  const double t1 = d[0], hop = d[1], sampleRate = d[2], globalPeak = d[3], quietBelow = d[4], vt = d[5], ceiling = d[6], floor = d[7];
  const double octaveCost = d[8], logFloorRef = d[9];
  const int n = g[0], nx = g[1], nWin = g[2], half = g[3], peakFrom = g[4], peakTo = g[5], maxLag = g[6], minLag = g[7], maxC = g[8];
  for (int f = 0; f < n; f++) {
    nCand[f] = 0;
    const double t = t1 + f * hop;
    const int left = (int)__builtin_floor(t * sampleRate - 0.5);
    const int start = left + 1 - half;
    const double localPeak = pitch_window(x, nx, start, nWin, window, p1->x, peakFrom, peakTo);
    if (globalPeak > 0) {
      const double v = localPeak / globalPeak;
      intensity[f] = v != v ? v : v < 1 ? v : 1; /* Math.min(1, v) */
    } else intensity[f] = 0;
    if (localPeak == 0 || intensity[f] < quietBelow) continue;
    pitch_acf(p1, p2, pow, sinT, cosT, ac, invWR, maxLag, r);
    int c = 0;
    double *cf = candF + f * maxC, *cr = candR + f * maxC;
    for (int i = minLag - 1 > 2 ? minLag - 1 : 2; i <= maxLag; i++) {
      const double ri = r[i];
      if (ri > 0.5 * vt && ri > r[i - 1] && ri >= r[i + 1]) {
        const double dr = 0.5 * (r[i + 1] - r[i - 1]);
        const double d2r = 2 * ri - r[i - 1] - r[i + 1];
        const double lag = d2r > 0 ? i + dr / d2r : i;
        const double freq = sampleRate / lag;
        if (freq > ceiling || freq < floor) continue;
        double s = d2r > 0 ? ri + (0.5 * dr * dr) / d2r : ri;
        if (s > 1) s = 1 / s;
        if (c < maxC) {
          cf[c] = freq;
          cr[c] = s;
          c++;
        } else {
          int weakest = 0;
          double wv = __builtin_inf();
          for (int k = 0; k < maxC; k++) {
            const double v = cr[k] - octaveCost * (logFloorRef - js_log2(cf[k]));
            if (v < wv) {
              wv = v;
              weakest = k;
            }
          }
          if (s - octaveCost * (logFloorRef - js_log2(freq)) > wv) {
            cf[weakest] = freq;
            cr[weakest] = s;
          }
        }
      }
    }
    nCand[f] = c;
  }
}
