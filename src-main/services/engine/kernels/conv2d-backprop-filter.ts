/**
 * Conv2DBackpropFilter for the wasm backend, which ships without it (tfjs 4.22), so
 * no convolutional network can train there. The filter gradient of an NHWC convolution is
 *   dW[i, j, c, o] = sum_{b, y, x} xpad[b, y*sh + i*dh, x*sw + j*dw, c] * dy[b, y, x, o]
 * computed as im2col + one matrix product: the fh*fw shifted (strided) views of the
 * padded input are stacked into cols [B*outH*outW, fh*fw*C] and dW = cols^T . dy
 * [B*outH*outW, O], which runs in XNNPACK's SIMD GEMM on the wasm backend.
 * Checked against the plain-JS (cpu) backend in test/unit/engine/kernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs'
import { backend_util } from '@tensorflow/tfjs'

type Attrs = {
  strides: [number, number] | number
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  filterShape: [number, number, number, number]
}

function asTensor(t: tf.TensorInfo): tf.Tensor {
  return (t as tf.Tensor).rank !== undefined ? (t as tf.Tensor) : tf.engine().makeTensorFromTensorInfo(t)
}

export function conv2dBackpropFilterIm2col(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Attrs): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported')
  const info = backend_util.computeConv2DInfo(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast')
  const { batchSize: B, inChannels: C, outChannels: O, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info
  const dh = info.dilationHeight
  const dw = info.dilationWidth
  return tf.tidy(() => {
    const top = info.padInfo.top
    const left = info.padInfo.left
    const needH = (oh - 1) * sh + (fh - 1) * dh + 1
    const needW = (ow - 1) * sw + (fw - 1) * dw + 1
    const bottom = Math.max(0, needH - (x.shape[1] + top))
    const right = Math.max(0, needW - (x.shape[2] + left))
    const xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x
    const taps: tf.Tensor[] = []
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const y0 = i * dh
        const x0 = j * dw
        taps.push(
          sh === 1 && sw === 1
            ? tf.slice(xp, [0, y0, x0, 0], [B, oh, ow, C])
            : tf.stridedSlice(xp, [0, y0, x0, 0], [B, y0 + (oh - 1) * sh + 1, x0 + (ow - 1) * sw + 1, C], [1, sh, sw, 1]),
        )
      }
    }
    const n = B * oh * ow
    const cols = taps.length === 1 ? tf.reshape(taps[0], [n, C]) : tf.reshape(tf.stack(taps, 3), [n, fh * fw * C])
    const dW = tf.matMul(cols as tf.Tensor2D, tf.reshape(dy, [n, O]) as tf.Tensor2D, true, false)
    return tf.reshape(dW, [fh, fw, C, O]) as tf.Tensor4D
  })
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo }
    return conv2dBackpropFilterIm2col(asTensor(x) as tf.Tensor4D, asTensor(dy) as tf.Tensor4D, attrs as unknown as Attrs)
  },
}
