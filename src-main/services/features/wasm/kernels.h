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
