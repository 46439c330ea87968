/**
 * Adam's update for the wasm backend as one loop per variable over the wasm heap, in place of
 * tf.train.adam's ~14 kernel dispatches per variable (mul, add, square, div, sqrt, assign...).
 * It updates the optimizer's own state - the moments `accumulatedFirstMoment` /
 * `accumulatedSecondMoment`, `accBeta1` / `accBeta2` and the iteration count - so
 * getWeights / setWeights (checkpoints, resume) see exactly what tf.train.adam keeps. The
 * arithmetic is the same formula in float64 stored as float32, i.e. equal to tfjs's float32 ops up
 * to rounding (test/unit/engine/fused-mlp.test.ts). New weights go to fresh heap buffers and are
 * assigned, never written in place, so a clone sharing a variable's buffer keeps its values (and
 * XNNPACK's cached packing of the old weights is dropped with the old buffer); the moments, which
 * only this loop reads, are updated in place where no other tensor shares their buffer.
 */
import * as tf from '@tensorflow/tfjs'

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array
  refCount(dataId: tf.DataId): number
}

interface OptimizerVariable {
  originalName: string
  variable: tf.Variable
}

/** The fields of tfjs 4.22's AdamOptimizer this update reads and writes. */
interface AdamState {
  learningRate: number
  beta1: number
  beta2: number
  epsilon: number
  accBeta1: tf.Variable
  accBeta2: tf.Variable
  accumulatedFirstMoment: (OptimizerVariable | undefined)[]
  accumulatedSecondMoment: (OptimizerVariable | undefined)[]
  incrementIterations(): void
}

/**
 * The element loop, monomorphic (Float32Array arguments only) so V8 optimises it: each float32 op
 * of tf.train.adam rounded with Math.fround in the same order. Returns the sum of squared gradients.
 */
function adamLoop(
  g: Float32Array,
  m0: Float32Array,
  s0: Float32Array,
  w0: Float32Array,
  m1: Float32Array,
  s1: Float32Array,
  w1: Float32Array,
  b1: number,
  b2: number,
  c1: number,
  c2: number,
  d1: number,
  d2: number,
  eps: number,
  lr: number,
): number {
  const f32 = Math.fround
  let sq = 0
  for (let k = 0; k < g.length; k++) {
    const gk = g[k]
    sq += gk * gk
    const mk = f32(f32(m0[k] * b1) + f32(gk * c1))
    const sk = f32(f32(s0[k] * b2) + f32(f32(gk * gk) * c2))
    m1[k] = mk
    s1[k] = sk
    // the store into the Float32Array rounds the last sum as Math.fround would
    w1[k] = f32(f32(f32(mk / d1) / f32(f32(Math.sqrt(f32(sk / d2))) + eps)) * lr) + w0[k]
  }
  return sq
}

/** Whether `opt` is a tf.train.adam optimizer whose state this module knows how to update. */
export function isAdam(opt: tf.Optimizer): boolean {
  const a = opt as unknown as Partial<AdamState>
  return (
    opt.getClassName() === 'Adam' &&
    typeof a.learningRate === 'number' &&
    Array.isArray(a.accumulatedFirstMoment) &&
    Array.isArray(a.accumulatedSecondMoment) &&
    a.accBeta1 instanceof tf.Variable &&
    typeof a.incrementIterations === 'function'
  )
}

/** tf.train.adam's constants for this step as float32 (bias corrections from the beta powers). */
export interface AdamScalars {
  b1: number
  b2: number
  c1: number
  c2: number
  d1: number
  d2: number
  eps: number
  /** -learning rate */
  lr: number
}

/** The constants of the coming step (reads the beta powers from the wasm heap). */
export function adamScalars(opt: tf.Optimizer): AdamScalars {
  const a = opt as unknown as AdamState
  const be = tf.backend() as unknown as WasmHeapBackend
  const f32 = Math.fround
  return {
    b1: f32(a.beta1),
    b2: f32(a.beta2),
    c1: f32(1 - a.beta1),
    c2: f32(1 - a.beta2),
    eps: f32(a.epsilon),
    lr: f32(-a.learningRate),
    d1: f32(1 - be.typedArrayFromHeap(a.accBeta1)[0]),
    d2: f32(1 - be.typedArrayFromHeap(a.accBeta2)[0]),
  }
}

/** The moment variables of vars[i], created (zeros, as tf.train.adam does) on first use. */
export function adamMoments(opt: tf.Optimizer, vars: tf.Variable[], i: number): { m: tf.Variable; s: tf.Variable } {
  const a = opt as unknown as AdamState
  const v = vars[i]
  for (const [slots, suffix] of [[a.accumulatedFirstMoment, 'm'], [a.accumulatedSecondMoment, 'v']] as const) {
    if (!slots[i]) slots[i] = { originalName: `${v.name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(v).variable(false)) }
  }
  return { m: a.accumulatedFirstMoment[i]!.variable, s: a.accumulatedSecondMoment[i]!.variable }
}

/** Ends a step: the beta powers times beta (float32) and the iteration count, as tf.train.adam does. */
export function adamFinish(opt: tf.Optimizer, k: AdamScalars): void {
  const a = opt as unknown as AdamState
  const be = tf.backend() as unknown as WasmHeapBackend
  for (const [acc, beta] of [[a.accBeta1, k.b1], [a.accBeta2, k.b2]] as const) {
    const t = tf.scalar(Math.fround(be.typedArrayFromHeap(acc)[0] * beta))
    acc.assign(t)
    t.dispose()
  }
  a.incrementIterations()
}

/**
 * Whether a moment buffer may be written in place: only its variable references it. A shared one
 * (e.g. a reshape's view) gets its new values in a fresh buffer that is then assigned.
 */
export function ownsBuffer(t: tf.Tensor): boolean {
  return (tf.backend() as unknown as WasmHeapBackend).refCount(t.dataId) === 1
}

/**
 * One Adam step: vars[i] -= lr * m_hat / (sqrt(v_hat) + eps) with gradient grads[i] (same shapes).
 * Returns the gradient's global L2 norm (the step diagnostic), summed in float64.
 */
export function adamApplyWasm(opt: tf.Optimizer, vars: tf.Variable[], grads: tf.Tensor[]): number {
  const be = tf.backend() as unknown as WasmHeapBackend
  const k = adamScalars(opt)
  let sq = 0
  vars.forEach((v, i) => {
    const { m, s } = adamMoments(opt, vars, i)
    // The weights always get a fresh buffer: XNNPACK caches its packed copy of a matmul's weights
    // by buffer, so weights written in place would leave that copy stale.
    const outM = ownsBuffer(m) ? null : be.makeOutput(v.shape, 'float32')
    const outS = ownsBuffer(s) ? null : be.makeOutput(v.shape, 'float32')
    const outW = be.makeOutput(v.shape, 'float32')
    // views after every allocation: malloc may grow (and replace) the heap
    const g = be.typedArrayFromHeap(grads[i])
    const m0 = be.typedArrayFromHeap(m)
    const s0 = be.typedArrayFromHeap(s)
    const w0 = be.typedArrayFromHeap(v)
    const m1 = outM ? be.typedArrayFromHeap(outM) : m0
    const s1 = outS ? be.typedArrayFromHeap(outS) : s0
    const w1 = be.typedArrayFromHeap(outW)
    sq += adamLoop(g, m0, s0, w0, m1, s1, w1, k.b1, k.b2, k.c1, k.c2, k.d1, k.d2, k.eps, k.lr)
    assignOutputs([[m, outM], [s, outS], [v, outW]])
  })
  adamFinish(opt, k)
  return Math.sqrt(sq)
}

/** Each variable takes the buffer written for it (null: written in place). */
export function assignOutputs(pairs: [tf.Variable, tf.TensorInfo | null][]): void {
  for (const [target, info] of pairs) {
    if (!info) continue
    const t = tf.engine().makeTensorFromTensorInfo(info)
    target.assign(t)
    t.dispose()
  }
}
