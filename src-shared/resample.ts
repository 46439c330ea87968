/**
 * The one resampler of the app (docs/audio.md, Resampling): rational-ratio polyphase
 * filtering with a Hann-windowed sinc (16 zero crossings each side, cut-off 0.95 x the
 * lower Nyquist; comparable to scipy.signal.resample_poly with that window, not bit-exact
 * with any library). Pure TypeScript without DOM or Node APIs, so the same code runs on
 * imported files (services/audio, services/features), in the AudioWorklet that captures
 * the microphone, and in unit tests.
 *
 * `StreamingResampler` gives, block by block, exactly the samples that `resampleTo` gives
 * for the whole input: both sum the same taps in the same order, and samples before the
 * start or after the end count as zeros.
 */
export interface ResampleFilter {
  /** Zero crossings of the sinc on each side (at the lower of the two rates). */
  halfTaps: number
  /** Cut-off as a fraction of the lower Nyquist. */
  cutoff: number
}

export const RESAMPLE_FILTER: ResampleFilter = { halfTaps: 16, cutoff: 0.95 }

/** Highest rate accepted (the decoder's 768 kHz). */
export const MAX_RESAMPLE_RATE = 768000
/** Largest polyphase table (phases x taps) built: 8 Mi doubles, 64 MiB. */
const MAX_TABLE = 1 << 23

export interface ResampleTable {
  /** Output phases (toRate / gcd) and input step (fromRate / gcd). */
  L: number
  M: number
  /** L phases of `width` taps each (2 * half taps, zero-padded to a multiple of 4). */
  taps: Float64Array
  width: number
  half: number
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

function checkRate(r: number): void {
  if (!Number.isInteger(r) || r < 1 || r > MAX_RESAMPLE_RATE) {
    throw new Error(`resample: invalid sample rate ${r} (whole Hz from 1 to ${MAX_RESAMPLE_RATE})`)
  }
}

const tables = new Map<string, ResampleTable>()

/** The polyphase table of a conversion (built once, shared). */
export function resampleTable(fromRate: number, toRate: number, filter: ResampleFilter = RESAMPLE_FILTER): ResampleTable {
  return table(fromRate, toRate, filter)
}

function table(fromRate: number, toRate: number, filter: ResampleFilter): ResampleTable {
  const key = `${fromRate}>${toRate}:${filter.halfTaps}:${filter.cutoff}`
  let t = tables.get(key)
  if (t) return t
  checkRate(fromRate)
  checkRate(toRate)
  const g = gcd(fromRate, toRate)
  const L = toRate / g
  const M = fromRate / g
  const cutoff = filter.cutoff * Math.min(1, toRate / fromRate) // in units of the input Nyquist
  const half = Math.ceil(filter.halfTaps / Math.min(1, toRate / fromRate))
  const span = 2 * half
  const width = Math.ceil(span / 4) * 4
  if (L * width > MAX_TABLE) {
    throw new Error(
      `resample: ${fromRate} -> ${toRate} Hz needs a filter of ${L} phases x ${width} taps, above the limit of ${MAX_TABLE}; ` +
        `convert the file to a common rate (e.g. 48000 Hz) first`,
    )
  }
  const taps = new Float64Array(L * width)
  for (let ph = 0; ph < L; ph++) {
    const frac = ((ph * M) % L) / L // fractional input position of this phase
    let sum = 0
    for (let k = 0; k < span; k++) {
      const d = k - half + 1 - frac // distance from input sample to output time
      const x = Math.PI * cutoff * d
      const sinc = Math.abs(d) < 1e-12 ? 1 : Math.sin(x) / x
      const w = Math.abs(d) < half ? 0.5 + 0.5 * Math.cos((Math.PI * d) / half) : 0
      taps[ph * width + k] = sinc * w * cutoff
      sum += taps[ph * width + k]
    }
    for (let k = 0; k < span; k++) taps[ph * width + k] /= sum // unity gain at DC
  }
  t = { L, M, taps, width, half }
  tables.set(key, t)
  return t
}

/**
 * Output sample j: taps of phase j % L against x[first .. first + width), where samples
 * outside [lo, hi) of x count as 0. Four partial sums (width is a multiple of 4) in one
 * fixed order, so the batch and the streaming paths agree to the bit.
 */
function outputAt(t: ResampleTable, x: Float32Array, j: number, shift: number, lo: number, hi: number): number {
  const { L, M, taps, width, half } = t
  const first = Math.floor((j * M) / L) - half + 1 - shift
  const base = (j % L) * width
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0
  if (first >= lo && first + width <= hi) {
    for (let k = 0; k < width; k += 4) {
      a0 += taps[base + k] * x[first + k]
      a1 += taps[base + k + 1] * x[first + k + 1]
      a2 += taps[base + k + 2] * x[first + k + 2]
      a3 += taps[base + k + 3] * x[first + k + 3]
    }
  } else {
    const at = (i: number) => (i >= lo && i < hi ? x[i] : 0)
    for (let k = 0; k < width; k += 4) {
      a0 += taps[base + k] * at(first + k)
      a1 += taps[base + k + 1] * at(first + k + 1)
      a2 += taps[base + k + 2] * at(first + k + 2)
      a3 += taps[base + k + 3] * at(first + k + 3)
    }
  }
  return a0 + (a1 + a2 + a3)
}

/** Output length for an input of n samples: floor(n * toRate / fromRate). */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  const g = gcd(fromRate, toRate)
  return Math.floor((n * (toRate / g)) / (fromRate / g))
}

/**
 * Output samples j0 <= j < j1 (clipped to the output length) of resampleTo(x, fromRate,
 * toRate, filter), written to dst[j]; the rest of dst is untouched. Lets callers resample
 * only the stretches they analyse (formants.ts takes its 11 kHz copy so). `interior`, when
 * given, replaces the interior loop (from output j, phase ph, first input `first`, position
 * remainder `frac`, up to `end` or the last output whose taps lie inside x) and returns the
 * output it stopped at; it must give the loop's values to the bit (the feature extractor
 * passes its WebAssembly kernel, features/wasm/formants.c).
 */
export type ResampleInterior = (t: ResampleTable, j: number, end: number, ph: number, first: number, frac: number) => number

export function resampleRange(
  x: Float32Array,
  fromRate: number,
  toRate: number,
  dst: Float64Array | Float32Array,
  j0: number,
  j1: number,
  filter: ResampleFilter = RESAMPLE_FILTER,
  interior?: ResampleInterior,
): void {
  const t = table(fromRate, toRate, filter)
  const nOut = resampledLength(x.length, fromRate, toRate)
  const { L, M, taps, width, half } = t
  const end = Math.min(j1, nOut)
  let j = Math.max(0, j0)
  // Edges (taps reaching before the start or past the end) through outputAt; the interior in
  // this loop: the same four partial sums in the same order, so the result is bit-identical.
  while (j < end && Math.floor((j * M) / L) - half + 1 < 0) dst[j] = outputAt(t, x, j++, 0, 0, x.length)
  let ph = j % L
  let first = Math.floor((j * M) / L) - half + 1
  let frac = (j * M) % L // j * M = L * floor(j * M / L) + frac
  if (interior) j = interior(t, j, end, ph, first, frac)
  else for (; j < end && first + width <= x.length; j++) {
    const base = ph * width
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0
    for (let k = 0; k < width; k += 4) {
      a0 += taps[base + k] * x[first + k]
      a1 += taps[base + k + 1] * x[first + k + 1]
      a2 += taps[base + k + 2] * x[first + k + 2]
      a3 += taps[base + k + 3] * x[first + k + 3]
    }
    dst[j] = a0 + (a1 + a2 + a3)
    // next output: phase + 1 (mod L), input position + M / L
    if (++ph === L) ph = 0
    frac += M
    while (frac >= L) {
      frac -= L
      first++
    }
  }
  for (; j < end; j++) dst[j] = outputAt(t, x, j, 0, 0, x.length)
}

/** The whole input resampled (the input itself when the rates are equal). */
export function resampleTo(x: Float32Array, fromRate: number, toRate: number, filter: ResampleFilter = RESAMPLE_FILTER): Float32Array {
  checkRate(fromRate)
  checkRate(toRate)
  if (fromRate === toRate) return x
  const out = new Float32Array(resampledLength(x.length, fromRate, toRate))
  resampleRange(x, fromRate, toRate, out, 0, out.length, filter)
  return out
}

/**
 * resampleTo for audio that arrives in blocks (the microphone). Output j is given as soon
 * as the input its taps reach has arrived; `flush()` ends the stream and gives the rest,
 * so push(a), push(b), flush() equals resampleTo(a ++ b). Memory: the input not yet
 * consumed (about `width` samples) plus the block being pushed.
 */
export class StreamingResampler {
  readonly inRate: number
  readonly outRate: number
  private readonly t: ResampleTable | null
  /** Input samples held; buf[0] is input sample `start` (negative at first: leading zeros). */
  private buf: Float32Array
  private len: number
  private start: number
  private received = 0
  private next = 0
  private done = false

  constructor(inRate: number, outRate: number, filter: ResampleFilter = RESAMPLE_FILTER) {
    checkRate(inRate)
    checkRate(outRate)
    this.inRate = inRate
    this.outRate = outRate
    this.t = inRate === outRate ? null : table(inRate, outRate, filter)
    const w = this.t?.width ?? 0
    this.buf = new Float32Array(4 * w + 1024)
    this.len = w // zeros before the first sample, as resampleTo reads them
    this.start = -w
  }

  /** Output samples `n` more input samples can complete at most (for sizing buffers). */
  maxOutputFor(n: number): number {
    return Math.ceil(((n + (this.t?.width ?? 0)) * this.outRate) / this.inRate) + 2
  }

  /** Feeds input; returns the output samples it completes (a fresh array, maybe empty). */
  push(input: Float32Array): Float32Array {
    if (this.done) throw new Error('StreamingResampler: push after flush')
    this.received += input.length
    if (!this.t) return Float32Array.from(input)
    this.append(input)
    return this.drain(false)
  }

  /** Ends the stream: the remaining output, reading zeros after the last sample. */
  flush(): Float32Array {
    if (this.done) return new Float32Array(0)
    this.done = true
    if (!this.t) return new Float32Array(0)
    return this.drain(true)
  }

  private append(input: Float32Array): void {
    const t = this.t as ResampleTable
    // Drop input that no future output reads.
    const keepFrom = Math.floor((this.next * t.M) / t.L) - t.half + 1
    const drop = Math.min(this.len, Math.max(0, keepFrom - this.start))
    if (drop > 0) {
      this.buf.copyWithin(0, drop, this.len)
      this.len -= drop
      this.start += drop
    }
    if (this.len + input.length > this.buf.length) {
      const grown = new Float32Array(Math.max(2 * this.buf.length, this.len + input.length))
      grown.set(this.buf.subarray(0, this.len))
      this.buf = grown
    }
    this.buf.set(input, this.len)
    this.len += input.length
  }

  private drain(final: boolean): Float32Array {
    const t = this.t as ResampleTable
    const total = resampledLength(this.received, this.inRate, this.outRate)
    let end = total
    if (!final) {
      // Outputs whose last tap falls on input already received: first + width <= received.
      end = Math.min(total, Math.floor(((this.received - t.width + t.half) * t.L) / t.M) + 1)
      while (end > this.next && Math.floor(((end - 1) * t.M) / t.L) - t.half + 1 + t.width > this.received) end--
    }
    if (end <= this.next) return new Float32Array(0)
    const n = end - this.next
    const out = new Float32Array(n)
    // Relative to buf: input sample i lies at buf[i - start]; past `received` it counts as 0.
    for (let k = 0; k < n; k++) out[k] = outputAt(t, this.buf, this.next + k, this.start, 0, this.len)
    this.next = end
    return out
  }
}
