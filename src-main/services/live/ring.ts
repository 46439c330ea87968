/** Fixed-size buffers for the live pipeline: nothing here grows with session length. */

/** The last `capacity` samples of a stream. */
export class SampleRing {
  private readonly buf: Float32Array
  private head = 0
  /** Samples ever written (the stream position). */
  total = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`SampleRing capacity must be a positive integer, got ${capacity}`)
    this.buf = new Float32Array(capacity)
  }

  write(x: Float32Array): void {
    let src = x
    if (src.length > this.capacity) src = src.subarray(src.length - this.capacity)
    const first = Math.min(src.length, this.capacity - this.head)
    this.buf.set(src.subarray(0, first), this.head)
    if (first < src.length) this.buf.set(src.subarray(first), 0)
    this.head = (this.head + src.length) % this.capacity
    this.total += x.length
  }

  /** Samples held now (<= capacity). */
  get size(): number {
    return Math.min(this.total, this.capacity)
  }

  /** Copies the newest `out.length` samples into `out`, zero-padded at the start while the stream is shorter. */
  latest(out: Float32Array): Float32Array {
    const n = Math.min(out.length, this.size)
    const pad = out.length - n
    out.fill(0, 0, pad)
    const start = (this.head - n + this.capacity) % this.capacity
    const first = Math.min(n, this.capacity - start)
    out.set(this.buf.subarray(start, start + first), pad)
    if (first < n) out.set(this.buf.subarray(0, n - first), pad + first)
    return out
  }
}

/** The last N numbers (latencies, compute times) with their median and percentiles. */
export class StatWindow {
  private readonly values: Float64Array
  private n = 0
  private next = 0

  constructor(readonly capacity: number) {
    this.values = new Float64Array(capacity)
  }

  add(v: number): void {
    this.values[this.next] = v
    this.next = (this.next + 1) % this.capacity
    if (this.n < this.capacity) this.n++
  }

  get count(): number {
    return this.n
  }

  quantile(q: number): number | null {
    if (this.n === 0) return null
    const s = Array.from(this.values.subarray(0, this.n)).sort((a, b) => a - b)
    const pos = (s.length - 1) * q
    const lo = Math.floor(pos)
    const hi = Math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)
  }
}
