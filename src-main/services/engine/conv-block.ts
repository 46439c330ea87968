/**
 * One convolutional block of the CNN - conv 3x3 'same' + bias + ReLU, optionally followed by
 * 2x2 max pooling - as a single op with its own gradient, for the wasm backend.
 *
 * Why: under gradient recording tfjs splits a fused conv into Conv2D + Add + Relu, and its
 * backward pass runs ReluGrad, MaxPoolGrad and a Sum over [B, H, W] for the bias (which the
 * wasm backend transposes first): five full passes over the block's largest tensor. Here the
 * forward pass is one FusedConv2D (XNNPACK applies bias and ReLU in place) plus the pooling,
 * and the backward pass is one loop over the wasm heap that routes the pooled gradient to each
 * window's first maximum (TensorFlow's rule), applies the ReLU mask and sums the bias gradient;
 * then the two convolution gradients (engine/kernels). Same values as the composed ops up to
 * float rounding; checked against the cpu backend in test/unit/engine/conv-block.test.ts.
 */
import * as tf from '@tensorflow/tfjs'

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array
}

/**
 * dz = ReLU'(y) * (dp routed through 2x2/stride-2 max pooling of y, or dp itself when not pooled);
 * db[c] = sum of dz over [B, H, W]. y is the block's post-ReLU conv output [B, H, W, C].
 */
export function reluPoolBackward(y: Float32Array, p: Float32Array | null, dp: Float32Array, dz: Float32Array, db: Float64Array, shape: number[]): void {
  const [B, H, W, C] = shape
  db.fill(0)
  if (!p) {
    for (let k = 0, n = y.length; k < n; k += C) {
      for (let c = 0; c < C; c++) {
        const g = y[k + c] > 0 ? dp[k + c] : 0
        dz[k + c] = g
        db[c] += g
      }
    }
    return
  }
  const oh = H >> 1
  const ow = W >> 1
  // Rows/columns past the last full window (odd H or W) receive nothing.
  if (H !== 2 * oh || W !== 2 * ow) dz.fill(0)
  const rowStep = W * C
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < oh; i++) {
      let o = (b * oh + i) * ow * C
      let r0 = (b * H + 2 * i) * rowStep
      for (let j = 0; j < ow; j++, o += C, r0 += 2 * C) {
        const r1 = r0 + C
        const r2 = r0 + rowStep
        const r3 = r2 + C
        for (let c = 0; c < C; c++) {
          const m = p[o + c]
          // a window whose maximum is 0 had every ReLU input <= 0: no gradient
          const g = m > 0 ? dp[o + c] : 0
          const a0 = y[r0 + c] === m
          const a1 = !a0 && y[r1 + c] === m
          const a2 = !a0 && !a1 && y[r2 + c] === m
          dz[r0 + c] = a0 ? g : 0
          dz[r1 + c] = a1 ? g : 0
          dz[r2 + c] = a2 ? g : 0
          dz[r3 + c] = !a0 && !a1 && !a2 ? g : 0
          db[c] += g
        }
      }
    }
  }
}

/**
 * conv3x3('same') + bias + ReLU (+ 2x2 max pool) with the fused backward pass above.
 * `inputNeedsGrad` = false leaves x out of the gradient (the network's input, or the output
 * of frozen layers), so its (unused) gradient is never computed.
 */
export function convBlockWasm(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, pool: boolean, inputNeedsGrad: boolean): tf.Tensor4D {
  const forward = (xs: tf.Tensor4D, ws: tf.Tensor4D, bs: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const y = tf
      .engine()
      .runKernel(
        'FusedConv2D',
        { x: xs, filter: ws, bias: bs },
        { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' },
      ) as tf.Tensor4D
    const p = pool ? tf.maxPool(y, 2, 2, 'valid') : null
    save(p ? [xs, ws, y, p] : [xs, ws, y])
    const value = p ?? y
    return {
      value,
      gradFunc: (dv: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy, sp] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D | undefined]
        const be = tf.backend() as unknown as WasmHeapBackend
        const dzInfo = be.makeOutput(sy.shape, 'float32')
        const db = new Float64Array(sy.shape[3])
        // Views after the allocation: malloc may grow (and replace) the heap buffer.
        reluPoolBackward(
          be.typedArrayFromHeap(sy),
          sp ? be.typedArrayFromHeap(sp) : null,
          be.typedArrayFromHeap(dv),
          be.typedArrayFromHeap(dzInfo),
          db,
          sy.shape,
        )
        const dz = tf.engine().makeTensorFromTensorInfo(dzInfo) as tf.Tensor4D
        const conv = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] }
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: sx, dy: dz }, { ...conv, filterShape: sw.shape }) as tf.Tensor
        const grads = [dw, tf.tensor1d(Float32Array.from(db))]
        if (inputNeedsGrad) grads.unshift(tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: sw }, { ...conv, inputShape: sx.shape }) as tf.Tensor)
        dz.dispose()
        return grads
      },
    }
  }
  if (inputNeedsGrad) return tf.customGrad(forward as never)(x, w, b) as tf.Tensor4D
  return tf.customGrad(((ws: tf.Tensor4D, bs: tf.Tensor1D, save: tf.GradSaveFunc) => forward(x, ws, bs, save)) as never)(w, b) as tf.Tensor4D
}
