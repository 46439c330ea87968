/**
 * A faster Conv2DBackpropInput for the wasm backend. Its own kernel is a plain loop
 * (4-10x slower than the forward convolution here); for stride 1 the input gradient is
 * the 'full' convolution of dy with the spatially flipped filter, in/out channels swapped:
 *   dx = conv2d(dy, transpose(reverse(W, [0, 1]), [0, 1, 3, 2]), pad = (f - 1 - forward pad))
 * which runs in XNNPACK's Conv2D. Strided or dilated cases keep the backend's own kernel.
 */
import * as tf from '@tensorflow/tfjs'
import { backend_util } from '@tensorflow/tfjs'
import { asTensor, type ConvAttrs } from './conv2d-backprop-filter'

export function makeConv2dBackpropInputConfig(fallback: tf.KernelFunc | null): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo }
      const attrs = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] }
      const info = backend_util.computeConv2DInfo(
        attrs.inputShape,
        filter.shape as [number, number, number, number],
        attrs.strides,
        1,
        attrs.pad,
        attrs.dimRoundingMode,
        false,
        'channelsLast',
      )
      const p = info.padInfo
      const pads = [info.filterHeight - 1 - p.top, info.filterHeight - 1 - p.bottom, info.filterWidth - 1 - p.left, info.filterWidth - 1 - p.right]
      const simple =
        attrs.dataFormat !== 'NCHW' &&
        info.strideHeight === 1 &&
        info.strideWidth === 1 &&
        info.dilationHeight === 1 &&
        info.dilationWidth === 1 &&
        pads.every((v) => v >= 0)
      if (!simple) {
        if (!fallback) throw new Error('Conv2DBackpropInput (wasm): strided/dilated case needs the backend kernel')
        return fallback(args)
      }
      return tf.tidy(() => {
        const w = tf.transpose(tf.reverse(asTensor(filter), [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D
        const pad: backend_util.ExplicitPadding = [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]]
        const dx = tf.conv2d(asTensor(dy) as tf.Tensor4D, w, 1, pad)
        if (dx.shape[1] !== attrs.inputShape[1] || dx.shape[2] !== attrs.inputShape[2]) {
          return tf.slice(dx, [0, 0, 0, 0], [-1, attrs.inputShape[1], attrs.inputShape[2], -1])
        }
        return dx
      })
    },
  }
}
