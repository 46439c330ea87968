/**
 * Worker thread of data-parallel training (engine/data-parallel.ts): its own TensorFlow.js
 * instance (wasm backend) with a copy of the network. Per step it receives the current
 * weights and its share of the pair batch, and returns the gradients of the mean loss over
 * that share (flat, in the order of `trainableVariables(frozen)`) and the loss value.
 */
import { parentPort, workerData } from 'node:worker_threads'
import * as tf from '@tensorflow/tfjs'
import { initBackend } from './backend'
import { buildNetwork } from '../model/networks'
import { pairBatchLoss } from '../model/step'
import type { Architecture, LossConfig } from '../model/types'

export interface GradStepMessage {
  type: 'step'
  /** All weights of the network (every layer's kernel then bias), flattened. */
  weights: Float32Array
  /** Items [a_0..a_{p-1}, b_0..b_{p-1}] of this share, row-major. */
  x: Float32Array
  same: Float32Array
  frozen: number
  loss: LossConfig
}
export type GradReply = { type: 'ready'; backend: string } | { type: 'grads'; grads: Float32Array; loss: number } | { type: 'error'; message: string }

const { arch, itemShape } = workerData as { arch: Architecture; itemShape: number[] }
const port = parentPort!
const info = await initBackend()
const net = buildNetwork(arch, 1)
const vars = net.layers.flatMap((l) => [l.kernel, l.bias])

function step(m: GradStepMessage): GradReply {
  let off = 0
  for (const v of vars) {
    const t = tf.tensor(m.weights.subarray(off, off + v.size), v.shape)
    v.assign(t)
    t.dispose()
    off += v.size
  }
  const trainable = net.trainableVariables(m.frozen)
  const p = m.same.length
  return tf.tidy(() => {
    const x = tf.tensor(m.x, [2 * p, ...itemShape])
    const same = tf.tensor1d(m.same)
    const { value, grads } = tf.variableGrads(() => pairBatchLoss(net, x, same, m.loss, m.frozen), trainable)
    const total = trainable.reduce((s, v) => s + v.size, 0)
    const flat = new Float32Array(total)
    let o = 0
    for (const v of trainable) {
      flat.set(grads[v.name].dataSync() as Float32Array, o)
      o += v.size
    }
    return { type: 'grads' as const, grads: flat, loss: value.dataSync()[0] }
  })
}

port.on('message', (m: GradStepMessage) => {
  try {
    const r = step(m)
    port.postMessage(r, r.type === 'grads' ? [r.grads.buffer as ArrayBuffer] : [])
  } catch (err) {
    port.postMessage({ type: 'error', message: (err as Error).message } satisfies GradReply)
  }
})
port.postMessage({ type: 'ready', backend: info.name } satisfies GradReply)
