/* Shared by the feature kernels (compiled by scripts/build-wasm.mjs). */
#include <wasm_simd128.h>
#define EXPORT(name) __attribute__((export_name(name)))

/* One real FFT of size 2 M (fft.ts builds it; 9 int32 fields in the wasm memory). */
struct fft_plan {
  int M, radix8;
  double *x, *z;
  const int *rev;
  const double *tw, *sc;
  double *re, *im;
};
void fft_power(const struct fft_plan *p, double *dst);
void fft_complex(const struct fft_plan *p, double *re, double *im);

/* JavaScript's own Math.log / Math.exp / Math.log10 (imported, so results equal the JavaScript path's to the bit). */
__attribute__((import_module("env"), import_name("log"))) double js_log(double);
__attribute__((import_module("env"), import_name("exp"))) double js_exp(double);
__attribute__((import_module("env"), import_name("log10"))) double js_log10(double);

/* JavaScript's Math.round (halves toward +infinity), as V8 computes it: ceil, then down one if that overshoots by more than a half. */
static inline double js_round(double x) {
  double r = __builtin_ceil(x);
  if (r - 0.5 > x) r -= 1.0;
  return r;
}

/* out[q + k] = sum_{i < N} s[a0 + i] s[b0 + i + k], k = 0..3: voicequality.ts lagDots4 (its four sums as two f64x2). */
static inline void lag_dots4(const double *s, int a0, int b0, int N, double *out) {
  v128_t A = wasm_f64x2_splat(0), B = wasm_f64x2_splat(0);
  for (int i = 0; i < N; i++) {
    const v128_t p = wasm_f64x2_splat(s[a0 + i]);
    A = wasm_f64x2_add(A, wasm_f64x2_mul(p, wasm_v128_load(s + b0 + i)));
    B = wasm_f64x2_add(B, wasm_f64x2_mul(p, wasm_v128_load(s + b0 + i + 2)));
  }
  wasm_v128_store(out, A);
  wasm_v128_store(out + 2, B);
}
