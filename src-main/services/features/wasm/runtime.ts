/**
 * The WebAssembly SIMD feature kernels (C sources in this folder, compiled by
 * `npm run build:wasm` into kernels.generated.ts) and their memory.
 *
 * The module is compiled synchronously once per thread from the base64 bytes. Memory is
 * handed out by a bump allocator that never frees: plans (FFT tables, buffers per size) take
 * small fixed blocks, and per-clip arrays use grow-only named regions (`region`). Growing the
 * memory detaches every view of the old buffer, so callers take views (`f64`) after the
 * last `region` call of a stage, never across one.
 *
 * `SER_FEATURES_WASM=0` selects the JavaScript path (the reference); `setFeaturesWasm`
 * switches it in-process (tests, benches). Where WebAssembly SIMD does not load, the
 * JavaScript path runs.
 */
import { KERNELS_WASM_BASE64 } from './kernels.generated'

export interface Kernels {
  memory: WebAssembly.Memory
  fft_power_to(plan: number): void
  fft_complex_to(plan: number, withIm: number): void
  resample_interior(x: number, nx: number, taps: number, L: number, M: number, width: number, dst: number, j: number, end: number, ph: number,
    first: number, frac: number): number
  formant_burg(z: number, start: number, ny: number, win: number, n: number, m: number, data: number, d: number, work: number): number
  poly_roots(c: number, m: number, re: number, im: number, maxIter: number): number
  pitch_window(x: number, nx: number, start: number, nWin: number, window: number, inp: number, peakFrom: number, peakTo: number): number
  spectral_frames2(x: number, nx: number, starts: number, nF: number, n: number, win: number, fp: number, x2: number, z2: number, pow: number,
    bins: number, bark: number, barkRange: number, mel: number, melRange: number, dct: number, ks: number, binHz: number, dbPerNeper: number,
    db: number, prev: number, out: number): void
  hnr_frames(x: number, nx: number, f0: number, n: number, t1: number, hop: number, sampleRate: number, N: number, seg: number, rs: number,
    out: number): void
  harmonic_frames(x: number, nx: number, f0: number, formantFreq: number, nF: number, t1: number, hop: number, sampleRate: number, n: number,
    win: number, fp: number, pow: number, bins: number, binHz: number, out: number): void
  cc_lag(x: number, nx: number, at: number, guess: number, N: number, cc: number): number
  pitch_global_peak(x: number, nx: number): number
  pitch_frames(x: number, d: number, g: number, window: number, p1: number, p2: number, pow: number, sin: number, cos: number, ac: number,
    invWR: number, r: number, intensity: number, nCand: number, candF: number, candR: number): void
  pitch_acf(p1: number, p2: number, pow: number, sin: number, cos: number, ac: number, invWR: number, maxLag: number, r: number): void
}

let kernels: Kernels | null | undefined
let top = 0
let enabled = process.env.SER_FEATURES_WASM !== '0'
const regions = new Map<string, { ptr: number; bytes: number }>()

/** The kernels, or null where WebAssembly SIMD is unavailable. */
export function wasmKernels(): Kernels | null {
  if (kernels !== undefined) return kernels
  try {
    const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64')
    // JavaScript's own Math functions, so the kernels' logarithms equal the JavaScript path's to the bit
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { log: Math.log, exp: Math.exp, log10: Math.log10, log2: Math.log2 } })
    const ex = inst.exports as unknown as Kernels & { __heap_base: WebAssembly.Global }
    kernels = ex
    top = align(Number(ex.__heap_base.value))
  } catch {
    kernels = null
  }
  return kernels
}

/**
 * Longest input (samples) a stage hands to the kernels: their memory keeps about 0.28 MiB per second
 * of the longest 16 kHz clip for the thread's life and wasm32 memory ends at 4 GiB, so longer clips
 * (over 20 minutes at 16 kHz) take the JavaScript path, which gives the same values.
 */
export const WASM_MAX_SAMPLES = 20 * 60 * 16000

/** Whether the stages call the wasm kernels now (loaded, not switched off, and the input not too long). */
export function useWasm(nSamples = 0): boolean {
  return enabled && nSamples <= WASM_MAX_SAMPLES && wasmKernels() !== null
}

/** Switches the wasm kernels on or off in this thread; returns the previous setting. */
export function setFeaturesWasm(on: boolean): boolean {
  const was = enabled
  enabled = on
  return was
}

const align = (n: number): number => (n + 15) & ~15

/** A fresh block of `bytes` bytes (16-byte aligned) that lives as long as the thread. */
export function alloc(bytes: number): number {
  const k = wasmKernels()
  if (!k) throw new Error('wasm kernels unavailable')
  const ptr = top
  top = align(top + bytes)
  const have = k.memory.buffer.byteLength
  if (top > have) k.memory.grow(Math.ceil((top - have) / 65536))
  return ptr
}

/** A grow-only named block of at least `bytes` bytes; its content is stale. May grow the memory. */
export function region(name: string, bytes: number): number {
  const r = regions.get(name)
  if (r && r.bytes >= bytes) return r.ptr
  const size = Math.max(bytes, r ? 2 * r.bytes : 0)
  const ptr = alloc(size)
  regions.set(name, { ptr, bytes: size })
  return ptr
}

/** A Float64Array view of `n` doubles at `ptr` (valid until the memory next grows). */
export function f64(ptr: number, n: number): Float64Array {
  return new Float64Array(wasmKernels()!.memory.buffer, ptr, n)
}
export function f32(ptr: number, n: number): Float32Array {
  return new Float32Array(wasmKernels()!.memory.buffer, ptr, n)
}
export function i32(ptr: number, n: number): Int32Array {
  return new Int32Array(wasmKernels()!.memory.buffer, ptr, n)
}

/** The memory's current buffer (compare with a view's `.buffer` to see whether it went stale). */
export function wasmBuffer(): ArrayBuffer | null {
  const k = wasmKernels()
  return k ? (k.memory.buffer as ArrayBuffer) : null
}

/** A copy of the samples in the wasm memory (region "input", shared by the stages, rewritten by each); returns its offset. */
export function copyInput(x: Float32Array): number {
  const ptr = region('input', 4 * x.length)
  f32(ptr, x.length).set(x)
  return ptr
}
