/*
 * One training step of the MLP on a contrastive pair batch, in one WebAssembly SIMD128 call
 * (engine/mlp-step.ts): forward through the dense layers (frozen ones included), the optional L2
 * normalisation, the contrastive loss and its gradient (engine/pair-head.ts), the backward pass of
 * the trainable layers and tf.train.adam's update of each of their variables (engine/adam.ts).
 *
 * The module imports the memory of tfjs-backend-wasm (env.memory): it reads the weights and the
 * Adam moments where the tfjs variables hold them and writes the new weights into buffers the
 * caller allocated there, so nothing is copied. It has no data and uses no stack (no address is
 * taken of a local, no local arrays): every byte it touches is in a buffer the caller passes.
 * scripts/build-wasm.mjs refuses a build with a data or global section.
 *
 * Same formulas as the TypeScript path; float32 storage everywhere, sums of the loss and the
 * normalisation in double as there. Matrix products sum in another order than XNNPACK's, so results
 * agree to float32 rounding (test/unit/engine/mlp-step.test.ts, test/unit/model/training-identical.test.ts).
 */
#include <wasm_simd128.h>

#define EXPORT(n) __attribute__((export_name(n)))

/* The parameter block (int32 words; floats and doubles stored at the word offsets below). */
#define P_L 0         /* number of dense layers */
#define P_F 1         /* frozen layers (no update, no gradient) */
#define P_N 2         /* rows (unique items), a multiple of 4; padding rows of x are zero */
#define P_PAIRS 3     /* pairs */
#define P_NORM 4      /* 1: L2-normalise the embedding */
#define P_SCRATCH 5   /* scratch buffer, mlp_scratch_bytes() bytes */
#define P_X 6         /* x [N, dims[0]] */
#define P_IA 7        /* int32 [PAIRS]: row of a */
#define P_IB 8        /* int32 [PAIRS]: row of b */
#define P_SAME 9      /* float [PAIRS]: 1 same class */
#define P_DIMS 10     /* dims[0..L] */
#define P_MODE 19     /* 0: the step with Adam; 1: gradients only, into the LWN / LBN buffers (no moments read) */
#define MAXL 8
#define P_LAYER 20    /* per layer i: 12 pointers at P_LAYER + 12 i */
#define LW 0          /* kernel [dims[i], dims[i+1]] */
#define LB 1          /* bias */
#define LWN 2         /* new kernel (written) */
#define LBN 3
#define LMW 4         /* first moments of kernel, bias (read) */
#define LMB 5
#define LVW 6         /* second moments (read) */
#define LVB 7
#define LMWO 8        /* where the new moments go (may equal the read ones) */
#define LMBO 9
#define LVWO 10
#define LVBO 11
#define P_FLOATS 120  /* margin, threshold, beta1, beta2, 1-beta1, 1-beta2, 1-beta1^t, 1-beta2^t, epsilon, -lr */
#define P_OUT 130     /* doubles: loss (mean), active share, sum of squared gradients */
#define P_WORDS 136

static inline float* fp(const int* p, int i) { return (float*)(long)p[i]; }

/* ---- matrix products ---------------------------------------------------------------------- */

/* One 4 x 8 block of C (see gemm). */
static void block48(int K, const float* a0, int ars, int acs, const float* b, int ldb, float* c, int ldc, const float* bias, int relu, const float* m) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  const float* a1 = a0 + ars;
  const float* a2 = a1 + ars;
  const float* a3 = a2 + ars;
  v128_t c00 = zero, c01 = zero;
  if (bias) {
    c00 = wasm_v128_load(bias);
    c01 = wasm_v128_load(bias + 4);
  }
  v128_t c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
  for (int k = 0; k < K; k++, b += ldb) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    const int o = k * acs;
    v128_t x = wasm_v128_load32_splat(a0 + o);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x, b1));
    x = wasm_v128_load32_splat(a1 + o);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x, b1));
    x = wasm_v128_load32_splat(a2 + o);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x, b1));
    x = wasm_v128_load32_splat(a3 + o);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x, b1));
  }
  if (relu) {
    c00 = wasm_f32x4_max(c00, zero), c01 = wasm_f32x4_max(c01, zero), c10 = wasm_f32x4_max(c10, zero), c11 = wasm_f32x4_max(c11, zero);
    c20 = wasm_f32x4_max(c20, zero), c21 = wasm_f32x4_max(c21, zero), c30 = wasm_f32x4_max(c30, zero), c31 = wasm_f32x4_max(c31, zero);
  }
  if (m) {
    c00 = wasm_v128_and(c00, wasm_f32x4_gt(wasm_v128_load(m), zero));
    c01 = wasm_v128_and(c01, wasm_f32x4_gt(wasm_v128_load(m + 4), zero));
    m += ldc;
    c10 = wasm_v128_and(c10, wasm_f32x4_gt(wasm_v128_load(m), zero));
    c11 = wasm_v128_and(c11, wasm_f32x4_gt(wasm_v128_load(m + 4), zero));
    m += ldc;
    c20 = wasm_v128_and(c20, wasm_f32x4_gt(wasm_v128_load(m), zero));
    c21 = wasm_v128_and(c21, wasm_f32x4_gt(wasm_v128_load(m + 4), zero));
    m += ldc;
    c30 = wasm_v128_and(c30, wasm_f32x4_gt(wasm_v128_load(m), zero));
    c31 = wasm_v128_and(c31, wasm_f32x4_gt(wasm_v128_load(m + 4), zero));
  }
  wasm_v128_store(c, c00), wasm_v128_store(c + 4, c01);
  c += ldc;
  wasm_v128_store(c, c10), wasm_v128_store(c + 4, c11);
  c += ldc;
  wasm_v128_store(c, c20), wasm_v128_store(c + 4, c21);
  c += ldc;
  wasm_v128_store(c, c30), wasm_v128_store(c + 4, c31);
}

/*
 * C[i, j] = bias[j] + sum_k A(i, k) B[k, j] (i < M, j < N), A(i, k) = A[i ars + k acs], B row-major
 * (ldb), C row-major (ldc). Then ReLU when relu, or C[i, j] = 0 where mask[i, j] <= 0 (mask: ldc).
 * 4 x 8 register blocks (block48); the edges element by element.
 */
static void gemm(int M, int N, int K, const float* A, int ars, int acs, const float* B, int ldb, float* C, int ldc, const float* bias, int relu,
                 const float* mask) {
  const int M4 = M & ~3, N8 = N & ~7;
  for (int i = 0; i < M4; i += 4)
    for (int j = 0; j < N8; j += 8)
      block48(K, A + i * ars, ars, acs, B + j, ldb, C + i * ldc + j, ldc, bias ? bias + j : 0, relu, mask ? mask + i * ldc + j : 0);
  /* edges: the columns right of N8 in every row, the rows below M4 in every column */
  for (int i = 0; i < M; i++) {
    for (int j = i < M4 ? N8 : 0; j < N; j++) {
      float s = bias ? bias[j] : 0.f;
      for (int k = 0; k < K; k++) s += A[i * ars + k * acs] * B[k * ldb + j];
      if (relu && !(s > 0.f)) s = 0.f;
      if (mask && !(mask[i * ldc + j] > 0.f)) s = 0.f;
      C[i * ldc + j] = s;
    }
  }
}

/* T[j, i] = W[i, j] (W: R x C): 4 x 4 blocks by shuffles, the edges element by element */
static void transpose(const float* W, float* T, int R, int Cn) {
  const int R4 = R & ~3, C4 = Cn & ~3;
  for (int i = 0; i < R4; i += 4) {
    for (int j = 0; j < C4; j += 4) {
      const float* w = W + i * Cn + j;
      const v128_t r0 = wasm_v128_load(w), r1 = wasm_v128_load(w + Cn), r2 = wasm_v128_load(w + 2 * Cn), r3 = wasm_v128_load(w + 3 * Cn);
      const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
      const v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
      float* t = T + j * R + i;
      wasm_v128_store(t, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
      wasm_v128_store(t + R, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
      wasm_v128_store(t + 2 * R, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
      wasm_v128_store(t + 3 * R, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
    }
  }
  for (int i = 0; i < R; i++)
    for (int j = i < R4 ? C4 : 0; j < Cn; j++) T[j * R + i] = W[i * Cn + j];
}

/* db[c] = sum over the N rows of dz[r, c], in double (as dense-stack.ts reluMaskBiasSum) */
static void column_sums(const float* dz, float* db, int N, int Cn) {
  int C4 = Cn & ~3;
  for (int c = 0; c < C4; c += 4) {
    v128_t lo = wasm_f64x2_splat(0.0), hi = lo;
    for (int r = 0; r < N; r++) {
      const v128_t v = wasm_v128_load(dz + r * Cn + c);
      lo = wasm_f64x2_add(lo, wasm_f64x2_promote_low_f32x4(v));
      hi = wasm_f64x2_add(hi, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)));
    }
    wasm_v128_store64_lane(db + c, wasm_f32x4_demote_f64x2_zero(lo), 0);
    wasm_v128_store64_lane(db + c + 2, wasm_f32x4_demote_f64x2_zero(hi), 0);
  }
  for (int c = C4; c < Cn; c++) {
    double s = 0;
    for (int r = 0; r < N; r++) s += dz[r * Cn + c];
    db[c] = (float)s;
  }
}

/* ---- Adam (tf.train.adam's float32 arithmetic, op by op as engine/adam.ts) --------------------- */

/* a: beta1, beta2, 1-beta1, 1-beta2, 1-beta1^t, 1-beta2^t, epsilon, -lr (in the parameter block) */
static double adam(int n, const float* g, const float* m0, const float* s0, const float* w0, float* m1, float* s1, float* w1, const float* a) {
  const float fb1 = a[0], fb2 = a[1], fc1 = a[2], fc2 = a[3], fd1 = a[4], fd2 = a[5], feps = a[6], flr = a[7];
  const v128_t b1 = wasm_f32x4_splat(fb1), b2 = wasm_f32x4_splat(fb2), c1 = wasm_f32x4_splat(fc1), c2 = wasm_f32x4_splat(fc2);
  const v128_t d1 = wasm_f32x4_splat(fd1), d2 = wasm_f32x4_splat(fd2), eps = wasm_f32x4_splat(feps), lr = wasm_f32x4_splat(flr);
  v128_t sqa = wasm_f64x2_splat(0.0), sqb = sqa;
  int n4 = n & ~3;
  for (int k = 0; k < n4; k += 4) {
    const v128_t gk = wasm_v128_load(g + k);
    const v128_t gg = wasm_f32x4_mul(gk, gk);
    sqa = wasm_f64x2_add(sqa, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(gk), wasm_f64x2_promote_low_f32x4(gk)));
    const v128_t hi = wasm_i32x4_shuffle(gk, gk, 2, 3, 0, 1);
    sqb = wasm_f64x2_add(sqb, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(hi), wasm_f64x2_promote_low_f32x4(hi)));
    const v128_t mk = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m0 + k), b1), wasm_f32x4_mul(gk, c1));
    const v128_t sk = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(s0 + k), b2), wasm_f32x4_mul(gg, c2));
    wasm_v128_store(m1 + k, mk);
    wasm_v128_store(s1 + k, sk);
    const v128_t den = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(sk, d2)), eps);
    wasm_v128_store(w1 + k, wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_div(mk, d1), den), lr), wasm_v128_load(w0 + k)));
  }
  double sq = wasm_f64x2_extract_lane(sqa, 0) + wasm_f64x2_extract_lane(sqa, 1) + wasm_f64x2_extract_lane(sqb, 0) + wasm_f64x2_extract_lane(sqb, 1);
  for (int k = n4; k < n; k++) {
    const float gk = g[k];
    sq += (double)gk * gk;
    const float mk = m0[k] * fb1 + gk * fc1;
    const float sk = s0[k] * fb2 + (gk * gk) * fc2;
    m1[k] = mk;
    s1[k] = sk;
    w1[k] = ((mk / fd1) / (__builtin_sqrtf(sk / fd2) + feps)) * flr + w0[k];
  }
  return sq;
}

/* ---- the step ------------------------------------------------------------------------------ */

static int round4(int v) { return (v + 3) & ~3; }

/*
 * Scratch (floats): H[1..L] (N x dims[i]), E (N x dims[L]), two gradient buffers (N x max dim),
 * dW (max dims[i] dims[i+1]), db (max dim), W^T (max dims[i] dims[i+1]). Each part a multiple of 4.
 */
EXPORT("mlp_scratch_bytes") int mlp_scratch_bytes(const int* p) {
  const int L = p[P_L], N = p[P_N];
  const int* d = p + P_DIMS;
  int total = 0, maxd = 0, maxw = 0;
  for (int i = 1; i <= L; i++) total += N * round4(d[i]);
  for (int i = 0; i <= L; i++) maxd = d[i] > maxd ? d[i] : maxd;
  for (int i = 0; i < L; i++) maxw = d[i] * d[i + 1] > maxw ? d[i] * d[i + 1] : maxw;
  total += N * round4(d[L]) + 2 * N * round4(maxd) + 2 * round4(maxw) + round4(maxd);
  return total * 4;
}

/* The output of layer i (0: x): in the scratch from Hw on, N x round4(dims[j]) floats per layer */
static float* layer_out(const int* p, float* Hw, int i) {
  if (i == 0) return fp(p, P_X);
  for (int j = 1; j < i; j++) Hw += p[P_N] * round4(p[P_DIMS + j]);
  return Hw;
}

EXPORT("mlp_step") void mlp_step(int* p) {
  const int L = p[P_L], F = p[P_F], N = p[P_N], P = p[P_PAIRS], norm = p[P_NORM];
  const int* d = p + P_DIMS;
  const int* ia = (const int*)(long)p[P_IA];
  const int* ib = (const int*)(long)p[P_IB];
  const float* same = fp(p, P_SAME);
  const float* pf = (const float*)p + P_FLOATS;
  const double margin = pf[0], threshold = pf[1];
  const float* ad = pf + 2;
  int maxd = 0, maxw = 0;
  for (int i = 0; i <= L; i++) maxd = d[i] > maxd ? d[i] : maxd;
  for (int i = 0; i < L; i++) maxw = d[i] * d[i + 1] > maxw ? d[i] * d[i + 1] : maxw;
  /* scratch layout (mlp_scratch_bytes) */
  float* s = fp(p, P_SCRATCH);
  float* Hw = s;
  for (int i = 1; i <= L; i++) s += N * round4(d[i]);
  float* E = s;
  s += N * round4(d[L]);
  float* gA = s;
  s += N * round4(maxd);
  float* gB = s;
  s += N * round4(maxd);
  float* gW = s;
  s += round4(maxw);
  float* WT = s;
  s += round4(maxw);
  float* gb = s;

  /* forward: every layer, ReLU on all but the last */
  for (int i = 0; i < L; i++) {
    const int* q = p + P_LAYER + 12 * i;
    gemm(N, d[i + 1], d[i], layer_out(p, Hw, i), d[i], 1, fp(q, LW), d[i + 1], layer_out(p, Hw, i + 1), d[i + 1], fp(q, LB), i < L - 1, 0);
  }
  const int D = d[L];
  const float* raw = layer_out(p, Hw, L);
  const float* e = raw;
  if (norm) {
    /* y = e / sqrt(|e|^2 + 1e-12), sums in double (dense-stack.ts l2Rows) */
    for (int r = 0; r < N; r++) {
      double q = 0;
      for (int k = 0; k < D; k++) q += (double)raw[r * D + k] * raw[r * D + k];
      const double iv = 1 / __builtin_sqrt(q + 1e-12);
      for (int k = 0; k < D; k++) E[r * D + k] = (float)(raw[r * D + k] * iv);
    }
    e = E;
  }

  /* the contrastive loss and dL/de (pair-head.ts), de in gA */
  float* de = gA;
  for (int k = 0; k < N * D; k++) de[k] = 0.f;
  double loss = 0, active = 0;
  for (int q = 0; q < P; q++) {
    const int a = ia[q] * D, b = ib[q] * D;
    double ss = 0;
    for (int k = 0; k < D; k++) {
      const double t = (double)e[a + k] - e[b + k];
      ss += t * t;
    }
    const double dist = __builtin_sqrt(ss + 1e-9);
    const double y = same[q];
    const double hinge = margin - dist > 0 ? margin - dist : 0;
    loss += y * dist * dist + (1 - y) * hinge * hinge;
    if (y * dist + (1 - y) * hinge > threshold) active++;
    const double g = (2 * y * dist - (hinge > 0 ? 2 * (1 - y) * hinge : 0)) / P / dist;
    for (int k = 0; k < D; k++) {
      const double t = ((double)e[a + k] - e[b + k]) * g;
      de[a + k] = (float)(de[a + k] + t);
      de[b + k] = (float)(de[b + k] - t);
    }
  }
  double* out = (double*)(p + P_OUT);
  out[0] = loss / P;
  out[1] = active / (P > 1 ? P : 1);

  /* through the normalisation: dz = (dy - y (y . dy)) / |e| (dense-stack.ts l2RowsBackward), into gB */
  float* dz = gA;
  float* other = gB;
  if (norm) {
    for (int r = 0; r < N; r++) {
      double q = 0, dot = 0;
      for (int k = 0; k < D; k++) {
        q += (double)raw[r * D + k] * raw[r * D + k];
        dot += (double)raw[r * D + k] * de[r * D + k];
      }
      const double iv = 1 / __builtin_sqrt(q + 1e-12);
      const double c = dot * iv * iv * iv;
      for (int k = 0; k < D; k++) gB[r * D + k] = (float)(de[r * D + k] * iv - raw[r * D + k] * c);
    }
    dz = gB;
    other = gA;
  }

  /*
   * Rows whose gradient is 0 (items only in pairs of different classes beyond the margin) add
   * nothing to any gradient below: they are left out of the backward pass by moving the other rows
   * up, in order, in dz and in the inputs of the trainable layers (every sum keeps its order and
   * loses only terms that are exactly 0, so the gradients are the same). Nb: rows kept, padded to 4.
   */
  int Nb = 0;
  for (int r = 0; r < N; r++) {
    int live = 0;
    for (int k = 0; k < D && !live; k++) live = dz[r * D + k] != 0.f;
    if (!live) continue;
    if (Nb != r) {
      for (int k = 0; k < D; k++) dz[Nb * D + k] = dz[r * D + k];
      for (int i = F; i < L; i++) {
        float* h = layer_out(p, Hw, i);
        for (int k = 0; k < d[i]; k++) h[Nb * d[i] + k] = h[r * d[i] + k];
      }
    }
    Nb++;
  }
  for (; Nb & 3; Nb++) {
    for (int k = 0; k < D; k++) dz[Nb * D + k] = 0.f;
    for (int i = F; i < L; i++) {
      float* h = layer_out(p, Hw, i);
      for (int k = 0; k < d[i]; k++) h[Nb * d[i] + k] = 0.f;
    }
  }

  /* backward through the trainable layers, Adam on each variable as soon as its gradient is known */
  double sq = 0;
  for (int i = L - 1; i >= F; i--) {
    const int* q = p + P_LAYER + 12 * i;
    const int din = d[i], dout = d[i + 1];
    const int grads_only = p[P_MODE];
    float* gw = grads_only ? fp(q, LWN) : gW;
    float* gbias = grads_only ? fp(q, LBN) : gb;
    column_sums(dz, gbias, Nb, dout);
    /* dW = H_i^T dz */
    gemm(din, dout, Nb, layer_out(p, Hw, i), 1, din, dz, dout, gw, dout, 0, 0, 0);
    if (!grads_only) {
      sq += adam(din * dout, gW, fp(q, LMW), fp(q, LVW), fp(q, LW), fp(q, LMWO), fp(q, LVWO), fp(q, LWN), ad);
      sq += adam(dout, gb, fp(q, LMB), fp(q, LVB), fp(q, LB), fp(q, LMBO), fp(q, LVBO), fp(q, LBN), ad);
    }
    if (i > F) {
      /* dh = dz W^T, masked by the ReLU of H_i: the gradient of layer i-1's pre-activation */
      transpose(fp(q, LW), WT, din, dout);
      gemm(Nb, din, dout, dz, dout, 1, WT, din, other, din, 0, 0, layer_out(p, Hw, i));
      float* t = dz;
      dz = other;
      other = t;
    }
  }
  out[2] = sq;
}
