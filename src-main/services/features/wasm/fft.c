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

/*
 * Two real FFTs at once ("dual"): lane 0 of every f64x2 is one transform and lane 1 another, and
 * each lane does fft.ts's scalar operations exactly (a line-by-line transliteration of its run()
 * and power()), so each lane's result equals a single transform's to the bit. x and z hold
 * size f64x2 each; the twiddles are read from the (wr, wr, -wi, wi) tables of the plan.
 */
#define SPL(v) wasm_f64x2_splat(v)
static void run2(int M, int radix8, const v128_t *x, v128_t *z, const int *rev, const double *tw) {
  int span;
  if (radix8) {
    const v128_t S = SPL(0.70710678118654752440);
    for (int p = 0; p < M; p += 8) {
      int j;
      j = rev[p + 0]; const v128_t P0r = x[j], P0i = x[j + 1];
      j = rev[p + 1]; const v128_t P4r = x[j], P4i = x[j + 1];
      j = rev[p + 2]; const v128_t P2r = x[j], P2i = x[j + 1];
      j = rev[p + 3]; const v128_t P6r = x[j], P6i = x[j + 1];
      j = rev[p + 4]; const v128_t P1r = x[j], P1i = x[j + 1];
      j = rev[p + 5]; const v128_t P5r = x[j], P5i = x[j + 1];
      j = rev[p + 6]; const v128_t P3r = x[j], P3i = x[j + 1];
      j = rev[p + 7]; const v128_t P7r = x[j], P7i = x[j + 1];
      v128_t *o = z + 2 * p;
      v128_t s0r = ADD(P0r, P4r), s0i = ADD(P0i, P4i), d0r = SUB(P0r, P4r), d0i = SUB(P0i, P4i);
      v128_t s1r = ADD(P2r, P6r), s1i = ADD(P2i, P6i), d1r = SUB(P2r, P6r), d1i = SUB(P2i, P6i);
      const v128_t E0r = ADD(s0r, s1r), E0i = ADD(s0i, s1i), E2r = SUB(s0r, s1r), E2i = SUB(s0i, s1i);
      const v128_t E1r = ADD(d0r, d1i), E1i = SUB(d0i, d1r), E3r = SUB(d0r, d1i), E3i = ADD(d0i, d1r);
      s0r = ADD(P1r, P5r); s0i = ADD(P1i, P5i); d0r = SUB(P1r, P5r); d0i = SUB(P1i, P5i);
      s1r = ADD(P3r, P7r); s1i = ADD(P3i, P7i); d1r = SUB(P3r, P7r); d1i = SUB(P3i, P7i);
      const v128_t O0r = ADD(s0r, s1r), O0i = ADD(s0i, s1i), O2r = SUB(s0r, s1r), O2i = SUB(s0i, s1i);
      const v128_t O1r = ADD(d0r, d1i), O1i = SUB(d0i, d1r), O3r = SUB(d0r, d1i), O3i = ADD(d0i, d1r);
      const v128_t T1r = MUL(ADD(O1r, O1i), S), T1i = MUL(SUB(O1i, O1r), S);
      const v128_t T3r = MUL(SUB(O3i, O3r), S), T3i = MUL(wasm_f64x2_neg(ADD(O3r, O3i)), S);
      o[0] = ADD(E0r, O0r); o[1] = ADD(E0i, O0i);
      o[8] = SUB(E0r, O0r); o[9] = SUB(E0i, O0i);
      o[2] = ADD(E1r, T1r); o[3] = ADD(E1i, T1i);
      o[10] = SUB(E1r, T1r); o[11] = SUB(E1i, T1i);
      o[4] = ADD(E2r, O2i); o[5] = SUB(E2i, O2r);
      o[12] = SUB(E2r, O2i); o[13] = ADD(E2i, O2r);
      o[6] = ADD(E3r, T3r); o[7] = ADD(E3i, T3i);
      o[14] = SUB(E3r, T3r); o[15] = SUB(E3i, T3i);
    }
    span = 8;
  } else {
    for (int p = 0; p < M; p += 4) {
      int j = rev[p];
      const v128_t ar = x[j], ai = x[j + 1];
      j = rev[p + 1]; const v128_t br = x[j], bi = x[j + 1];
      j = rev[p + 2]; const v128_t cr = x[j], ci = x[j + 1];
      j = rev[p + 3]; const v128_t dr = x[j], di = x[j + 1];
      const v128_t s0r = ADD(ar, br), s0i = ADD(ai, bi), d0r = SUB(ar, br), d0i = SUB(ai, bi);
      const v128_t s1r = ADD(cr, dr), s1i = ADD(ci, di), d1r = SUB(cr, dr), d1i = SUB(ci, di);
      v128_t *o = z + 2 * p;
      o[0] = ADD(s0r, s1r); o[1] = ADD(s0i, s1i);
      o[4] = SUB(s0r, s1r); o[5] = SUB(s0i, s1i);
      o[2] = ADD(d0r, d1i); o[3] = SUB(d0i, d1r);
      o[6] = SUB(d0r, d1i); o[7] = ADD(d0i, d1r);
    }
    span = 4;
  }
  const double *t = tw;
  for (; 2 * span < M; span *= 4) {
    const int q = 2 * span, step = 4 * q;
    for (int j = 0; j < span; j++) {
      const double *w = t + 12 * j;
      const v128_t w1r = SPL(w[0]), w1i = SPL(w[3]), w2r = SPL(w[4]), w2i = SPL(w[7]), w3r = SPL(w[8]), w3i = SPL(w[11]);
      for (int a = 2 * j; a < 2 * M; a += step) {
        const int b = a + q, c = b + q, d = c + q;
        const v128_t p0r = z[a], p0i = z[a + 1];
        v128_t xr = z[b], xi = z[b + 1];
        const v128_t p2r = SUB(MUL(xr, w2r), MUL(xi, w2i)), p2i = ADD(MUL(xr, w2i), MUL(xi, w2r));
        xr = z[c]; xi = z[c + 1];
        const v128_t p1r = SUB(MUL(xr, w1r), MUL(xi, w1i)), p1i = ADD(MUL(xr, w1i), MUL(xi, w1r));
        xr = z[d]; xi = z[d + 1];
        const v128_t p3r = SUB(MUL(xr, w3r), MUL(xi, w3i)), p3i = ADD(MUL(xr, w3i), MUL(xi, w3r));
        const v128_t t0r = ADD(p0r, p2r), t0i = ADD(p0i, p2i), t1r = SUB(p0r, p2r), t1i = SUB(p0i, p2i);
        const v128_t t2r = ADD(p1r, p3r), t2i = ADD(p1i, p3i), t3r = SUB(p1r, p3r), t3i = SUB(p1i, p3i);
        z[a] = ADD(t0r, t2r); z[a + 1] = ADD(t0i, t2i);
        z[c] = SUB(t0r, t2r); z[c + 1] = SUB(t0i, t2i);
        z[b] = ADD(t1r, t3i); z[b + 1] = SUB(t1i, t3r);
        z[d] = SUB(t1r, t3i); z[d + 1] = ADD(t1i, t3r);
      }
    }
    t += 12 * span;
  }
  for (; span < M; span *= 2) {
    const int step = 4 * span;
    for (int j = 0; j < span; j++) {
      const v128_t wr = SPL(t[4 * j]), wi = SPL(t[4 * j + 3]);
      for (int i = 2 * j; i < 2 * M; i += step) {
        const int k = i + 2 * span;
        const v128_t xr = z[k], xi = z[k + 1];
        const v128_t tr = SUB(MUL(xr, wr), MUL(xi, wi)), ti = ADD(MUL(xr, wi), MUL(xi, wr));
        const v128_t ur = z[i], ui = z[i + 1];
        z[i] = ADD(ur, tr); z[i + 1] = ADD(ui, ti);
        z[k] = SUB(ur, tr); z[k + 1] = SUB(ui, ti);
      }
    }
    t += 4 * span;
  }
}

/* |X[k]|^2 of two inputs at once (fft.ts power(), per lane); dst holds M + 1 f64x2. */
void fft_power2(int M, int radix8, const v128_t *x, v128_t *z, const int *rev, const double *tw, const double *sc, v128_t *dst) {
  run2(M, radix8, x, z, rev, tw);
  const v128_t r0 = ADD(z[0], z[1]), rM = SUB(z[0], z[1]);
  dst[0] = MUL(r0, r0);
  dst[M] = MUL(rM, rM);
  const v128_t half = SPL(0.5), mhalf = SPL(-0.5);
  for (int k = 1; k <= M >> 1; k++) {
    const int m = M - k;
    const v128_t ar = z[2 * k], ai = z[2 * k + 1], br = z[2 * m], bi = z[2 * m + 1];
    const v128_t er = MUL(half, ADD(ar, br)), ei = MUL(half, SUB(ai, bi));
    const v128_t or = MUL(half, ADD(ai, bi)), oi = MUL(mhalf, SUB(ar, br));
    const v128_t wr = SPL(sc[4 * k]), wi = SPL(sc[4 * k + 3]);
    const v128_t tr = SUB(MUL(or, wr), MUL(oi, wi)), ti = ADD(MUL(or, wi), MUL(oi, wr));
    const v128_t xr = ADD(er, tr), xi = ADD(ei, ti);
    const v128_t yr = SUB(er, tr), yi = SUB(ti, ei);
    dst[k] = ADD(MUL(xr, xr), MUL(xi, xi));
    dst[m] = ADD(MUL(yr, yr), MUL(yi, yi));
  }
}
