/**
 * The wasm CNN's fused conv+ReLU(+pool) block (engine/conv-block.ts) against the plain
 * composed ops on the cpu backend: forward values and every gradient of a whole Siamese
 * loss, with and without frozen layers, on odd input sizes (pooling leaves a remainder).
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { reluPoolBackward } from '../../../src-main/services/engine/conv-block'
import { buildNetwork, makeRng } from '../../../src-main/services/model/index'
import { pairBatchLoss } from '../../../src-main/services/model/step'
import type { Architecture } from '../../../src-main/services/model/types'

const arch: Architecture = { kind: 'cnn', frames: 15, mels: 10, channels: [4, 6, 8], embedding: 5 }
const loss = { name: 'contrastive' as const, margin: 1, temperature: 0.1 }

function rand(n: number, seed: number): Float32Array {
  const r = makeRng(seed)
  return Float32Array.from({ length: n }, () => r() * 2 - 1)
}

beforeAll(async () => {
  expect((await initBackend()).name).toBe('wasm')
})

/** Embeddings and the gradients of the pair loss w.r.t. the trainable variables, on one backend. */
async function run(backend: string, frozen: number) {
  await tf.setBackend(backend)
  const net = buildNetwork(arch, 11)
  // same weights on both backends, biases non-zero so the ReLU masks are not trivial
  net.layers.forEach((l, i) => {
    l.kernel.assign(tf.tensor(rand(l.kernel.size, 20 + i), l.kernel.shape))
    l.bias.assign(tf.tensor(rand(l.bias.size, 40 + i), l.bias.shape).mul(0.3))
  })
  const P = 3
  const x = tf.tensor(rand(2 * P * 15 * 10, 7), [2 * P, 15, 10])
  const same = tf.tensor1d([1, 0, 1])
  const emb = net.embed(x).arraySync()
  const vars = net.trainableVariables(frozen)
  const { value, grads } = tf.variableGrads(() => pairBatchLoss(net, x, same, loss, frozen), vars)
  const out = { emb, loss: value.dataSync()[0], grads: vars.map((v) => Array.from(grads[v.name].dataSync())) }
  tf.dispose([x, same, value, ...Object.values(grads)])
  net.dispose()
  await tf.setBackend('wasm')
  return out
}

function expectClose(a: number[], b: number[], tol: number) {
  expect(a.length).toBe(b.length)
  const scale = Math.max(1e-3, ...b.map(Math.abs))
  const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0)
  expect(worst / scale).toBeLessThan(tol)
}

describe('fused conv block (wasm) vs composed ops (cpu)', () => {
  for (const frozen of [0, 1, 2]) {
    it(`embedding and gradients agree, ${frozen} frozen layer(s)`, async () => {
      const w = await run('wasm', frozen)
      const c = await run('cpu', frozen)
      expectClose(w.emb.flat(), c.emb.flat(), 1e-4)
      expect(w.loss).toBeCloseTo(c.loss, 4)
      expect(w.grads.length).toBe(c.grads.length)
      w.grads.forEach((g, i) => expectClose(g, c.grads[i], 1e-3))
      // the gradients are not trivially zero
      expect(Math.max(...w.grads.flat().map(Math.abs))).toBeGreaterThan(1e-4)
    })
  }

  it('routes each window gradient to its first maximum, masks ReLU zeros and sums the bias gradient', () => {
    // one image 2x4, one channel: windows [[0,0],[0,0]] (all zero after ReLU) and [[5,5],[5,1]] (three-way tie)
    const y = Float32Array.from([0, 0, 5, 5, 0, 0, 5, 1])
    const p = Float32Array.from([0, 5])
    const dp = Float32Array.from([3, 7])
    const dz = new Float32Array(8)
    const db = new Float64Array(1)
    reluPoolBackward(y, p, dp, dz, db, [1, 2, 4, 1])
    expect(Array.from(dz)).toEqual([0, 0, 7, 0, 0, 0, 0, 0])
    expect(db[0]).toBe(7)
    const dz2 = new Float32Array(8)
    reluPoolBackward(y, null, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), dz2, db, [1, 2, 4, 1])
    expect(Array.from(dz2)).toEqual([0, 0, 3, 4, 0, 0, 7, 8])
    expect(db[0]).toBe(22)
  })
})
