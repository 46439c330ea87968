/**
 * Kernels the wasm backend lacks (or has only as slow loops) for training, registered
 * before the backend starts. Each comes with a numerical test against the cpu backend
 * (test/unit/engine/kernels.test.ts) and a measurement in docs/engine.md.
 */
import * as tf from '@tensorflow/tfjs'
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter'
import { makeConv2dBackpropInputConfig } from './conv2d-backprop-input'
import { makeBatchMatMulConfig } from './batch-matmul'
import { makeMaxPoolGradConfig } from './max-pool-grad'

export const WASM_TRAINING_KERNEL_NAMES = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput (stride 1 via Conv2D)',
  'BatchMatMul (transposed via Transpose)',
  'MaxPoolGrad (non-overlapping via masks)',
]

let registered: string[] | null = null

/** Registers the wasm training kernels once (after '@tensorflow/tfjs-backend-wasm' is imported). */
export function registerWasmTrainingKernels(): string[] {
  if (registered) return registered
  registered = []
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel(conv2dBackpropFilterConfig)
    registered.push('Conv2DBackpropFilter')
  }
  const native = tf.getKernel('Conv2DBackpropInput', 'wasm')
  if (native) tf.unregisterKernel('Conv2DBackpropInput', 'wasm')
  // Keep the native kernel's setupFunc: the backend calls it at start to bind the wasm function the fallback uses.
  tf.registerKernel({ ...makeConv2dBackpropInputConfig(native ? native.kernelFunc : null), setupFunc: native?.setupFunc })
  registered.push('Conv2DBackpropInput')
  const mm = tf.getKernel('BatchMatMul', 'wasm')
  if (mm) {
    tf.unregisterKernel('BatchMatMul', 'wasm')
    tf.registerKernel({ ...makeBatchMatMulConfig(mm.kernelFunc), setupFunc: mm.setupFunc })
    registered.push('BatchMatMul')
  }
  const mpg = tf.getKernel('MaxPoolGrad', 'wasm')
  if (mpg) tf.unregisterKernel('MaxPoolGrad', 'wasm')
  tf.registerKernel({ ...makeMaxPoolGradConfig(mpg ? mpg.kernelFunc : null), setupFunc: mpg?.setupFunc })
  registered.push('MaxPoolGrad')
  return registered
}
