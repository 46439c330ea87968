/**
 * MaxPoolGrad for the wasm backend as a tight JS loop over the backend's heap. The
 * backend's own kernel is a slow scalar loop (about a third of a CNN training step
 * here); expressing it with tf ops needs rank-6 broadcasting, which is slower still.
 * Semantics match TensorFlow: each output's dy goes to the first maximal element of its
 * window in row-major order, summed where windows overlap. Handles 'valid' padding
 * (what our networks use); other cases use the backend's own kernel.
 * Checked against the cpu backend in test/unit/engine/kernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs'

type PoolAttrs = { filterSize: [number, number] | number; strides: [number, number] | number; pad: unknown; dimRoundingMode?: string }

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array
}

const pair = (v: [number, number] | number): [number, number] => (Array.isArray(v) ? v : [v, v])

export function maxPoolGradLoop(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  shape: number[],
  outShape: number[],
  k: [number, number],
  s: [number, number],
): void {
  const [B, H, W, C] = shape
  const [, oh, ow] = outShape
  dx.fill(0)
  const bestIdx = new Int32Array(C)
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const o = ((b * oh + i) * ow + j) * C
        bestIdx.fill(-1)
        for (let di = 0; di < k[0]; di++) {
          const r = i * s[0] + di
          for (let dj = 0; dj < k[1]; dj++) {
            const base = ((b * H + r) * W + (j * s[1] + dj)) * C
            for (let c = 0; c < C; c++) {
              // first element equal to the window's max (y) wins, as in TensorFlow
              if (bestIdx[c] < 0 && x[base + c] === y[o + c]) bestIdx[c] = base + c
            }
          }
        }
        for (let c = 0; c < C; c++) if (bestIdx[c] >= 0) dx[bestIdx[c]] += dy[o + c]
      }
    }
  }
}

export function makeMaxPoolGradConfig(native: tf.KernelFunc | null): tf.KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { dy, input, output } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo }
      const attrs = args.attrs as unknown as PoolAttrs
      if (!(attrs.pad === 'valid' || attrs.pad === 0) || input.dtype !== 'float32') {
        if (!native) throw new Error('MaxPoolGrad (wasm): padded pooling needs the backend kernel')
        return native(args)
      }
      const be = args.backend as unknown as WasmHeapBackend
      const out = be.makeOutput(input.shape, 'float32')
      // Views are taken after the allocation: malloc may grow (and replace) the heap buffer.
      maxPoolGradLoop(
        be.typedArrayFromHeap(input),
        be.typedArrayFromHeap(output),
        be.typedArrayFromHeap(dy),
        be.typedArrayFromHeap(out),
        input.shape,
        output.shape,
        pair(attrs.filterSize),
        pair(attrs.strides),
      )
      return out
    },
  }
}
