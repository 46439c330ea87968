/*
 * voicequality.ts hnrFrames: per voiced frame the mean-removed segment, the normalised
 * cross-correlation at lags near the pitch period (energies by sliding sums, cross products four
 * lags per pass) and the HNR in dB. Same operations in the same order as the TypeScript, with
 * JavaScript's Math.log10 imported, so the results are bit-identical.
 */
#include "kernels.h"

EXPORT("hnr_frames")
void hnr_frames(const float *x, int nx, const double *f0s, int n, double t1, double hop, double sampleRate, int N, double *seg, double *rs,
                double *out) {
  for (int f = 0; f < n; f++) {
    const double f0 = f0s[f];
    if (!(f0 > 0)) continue;
    const double t = t1 + f * hop;
    const double T = sampleRate / f0;
    const double lo = __builtin_floor(T * 0.9);
    const int lagLo = lo > 2 ? (int)lo : 2;
    const int lagHi = (int)__builtin_ceil(T * 1.1) + 1;
    const int start = (int)js_round(t * sampleRate - (N + T) / 2);
    if (start < 0 || start + N + lagHi + 1 >= nx) continue;
    const int len = N + lagHi + 2;
    double mean = 0;
    for (int i = 0; i < N + lagHi; i++) mean += x[start + i];
    mean /= N + lagHi;
    for (int i = 0; i < len; i++) seg[i] = x[start + i] - mean;
    for (int i = len; i < len + 3; i++) seg[i] = start + i < nx ? x[start + i] - mean : 0;
    double sxx = 0;
    for (int i = 0; i < N; i++) sxx += seg[i] * seg[i];
    const int l0 = lagLo - 1;
    double syy = 0;
    for (int i = 0; i < N; i++) syy += seg[l0 + i] * seg[l0 + i];
    const int nl = lagHi + 2 - l0;
    for (int q = 0; q < nl; q += 4) lag_dots4(seg, 0, l0 + q, N, rs + q);
    double best = -__builtin_inf(), rm1 = 0, rp1 = 0, r0 = 0, r1 = 0;
    for (int lag = l0; lag <= lagHi + 1; lag++) {
      if (lag > l0) {
        const double out0 = seg[lag - 1], in0 = seg[lag + N - 1];
        syy += in0 * in0 - out0 * out0;
      }
      const double sxy = rs[lag - l0];
      const double r = sxx > 0 && syy > 0 ? sxy / __builtin_sqrt(sxx * syy) : 0;
      if (lag >= lagLo + 1 && r1 > best && r1 >= r0 && r1 >= r) {
        best = r1; rm1 = r0; rp1 = r;
      }
      r0 = r1;
      r1 = r;
    }
    if (best == -__builtin_inf()) continue;
    const double d2 = rm1 - 2 * best + rp1;
    double r = d2 < 0 ? best - (0.125 * (rp1 - rm1) * (rp1 - rm1)) / d2 : best;
    if (r > 1) r = 1 / r;
    out[f] = r <= 1e-15 ? -150 : r >= 1 - 1e-15 ? 150 : 10 * js_log10(r / (1 - r));
  }
}
