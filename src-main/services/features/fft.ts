/**
 * Real FFT wrapper over fft.js (radix-4, Jens Nockert / indutny): buffers are
 * allocated once per size and reused, so frame loops allocate nothing.
 * Conventions match numpy.fft.rfft: X[k] = sum_n x[n] e^{-2 pi i k n / N},
 * no scaling on the forward transform.
 */
import FFT from 'fft.js'

export class RealFft {
  readonly size: number
  readonly bins: number
  private readonly fft: FFT
  /** Real input, zero-padded to `size`; callers write into it. */
  readonly input: Float64Array
  /** Interleaved complex output (re, im) of the last transform. */
  private readonly out: number[]
  private readonly inArr: number[]

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
      throw new Error(`FFT size must be a power of two >= 4, got ${size}`)
    }
    this.size = size
    this.bins = size / 2 + 1
    this.fft = new FFT(size)
    this.input = new Float64Array(size)
    this.out = this.fft.createComplexArray() as number[]
    this.inArr = new Array<number>(size).fill(0)
  }

  private run(): void {
    const a = this.inArr
    const x = this.input
    for (let i = 0; i < this.size; i++) a[i] = x[i]
    this.fft.realTransform(this.out, a)
  }

  /** |X[k]|^2 for k = 0..size/2 of `input` (numpy: abs(rfft(x))**2). */
  power(dst: Float64Array): Float64Array {
    this.run()
    const o = this.out
    for (let k = 0; k < this.bins; k++) {
      const re = o[2 * k]
      const im = o[2 * k + 1]
      dst[k] = re * re + im * im
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
    const o = this.out
    for (let k = 0; k < this.bins; k++) dst[k] = o[2 * k]
    return dst
  }
}

export function nextPow2(n: number): number {
  let p = 4
  while (p < n) p *= 2
  return p
}
