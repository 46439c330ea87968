/**
 * A whole MLP training step on a contrastive pair batch as one WebAssembly SIMD128 call
 * (wasm/mlp-step.c, compiled by `npm run build:wasm` into wasm/mlp-step.generated.ts): forward
 * through every dense layer, the L2 normalisation, the contrastive loss and its gradient, the
 * backward pass of the trainable layers and tf.train.adam's update, with no tfjs kernel dispatch.
 *
 * The module imports tfjs-backend-wasm's own memory, so it reads the weights and the optimizer's
 * moments where the tfjs variables keep them (nothing is copied in or out, and the variables stay
 * the only copy of the weights: validation, checkpoints, early-stopping snapshots and the
 * data-parallel workers read them as before). New weights go to fresh buffers that are assigned to
 * the variables (XNNPACK caches a packed copy of a matmul's weights per buffer); the moments are
 * written in place unless another tensor shares their buffer; the beta powers and the iteration
 * count advance as tf.train.adam's do (engine/adam.ts), so checkpoints and resume are unchanged.
 *
 * Null where it does not apply: another backend, a threaded (shared-memory) wasm build, more than
 * MAX_LAYERS layers, or SER_WASM_STEP=0 (the tfjs path: fused kernels, or the composed ops with
 * SER_FUSED_KERNELS=0).
 */
import * as tf from '@tensorflow/tfjs'
import { adamFinish, adamMoments, adamScalars, assignOutputs, ownsBuffer } from './adam'
import { MLP_STEP_WASM_BASE64 } from './wasm/mlp-step.generated'

/** Word offsets of the parameter block (mlp-step.c). */
const P = { L: 0, F: 1, N: 2, PAIRS: 3, NORM: 4, SCRATCH: 5, X: 6, IA: 7, IB: 8, SAME: 9, DIMS: 10, MODE: 19, LAYER: 20, FLOATS: 120, OUT: 130, WORDS: 136 }
export const MAX_LAYERS = 8

interface Exports {
  mlp_scratch_bytes(params: number): number
  mlp_step(params: number): void
}

interface EmscriptenModule {
  asm: { memory?: WebAssembly.Memory }
  _malloc(bytes: number): number
  _free(ptr: number): void
}

interface WasmBackend {
  wasm: EmscriptenModule
  getMemoryOffset(dataId: tf.DataId): number
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo
}

/** Per wasm backend instance: the module instantiated on its memory, the parameter block and the grow-only arena. */
interface Instance {
  ex: Exports
  memory: WebAssembly.Memory
  params: number
  arena: number
  arenaBytes: number
}

const instances = new WeakMap<EmscriptenModule, Instance | null>()
let compiled: WebAssembly.Module | null = null

function instanceFor(be: WasmBackend): Instance | null {
  const mod = be.wasm
  if (instances.has(mod)) return instances.get(mod)!
  let inst: Instance | null = null
  const memory = mod.asm?.memory
  // the threaded build's memory is shared; this module is built for a plain one
  if (memory instanceof WebAssembly.Memory && !(memory.buffer instanceof SharedArrayBuffer)) {
    compiled ??= new WebAssembly.Module(Buffer.from(MLP_STEP_WASM_BASE64, 'base64'))
    const ex = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Exports
    inst = { ex, memory, params: mod._malloc(P.WORDS * 4), arena: 0, arenaBytes: 0 }
  }
  instances.set(mod, inst)
  return inst
}

/** Whether the one-call step may run: wasm backend with a plain memory, SER_WASM_STEP not 0. */
export function wasmStepAvailable(): boolean {
  if (process.env.SER_WASM_STEP === '0' || tf.getBackend() !== 'wasm') return false
  return instanceFor(tf.backend() as unknown as WasmBackend) !== null
}

export interface MlpStepBatch {
  /** The unique rows of the batch [n, inputDim], flat. */
  x: Float32Array
  n: number
  /** Row of each pair's first and second item in x; same[p] = 1 for a same-class pair. */
  ia: Int32Array
  ib: Int32Array
  same: ArrayLike<number>
  margin: number
  /** Activity above which a pair counts as active (model/losses.ts ACTIVE_THRESHOLD). */
  threshold: number
}

/**
 * One step: `kernels`/`biases` are every dense layer's variables, the first `frozen` layers are
 * not trained; the optimizer a tf.train.adam whose state is kept for the trainable variables in
 * trainableVariables order (kernel, bias per layer). Returns the mean loss, the active share and the
 * gradient's global norm.
 */
export function mlpStepWasm(
  opt: tf.Optimizer,
  kernels: tf.Variable[],
  biases: tf.Variable[],
  frozen: number,
  normalize: boolean,
  b: MlpStepBatch,
): { loss: number; active: number; gradNorm: number } | null {
  if (kernels.length > MAX_LAYERS || !wasmStepAvailable()) return null
  const be = tf.backend() as unknown as WasmBackend
  const vars = kernels.slice(frozen).flatMap((k, i) => [k, biases[frozen + i]])
  const k = adamScalars(opt)
  const moments = vars.map((_, i) => adamMoments(opt, vars, i))
  // fresh buffers for the new weights; moments in place where no other tensor shares them
  const outs = vars.map((v, i) => ({
    w: be.makeOutput(v.shape, 'float32'),
    m: ownsBuffer(moments[i].m) ? null : be.makeOutput(v.shape, 'float32'),
    s: ownsBuffer(moments[i].s) ? null : be.makeOutput(v.shape, 'float32'),
  }))
  const ptr = (t: tf.TensorInfo) => be.getMemoryOffset(t.dataId)
  const out = callStep(be, kernels, biases, frozen, normalize, b, 0, [k.b1, k.b2, k.c1, k.c2, k.d1, k.d2, k.eps, k.lr], (j) => {
    const [ow, ob, mw, mb] = [outs[j], outs[j + 1], moments[j], moments[j + 1]]
    return [ptr(ow.w), ptr(ob.w), ptr(mw.m), ptr(mb.m), ptr(mw.s), ptr(mb.s), ptr(ow.m ?? mw.m), ptr(ob.m ?? mb.m), ptr(ow.s ?? mw.s), ptr(ob.s ?? mb.s)]
  })
  vars.forEach((v, i) => assignOutputs([[moments[i].m, outs[i].m], [moments[i].s, outs[i].s], [v, outs[i].w]]))
  adamFinish(opt, k)
  return { loss: out.loss, active: out.active, gradNorm: Math.sqrt(out.sumSq) }
}

/**
 * The same forward and backward pass without the update: the loss, the active share and the
 * gradients of the trainable variables (trainableVariables order; the caller disposes them). For
 * the data-parallel shares (model/step.ts fusedPairGrads, which the workers and the training thread call).
 */
export function mlpGradsWasm(
  kernels: tf.Tensor[],
  biases: tf.Tensor[],
  frozen: number,
  normalize: boolean,
  b: MlpStepBatch,
): { loss: number; active: number; grads: tf.Tensor[] } | null {
  if (kernels.length > MAX_LAYERS || !wasmStepAvailable()) return null
  const be = tf.backend() as unknown as WasmBackend
  const infos = kernels.slice(frozen).flatMap((k, i) => [k, biases[frozen + i]]).map((v) => be.makeOutput(v.shape, 'float32'))
  const out = callStep(be, kernels, biases, frozen, normalize, b, 1, new Array(8).fill(0), (j) => [
    be.getMemoryOffset(infos[j].dataId),
    be.getMemoryOffset(infos[j + 1].dataId),
    ...new Array(8).fill(0),
  ])
  return { loss: out.loss, active: out.active, grads: infos.map((t) => tf.engine().makeTensorFromTensorInfo(t)) }
}

/**
 * Fills the parameter block and runs mlp_step. `layer(j)`: the ten pointers after a trainable
 * layer's kernel and bias (mlp-step.c LWN..LVBO), j = its first variable's index among the trainable ones.
 */
function callStep(
  be: WasmBackend,
  kernels: tf.Tensor[],
  biases: tf.Tensor[],
  frozen: number,
  normalize: boolean,
  b: MlpStepBatch,
  mode: 0 | 1,
  adam: number[],
  layer: (j: number) => number[],
): { loss: number; active: number; sumSq: number } {
  const inst = instanceFor(be)!
  const L = kernels.length
  const dims = [kernels[0].shape[0]!, ...kernels.map((w) => w.shape[1]!)]
  const d0 = dims[0]
  const N = (b.n + 3) & ~3
  const Pn = b.same.length
  let i32 = new Int32Array(inst.memory.buffer, inst.params, P.WORDS)
  i32.fill(0)
  i32[P.L] = L
  i32[P.N] = N
  i32.set(dims, P.DIMS)
  const xBytes = align(N * d0 * 4)
  const pairBytes = align(Pn * 4)
  const need = xBytes + 3 * pairBytes + inst.ex.mlp_scratch_bytes(inst.params)
  if (need > inst.arenaBytes) {
    if (inst.arena) be.wasm._free(inst.arena)
    inst.arena = be.wasm._malloc(need)
    inst.arenaBytes = need
  }
  // views after the last allocation: malloc may grow (and replace) the buffer
  const buf = inst.memory.buffer
  i32 = new Int32Array(buf, inst.params, P.WORDS)
  const f32 = new Float32Array(buf, inst.params, P.WORDS)
  const x = inst.arena
  const ia = x + xBytes
  const ib = ia + pairBytes
  const same = ib + pairBytes
  const xs = new Float32Array(buf, x, N * d0)
  xs.set(b.x.subarray(0, b.n * d0))
  xs.fill(0, b.n * d0)
  new Int32Array(buf, ia, Pn).set(b.ia)
  new Int32Array(buf, ib, Pn).set(b.ib)
  new Float32Array(buf, same, Pn).set(b.same)
  i32[P.F] = frozen
  i32[P.PAIRS] = Pn
  i32[P.NORM] = normalize ? 1 : 0
  i32[P.MODE] = mode
  i32.set([same + pairBytes, x, ia, ib, same], P.SCRATCH)
  for (let l = 0; l < L; l++) {
    const q = P.LAYER + 12 * l
    i32[q] = be.getMemoryOffset(kernels[l].dataId)
    i32[q + 1] = be.getMemoryOffset(biases[l].dataId)
    if (l >= frozen) i32.set(layer(2 * (l - frozen)), q + 2)
  }
  f32.set([b.margin, b.threshold, ...adam], P.FLOATS)
  inst.ex.mlp_step(inst.params)
  const out = new Float64Array(inst.memory.buffer, inst.params + P.OUT * 4, 3)
  return { loss: out[0], active: out[1], sumSq: out[2] }
}

const align = (n: number): number => (n + 15) & ~15
