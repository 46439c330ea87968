/**
 * Worker thread of data-parallel training (model/data-parallel.ts): its own TensorFlow.js
 * instance (wasm backend) with a copy of the network. Messages, answered in order:
 * - 'pairs': set the weights, return the gradient of the mean contrastive loss over this
 *   share of a pair batch, flat in the order of `trainableVariables(frozen)`, the loss and the
 *   share's active fraction;
 * - 'embed': set the weights, return the embeddings of this share of an item batch (kept);
 * - 'vjp': for the kept share and dL/dE of its embeddings (the loss is computed over the
 *   whole batch on the calling thread), return the gradient sum_i dE_i . dE_i/dtheta.
 */
import { parentPort, workerData } from 'node:worker_threads'
import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../engine/backend'
import { buildNetwork } from './networks'
import { fusedPairGrads, lossGrads, pairBatchOutput } from './step'
import type { Architecture, LossConfig } from './types'

export type GradRequest =
  /** `weights`: every layer's kernel then bias, flattened; `x`: items [a_0..a_{p-1}, b_0..b_{p-1}]. */
  | { type: 'pairs'; weights: Float32Array; x: Float32Array; same: Float32Array; frozen: number; loss: LossConfig }
  | { type: 'embed'; weights: Float32Array; x: Float32Array; n: number }
  | { type: 'vjp'; dE: Float32Array; frozen: number }
export type GradReply =
  | { type: 'ready'; backend: string }
  | { type: 'grads'; grads: Float32Array; loss: number; active: number }
  | { type: 'emb'; emb: Float32Array }
  | { type: 'error'; message: string }

const { arch, itemShape } = workerData as { arch: Architecture; itemShape: number[] }
const port = parentPort!
const info = await initBackend()
const net = buildNetwork(arch, 1)
const vars = net.layers.flatMap((l) => [l.kernel, l.bias])
let kept: tf.Tensor | null = null

function setWeights(w: Float32Array): void {
  let off = 0
  for (const v of vars) {
    const t = tf.tensor(w.subarray(off, off + v.size), v.shape)
    v.assign(t)
    t.dispose()
    off += v.size
  }
}

/** Gradients in the order of `trainable` (an array in that order, or a map by variable name), flat. */
function flatGrads(grads: tf.Tensor[] | tf.NamedTensorMap, trainable: tf.Variable[]): Float32Array {
  const flat = new Float32Array(trainable.reduce((s, v) => s + v.size, 0))
  let o = 0
  trainable.forEach((v, i) => {
    flat.set((Array.isArray(grads) ? grads[i] : grads[v.name]).dataSync() as Float32Array, o)
    o += v.size
  })
  return flat
}

function handle(m: GradRequest): GradReply {
  if (m.type === 'pairs') {
    setWeights(m.weights)
    const trainable = net.trainableVariables(m.frozen)
    const p = m.same.length
    const fused = fusedPairGrads(net, m.x, m.same, m.loss, m.frozen)
    if (fused) {
      try {
        return { type: 'grads', grads: flatGrads(fused.grads, trainable), loss: fused.loss, active: fused.active }
      } finally {
        tf.dispose(fused.grads)
      }
    }
    return tf.tidy(() => {
      const x = tf.tensor(m.x, [2 * p, ...itemShape])
      const same = tf.tensor1d(m.same)
      const { value, grads, active } = lossGrads(trainable, () => pairBatchOutput(net, x, same, m.loss, m.frozen))
      const share = active.dataSync()[0]
      active.dispose() // kept by lossGrads, so outside this tidy's reach
      return { type: 'grads' as const, grads: flatGrads(grads, trainable), loss: value.dataSync()[0], active: share }
    })
  }
  if (m.type === 'embed') {
    setWeights(m.weights)
    kept?.dispose()
    kept = tf.tensor(m.x, [m.n, ...itemShape])
    const e = net.embed(kept)
    const emb = new Float32Array(e.dataSync() as Float32Array) // own buffer, transferable
    e.dispose()
    return { type: 'emb', emb }
  }
  if (!kept) throw new Error("'vjp' before 'embed'")
  const x = kept
  const trainable = net.trainableVariables(m.frozen)
  return tf.tidy(() => {
    const dE = tf.tensor2d(m.dE, [x.shape[0], net.embeddingDim])
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(net.embed(x, m.frozen), dE)) as tf.Scalar, trainable)
    return { type: 'grads' as const, grads: flatGrads(grads, trainable), loss: 0, active: 0 }
  })
}

port.on('message', (m: GradRequest) => {
  try {
    const r = handle(m)
    port.postMessage(r, r.type === 'grads' ? [r.grads.buffer as ArrayBuffer] : r.type === 'emb' ? [r.emb.buffer as ArrayBuffer] : [])
  } catch (err) {
    port.postMessage({ type: 'error', message: (err as Error).message } satisfies GradReply)
  }
})
port.postMessage({ type: 'ready', backend: info.name } satisfies GradReply)
