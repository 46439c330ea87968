/**
 * Chooses the fastest TensorFlow.js backend this machine offers, in this order:
 * tfjs-node (native libtensorflow, GPU build if installed) -> wasm -> plain JS (cpu).
 * The choice is made once per process and always reported (UI status bar,
 * CLI output, model cards): a silent fallback would make timings and results
 * impossible to interpret.
 */
import { createRequire } from 'node:module'
import util from 'node:util'
import * as tf from '@tensorflow/tfjs'
import { registerWasmTrainingKernels, WASM_TRAINING_KERNEL_NAMES } from './kernels/index'

export type BackendName = 'tensorflow' | 'wasm' | 'cpu'

export interface BackendInfo {
  /** The backend in use. */
  name: BackendName
  /** Backends that could be loaded here, best first. */
  available: BackendName[]
  /** Why a better backend was not used, one line each. */
  notes: string[]
  tfjsVersion: string
  /** Threads the wasm backend uses (1 when single-threaded). */
  threads: number | null
  /** Whether the wasm backend runs its SIMD build (null for other backends). */
  simd?: boolean | null
  /** Kernels this project adds to the backend (e.g. wasm Conv2DBackpropFilter). */
  customKernels?: string[]
}

// not named `require`: the ESM bundle injects its own top-level `require` into shared chunks
const requireHere = createRequire(import.meta.url)
let chosen: Promise<BackendInfo> | null = null

/** tfjs-node 4.22 calls util.isNullOrUndefined, which Node 23+ removed (tfjs #8609). */
function shimNodeUtil(): void {
  const u = util as unknown as Record<string, unknown>
  if (typeof u.isNullOrUndefined !== 'function') u.isNullOrUndefined = (v: unknown) => v === null || v === undefined
  if (typeof u.isArray !== 'function') u.isArray = Array.isArray
}

async function tryNative(notes: string[]): Promise<boolean> {
  if (process.env.SER_BACKEND && process.env.SER_BACKEND !== 'tensorflow') {
    notes.push(`tensorflow: skipped (SER_BACKEND=${process.env.SER_BACKEND})`)
    return false
  }
  shimNodeUtil()
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      requireHere(pkg)
      return true
    } catch (err) {
      const msg = (err as Error).message.split('\n')[0]
      notes.push(`tensorflow: ${pkg} not loadable (${msg})`)
    }
  }
  return false
}

async function tryWasm(notes: string[]): Promise<boolean> {
  if (process.env.SER_BACKEND === 'cpu') {
    notes.push('wasm: skipped (SER_BACKEND=cpu)')
    return false
  }
  try {
    await import('@tensorflow/tfjs-backend-wasm')
    // The wasm backend lacks some gradient kernels (Conv2DBackpropFilter): supply them.
    registerWasmTrainingKernels()
    return true
  } catch (err) {
    notes.push(`wasm: not loadable (${(err as Error).message.split('\n')[0]})`)
    return false
  }
}

async function choose(): Promise<BackendInfo> {
  const notes: string[] = []
  const available: BackendName[] = []
  if (await tryNative(notes)) available.push('tensorflow')
  if (await tryWasm(notes)) available.push('wasm')
  available.push('cpu')
  for (const name of available) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready()
        return { name, available, notes, tfjsVersion: tf.version.tfjs, ...(await wasmDetails(name)) }
      }
      notes.push(`${name}: setBackend returned false`)
    } catch (err) {
      notes.push(`${name}: failed to initialise (${(err as Error).message})`)
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${notes.join('; ')}`)
}

/**
 * Threads and SIMD of the wasm backend. Under Node, tfjs-backend-wasm 4.22 reports no
 * multi-thread support (its pthread workers are blob: URLs, which Node's Worker refuses),
 * so it runs the single-threaded SIMD build; see docs/engine.md.
 */
async function wasmDetails(name: BackendName): Promise<Pick<BackendInfo, 'threads' | 'simd' | 'customKernels'>> {
  if (name !== 'wasm') return { threads: null, simd: null, customKernels: [] }
  const wasm = await import('@tensorflow/tfjs-backend-wasm')
  let threads = 1
  try {
    threads = wasm.getThreadsCount()
  } catch {
    threads = 1
  }
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))
  return { threads, simd, customKernels: WASM_TRAINING_KERNEL_NAMES }
}

/** Initialises TensorFlow.js once and says which backend it uses. */
export function initBackend(): Promise<BackendInfo> {
  chosen ??= choose()
  return chosen
}
