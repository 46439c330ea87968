/**
 * The five metric-learning losses (model/losses.ts) against plain-JS references written from
 * the papers' formulas, their gradient while classes still overlap (also when the network's
 * output scale grows, the failure of the unnormalised distance loss), their behaviour when
 * classes are perfectly separated, and the masks that keep an item from being its own positive.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { LOSS_NAMES, type LossName } from '../../../src-shared/losses'
import {
  activeFraction,
  balancedLoss,
  batchMasks,
  contrastivePairs,
  disposeMasks,
  disposeOutput,
  lossConfigFor,
  type LossOutput,
} from '../../../src-main/services/model/losses'
import { buildNetwork } from '../../../src-main/services/model/networks'
import { pairBatchOutput } from '../../../src-main/services/model/step'
import type { LossConfig } from '../../../src-main/services/model/types'

beforeAll(async () => {
  await initBackend()
})

const BALANCED = LOSS_NAMES.filter((n) => n !== 'contrastive')
type Vec = number[]
const sub = (a: Vec, b: Vec) => a.map((v, k) => v - b[k])
const dot = (a: Vec, b: Vec) => a.reduce((s, v, k) => s + v * b[k], 0)
const d = (a: Vec, b: Vec) => Math.sqrt(dot(sub(a, b), sub(a, b)) + 1e-9)
const d2 = (a: Vec, b: Vec) => dot(sub(a, b), sub(a, b))
const softplus = (z: number) => Math.log1p(Math.exp(z))
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length
const centroid = (vs: Vec[]) => vs[0].map((_, k) => mean(vs.map((v) => v[k])))
const unit = (v: Vec) => v.map((x) => x / Math.hypot(...v))

/** Reference value of a balanced-batch loss, written from the papers' formulas (anchors without a positive skipped). */
function reference(name: LossName, e: Vec[], y: number[], cfg: LossConfig): number {
  const terms: number[] = []
  const { margin: m, temperature: t } = cfg
  e.forEach((ei, i) => {
    const pos = e.filter((_, j) => j !== i && y[j] === y[i])
    const neg = e.filter((_, j) => y[j] !== y[i])
    if (!pos.length || !neg.length) return
    if (name === 'distance') terms.push(t * softplus((mean(pos.map((p) => d(ei, p))) - mean(neg.map((n) => d(ei, n))) + m) / t))
    if (name === 'triplet') terms.push(softplus(Math.max(...pos.map((p) => d(ei, p))) - Math.min(...neg.map((n) => d(ei, n))) + m))
    if (name === 'protonet') {
      const classes = [...new Set(y)]
      const logits = classes.map((c) => -d2(ei, c === y[i] ? centroid(pos) : centroid(e.filter((_, j) => y[j] === c))) / t)
      const lse = Math.log(logits.reduce((s, z) => s + Math.exp(z), 0))
      terms.push(lse - logits[classes.indexOf(y[i])])
    }
    if (name === 'supcon') {
      const denom = e.reduce((s, a, j) => (j === i ? s : s + Math.exp(dot(ei, a) / t)), 0)
      terms.push(-mean(pos.map((p) => Math.log(Math.exp(dot(ei, p) / t) / denom))))
    }
  })
  return mean(terms)
}

function run(name: LossName, e: Vec[], y: number[], cfg: LossConfig = lossConfigFor(name)): { loss: number; active: number; grad: number[][] } {
  const m = batchMasks(y)
  try {
    let active = 0
    const g = tf.grad((x: tf.Tensor) => {
      const o = balancedLoss(x as tf.Tensor2D, m, cfg)
      active = activeFraction(o).dataSync()[0]
      disposeOutput(o)
      return o.loss
    })(tf.tensor2d(e))
    const loss = tf.tidy(() => balancedLoss(tf.tensor2d(e), m, cfg).loss.dataSync()[0])
    return { loss, active, grad: g.arraySync() as number[][] }
  } finally {
    disposeMasks(m)
  }
}

const norm = (g: number[][]) => Math.sqrt(g.flat().reduce((s, v) => s + v * v, 0))

// Two classes on the unit sphere whose mean distances are ordered (D_same < D_diff - 0.1 for every
// anchor) while they still overlap: some item lies nearer an item of the other class than its farthest
// same-class item (found by a seeded search, see the report).
const OVERLAP: Vec[] = [
  [0.189, -0.198, 0.962],
  [0.16, -0.818, 0.552],
  [0.742, 0.539, -0.4],
  [-0.897, -0.442, 0.029],
  [-0.878, -0.083, -0.471],
  [-0.758, -0.564, -0.328],
].map(unit)
const OVERLAP_Y = [0, 0, 0, 1, 1, 1]

describe('metric-learning losses: values against plain-JS references', () => {
  // 7 unit vectors in 4-d, three classes, one of them with a single item (an anchor without a positive).
  const r = (i: number, k: number) => Math.sin(1.7 * i + 0.9 * k + 0.3 * i * k)
  const E: Vec[] = Array.from({ length: 7 }, (_, i) => unit([0, 1, 2, 3].map((k) => r(i, k))))
  const Y = [0, 0, 1, 1, 1, 2, 0]

  for (const name of BALANCED) {
    it(`${name}: equals the reference on a tiny batch, at the defaults and at other hyper-parameters`, () => {
      for (const cfg of [lossConfigFor(name), lossConfigFor(name, { margin: 0.3, temperature: 0.5 })]) {
        expect(run(name, E, Y, cfg).loss).toBeCloseTo(reference(name, E, Y, cfg), 4)
      }
    })
  }

  it('contrastive: equals the reference per pair (y d^2 + (1-y) max(0, m-d)^2, mean)', () => {
    const a = E.slice(0, 3)
    const b = E.slice(3, 6)
    const same = [1, 0, 0]
    const o = contrastivePairs(tf.tensor2d(a), tf.tensor2d(b), tf.tensor1d(same), 1.2)
    const ref = mean(a.map((ai, p) => (same[p] ? d(ai, b[p]) ** 2 : Math.max(0, 1.2 - d(ai, b[p])) ** 2)))
    expect(o.loss.dataSync()[0]).toBeCloseTo(ref, 5)
    disposeOutput(o, false)
  })

  it('an anchor without a positive is skipped, not counted as zero', () => {
    const m = batchMasks(Y)
    expect(Array.from(m.valid.dataSync())).toEqual([1, 1, 1, 1, 1, 0, 1])
    expect(m.nValid).toBe(6)
    disposeMasks(m)
  })
})

describe('no item is its own positive', () => {
  it('copies of one item are neither positives nor in supcon\'s denominator', () => {
    const m = batchMasks([0, 0, 0, 1], [5, 5, 6, 7])
    const same = m.same.arraySync()
    expect(same[0]).toEqual([0, 0, 1, 0]) // item 5's copy at position 1 does not count
    expect(same[1]).toEqual([0, 0, 1, 0])
    expect(m.others.arraySync()[0]).toEqual([0, 0, 1, 1])
    expect(m.same.arraySync().every((row, i) => row[i] === 0)).toBe(true)
    disposeMasks(m)
  })

  it('a batch made of copies only has no positive pair: the loss refuses it', () => {
    const m = batchMasks([0, 0, 1], [3, 3, 4])
    expect(m.nValid).toBe(0)
    expect(() => balancedLoss(tf.tensor2d([[1, 0], [1, 0], [0, 1]]), m, lossConfigFor('distance'))).toThrow(/at least two items of one class/)
    disposeMasks(m)
  })
})

describe('gradient while classes overlap', () => {
  it('the overlap batch: mean distances ordered, yet an item is nearer the other class', () => {
    let overlap = false
    OVERLAP.forEach((e, i) => {
      const pos = OVERLAP.filter((_, j) => j !== i && OVERLAP_Y[j] === OVERLAP_Y[i]).map((p) => d(e, p))
      const neg = OVERLAP.filter((_, j) => OVERLAP_Y[j] !== OVERLAP_Y[i]).map((n) => d(e, n))
      expect(mean(pos)).toBeLessThan(mean(neg) - 0.1)
      if (Math.max(...pos) > Math.min(...neg)) overlap = true
    })
    expect(overlap).toBe(true)
  })

  for (const name of LOSS_NAMES) {
    it(`${name}: the network still gets a gradient when its output scale grows 1000-fold (L2-normalised embeddings)`, () => {
      // One dense layer 3 -> 3 with kernel 1000 I: the unnormalised embeddings are 1000 x the overlap batch,
      // where the old distance loss was exactly 0 with zero gradient.
      const net = buildNetwork({ kind: 'mlp', inputDim: 3, hidden: [], embedding: 3 }, 1)
      net.layers[0].kernel.assign(tf.mul(tf.eye(3), 1000))
      net.layers[0].bias.assign(tf.zeros([3]))
      const vars = net.trainableVariables(0)
      const m = batchMasks(OVERLAP_Y)
      // contrastive: pair rows [a_0..a_5, b_0..b_5] as the trainer builds them
      const pairs = [[0, 1], [3, 4], [0, 3], [1, 4], [2, 5], [5, 0]]
      const same = tf.tensor1d(pairs.map(([a, b]) => (OVERLAP_Y[a] === OVERLAP_Y[b] ? 1 : 0)))
      const x = tf.tensor2d(name === 'contrastive' ? [...pairs.map(([a]) => OVERLAP[a]), ...pairs.map(([, b]) => OVERLAP[b])] : OVERLAP)
      let active = 0
      const { grads, value } = tf.variableGrads(() => {
        const o: LossOutput = name === 'contrastive' ? pairBatchOutput(net, x, same, lossConfigFor(name)) : balancedLoss(net.embed(x), m, lossConfigFor(name))
        active = activeFraction(o).dataSync()[0]
        disposeOutput(o)
        return o.loss
      }, vars)
      const gradNorm = Math.sqrt(vars.reduce((s, v) => s + tf.sum(tf.square(grads[v.name])).dataSync()[0], 0))
      // relative to the weights' scale (kernel 1000): a gradient that would still move them
      expect(gradNorm * 1000).toBeGreaterThan(1e-3)
      expect(active).toBeGreaterThan(0)
      expect(value.dataSync()[0]).toBeGreaterThan(1e-4)
      disposeMasks(m)
      tf.dispose([x, same, value, ...Object.values(grads)])
      net.dispose()
    })
  }

  for (const name of BALANCED) {
    it(`${name}: gradient descent brings the overlapping positives closer relative to the negatives`, () => {
      const { grad, active } = run(name, OVERLAP, OVERLAP_Y)
      expect(norm(grad)).toBeGreaterThan(1e-3)
      expect(active).toBeGreaterThan(0)
      const gap = (e: Vec[]) => mean(e.flatMap((a, i) => e.map((b, j) => (i === j ? 0 : (OVERLAP_Y[i] === OVERLAP_Y[j] ? -1 : 1) * d(a, b)))))
      const stepped = OVERLAP.map((e, i) => unit(e.map((v, k) => v - 0.05 * grad[i][k])))
      expect(gap(stepped)).toBeGreaterThan(gap(OVERLAP))
    })
  }
})

describe('perfectly separated classes', () => {
  // Two tight antipodal clusters: every positive at distance ~0, every negative at 2.
  const SEP: Vec[] = [[1, 0, 0], [1, 1e-4, 0], [1, 0, 1e-4], [-1, 0, 0], [-1, 1e-4, 0], [-1, 0, -1e-4]].map(unit)
  const Y = [0, 0, 0, 1, 1, 1]

  // At a small temperature (0.1, the defaults before docs/method.md "Losses that keep training") the
  // softplus / softmax saturate: nothing trains any more. The defaults keep a small gradient.
  const cold = (name: LossName) => lossConfigFor(name, { temperature: 0.1 })
  for (const name of ['distance', 'protonet'] as const) {
    it(`${name}: at temperature 0.1 loss and gradient vanish and no anchor is active; at its defaults every anchor keeps a gradient`, () => {
      const r = run(name, SEP, Y, cold(name))
      expect(r.loss).toBeLessThan(1e-5)
      expect(norm(r.grad)).toBeLessThan(1e-3)
      expect(r.active).toBe(0)
      expect(run(name, SEP, Y).active).toBe(1)
    })
  }

  it('supcon: at temperature 0.1 the loss falls to its floor log|P(i)| and no anchor is active; at its defaults every anchor keeps a gradient', () => {
    const r = run('supcon', SEP, Y, cold('supcon'))
    expect(r.loss).toBeCloseTo(Math.log(2), 3)
    expect(r.active).toBe(0)
    expect(run('supcon', SEP, Y).active).toBe(1)
  })

  it('triplet (soft margin): never exactly zero, so every anchor keeps a small gradient (its documented property)', () => {
    const r = run('triplet', SEP, Y)
    expect(r.loss).toBeCloseTo(softplus(-2), 3)
    expect(r.active).toBe(1)
    expect(r.loss).toBeLessThan(run('triplet', OVERLAP, OVERLAP_Y).loss)
  })

  it('contrastive: pairs at distance 0 (same) and beyond the margin (different) cost nothing', () => {
    const o = contrastivePairs(tf.tensor2d([SEP[0], SEP[0]]), tf.tensor2d([SEP[1], SEP[3]]), tf.tensor1d([1, 0]), 1)
    expect(o.loss.dataSync()[0]).toBeLessThan(1e-5)
    expect(activeFraction(o).dataSync()[0]).toBe(0)
    disposeOutput(o, false)
  })
})
