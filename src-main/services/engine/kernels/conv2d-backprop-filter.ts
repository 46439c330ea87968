/**
 * Conv2DBackpropFilter for the wasm backend, which ships without it (tfjs 4.22), so
 * no convolutional network can train there. The filter gradient of an NHWC convolution is
 *   dW[i, j, c, o] = sum_{b, y, x} xpad[b, y*sh + i, x*sw + j, c] * dy[b, y, x, o]
 * which is itself a 'valid' convolution once batch and channels swap roles:
 *   input  X' = transpose(xpad) [C, Hp, Wp, B]   (batch C, channels B)
 *   filter F' = transpose(dy)   [oh, ow, B, O]
 *   conv2d(X', F', dilation = stride) -> [C, fh, fw, O] -> transpose -> [fh, fw, C, O]
 * so it runs in the backend's fast (XNNPACK, SIMD) Conv2D. Measured on this machine it is
 * 2-10x faster than im2col + a transposed matmul (docs/engine.md). Dilated convolutions
 * fall back to im2col + matmul. Checked against the cpu backend in test/unit/engine.
 */
import * as tf from '@tensorflow/tfjs'
import { backend_util } from '@tensorflow/tfjs'

export type ConvAttrs = {
  strides: [number, number] | number
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

export function asTensor(t: tf.TensorInfo): tf.Tensor {
  return (t as tf.Tensor).rank !== undefined ? (t as tf.Tensor) : tf.engine().makeTensorFromTensorInfo(t)
}

/** xpad cropped/padded to exactly the rows/cols the convolution reads. */
function paddedInput(x: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  const { outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const needH = (oh - 1) * sh + (fh - 1) * dh + 1
  const needW = (ow - 1) * sw + (fw - 1) * dw + 1
  const bottom = needH - (x.shape[1] + top)
  const right = needW - (x.shape[2] + left)
  let xp = x
  if (top || left || bottom > 0 || right > 0) xp = tf.pad(x, [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]])
  if (bottom < 0 || right < 0) xp = tf.slice(xp, [0, 0, 0, 0], [-1, needH, needW, -1])
  return xp
}

function viaConv(x: tf.Tensor4D, dy: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const xp = paddedInput(x, info)
    const X = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D
    const F = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D
    const r = tf.conv2d(X, F, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]) // [C, fh, fw, O]
    return tf.transpose(r, [1, 2, 0, 3]) as tf.Tensor4D
  })
}

function viaIm2col(x: tf.Tensor4D, dy: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  const {
    batchSize: B,
    inChannels: C,
    outChannels: O,
    outHeight: oh,
    outWidth: ow,
    filterHeight: fh,
    filterWidth: fw,
    strideHeight: sh,
    strideWidth: sw,
  } = info
  return tf.tidy(() => {
    const xp = paddedInput(x, info)
    const taps: tf.Tensor[] = []
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const y0 = i * info.dilationHeight
        const x0 = j * info.dilationWidth
        taps.push(tf.stridedSlice(xp, [0, y0, x0, 0], [B, y0 + (oh - 1) * sh + 1, x0 + (ow - 1) * sw + 1, C], [1, sh, sw, 1]))
      }
    }
    const n = B * oh * ow
    const cols = tf.reshape(tf.stack(taps, 3), [n, fh * fw * C])
    const dW = tf.matMul(tf.transpose(cols) as tf.Tensor2D, tf.reshape(dy, [n, O]) as tf.Tensor2D)
    return tf.reshape(dW, [fh, fw, C, O]) as tf.Tensor4D
  })
}

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array
}

/**
 * Stride 1: im2col + one plain matmul, on an "extended" output grid of Hp x Wp positions
 * per image (the padded input's size; the positions past oh x ow get dy = 0). On that grid
 * each row of the transposed im2col matrix, for tap (i, j) and channel c, is ONE contiguous
 * run of the transposed padded input xT [C, B*Hp*Wp] starting at c*N + i*Wp + j, so it is
 * built with one memcpy per row straight into the wasm heap (no per-element loop, no
 * Slice/Concat kernels). dW [fh*fw*C, O] = colsT [fh*fw*C, N] . dyExt [N, O] runs in
 * XNNPACK's GEMM, 2x faster here than the convolution form (docs/engine.md).
 * Reads past an image's end only happen at positions whose dy is 0.
 */
function viaShiftedRows(x: tf.Tensor4D, dy: tf.Tensor4D, info: backend_util.Conv2DInfo, be: WasmHeapBackend): tf.Tensor4D {
  const { inChannels: C, outChannels: O, filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow } = info
  return tf.tidy(() => {
    const xp = paddedInput(x, info) // [B, oh + fh - 1, ow + fw - 1, C]
    const [B, Hp, Wp] = xp.shape
    const N = B * Hp * Wp
    const xT = tf.transpose(xp, [3, 0, 1, 2]) // [C, B, Hp, Wp]
    const colsInfo = be.makeOutput([fh * fw * C, N], 'float32')
    // Views after the allocation: malloc may grow (and replace) the heap buffer.
    const src = be.typedArrayFromHeap(xT)
    const cols = be.typedArrayFromHeap(colsInfo)
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        for (let c = 0; c < C; c++) {
          const row = ((i * fw + j) * C + c) * N
          const start = c * N + i * Wp + j
          const len = Math.min(N, src.length - start)
          cols.set(src.subarray(start, start + len), row)
          if (len < N) cols.fill(0, row + len, row + N)
        }
      }
    }
    const colsT = tf.engine().makeTensorFromTensorInfo(colsInfo) as tf.Tensor2D
    const dyExt = tf.reshape(oh === Hp && ow === Wp ? dy : tf.pad(dy, [[0, 0], [0, Hp - oh], [0, Wp - ow], [0, 0]]), [N, O]) as tf.Tensor2D
    return tf.reshape(tf.matMul(colsT, dyExt), [fh, fw, C, O]) as tf.Tensor4D
  })
}

export function conv2dBackpropFilterWasm(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: ConvAttrs & { filterShape: [number, number, number, number] },
  be?: WasmHeapBackend,
): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported')
  const info = backend_util.computeConv2DInfo(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast')
  const undilated = info.dilationHeight === 1 && info.dilationWidth === 1
  if (undilated && info.strideHeight === 1 && info.strideWidth === 1 && be && x.dtype === 'float32') return viaShiftedRows(x, dy, info, be)
  return undilated ? viaConv(x, dy, info) : viaIm2col(x, dy, info)
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo }
    return conv2dBackpropFilterWasm(
      asTensor(x) as tf.Tensor4D,
      asTensor(dy) as tf.Tensor4D,
      attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] },
      backend as unknown as WasmHeapBackend,
    )
  },
}
