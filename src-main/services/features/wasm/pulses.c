/*
 * voicequality.ts ccLag (the pulse search of findPulses): the lag near `guess` that maximises the
 * normalised cross-correlation of one period around `at` with the one around at + lag. Same
 * operations in the same order as the TypeScript, so the results are bit-identical.
 */
#include "kernels.h"

/* Math.min / Math.max: NaN if either is NaN */
static inline double js_min(double a, double b) { return a != a || b != b ? __builtin_nan("") : a < b ? a : b; }
static inline double js_max(double a, double b) { return a != a || b != b ? __builtin_nan("") : a > b ? a : b; }

EXPORT("cc_lag")
double cc_lag(const float *x, int nx, int at, int guess, int N, double *cc) {
  const int h = N >> 1;
  double best = -__builtin_inf(), rm = 0, rp = 0, r0 = __builtin_nan(""), r1 = __builtin_nan("");
  int bestL = guess;
  const int a0 = at - h;
  const int aOk = a0 >= 0 && a0 + N <= nx;
  double sxx = 0;
  if (aOk) for (int i = 0; i < N; i++) sxx += (double)x[a0 + i] * x[a0 + i];
  double dots[9];
  for (int q = 0; q < 9;) {
    const int b0 = at + guess - 4 + q - h;
    if (aOk && q + 3 < 9 && b0 >= 0 && b0 + 3 + N <= nx) {
      v128_t A = wasm_f64x2_splat(0), B = wasm_f64x2_splat(0);
      for (int i = 0; i < N; i++) {
        const v128_t p = wasm_f64x2_splat(x[a0 + i]);
        A = wasm_f64x2_add(A, wasm_f64x2_mul(p, wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(x + b0 + i))));
        B = wasm_f64x2_add(B, wasm_f64x2_mul(p, wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(x + b0 + i + 2))));
      }
      dots[q] = wasm_f64x2_extract_lane(A, 0);
      dots[q + 1] = wasm_f64x2_extract_lane(A, 1);
      dots[q + 2] = wasm_f64x2_extract_lane(B, 0);
      dots[q + 3] = wasm_f64x2_extract_lane(B, 1);
      q += 4;
    } else {
      double s0 = 0;
      if (aOk && b0 >= 0 && b0 + N <= nx) for (int i = 0; i < N; i++) s0 += (double)x[a0 + i] * x[b0 + i];
      dots[q] = s0;
      q++;
    }
  }
  double syy = 0;
  int prevOk = 0;
  for (int L = guess - 4; L <= guess + 4; L++) {
    const int b0 = at + L - h;
    double r = -__builtin_inf();
    if (aOk && b0 >= 0 && b0 + N <= nx) {
      if (prevOk) {
        const double out = x[b0 - 1], inn = x[b0 + N - 1];
        syy += inn * inn - out * out;
      } else {
        syy = 0;
        for (int i = 0; i < N; i++) syy += (double)x[b0 + i] * x[b0 + i];
      }
      prevOk = 1;
      const double sxy = dots[L - guess + 4];
      r = sxx > 0 && syy > 0 ? sxy / __builtin_sqrt(sxx * syy) : 0;
    } else prevOk = 0;
    if (L >= guess - 2 && r1 > best && r1 >= r0 && r1 >= r) {
      best = r1; bestL = L - 1; rm = r0; rp = r;
    }
    r0 = r1;
    r1 = r;
  }
  cc[0] = best;
  if (best == -__builtin_inf()) return guess;
  const double d2 = rm - 2 * best + rp;
  const double off = d2 < 0 ? (0.5 * (rm - rp)) / d2 : 0;
  return bestL + js_max(-0.5, js_min(0.5, off));
}
