/**
 * The MLP's trainable dense layers - matmul + bias + ReLU per hidden layer, a linear last layer,
 * then the optional L2 normalisation of each row - as one op with its own gradient, for the wasm
 * backend.
 *
 * Why: under gradient recording tfjs splits each fused matmul into MatMul + Add + Relu and the
 * normalisation into Square, Sum, Add, Rsqrt, Mul; its backward pass then runs ReluGrad, a bias
 * Sum, broadcasting bookkeeping and the normalisation's chain rule op by op: about 150 kernel
 * dispatches a step for a three-layer MLP whose arithmetic takes ~2 ms. Here the forward pass is
 * one `_FusedMatMul` per layer (XNNPACK applies bias and ReLU) plus one loop over the wasm heap
 * for the normalisation, and the backward pass is two XNNPACK matmuls per layer (dW = h^T dz,
 * dh = dz W^T) plus one heap loop per layer for the ReLU mask and the bias sum (float64).
 * Same values as the composed ops up to float rounding (test/unit/engine/fused-mlp.test.ts
 * against the cpu backend; test/unit/model/training-identical.test.ts for whole trainings).
 */
import * as tf from '@tensorflow/tfjs'

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array
}

const heapBackend = () => tf.backend() as unknown as WasmHeapBackend

/** y = e / sqrt(|e|^2 + 1e-12) row by row ([n, d]), as l2Normalize computes it (sums in float64). */
export function l2Rows(e: Float32Array, y: Float32Array, d: number): void {
  for (let r = 0; r < e.length; r += d) {
    let s = 0
    for (let k = 0; k < d; k++) s += e[r + k] * e[r + k]
    const inv = 1 / Math.sqrt(s + 1e-12)
    for (let k = 0; k < d; k++) y[r + k] = e[r + k] * inv
  }
}

/** de = (dy - y (y . dy)) / sqrt(|e|^2 + 1e-12): the gradient through l2Rows. */
export function l2RowsBackward(e: Float32Array, dy: Float32Array, de: Float32Array, d: number): void {
  for (let r = 0; r < e.length; r += d) {
    let s = 0
    let dot = 0
    for (let k = 0; k < d; k++) {
      s += e[r + k] * e[r + k]
      dot += e[r + k] * dy[r + k]
    }
    const inv = 1 / Math.sqrt(s + 1e-12)
    const c = dot * inv * inv * inv
    for (let k = 0; k < d; k++) de[r + k] = dy[r + k] * inv - e[r + k] * c
  }
}

/** In place dz *= (h > 0) (h: the layer's post-ReLU output, null: no mask); db[c] = column sums of dz. */
export function reluMaskBiasSum(h: Float32Array | null, dz: Float32Array, db: Float64Array): void {
  db.fill(0)
  if (h) maskedColumnSums(h, dz, db)
  else columnSums(dz, db)
}

function maskedColumnSums(h: Float32Array, dz: Float32Array, db: Float64Array): void {
  const C = db.length
  for (let r = 0; r < dz.length; r += C) {
    for (let c = 0; c < C; c++) {
      if (h[r + c] > 0) db[c] += dz[r + c]
      else dz[r + c] = 0
    }
  }
}

function columnSums(dz: Float32Array, db: Float64Array): void {
  const C = db.length
  for (let r = 0; r < dz.length; r += C) for (let c = 0; c < C; c++) db[c] += dz[r + c]
}

/** Forward pass of the stack: every layer's output (outs[0] = x; outs[L] raw, before the normalisation) and the result. */
export function denseForward(x: tf.Tensor2D, ws: tf.Tensor2D[], bs: tf.Tensor1D[], normalize: boolean): { outs: tf.Tensor2D[]; value: tf.Tensor2D } {
  const L = ws.length
  const outs: tf.Tensor2D[] = [x]
  let h = x
  for (let i = 0; i < L; i++) {
    h = tf.fused.matMul({ a: h, b: ws[i], bias: bs[i], activation: i < L - 1 ? 'relu' : 'linear' }) as tf.Tensor2D
    outs.push(h)
  }
  if (!normalize) return { outs, value: h }
  const be = heapBackend()
  const out = be.makeOutput(h.shape, 'float32')
  l2Rows(be.typedArrayFromHeap(h), be.typedArrayFromHeap(out), h.shape[1])
  return { outs, value: tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor2D }
}

/**
 * Backward pass: the gradients [dW_0, db_0, dW_1, ...] of the stack's kernels and biases for the
 * output gradient dy (of the normalised output when `normalize`). No gradient for x.
 */
export function denseBackward(outs: tf.Tensor2D[], ws: tf.Tensor2D[], dy: tf.Tensor2D, normalize: boolean): tf.Tensor[] {
  const L = ws.length
  const be = heapBackend()
  const info = be.makeOutput(dy.shape, 'float32')
  // a buffer of its own: the masks below write into dz
  if (normalize) l2RowsBackward(be.typedArrayFromHeap(outs[L]), be.typedArrayFromHeap(dy), be.typedArrayFromHeap(info), dy.shape[1])
  else be.typedArrayFromHeap(info).set(be.typedArrayFromHeap(dy))
  let dz = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D
  const grads: tf.Tensor[] = new Array(2 * L)
  for (let i = L - 1; i >= 0; i--) {
    // dz: the gradient of this layer's output; for hidden layers the ReLU mask makes it the pre-activation's
    const db = new Float64Array(dz.shape[1])
    reluMaskBiasSum(i < L - 1 ? be.typedArrayFromHeap(outs[i + 1]) : null, be.typedArrayFromHeap(dz), db)
    grads[2 * i] = tf.matMul(outs[i], dz, true, false)
    grads[2 * i + 1] = tf.tensor1d(Float32Array.from(db))
    const next = i > 0 ? (tf.matMul(dz, ws[i], false, true) as tf.Tensor2D) : null
    dz.dispose()
    if (next) dz = next
  }
  return grads
}

/**
 * x [n, in] through dense layers (kernels[i] [in_i, out_i], biases[i] [out_i]); ReLU after every
 * layer but the last; rows L2-normalised when `normalize`. x gets no gradient (the network's
 * input, or the output of frozen layers).
 */
export function denseStackWasm(x: tf.Tensor2D, kernels: tf.Tensor2D[], biases: tf.Tensor1D[], normalize: boolean): tf.Tensor2D {
  const L = kernels.length
  const f = (...args: unknown[]) => {
    const save = args[2 * L] as tf.GradSaveFunc
    const ws = args.filter((_, i) => i < 2 * L && i % 2 === 0) as tf.Tensor2D[]
    const bs = args.filter((_, i) => i < 2 * L && i % 2 === 1) as tf.Tensor1D[]
    const { outs, value } = denseForward(x, ws, bs, normalize)
    save([...outs, ...ws])
    return {
      value,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        denseBackward(saved.slice(0, L + 1) as tf.Tensor2D[], saved.slice(L + 1) as tf.Tensor2D[], dy, normalize),
    }
  }
  const inputs = kernels.flatMap((k, i) => [k, biases[i]])
  return tf.customGrad(f as never)(...inputs) as tf.Tensor2D
}
