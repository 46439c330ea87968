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
  if (k[0] === 2 && k[1] === 2 && s[0] === 2 && s[1] === 2) return maxPoolGrad2x2(x, y, dy, dx, shape, outShape)
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

/**
 * The 2x2 / stride 2 case (our CNN's pooling) without the per-window index buffer: each
 * window's four inputs get dy or 0 in one pass, 3-4x faster than the general loop here.
 */
function maxPoolGrad2x2(x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, shape: number[], outShape: number[]): void {
  const [B, H, W, C] = shape
  const [, oh, ow] = outShape
  // Rows/columns past the last full window (odd H or W) receive nothing.
  if (H !== 2 * oh || W !== 2 * ow) dx.fill(0)
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
          const m = y[o + c]
          const g = dy[o + c]
          // first element equal to the window's max (row-major) wins, as in TensorFlow
          const a0 = x[r0 + c] === m
          const a1 = !a0 && x[r1 + c] === m
          const a2 = !a0 && !a1 && x[r2 + c] === m
          const a3 = !a0 && !a1 && !a2 && x[r3 + c] === m
          dx[r0 + c] = a0 ? g : 0
          dx[r1 + c] = a1 ? g : 0
          dx[r2 + c] = a2 ? g : 0
          dx[r3 + c] = a3 ? g : 0
        }
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
