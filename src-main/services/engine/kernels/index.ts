/**
 * Kernels the wasm backend lacks for training, registered before the backend starts.
 * Add a kernel here only together with a numerical test against the cpu backend.
 */
import * as tf from '@tensorflow/tfjs'
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter'

export const WASM_TRAINING_KERNELS: tf.KernelConfig[] = [conv2dBackpropFilterConfig]

/** Registers the missing wasm kernels once; returns the names registered by this call. */
export function registerWasmTrainingKernels(): string[] {
  const added: string[] = []
  for (const k of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(k.kernelName, k.backendName)) continue
    tf.registerKernel(k)
    added.push(k.kernelName)
  }
  return added
}
