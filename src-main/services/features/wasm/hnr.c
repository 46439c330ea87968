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
    /* seven more (or zeros past the end) so that lags go in whole blocks of eight */
    for (int i = len; i < len + 7; i++) seg[i] = start + i < nx ? x[start + i] - mean : 0;
    const int l0 = lagLo - 1;
    const int nl = lagHi + 2 - l0;
    /*
     * The energies of the first period and of the period at lag l0, and the cross products at eight
     * lags per pass over the first period (four f64x2 sums): each sum adds the same products in the
     * same order as voicequality.ts (which takes the energies in their own loops and the lags four per
     * pass), so the values are the same; lags past lagHi + 1 are computed and not used.
     */
    double sxx = 0, syy = 0;
    for (int q = 0; q < nl; q += 8) {
      const double *b = seg + l0 + q;
      v128_t A = wasm_f64x2_splat(0), B = A, C = A, D = A;
      if (q == 0) {
        for (int i = 0; i < N; i++) {
          const double pv = seg[i];
          const v128_t p = wasm_f64x2_splat(pv);
          sxx += pv * pv;
          syy += b[i] * b[i];
          A = wasm_f64x2_add(A, wasm_f64x2_mul(p, wasm_v128_load(b + i)));
          B = wasm_f64x2_add(B, wasm_f64x2_mul(p, wasm_v128_load(b + i + 2)));
          C = wasm_f64x2_add(C, wasm_f64x2_mul(p, wasm_v128_load(b + i + 4)));
          D = wasm_f64x2_add(D, wasm_f64x2_mul(p, wasm_v128_load(b + i + 6)));
        }
      } else {
        for (int i = 0; i < N; i++) {
          const v128_t p = wasm_f64x2_splat(seg[i]);
          A = wasm_f64x2_add(A, wasm_f64x2_mul(p, wasm_v128_load(b + i)));
          B = wasm_f64x2_add(B, wasm_f64x2_mul(p, wasm_v128_load(b + i + 2)));
          C = wasm_f64x2_add(C, wasm_f64x2_mul(p, wasm_v128_load(b + i + 4)));
          D = wasm_f64x2_add(D, wasm_f64x2_mul(p, wasm_v128_load(b + i + 6)));
        }
      }
      wasm_v128_store(rs + q, A);
      wasm_v128_store(rs + q + 2, B);
      wasm_v128_store(rs + q + 4, C);
      wasm_v128_store(rs + q + 6, D);
    }
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
