/**
 * The wasm MLP's fused training ops against the composed ops on the cpu backend:
 * - the dense stack (engine/dense-stack.ts): embeddings and every gradient of a Siamese loss,
 *   with and without frozen layers, with and without the L2 normalisation;
 * - the fused contrastive step (fusedPairGrads: dense stack + engine/pair-head.ts, and as one
 *   WebAssembly call, engine/mlp-step.ts, unless SER_WASM_STEP=0): loss, active share and
 *   gradients, with pairs on both sides of the margin;
 * - the fused Adam loop (engine/adam.ts): weights, moments and the iteration count after three
 *   steps equal tf.train.adam's on the cpu backend, and a clone taken before a step keeps its values.
 */
import * as tf from '@tensorflow/tfjs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { adamApplyWasm, isAdam } from '../../../src-main/services/engine/adam'
import { buildNetwork, makeRng } from '../../../src-main/services/model/index'
import { fusedPairGrads, pairBatchLoss } from '../../../src-main/services/model/step'
import { balancedLoss, batchMasks, disposeMasks, lossConfigFor } from '../../../src-main/services/model/losses'
import type { Architecture } from '../../../src-main/services/model/types'

function rand(n: number, seed: number): Float32Array {
  const r = makeRng(seed)
  return Float32Array.from({ length: n }, () => r() * 2 - 1)
}

beforeAll(async () => {
  expect((await initBackend()).name).toBe('wasm')
})
const savedWasmStep = process.env.SER_WASM_STEP
afterEach(() => {
  if (savedWasmStep === undefined) delete process.env.SER_WASM_STEP
  else process.env.SER_WASM_STEP = savedWasmStep
})

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number) {
  expect(a.length).toBe(b.length)
  const scale = Math.max(1e-3, ...Array.from(b, Math.abs))
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * scale)
}

const archOf = (normalize: 'l2' | 'none'): Architecture => ({ kind: 'mlp', inputDim: 7, hidden: [9, 6], embedding: 5, normalize })

function netFor(arch: Architecture) {
  const net = buildNetwork(arch, 3)
  net.layers.forEach((l, i) => {
    l.kernel.assign(tf.tensor(rand(l.kernel.size, 20 + i), l.kernel.shape))
    l.bias.assign(tf.tensor(rand(l.bias.size, 40 + i), l.bias.shape).mul(0.3))
  })
  return net
}

/** Embeddings, loss and gradients of a pair loss and of a balanced loss on one backend. */
async function run(backend: string, arch: Architecture, frozen: number) {
  await tf.setBackend(backend)
  const net = netFor(arch)
  const P = 4
  const x = tf.tensor(rand(2 * P * 7, 7), [2 * P, 7])
  const same = tf.tensor1d([1, 0, 1, 0])
  const vars = net.trainableVariables(frozen)
  const emb = Array.from(net.embed(x).dataSync())
  const pair = tf.variableGrads(() => pairBatchLoss(net, x, same, lossConfigFor('contrastive'), frozen), vars)
  const masks = batchMasks([0, 0, 1, 1, 2, 2, 0, 1])
  const bal = tf.variableGrads(() => balancedLoss(net.embed(x, frozen), masks, lossConfigFor('distance')).loss, vars)
  const out = {
    emb,
    pairLoss: pair.value.dataSync()[0],
    pairGrads: vars.map((v) => Array.from(pair.grads[v.name].dataSync())),
    balLoss: bal.value.dataSync()[0],
    balGrads: vars.map((v) => Array.from(bal.grads[v.name].dataSync())),
  }
  disposeMasks(masks)
  tf.dispose([x, same, pair.value, bal.value, ...Object.values(pair.grads), ...Object.values(bal.grads)])
  net.dispose()
  await tf.setBackend('wasm')
  return out
}

describe('fused MLP training ops on wasm', () => {
  for (const normalize of ['l2', 'none'] as const) {
    for (const frozen of [0, 1, 2]) {
      it(`dense stack: embeddings and gradients equal the composed ops (normalize ${normalize}, frozen ${frozen})`, async () => {
        const cpu = await run('cpu', archOf(normalize), frozen)
        const wasm = await run('wasm', archOf(normalize), frozen)
        expectClose(wasm.emb, cpu.emb, 1e-5)
        expect(wasm.pairLoss).toBeCloseTo(cpu.pairLoss, 5)
        expect(wasm.balLoss).toBeCloseTo(cpu.balLoss, 5)
        wasm.pairGrads.forEach((g, i) => expectClose(g, cpu.pairGrads[i], 1e-4))
        wasm.balGrads.forEach((g, i) => expectClose(g, cpu.balGrads[i], 1e-4))
        expect(Math.max(...wasm.pairGrads.flat().map(Math.abs))).toBeGreaterThan(0)
      })
    }
  }

  for (const wasmStep of ['1', '0']) {
    it(`fused contrastive step (SER_WASM_STEP=${wasmStep}): loss, active share and gradients equal the composed ops on cpu`, async () => {
      process.env.SER_WASM_STEP = wasmStep
      const arch = archOf('l2')
      const P = 6
      const xs = rand(2 * P * 7, 9)
      const same = [1, 0, 1, 0, 0, 1]
      const margin = 1.2 // some different-class pairs inside the margin, some outside
      await tf.setBackend('cpu')
      const cnet = netFor(arch)
      const vars = cnet.trainableVariables(1)
      const x = tf.tensor(xs, [2 * P, 7])
      const sameT = tf.tensor1d(same)
      const ref = tf.variableGrads(() => pairBatchLoss(cnet, x, sameT, { name: 'contrastive', margin, temperature: 0.1 }, 1), vars)
      const refGrads = vars.map((v) => Array.from(ref.grads[v.name].dataSync()))
      const refLoss = ref.value.dataSync()[0]
      tf.dispose([x, sameT, ref.value, ...Object.values(ref.grads)])
      cnet.dispose()
      await tf.setBackend('wasm')
      const wnet = netFor(arch)
      const fused = fusedPairGrads(wnet, xs, same, { name: 'contrastive', margin, temperature: 0.1 }, 1)!
      expect(fused).not.toBeNull()
      expect(fused.loss).toBeCloseTo(refLoss, 5)
      expect(fused.active).toBeGreaterThan(0)
      fused.grads.forEach((g, i) => expectClose(g.dataSync(), refGrads[i], 1e-4))
      tf.dispose(fused.grads)
      wnet.dispose()
    })

    it(`fused contrastive step (SER_WASM_STEP=${wasmStep}): items drawn into several pairs embedded once give the same loss and gradients`, async () => {
      process.env.SER_WASM_STEP = wasmStep
      const arch = archOf('l2')
      const items = rand(5 * 7, 13)
      // 6 pairs over 5 items: rows of x are copies of those items
      const rows = [0, 1, 2, 0, 3, 4, 1, 1, 4, 2, 0, 3]
      const x = new Float32Array(rows.length * 7)
      rows.forEach((r, k) => x.set(items.subarray(r * 7, (r + 1) * 7), k * 7))
      const same = [0, 1, 0, 1, 0, 1]
      const cfg = { name: 'contrastive' as const, margin: 1.2, temperature: 0.1 }
      const net = netFor(arch)
      const plain = fusedPairGrads(net, x, same, cfg, 0)!
      const dedup = fusedPairGrads(net, x, same, cfg, 0, rows)!
      expect(dedup.loss).toBeCloseTo(plain.loss, 6)
      expect(dedup.active).toBe(plain.active)
      dedup.grads.forEach((g, i) => expectClose(g.dataSync(), plain.grads[i].dataSync(), 1e-5))
      tf.dispose([...plain.grads, ...dedup.grads])
      net.dispose()
    })
  }

  it("Adam: three fused steps leave the weights, moments and iterations tf.train.adam's cpu steps leave", async () => {
    const shapes = [[5, 3], [3]]
    const gradsAt = (k: number) => shapes.map((s, i) => tf.tensor(rand(s.reduce((a, b) => a * b, 1), 100 + 10 * k + i), s))
    const runOn = async (backend: string) => {
      await tf.setBackend(backend)
      const vars = shapes.map((s, i) => tf.variable(tf.tensor(rand(s.reduce((a, b) => a * b, 1), 60 + i), s), true, `adam-test-${backend}-${i}`))
      const opt = tf.train.adam(0.01)
      let clone: tf.Tensor | null = null
      let momentView: tf.Tensor | null = null
      for (let k = 0; k < 3; k++) {
        const g = gradsAt(k)
        if (k === 1) clone = tf.clone(vars[0])
        // a reshape shares the first moment's buffer (wasm: no copy), so that moment must not be updated in place
        const moments = (opt as unknown as { accumulatedFirstMoment: { variable: tf.Variable }[] }).accumulatedFirstMoment
        if (k === 1) momentView = tf.reshape(moments[0].variable, [-1])
        if (backend === 'wasm') {
          expect(isAdam(opt)).toBe(true)
          adamApplyWasm(opt, vars, g)
        } else opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: g[i] })))
        tf.dispose(g)
      }
      const state = (await opt.getWeights()).map((w) => ({ name: w.name.replace(`adam-test-${backend}-`, ''), values: Array.from(w.tensor.dataSync()) }))
      const out = {
        weights: vars.map((v) => Array.from(v.dataSync())),
        state,
        clone: Array.from(clone!.dataSync()),
        momentView: Array.from(momentView!.dataSync()),
      }
      tf.dispose([...vars, clone!, momentView!])
      opt.dispose()
      await tf.setBackend('wasm')
      return out
    }
    const cpu = await runOn('cpu')
    const wasm = await runOn('wasm')
    wasm.weights.forEach((w, i) => expectClose(w, cpu.weights[i], 1e-6))
    expect(wasm.state.map((s) => s.name)).toEqual(cpu.state.map((s) => s.name))
    wasm.state.forEach((s, i) => expectClose(s.values, cpu.state[i].values, 1e-6))
    // the clone taken after step 1 still holds step 1's values, not step 3's
    expectClose(wasm.clone, cpu.clone, 1e-6)
    expect(wasm.clone).not.toEqual(wasm.weights[0])
    // the tensor sharing the first moment's buffer after step 1 still holds step 1's moment
    expectClose(wasm.momentView, cpu.momentView, 1e-6)
    expect(wasm.momentView).not.toEqual(wasm.state.find((s) => s.name === '0/m')?.values)
  })
})
