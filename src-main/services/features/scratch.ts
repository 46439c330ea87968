/**
 * Grow-only scratch buffers for per-clip work arrays (pitch candidates, the
 * 11 kHz formant copy, ...), so that analysing a clip does not allocate and
 * zero megabytes that the garbage collector then has to reclaim. A buffer is
 * named by its user; the returned view holds stale data from earlier calls
 * (callers write before they read) and is valid until the next call with the
 * same name. Each worker thread has its own module instance, and extraction
 * is synchronous, so there is no sharing between concurrent calls.
 */
const f64 = new Map<string, Float64Array>()
const f32 = new Map<string, Float32Array>()
const i32 = new Map<string, Int32Array>()

function grow<T extends Float64Array | Float32Array | Int32Array>(m: Map<string, T>, name: string, n: number, make: (n: number) => T): T {
  let b = m.get(name)
  if (!b || b.length < n) {
    b = make(Math.max(n, b ? 2 * b.length : 0))
    m.set(name, b)
  }
  return b.subarray(0, n) as T
}

export const scratchF64 = (name: string, n: number): Float64Array => grow(f64, name, n, (k) => new Float64Array(k))
export const scratchF32 = (name: string, n: number): Float32Array => grow(f32, name, n, (k) => new Float32Array(k))
export const scratchI32 = (name: string, n: number): Int32Array => grow(i32, name, n, (k) => new Int32Array(k))
