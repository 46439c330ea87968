/*
 * Real FFT kernels (WebAssembly SIMD128), the same arithmetic as fft.ts operation by
 * operation: each complex value is one f64x2 (re, im), every lane does the additions and
 * multiplications fft.ts does in the same order (IEEE double, no fused multiply-add in
 * wasm), so the outputs are bit-identical to the JavaScript path.
 * Layout (set up by fft.ts): x = real input (size doubles), z = work (size doubles),
 * rev = bit-reversed source offsets (int32, size/2), tw = twiddles as (wr, wr, -wi, wi)
 * quadruples in the order fft.ts uses them, sc = split-step twiddles as (c, c, -s, s).
 */
#include "kernels.h"

/* (re, im) -> (im, -re): multiplication by -i */
static inline v128_t mul_neg_i(v128_t a) { return wasm_i64x2_shuffle(a, wasm_f64x2_neg(a), 1, 2); }
/* (xr*wr - xi*wi, xi*wr + xr*wi) with w given as W0 = (wr, wr), W1 = (-wi, wi) */
static inline v128_t cmul(v128_t x, v128_t w0, v128_t w1) {
  return wasm_f64x2_add(wasm_f64x2_mul(x, w0), wasm_f64x2_mul(wasm_i64x2_shuffle(x, x, 1, 0), w1));
}
#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store(p, v)
#define ADD wasm_f64x2_add
#define SUB wasm_f64x2_sub
#define MUL wasm_f64x2_mul

static void run(int M, int radix8, const double *x, double *z, const int *rev, const double *tw) {
  int span;
  if (radix8) {
    const v128_t S = wasm_f64x2_splat(0.70710678118654752440);
    for (int p = 0; p < M; p += 8) {
      v128_t P0 = LD(x + rev[p]), P4 = LD(x + rev[p + 1]), P2 = LD(x + rev[p + 2]), P6 = LD(x + rev[p + 3]);
      v128_t P1 = LD(x + rev[p + 4]), P5 = LD(x + rev[p + 5]), P3 = LD(x + rev[p + 6]), P7 = LD(x + rev[p + 7]);
      double *o = z + 2 * p;
      v128_t s0 = ADD(P0, P4), d0 = SUB(P0, P4), s1 = ADD(P2, P6), d1 = SUB(P2, P6);
      v128_t E0 = ADD(s0, s1), E2 = SUB(s0, s1), E1 = ADD(d0, mul_neg_i(d1)), E3 = SUB(d0, mul_neg_i(d1));
      s0 = ADD(P1, P5); d0 = SUB(P1, P5); s1 = ADD(P3, P7); d1 = SUB(P3, P7);
      v128_t O0 = ADD(s0, s1), O2 = SUB(s0, s1), O1 = ADD(d0, mul_neg_i(d1)), O3 = SUB(d0, mul_neg_i(d1));
      /* T1 = ((O1r + O1i) S, (O1i - O1r) S); T3 = ((O3i - O3r) S, -(O3r + O3i) S) */
      v128_t T1 = MUL(ADD(O1, mul_neg_i(O1)), S);
      v128_t T3 = MUL(SUB(mul_neg_i(O3), O3), S);
      ST(o, ADD(E0, O0)); ST(o + 8, SUB(E0, O0));
      ST(o + 2, ADD(E1, T1)); ST(o + 10, SUB(E1, T1));
      ST(o + 4, ADD(E2, mul_neg_i(O2))); ST(o + 12, SUB(E2, mul_neg_i(O2)));
      ST(o + 6, ADD(E3, T3)); ST(o + 14, SUB(E3, T3));
    }
    span = 8;
  } else {
    for (int p = 0; p < M; p += 4) {
      v128_t a = LD(x + rev[p]), b = LD(x + rev[p + 1]), c = LD(x + rev[p + 2]), d = LD(x + rev[p + 3]);
      v128_t s0 = ADD(a, b), d0 = SUB(a, b), s1 = ADD(c, d), d1 = SUB(c, d);
      double *o = z + 2 * p;
      ST(o, ADD(s0, s1)); ST(o + 4, SUB(s0, s1));
      ST(o + 2, ADD(d0, mul_neg_i(d1))); ST(o + 6, SUB(d0, mul_neg_i(d1)));
    }
    span = 4;
  }
  const double *t = tw;
  for (; 2 * span < M; span *= 4) {
    const int q = 2 * span, step = 4 * q;
    for (int a0 = 0; a0 < 2 * M; a0 += step) {
      const double *w = t;
      for (int j = 0; j < span; j++, w += 12) {
        double *pa = z + a0 + 2 * j, *pb = pa + q, *pc = pb + q, *pd = pc + q;
        v128_t p0 = LD(pa);
        v128_t p2 = cmul(LD(pb), LD(w + 4), LD(w + 6));
        v128_t p1 = cmul(LD(pc), LD(w), LD(w + 2));
        v128_t p3 = cmul(LD(pd), LD(w + 8), LD(w + 10));
        v128_t t0 = ADD(p0, p2), t1 = SUB(p0, p2), t2 = ADD(p1, p3), t3 = SUB(p1, p3);
        ST(pa, ADD(t0, t2)); ST(pc, SUB(t0, t2));
        ST(pb, ADD(t1, mul_neg_i(t3))); ST(pd, SUB(t1, mul_neg_i(t3)));
      }
    }
    t += 12 * span;
  }
  for (; span < M; span *= 2) {
    const int step = 4 * span;
    for (int i0 = 0; i0 < 2 * M; i0 += step) {
      const double *w = t;
      for (int j = 0; j < span; j++, w += 4) {
        double *pi = z + i0 + 2 * j, *pk = pi + 2 * span;
        v128_t tt = cmul(LD(pk), LD(w), LD(w + 2));
        v128_t u = LD(pi);
        ST(pi, ADD(u, tt)); ST(pk, SUB(u, tt));
      }
    }
    t += 4 * span;
  }
}

/* E = 0.5 (ar + br, ai - bi), O = (0.5 (ai + bi), -0.5 (ar - br)), T = O w: X[k] = E + T, X[m] = (er - tr, ti - ei) */
#define SPLIT_BODY                                                                   \
  v128_t A = LD(z + 2 * k), B = LD(z + 2 * m);                                       \
  v128_t Sm = ADD(A, B), Df = SUB(A, B);                                             \
  v128_t E = MUL(half, wasm_i64x2_shuffle(Sm, Df, 0, 3));                            \
  v128_t O = MUL(halfNeg, wasm_i64x2_shuffle(Sm, Df, 1, 2));                         \
  v128_t T = cmul(O, LD(sc + 4 * k), LD(sc + 4 * k + 2));                            \
  v128_t X = ADD(E, T), Y = SUB(T, E);

void fft_power(const struct fft_plan *p, double *dst) {
  const int M = p->M;
  double *z = p->z;
  const double *sc = p->sc;
  run(M, p->radix8, p->x, z, p->rev, p->tw);
  const double r0 = z[0] + z[1], rM = z[0] - z[1];
  dst[0] = r0 * r0;
  dst[M] = rM * rM;
  const v128_t half = wasm_f64x2_splat(0.5), halfNeg = wasm_f64x2_make(0.5, -0.5);
  for (int k = 1; k <= M >> 1; k++) {
    const int m = M - k;
    SPLIT_BODY
    X = MUL(X, X);
    Y = MUL(Y, Y);
    dst[k] = wasm_f64x2_extract_lane(X, 0) + wasm_f64x2_extract_lane(X, 1);
    dst[m] = wasm_f64x2_extract_lane(Y, 0) + wasm_f64x2_extract_lane(Y, 1);
  }
}

void fft_complex(const struct fft_plan *p, double *re, double *im) {
  const int M = p->M;
  double *z = p->z;
  const double *sc = p->sc;
  run(M, p->radix8, p->x, z, p->rev, p->tw);
  re[0] = z[0] + z[1];
  re[M] = z[0] - z[1];
  if (im) { im[0] = 0; im[M] = 0; }
  const v128_t half = wasm_f64x2_splat(0.5), halfNeg = wasm_f64x2_make(0.5, -0.5);
  for (int k = 1; k <= M >> 1; k++) {
    const int m = M - k;
    SPLIT_BODY
    /* Y = T - E = (tr - er, ti - ei): re[m] = er - tr = -(tr - er) exactly */
    re[k] = wasm_f64x2_extract_lane(X, 0);
    re[m] = -wasm_f64x2_extract_lane(Y, 0);
    if (im) {
      im[k] = wasm_f64x2_extract_lane(X, 1);
      im[m] = wasm_f64x2_extract_lane(Y, 1);
    }
  }
}

EXPORT("fft_power_to") void fft_power_to(const struct fft_plan *p) { fft_power(p, p->re); }
EXPORT("fft_complex_to") void fft_complex_to(const struct fft_plan *p, int withIm) { fft_complex(p, p->re, withIm ? p->im : 0); }
