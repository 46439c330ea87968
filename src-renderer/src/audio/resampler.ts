/**
 * Streaming band-limited resampler for microphone audio (any rate -> 16 kHz).
 * Windowed sinc (Blackman), 16 zero crossings, pass band to 90% of the lower
 * Nyquist; the kernel is tabulated (512 phases per input sample, linear
 * interpolation) so no sin() runs per tap. Pure TypeScript without DOM or
 * Node APIs: it runs in the AudioWorklet, on the main thread (fallback) and
 * in unit tests alike. Memory is fixed after construction: input is appended
 * to a buffer that is compacted in place, never grown beyond `maxInput`.
 */
const PHASES = 512
const ZERO_CROSSINGS = 16
const PASS = 0.9

export class StreamingResampler {
  readonly inRate: number
  readonly outRate: number
  /** Input samples advanced per output sample. */
  private readonly step: number
  /** Cut-off as a fraction of the input Nyquist (1 = no band limiting needed). */
  private readonly fc: number
  /** Half the kernel length, in input samples. */
  private readonly half: number
  private readonly table: Float32Array
  private buf: Float32Array
  private len = 0
  /**
   * Time of the next output sample, in input samples from buf[0], kept exact
   * as ip + num / outRate (integer rates), so block sizes never change the output.
   */
  private ip: number
  private num = 0
  private readonly stepInt: number
  private readonly stepNum: number

  constructor(inRate: number, outRate: number, maxInput = 8192) {
    for (const r of [inRate, outRate]) {
      if (!Number.isInteger(r) || r < 1000 || r > 384000) throw new Error(`StreamingResampler: sample rate ${r} is outside 1000..384000 Hz`)
    }
    this.inRate = inRate
    this.outRate = outRate
    this.step = inRate / outRate
    this.stepInt = Math.floor(inRate / outRate)
    this.stepNum = inRate - this.stepInt * outRate
    this.fc = Math.min(1, outRate / inRate) * PASS
    this.half = Math.ceil(ZERO_CROSSINGS / this.fc)
    this.table = new Float32Array(this.half * PHASES + 2)
    for (let i = 0; i < this.table.length; i++) {
      const t = i / PHASES
      const x = Math.PI * this.fc * t
      const sinc = t === 0 ? 1 : Math.sin(x) / x
      const u = Math.min(1, t / this.half)
      // Blackman window on [-half, half], evaluated at t >= 0
      const w = 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u)
      this.table[i] = this.fc * sinc * w
    }
    this.buf = new Float32Array(maxInput + 2 * this.half + 8)
    // Leading zeros so the first output lines up with the first input sample (no delay).
    this.len = this.half
    this.ip = this.half
  }

  /** Output samples that `n` more input samples can produce at most (for sizing buffers). */
  maxOutputFor(n: number): number {
    return Math.ceil((n + this.half) / this.step) + 2
  }

  private kernel(t: number): number {
    const a = Math.abs(t) * PHASES
    const i = a | 0
    if (i >= this.table.length - 1) return 0
    const f = a - i
    return this.table[i] + (this.table[i + 1] - this.table[i]) * f
  }

  /**
   * Feeds input and returns the output samples it completes (a fresh array;
   * empty while the kernel still waits for look-ahead). Input longer than
   * `maxInput` is processed in pieces.
   */
  push(input: Float32Array): Float32Array {
    const cap = this.buf.length - 2 * this.half - 8
    if (input.length > cap) {
      const parts: Float32Array[] = []
      for (let o = 0; o < input.length; o += cap) parts.push(this.push(input.subarray(o, Math.min(input.length, o + cap))))
      return concat(parts)
    }
    this.compact()
    this.buf.set(input, this.len)
    this.len += input.length
    return this.drain(this.len)
  }

  /** Emits the tail (the last `half` input samples' worth of output) by feeding zeros. */
  flush(): Float32Array {
    this.compact()
    this.buf.fill(0, this.len, this.len + this.half + 1)
    const end = this.len + this.half
    const out = this.drain(end, this.len)
    this.len = end
    return out
  }

  private drain(available: number, limit = available): Float32Array {
    const { half, outRate } = this
    // Outputs whose kernel support lies inside what is buffered (and whose time is before `limit`)
    const ready = () => this.ip + half + (this.num > 0 ? 1 : 0) < available && this.ip < limit
    const out = new Float32Array(Math.max(0, Math.ceil((Math.min(available - half, limit) - this.ip) / this.step) + 1))
    const b = this.buf
    let n = 0
    while (ready()) {
      const p = this.ip + this.num / outRate
      const lo = Math.max(0, Math.ceil(p - half))
      const hi = Math.min(available - 1, Math.floor(p + half))
      let s = 0
      for (let k = lo; k <= hi; k++) s += b[k] * this.kernel(p - k)
      out[n++] = s
      this.ip += this.stepInt
      this.num += this.stepNum
      if (this.num >= outRate) {
        this.num -= outRate
        this.ip++
      }
    }
    return out.subarray(0, n).slice()
  }

  /** Drops input no future output needs, keeping positions consistent. */
  private compact(): void {
    const drop = this.ip - this.half - 1
    if (drop <= 0) return
    this.buf.copyWithin(0, drop, this.len)
    this.len -= drop
    this.ip -= drop
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
