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

/* Two real FFTs at once, one per lane (fft.c). */
void fft_power2(int M, int radix8, const v128_t *x, v128_t *z, const int *rev, const double *tw, const double *sc, v128_t *dst);
