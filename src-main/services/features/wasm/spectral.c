/*
 * spectral.ts's frame loop: framing, energy, Hamming window, power spectrum, Bark loudness,
 * alpha ratio, Hammarberg index, the two dB slopes, flux and MFCC 1-4 of every frame, two frames
 * at a time (one per lane). Same operations in the same order as the TypeScript, and the same
 * Math.log / Math.exp / Math.log10 (imported from JavaScript), so the results are bit-identical.
 * out[f * 11 + j]: loudness, alpha ratio, Hammarberg, slope 0-500, slope 500-1500, flux, mfcc 1-4, energy.
 */
#include "kernels.h"

enum { N_BARK = 26, N_MEL = 26, OUT = 11 };

#define L0(v) wasm_f64x2_extract_lane(v, 0)
#define L1(v) wasm_f64x2_extract_lane(v, 1)
#define V2(a, b) wasm_f64x2_make(a, b)
#define VADD wasm_f64x2_add
#define VSUB wasm_f64x2_sub
#define VMUL wasm_f64x2_mul

/* db_slope for two frames (one per lane); the abscissae and their sums are the same in both. */
static v128_t db_slope2(const v128_t *db, int a, int b, double binHz) {
  v128_t sx = wasm_f64x2_splat(0), sy = sx, sxx = sx, sxy = sx, c = sx;
  const v128_t one = wasm_f64x2_splat(1);
  for (int k = a; k <= b; k++) {
    const v128_t xk = wasm_f64x2_splat(k * binHz), y = db[k];
    sx = VADD(sx, xk); sy = VADD(sy, y); sxx = VADD(sxx, VMUL(xk, xk)); sxy = VADD(sxy, VMUL(xk, y)); c = VADD(c, one);
  }
  const v128_t den = VSUB(VMUL(c, sxx), VMUL(sx, sx));
  const v128_t q = wasm_f64x2_div(VSUB(VMUL(c, sxy), VMUL(sx, sy)), den);
  return wasm_v128_bitselect(q, wasm_f64x2_splat(0), wasm_f64x2_gt(den, wasm_f64x2_splat(0)));
}

/*
 * Each lane of every f64x2 is one frame and does the TypeScript loop's operations in the same
 * order (the sums over bins interleaved as the TypeScript's separate loops would add them; the
 * logarithms per lane through the imports). x2, z2: the FFT's input and work (fft size f64x2 each),
 * pow: bins f64x2, db: k1500 + 1 f64x2, prev: the previous frame's magnitudes, bins f64x2.
 */
EXPORT("spectral_frames2")
void spectral_frames2(const float *x, int nx, const int *starts, int nF, int n, const double *win, const struct fft_plan *fp, v128_t *x2, v128_t *z2,
                      v128_t *pow, int bins, const double *bark, const int *barkRange, const double *mel, const int *melRange, const double *dct,
                      const int *ks, double binHz, double dbPerNeper, v128_t *db, v128_t *prev, double *out) {
  const int N = 2 * fp->M;
  const v128_t zero = wasm_f64x2_splat(0), scale = wasm_f64x2_splat(1.0 / n), eps = wasm_f64x2_splat(1e-20);
  const int k50 = ks[0], k1000 = ks[1], k5000 = ks[2], k2000 = ks[3], k500 = ks[4], k1500 = ks[5];
  for (int i = n; i < N; i++) x2[i] = zero;
  for (int k = 0; k < bins; k++) prev[k] = zero;
  for (int f = 0; f < nF; f += 2) {
    const int fb = f + 1 < nF ? f + 1 : f;
    const int sa = starts[f], sb = starts[fb];
    v128_t e = zero;
    for (int i = 0; i < n; i++) {
      const int ja = sa + i, jb = sb + i;
      const v128_t v = V2(ja >= 0 && ja < nx ? (double)x[ja] : 0.0, jb >= 0 && jb < nx ? (double)x[jb] : 0.0);
      e = VADD(e, VMUL(v, v));
      x2[i] = VMUL(v, wasm_f64x2_splat(win[i]));
    }
    const v128_t energy = wasm_f64x2_div(e, wasm_f64x2_splat(n));
    fft_power2(fp->M, fp->radix8, x2, z2, fp->rev, fp->tw, fp->sc, pow);
    v128_t norm = zero, lo = zero, hi = zero;
    int k = 0;
    for (; k < k50 && k < bins; k++) norm = VADD(norm, pow[k] = VMUL(pow[k], scale));
    for (; k < k1000 && k < bins; k++) {
      const v128_t v = pow[k] = VMUL(pow[k], scale);
      norm = VADD(norm, v);
      lo = VADD(lo, v);
    }
    for (; k <= k5000 && k < bins; k++) {
      const v128_t v = pow[k] = VMUL(pow[k], scale);
      norm = VADD(norm, v);
      hi = VADD(hi, v);
    }
    for (; k < bins; k++) norm = VADD(norm, pow[k] = VMUL(pow[k], scale));
    double loudA = 0, loudB = 0;
    for (int m = 0; m < N_BARK; m++) {
      v128_t s = zero;
      const double *w = bark + barkRange[3 * m + 2] - barkRange[3 * m];
      for (int kk = barkRange[3 * m], e2 = barkRange[3 * m + 1]; kk <= e2; kk++) s = VADD(s, VMUL(wasm_f64x2_splat(w[kk]), pow[kk]));
      const double s0 = L0(s), s1 = L1(s);
      loudA += s0 > 0 ? js_exp(0.33 * js_log(s0)) : 0;
      loudB += s1 > 0 ? js_exp(0.33 * js_log(s1)) : 0;
    }
    v128_t maxLo = zero, maxHi = zero;
    for (int kk = 1; kk <= k2000; kk++) maxLo = wasm_f64x2_pmax(maxLo, pow[kk]);
    for (int kk = k2000 + 1; kk <= k5000; kk++) maxHi = wasm_f64x2_pmax(maxHi, pow[kk]);
    const v128_t ar = wasm_f64x2_div(VADD(hi, eps), VADD(lo, eps)), hm = wasm_f64x2_div(VADD(maxLo, eps), VADD(maxHi, eps));
    for (int kk = 0; kk <= k1500; kk++) {
      const v128_t p = VADD(pow[kk], eps);
      db[kk] = VMUL(wasm_f64x2_splat(dbPerNeper), V2(js_log(L0(p)), js_log(L1(p))));
    }
    const v128_t sl0 = db_slope2(db, 0, k500, binHz), sl1 = db_slope2(db, k500, k1500, binHz);
    const v128_t inv = wasm_v128_bitselect(wasm_f64x2_div(wasm_f64x2_splat(1), wasm_f64x2_sqrt(norm)), zero, wasm_f64x2_gt(norm, zero));
    v128_t flux = zero;
    for (int kk = 0; kk < bins; kk++) {
      const v128_t mg = VMUL(wasm_f64x2_sqrt(pow[kk]), inv);
      /* lane 0's previous frame is the last pair's lane 1; lane 1's is lane 0 */
      const v128_t d = VSUB(mg, wasm_i64x2_shuffle(prev[kk], mg, 1, 2));
      flux = VADD(flux, VMUL(d, d));
      prev[kk] = mg;
    }
    v128_t melE[N_MEL];
    for (int m = 0; m < N_MEL; m++) {
      v128_t s = zero;
      const double *w = mel + melRange[3 * m + 2] - melRange[3 * m];
      for (int kk = melRange[3 * m], e2 = melRange[3 * m + 1]; kk <= e2; kk++) s = VADD(s, VMUL(wasm_f64x2_splat(w[kk]), pow[kk]));
      const double s0 = L0(s), s1 = L1(s);
      melE[m] = V2(js_log(s0 != s0 ? s0 : s0 > 1e-20 ? s0 : 1e-20), js_log(s1 != s1 ? s1 : s1 > 1e-20 ? s1 : 1e-20));
    }
    v128_t c0 = zero, c1 = zero, c2 = zero, c3 = zero;
    for (int j = 0; j < N_MEL; j++) {
      const v128_t v = melE[j];
      c0 = VADD(c0, VMUL(wasm_f64x2_splat(dct[j]), v));
      c1 = VADD(c1, VMUL(wasm_f64x2_splat(dct[N_MEL + j]), v));
      c2 = VADD(c2, VMUL(wasm_f64x2_splat(dct[2 * N_MEL + j]), v));
      c3 = VADD(c3, VMUL(wasm_f64x2_splat(dct[3 * N_MEL + j]), v));
    }
    double *oa = out + f * OUT, *ob = out + fb * OUT;
    if (fb != f) {
      ob[0] = loudB; ob[1] = 10 * js_log10(L1(ar)); ob[2] = 10 * js_log10(L1(hm)); ob[3] = L1(sl0); ob[4] = L1(sl1); ob[5] = L1(flux);
      ob[6] = L1(c0); ob[7] = L1(c1); ob[8] = L1(c2); ob[9] = L1(c3); ob[10] = L1(energy);
    }
    oa[0] = loudA; oa[1] = 10 * js_log10(L0(ar)); oa[2] = 10 * js_log10(L0(hm)); oa[3] = L0(sl0); oa[4] = L0(sl1); oa[5] = f == 0 ? 0 : L0(flux);
    oa[6] = L0(c0); oa[7] = L0(c1); oa[8] = L0(c2); oa[9] = L0(c3); oa[10] = L0(energy);
  }
}
