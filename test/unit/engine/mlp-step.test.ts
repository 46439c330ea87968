/**
 * The MLP's one-call training step (engine/mlp-step.ts, wasm/mlp-step.c) against the tfjs path it
 * replaces (SER_WASM_STEP=0: fusedPairGrads + the fused Adam loop, itself checked against the
 * composed ops in fused-mlp.test.ts): over several steps from the same weights, the same losses,
 * active shares and gradient norms, and afterwards the same weights, Adam moments, beta powers and
 * iteration count, with 0-2 frozen layers, with and without the normalisation, odd layer widths
 * (the kernels' edges) and items drawn into several pairs. Also: a clone of the weights and a view
 * of a moment taken before a step keep their values, the step leaves no tensor behind, and a
 * checkpoint (weights + optimizer.getWeights) taken between steps resumes to the same weights as an
 * uninterrupted run (the step keeps no state of its own: fails if the iteration count is not advanced).
 */
import * as tf from '@tensorflow/tfjs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { wasmStepAvailable } from '../../../src-main/services/engine/mlp-step'
import { buildNetwork, makeRng } from '../../../src-main/services/model/index'
import { pairStep } from '../../../src-main/services/model/step'
import type { Architecture } from '../../../src-main/services/model/types'

const saved = process.env.SER_WASM_STEP
afterEach(() => {
  if (saved === undefined) delete process.env.SER_WASM_STEP
  else process.env.SER_WASM_STEP = saved
})

beforeAll(async () => {
  expect((await initBackend()).name).toBe('wasm')
})

function rand(n: number, seed: number): Float32Array {
  const r = makeRng(seed)
  return Float32Array.from({ length: n }, () => r() * 2 - 1)
}

interface Batch {
  x: Float32Array
  same: number[]
  rows: Int32Array
}

/** P pairs over `items` items (so rows repeat when items < 2P). */
function batches(k: number, P: number, items: number, dim: number): Batch[] {
  const pool = rand(items * dim, 5)
  const r = makeRng(11)
  return Array.from({ length: k }, () => {
    const rows = Int32Array.from({ length: 2 * P }, () => Math.floor(r() * items))
    const x = new Float32Array(2 * P * dim)
    rows.forEach((it, j) => x.set(pool.subarray(it * dim, (it + 1) * dim), j * dim))
    return { x, same: Array.from({ length: P }, (_, p) => (p % 3 === 0 ? 1 : 0)), rows }
  })
}

interface Trace {
  steps: number[][]
  weights: number[][]
  moments: number[][]
  betas: number[]
  iterations: number
}

/** Trains a fresh seeded network on the batches with the wasm step on or off. */
function train(arch: Architecture, frozen: number, bs: Batch[], margin: number, wasmStep: boolean): Trace {
  process.env.SER_WASM_STEP = wasmStep ? '1' : '0'
  const net = buildNetwork(arch, 7)
  const vars = net.trainableVariables(frozen)
  const opt = tf.train.adam(0.01)
  const dim = arch.kind === 'mlp' ? arch.inputDim : 0
  const steps = bs.map((b) => {
    const r = pairStep(net, opt, vars, b.x, b.same, [dim], { name: 'contrastive', margin, temperature: 0 }, frozen, b.rows)
    const out = [r.loss, r.active, r.gradNorm].map((t) => t.dataSync()[0])
    tf.dispose([r.loss, r.active, r.gradNorm])
    return out
  })
  const o = opt as unknown as { accumulatedFirstMoment: { variable: tf.Variable }[]; accumulatedSecondMoment: { variable: tf.Variable }[] }
  const trace: Trace = {
    steps,
    weights: net.getWeights().map((w) => Array.from(w.dataSync())),
    moments: [...o.accumulatedFirstMoment, ...o.accumulatedSecondMoment].map((m) => Array.from(m.variable.dataSync())),
    betas: [],
    iterations: 0,
  }
  const acc = opt as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable; iterations: number }
  trace.betas = [acc.accBeta1.dataSync()[0], acc.accBeta2.dataSync()[0]]
  trace.iterations = acc.iterations
  opt.dispose()
  net.dispose()
  return trace
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) {
  expect(a.length, what).toBe(b.length)
  const scale = Math.max(1e-3, ...Array.from(b, Math.abs))
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * scale)
}

/** `biases`: whether to compare the biases' new values too (see the 'none' cases). */
function compare(arch: Architecture, frozen: number, bs: Batch[], margin: number, biases = true) {
  const ref = train(arch, frozen, bs, margin, false)
  const one = train(arch, frozen, bs, margin, true)
  one.steps.forEach((s, i) => {
    expect(s[0], `step ${i} loss`).toBeCloseTo(ref.steps[i][0], 5)
    expect(s[1], `step ${i} active`).toBe(ref.steps[i][1])
    expect(Math.abs(s[2] - ref.steps[i][2]), `step ${i} grad norm ${s[2]} vs ${ref.steps[i][2]}`).toBeLessThanOrEqual(1e-4 * ref.steps[i][2])
  })
  one.weights.forEach((w, i) => (biases || i % 2 === 0) && expectClose(w, ref.weights[i], 1e-4, `weights ${i}`))
  one.moments.forEach((m, i) => expectClose(m, ref.moments[i], 1e-3, `moment ${i}`))
  expect(one.betas).toEqual(ref.betas)
  expect(one.iterations).toBe(ref.iterations)
  // the frozen layers did not move, the others did
  const init = train(arch, frozen, [], margin, true).weights
  one.weights.forEach((w, i) => {
    const moved = w.some((v, j) => v !== init[i][j])
    expect(moved, `variable ${i} (frozen layers ${frozen}) moved`).toBe(i >= 2 * frozen)
  })
}

describe('the MLP step in one wasm call', () => {
  it('runs here (wasm backend, plain memory)', () => {
    expect(wasmStepAvailable()).toBe(true)
    process.env.SER_WASM_STEP = '0'
    expect(wasmStepAvailable()).toBe(false)
  })

  const odd: Architecture = { kind: 'mlp', inputDim: 7, hidden: [9, 6], embedding: 5, normalize: 'l2' }
  for (const frozen of [0, 1, 2]) {
    it(`odd widths, ${frozen} frozen: same losses, weights and Adam state as the tfjs path over 6 steps`, () => {
      compare(odd, frozen, batches(6, 6, 9, 7), 1.2)
    })
    // Without the normalisation a distance loss is blind to a shift of every embedding, so the last
    // bias's true gradient is 0 and any path's rounding noise there gets Adam's full step (+-lr, the
    // composed ops' too): one step, and the biases' new values are not compared.
    it(`odd widths, no normalisation, ${frozen} frozen: the same first step (loss, gradient norm, moments, kernels)`, () => {
      compare({ ...odd, normalize: 'none' }, frozen, batches(1, 6, 9, 7), 1.2, false)
    })
  }

  it('the default MLP (88-256-128-64), 64 pairs from 100 items: same as the tfjs path over 8 steps', () => {
    compare({ kind: 'mlp', inputDim: 88, hidden: [256, 128], embedding: 64, normalize: 'l2' }, 0, batches(8, 64, 100, 88), 1)
  }, 60_000)

  it('a clone of the weights and a view of a moment taken before a step keep their values; no tensor is left behind', () => {
    process.env.SER_WASM_STEP = '1'
    const arch: Architecture = { kind: 'mlp', inputDim: 7, hidden: [9], embedding: 5, normalize: 'l2' }
    const net = buildNetwork(arch, 3)
    const vars = net.trainableVariables(0)
    const opt = tf.train.adam(0.01)
    const bs = batches(3, 4, 8, 7)
    const step = (b: Batch) => {
      const r = pairStep(net, opt, vars, b.x, b.same, [7], { name: 'contrastive', margin: 1, temperature: 0 }, 0, b.rows)
      tf.dispose([r.loss, r.active, r.gradNorm])
    }
    step(bs[0])
    const clone = tf.clone(vars[0])
    const before = Array.from(clone.dataSync())
    const moments = (opt as unknown as { accumulatedFirstMoment: { variable: tf.Variable }[] }).accumulatedFirstMoment
    const view = tf.reshape(moments[0].variable, [-1])
    const viewBefore = Array.from(view.dataSync())
    const tensors = tf.memory().numTensors
    step(bs[1])
    expect(tf.memory().numTensors).toBe(tensors)
    expect(Array.from(clone.dataSync())).toEqual(before)
    expect(Array.from(view.dataSync())).toEqual(viewBefore)
    expect(Array.from(vars[0].dataSync())).not.toEqual(before)
    expect(Array.from(moments[0].variable.dataSync())).not.toEqual(viewBefore)
    tf.dispose([clone, view])
    opt.dispose()
    net.dispose()
  })

  it('a checkpoint taken between steps (weights + optimizer.getWeights) resumes to the same weights as an uninterrupted run', async () => {
    process.env.SER_WASM_STEP = '1'
    const arch: Architecture = { kind: 'mlp', inputDim: 7, hidden: [9, 6], embedding: 5, normalize: 'l2' }
    const bs = batches(6, 6, 9, 7)
    const loss = { name: 'contrastive' as const, margin: 1.2, temperature: 0 }
    const steps = (net: ReturnType<typeof buildNetwork>, opt: tf.Optimizer, from: number, to: number) => {
      for (const b of bs.slice(from, to)) {
        const r = pairStep(net, opt, net.trainableVariables(1), b.x, b.same, [7], loss, 1, b.rows)
        tf.dispose([r.loss, r.active, r.gradNorm])
      }
    }
    const whole = buildNetwork(arch, 7)
    const optW = tf.train.adam(0.01)
    steps(whole, optW, 0, 6)
    const first = buildNetwork(arch, 7)
    const optA = tf.train.adam(0.01)
    steps(first, optA, 0, 3)
    const weights = first.getWeights().map((w) => w.clone())
    const state = (await optA.getWeights()).map((v) => ({ name: v.name, tensor: v.tensor.clone() }))
    const resumed = buildNetwork(arch, 99)
    resumed.setWeights(weights)
    const optB = tf.train.adam(0.01)
    await optB.setWeights(state)
    steps(resumed, optB, 3, 6)
    const a = whole.getWeights().map((w) => Array.from(w.dataSync()))
    const b = resumed.getWeights().map((w) => Array.from(w.dataSync()))
    expect(b).toEqual(a)
    tf.dispose([...weights, ...state.map((v) => v.tensor)])
    for (const o of [optW, optA, optB]) o.dispose()
    for (const n of [whole, first, resumed]) n.dispose()
  })
})
