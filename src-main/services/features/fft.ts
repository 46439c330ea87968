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
export class RealFft {
  readonly size: number
  readonly bins: number
  /** Real input, zero-padded to `size`; callers write into it. */
  readonly input: Float64Array
  private readonly half: number
  /** Complex work buffer (interleaved re, im), size/2 points. */
  private readonly z: number[]
  /** Bit-reversed source offset (in doubles) of each complex point. */
  private readonly rev: number[]
  /** Twiddles of stages with butterfly span >= 4: for each stage, span cos/sin pairs. */
  private readonly tw: number[]
  /** Split-step twiddles e^{-2 pi i k / N}, k = 0..N/4. */
  private readonly splitCos: number[]
  private readonly splitSin: number[]

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 8 || (size & (size - 1)) !== 0) {
      throw new Error(`FFT size must be a power of two >= 8, got ${size}`)
    }
    this.size = size
    this.bins = size / 2 + 1
    this.input = new Float64Array(size)
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
    for (let span = 4; span < M; span *= 2) {
      // butterflies of length 2*span: w_j = exp(-2 pi i j / (2 span))
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
  }

  /** Complex FFT of size/2 points of `input` packed as (even, odd) into z. */
  private run(): void {
    const M = this.half
    const z = this.z
    const x = this.input
    const rev = this.rev
    // load in bit-reversed order
    for (let i = 0; i < M; i++) {
      const j = rev[i]
      z[2 * i] = x[j]
      z[2 * i + 1] = x[j + 1]
    }
    // Stages of span 1 and 2 fused (radix-4 with trivial twiddles 1, -i).
    for (let i = 0; i < 2 * M; i += 8) {
      const ar = z[i], ai = z[i + 1], br = z[i + 2], bi = z[i + 3]
      const cr = z[i + 4], ci = z[i + 5], dr = z[i + 6], di = z[i + 7]
      const s0r = ar + br, s0i = ai + bi, d0r = ar - br, d0i = ai - bi
      const s1r = cr + dr, s1i = ci + di, d1r = cr - dr, d1i = ci - di
      z[i] = s0r + s1r; z[i + 1] = s0i + s1i
      z[i + 4] = s0r - s1r; z[i + 5] = s0i - s1i
      // d0 + (-i) d1 and d0 - (-i) d1
      z[i + 2] = d0r + d1i; z[i + 3] = d0i - d1r
      z[i + 6] = d0r - d1i; z[i + 7] = d0i + d1r
    }
    const tw = this.tw
    let toff = 0
    let span = 4
    // Pairs of radix-2 stages (spans s and 2s) fused into one radix-2^2 pass.
    for (; 2 * span < M; span *= 4) {
      const t2 = toff + 2 * span // twiddles of stage 2s
      const q = 2 * span // doubles per quarter
      const step = 4 * q
      for (let j = 0; j < span; j++) {
        const w1r = tw[toff + 2 * j], w1i = tw[toff + 2 * j + 1]
        const w2r = tw[t2 + 2 * j], w2i = tw[t2 + 2 * j + 1]
        for (let a = 2 * j; a < 2 * M; a += step) {
          const b = a + q, c = b + q, d = c + q
          const ar = z[a], ai = z[a + 1]
          let xr = z[b], xi = z[b + 1]
          let tr = xr * w1r - xi * w1i, ti = xr * w1i + xi * w1r
          const a1r = ar + tr, a1i = ai + ti, b1r = ar - tr, b1i = ai - ti
          const cr = z[c], ci = z[c + 1]
          xr = z[d]; xi = z[d + 1]
          tr = xr * w1r - xi * w1i; ti = xr * w1i + xi * w1r
          const c1r = cr + tr, c1i = ci + ti, d1r = cr - tr, d1i = ci - ti
          tr = c1r * w2r - c1i * w2i; ti = c1r * w2i + c1i * w2r
          z[a] = a1r + tr; z[a + 1] = a1i + ti
          z[c] = a1r - tr; z[c + 1] = a1i - ti
          // d1 * w2 * (-i)
          const ur = d1r * w2r - d1i * w2i, ui = d1r * w2i + d1i * w2r
          tr = ui; ti = -ur
          z[b] = b1r + tr; z[b + 1] = b1i + ti
          z[d] = b1r - tr; z[d + 1] = b1i - ti
        }
      }
      toff = t2 + 4 * span
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
    this.run()
    this.split(dst, null)
    return dst
  }

  /** Real and imaginary parts of the forward transform of `input`, k = 0..size/2. */
  complex(re: Float64Array, im: Float64Array): void {
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
