/**
 * Real FFT on Float64Array buffers, written for the frame loops of the
 * feature extractors (no allocation per call, twiddles and the bit-reversal
 * permutation computed once per size).
 *
 * A real transform of size N is one complex transform of size N/2 (even
 * samples as real parts, odd samples as imaginary parts) followed by the
 * usual split step. The complex transform is an iterative radix-2
 * decimation-in-time FFT whose first two stages are fused into one radix-4
 * pass; each later stage reads its own contiguous twiddle table.
 * Conventions match numpy.fft.rfft: X[k] = sum_n x[n] e^{-2 pi i k n / N},
 * no scaling on the forward transform.
 */
import { alloc, f64, i32, useWasm, wasmBuffer, wasmKernels, type Kernels } from './wasm/runtime'

const SQRT1_2 = Math.SQRT1_2

/** The wasm copy of a plan (wasm/fft.c): byte offsets of its tables and buffers; `plan` is its struct fft_plan. */
export interface WasmFftPlan {
  k: Kernels
  plan: number
  x: number
  z: number
  rev: number
  tw: number
  sc: number
  re: number
  im: number
}

export class RealFft {
  readonly size: number
  readonly bins: number
  /**
   * Real input, zero-padded to `size`; callers write into it. Lives in the wasm memory
   * where the kernels load: take it after the last allocation of a stage (see wasm/runtime.ts).
   */
  get input(): Float64Array {
    if (this.wasm && this.inputView.buffer !== wasmBuffer()) this.inputView = f64(this.wasm.x, this.size)
    return this.inputView
  }
  private inputView: Float64Array
  /** The wasm plan (null where the kernels do not load); kernels of other stages run it on `input`. */
  readonly wasm: WasmFftPlan | null
  private readonly half: number
  /** Complex work buffer (interleaved re, im), size/2 points. */
  private readonly z: number[]
  /** Bit-reversed source offset (in doubles) of each complex point. */
  private readonly rev: number[]
  /** Twiddles of stages with butterfly span >= 4: for each stage, span cos/sin pairs. */
  private readonly tw: number[]
  /** First pass radix-8 (odd number of radix-2 stages), then radix-4 passes only. */
  private readonly radix8First: boolean
  /** Split-step twiddles e^{-2 pi i k / N}, k = 0..N/4. */
  private readonly splitCos: number[]
  private readonly splitSin: number[]

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 8 || (size & (size - 1)) !== 0) {
      throw new Error(`FFT size must be a power of two >= 8, got ${size}`)
    }
    this.size = size
    this.bins = size / 2 + 1
    const M = size / 2
    this.half = M
    this.z = doubles(2 * M)
    let bits = 0
    while (1 << bits < M) bits++
    const rev: number[] = []
    for (let i = 0; i < M; i++) {
      let r = 0
      for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b)
      rev.push(2 * r)
    }
    this.rev = rev
    const tw: number[] = []
    this.radix8First = bits % 2 === 1 && M >= 8
    let span = this.radix8First ? 8 : 4
    // radix-4 passes (blocks of span points combined into 4 span): W^j, W^2j, W^3j, W = e^{-2 pi i / (4 span)}
    for (; 2 * span < M; span *= 4) {
      for (let j = 0; j < span; j++) {
        const a = (-2 * Math.PI * j) / (4 * span)
        tw.push(Math.cos(a), Math.sin(a), Math.cos(2 * a), Math.sin(2 * a), Math.cos(3 * a), Math.sin(3 * a))
      }
    }
    // a last radix-2 pass if needed: e^{-2 pi i j / (2 span)}
    for (; span < M; span *= 2) {
      for (let j = 0; j < span; j++) {
        const a = (-Math.PI * j) / span
        tw.push(Math.cos(a), Math.sin(a))
      }
    }
    this.tw = tw
    const q = size / 4
    this.splitCos = doubles(q + 1)
    this.splitSin = doubles(q + 1)
    for (let k = 0; k <= q; k++) {
      const a = (-2 * Math.PI * k) / size
      this.splitCos[k] = Math.cos(a)
      this.splitSin[k] = Math.sin(a)
    }
    this.wasm = this.wasmPlan()
    this.inputView = this.wasm ? f64(this.wasm.x, size) : new Float64Array(size)
  }

  /** Tables for wasm/fft.c: twiddles as (wr, wr, -wi, wi), the same values as the JavaScript path's. */
  private wasmPlan(): WasmFftPlan | null {
    const k = wasmKernels()
    if (!k) return null
    const N = this.size, M = this.half, q = N / 4
    const p: WasmFftPlan = {
      k, plan: alloc(36), x: alloc(8 * N), z: alloc(8 * N), rev: alloc(4 * M), tw: alloc(16 * this.tw.length), sc: alloc(32 * (q + 1)),
      re: alloc(8 * this.bins), im: alloc(8 * this.bins),
    }
    i32(p.rev, M).set(this.rev)
    const tw = f64(p.tw, 2 * this.tw.length)
    for (let i = 0; i < this.tw.length; i += 2) tw.set([this.tw[i], this.tw[i], -this.tw[i + 1], this.tw[i + 1]], 2 * i)
    const sc = f64(p.sc, 4 * (q + 1))
    for (let i = 0; i <= q; i++) sc.set([this.splitCos[i], this.splitCos[i], -this.splitSin[i], this.splitSin[i]], 4 * i)
    i32(p.plan, 9).set([M, this.radix8First ? 1 : 0, p.x, p.z, p.rev, p.tw, p.sc, p.re, p.im])
    return p
  }

  /** Complex FFT of size/2 points of `input` packed as (even, odd) into z. */
  private run(): void {
    const M = this.half
    const z = this.z
    const x = this.input
    const rev = this.rev
    let span: number
    if (this.radix8First) {
      // Odd number of radix-2 stages: load in bit-reversed order fused with a
      // radix-8 pass (trivial twiddles; its blocks hold the sub-transforms of
      // the samples = 0, 4, 2, 6, 1, 5, 3, 7 mod 8).
      for (let p = 0; p < M; p += 8) {
        let j: number
        j = rev[p + 0]
        const P0r = x[j], P0i = x[j + 1]
        j = rev[p + 1]
        const P4r = x[j], P4i = x[j + 1]
        j = rev[p + 2]
        const P2r = x[j], P2i = x[j + 1]
        j = rev[p + 3]
        const P6r = x[j], P6i = x[j + 1]
        j = rev[p + 4]
        const P1r = x[j], P1i = x[j + 1]
        j = rev[p + 5]
        const P5r = x[j], P5i = x[j + 1]
        j = rev[p + 6]
        const P3r = x[j], P3i = x[j + 1]
        j = rev[p + 7]
        const P7r = x[j], P7i = x[j + 1]
        const o = 2 * p
        let s0r = P0r + P4r, s0i = P0i + P4i, d0r = P0r - P4r, d0i = P0i - P4i
        let s1r = P2r + P6r, s1i = P2i + P6i, d1r = P2r - P6r, d1i = P2i - P6i
        const E0r = s0r + s1r, E0i = s0i + s1i, E2r = s0r - s1r, E2i = s0i - s1i
        const E1r = d0r + d1i, E1i = d0i - d1r, E3r = d0r - d1i, E3i = d0i + d1r
        s0r = P1r + P5r; s0i = P1i + P5i; d0r = P1r - P5r; d0i = P1i - P5i
        s1r = P3r + P7r; s1i = P3i + P7i; d1r = P3r - P7r; d1i = P3i - P7i
        const O0r = s0r + s1r, O0i = s0i + s1i, O2r = s0r - s1r, O2i = s0i - s1i
        const O1r = d0r + d1i, O1i = d0i - d1r, O3r = d0r - d1i, O3i = d0i + d1r
        // omega = e^(-i pi / 4): omega O1, omega^2 O2 = -i O2, omega^3 O3
        const T1r = (O1r + O1i) * SQRT1_2, T1i = (O1i - O1r) * SQRT1_2
        const T3r = (O3i - O3r) * SQRT1_2, T3i = -(O3r + O3i) * SQRT1_2
        z[o] = E0r + O0r; z[o + 1] = E0i + O0i
        z[o + 8] = E0r - O0r; z[o + 9] = E0i - O0i
        z[o + 2] = E1r + T1r; z[o + 3] = E1i + T1i
        z[o + 10] = E1r - T1r; z[o + 11] = E1i - T1i
        z[o + 4] = E2r + O2i; z[o + 5] = E2i - O2r
        z[o + 12] = E2r - O2i; z[o + 13] = E2i + O2r
        z[o + 6] = E3r + T3r; z[o + 7] = E3i + T3i
        z[o + 14] = E3r - T3r; z[o + 15] = E3i - T3i
      }
      span = 8
    } else {
      // Load in bit-reversed order fused with the stages of span 1 and 2
      // (radix-4 with trivial twiddles 1, -i).
      for (let p = 0; p < M; p += 4) {
        let j = rev[p]
        const ar = x[j], ai = x[j + 1]
        j = rev[p + 1]
        const br = x[j], bi = x[j + 1]
        j = rev[p + 2]
        const cr = x[j], ci = x[j + 1]
        j = rev[p + 3]
        const dr = x[j], di = x[j + 1]
        const s0r = ar + br, s0i = ai + bi, d0r = ar - br, d0i = ai - bi
        const s1r = cr + dr, s1i = ci + di, d1r = cr - dr, d1i = ci - di
        const i = 2 * p
        z[i] = s0r + s1r; z[i + 1] = s0i + s1i
        z[i + 4] = s0r - s1r; z[i + 5] = s0i - s1i
        // d0 + (-i) d1 and d0 - (-i) d1
        z[i + 2] = d0r + d1i; z[i + 3] = d0i - d1r
        z[i + 6] = d0r - d1i; z[i + 7] = d0i + d1r
      }
      span = 4
    }
    const tw = this.tw
    let toff = 0
    // Radix-4 passes. With bit-reversed input the four blocks of `span`
    // points hold the sub-transforms of the samples = 0, 2, 1, 3 (mod 4).
    for (; 2 * span < M; span *= 4) {
      const q = 2 * span // doubles per block
      const step = 4 * q
      for (let j = 0; j < span; j++) {
        const o = toff + 6 * j
        const w1r = tw[o], w1i = tw[o + 1], w2r = tw[o + 2], w2i = tw[o + 3], w3r = tw[o + 4], w3i = tw[o + 5]
        for (let a = 2 * j; a < 2 * M; a += step) {
          const b = a + q, c = b + q, d = c + q
          const p0r = z[a], p0i = z[a + 1]
          let xr = z[b], xi = z[b + 1]
          const p2r = xr * w2r - xi * w2i, p2i = xr * w2i + xi * w2r
          xr = z[c]; xi = z[c + 1]
          const p1r = xr * w1r - xi * w1i, p1i = xr * w1i + xi * w1r
          xr = z[d]; xi = z[d + 1]
          const p3r = xr * w3r - xi * w3i, p3i = xr * w3i + xi * w3r
          const t0r = p0r + p2r, t0i = p0i + p2i, t1r = p0r - p2r, t1i = p0i - p2i
          const t2r = p1r + p3r, t2i = p1i + p3i, t3r = p1r - p3r, t3i = p1i - p3i
          z[a] = t0r + t2r; z[a + 1] = t0i + t2i
          z[c] = t0r - t2r; z[c + 1] = t0i - t2i
          z[b] = t1r + t3i; z[b + 1] = t1i - t3r
          z[d] = t1r - t3i; z[d + 1] = t1i + t3r
        }
      }
      toff += 6 * span
    }
    for (; span < M; span *= 2) {
      const step = 4 * span // in doubles: 2 * span points
      for (let j = 0; j < span; j++) {
        const wr = tw[toff + 2 * j], wi = tw[toff + 2 * j + 1]
        for (let i = 2 * j; i < 2 * M; i += step) {
          const k = i + 2 * span
          const xr = z[k], xi = z[k + 1]
          const tr = xr * wr - xi * wi
          const ti = xr * wi + xi * wr
          const ur = z[i], ui = z[i + 1]
          z[i] = ur + tr; z[i + 1] = ui + ti
          z[k] = ur - tr; z[k + 1] = ui - ti
        }
      }
      toff += 2 * span
    }
  }

  /**
   * Calls emit(k, re, im) for k = 0..size/2 with the spectrum of `input`
   * (the split step of the real transform).
   */
  private split(re: Float64Array, im: Float64Array | null): void {
    const M = this.half
    const z = this.z
    const c = this.splitCos, s = this.splitSin
    // k = 0 and k = M
    re[0] = z[0] + z[1]
    re[M] = z[0] - z[1]
    if (im) { im[0] = 0; im[M] = 0 }
    for (let k = 1; k <= M >> 1; k++) {
      const m = M - k
      const ar = z[2 * k], ai = z[2 * k + 1], br = z[2 * m], bi = z[2 * m + 1]
      // E = (Z[k] + conj Z[m]) / 2, O = (Z[k] - conj Z[m]) / (2i)
      const er = 0.5 * (ar + br), ei = 0.5 * (ai - bi)
      const or = 0.5 * (ai + bi), oi = -0.5 * (ar - br)
      const wr = c[k], wi = s[k]
      const tr = or * wr - oi * wi, ti = or * wi + oi * wr
      re[k] = er + tr
      re[m] = er - tr
      if (im) {
        im[k] = ei + ti
        im[m] = ti - ei
      }
    }
  }

  /** |X[k]|^2 for k = 0..size/2 of `input` (numpy: abs(rfft(x))**2). */
  power(dst: Float64Array): Float64Array {
    const w = this.wasm
    if (w && useWasm()) {
      w.k.fft_power_to(w.plan)
      dst.set(f64(w.re, this.bins))
      return dst
    }
    this.run()
    const M = this.half
    const z = this.z
    const c = this.splitCos, s = this.splitSin
    const r0 = z[0] + z[1], rM = z[0] - z[1]
    dst[0] = r0 * r0
    dst[M] = rM * rM
    for (let k = 1; k <= M >> 1; k++) {
      const m = M - k
      const ar = z[2 * k], ai = z[2 * k + 1], br = z[2 * m], bi = z[2 * m + 1]
      const er = 0.5 * (ar + br), ei = 0.5 * (ai - bi)
      const or = 0.5 * (ai + bi), oi = -0.5 * (ar - br)
      const wr = c[k], wi = s[k]
      const tr = or * wr - oi * wi, ti = or * wi + oi * wr
      const xr = er + tr, xi = ei + ti
      const yr = er - tr, yi = ti - ei
      dst[k] = xr * xr + xi * xi
      dst[m] = yr * yr + yi * yi
    }
    return dst
  }

  /**
   * Real part of the forward transform of `input`, k = 0..size/2. For an even
   * (symmetric) input such as a power spectrum this is the inverse transform
   * times `size`: used for autocorrelation by FFT (Wiener-Khinchin).
   */
  realPart(dst: Float64Array): Float64Array {
    const w = this.wasm
    if (w && useWasm()) {
      w.k.fft_complex_to(w.plan, 0)
      dst.set(f64(w.re, this.bins))
      return dst
    }
    this.run()
    this.split(dst, null)
    return dst
  }

  /** Real and imaginary parts of the forward transform of `input`, k = 0..size/2. */
  complex(re: Float64Array, im: Float64Array): void {
    const w = this.wasm
    if (w && useWasm()) {
      w.k.fft_complex_to(w.plan, 1)
      re.set(f64(w.re, this.bins))
      im.set(f64(w.im, this.bins))
      return
    }
    this.run()
    this.split(re, im)
  }
}

/**
 * A packed array of doubles (V8 PACKED_DOUBLE_ELEMENTS): in the butterfly
 * loops it measured faster than a Float64Array here.
 */
function doubles(n: number): number[] {
  const a: number[] = []
  for (let i = 0; i < n; i++) a.push(0.5)
  for (let i = 0; i < n; i++) a[i] = 0
  return a
}

export function nextPow2(n: number): number {
  let p = 4
  while (p < n) p *= 2
  return p
}
