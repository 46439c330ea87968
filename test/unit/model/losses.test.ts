import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { contrastiveLoss, distanceLoss, pairwiseDistances } from '../../../src-main/services/model/losses'

beforeAll(async () => {
  await initBackend()
})

const val = (t: tf.Tensor) => {
  const v = t.dataSync()[0]
  t.dispose()
  return v
}

describe('contrastive loss', () => {
  it('matches hand-computed values', () => {
    // pair 1: same, d = 5 (3-4-5) -> 25; pair 2: different, d = 0.6 < m = 1 -> (0.4)^2 = 0.16;
    // pair 3: different, d = 2 > m -> 0. mean = 25.16 / 3
    const a = tf.tensor2d([[0, 0], [0, 0], [0, 0]])
    const b = tf.tensor2d([[3, 4], [0.6, 0], [2, 0]])
    const y = tf.tensor1d([1, 0, 0])
    expect(val(contrastiveLoss(a, b, y, 1))).toBeCloseTo(25.16 / 3, 4)
  })

  it('margin: different pairs farther than m cost nothing, closer ones cost more as m grows', () => {
    const a = tf.tensor2d([[0, 0]])
    const b = tf.tensor2d([[1.5, 0]])
    const y = tf.tensor1d([0])
    expect(val(contrastiveLoss(a, b, y, 1))).toBe(0)
    expect(val(contrastiveLoss(a, b, y, 2))).toBeCloseTo(0.25, 5)
    expect(val(contrastiveLoss(a, b, y, 3))).toBeCloseTo(2.25, 5)
  })

  it('gradient pulls same pairs together and pushes close different pairs apart', () => {
    const b = tf.tensor2d([[1, 0]])
    const gSame = tf.grad((a: tf.Tensor) => contrastiveLoss(a as tf.Tensor2D, b, tf.tensor1d([1]), 1))(tf.tensor2d([[0, 0]])).dataSync()
    const gDiff = tf.grad((a: tf.Tensor) => contrastiveLoss(a as tf.Tensor2D, b, tf.tensor1d([0]), 2))(tf.tensor2d([[0, 0]])).dataSync()
    // descent step = -gradient: towards b (+x) for same, away from b (-x) for different
    expect(-gSame[0]).toBeGreaterThan(0)
    expect(-gDiff[0]).toBeLessThan(0)
  })
})

describe('modified distance loss (our reconstruction)', () => {
  // Four points on a line, classes A A B B.
  const e = () => tf.tensor2d([[0, 0], [1, 0], [3, 0], [5, 0]])
  const labels = [0, 0, 1, 1]

  it('matches a hand-computed value', () => {
    // anchor 0: Ds = 1, Dd = (3+5)/2 = 4; anchor 1: Ds = 1, Dd = (2+4)/2 = 3
    // anchor 2: Ds = 2, Dd = (3+2)/2 = 2.5; anchor 3: Ds = 2, Dd = (5+4)/2 = 4.5
    const m = 0.5
    const t = 0.5
    const sp = (z: number) => Math.log1p(Math.exp(z))
    const expected = [1 - 4, 1 - 3, 2 - 2.5, 2 - 4.5].map((g) => sp((g + m) / t) * t).reduce((x, y) => x + y) / 4
    expect(val(distanceLoss(e(), labels, m, t))).toBeCloseTo(expected, 5)
  })

  it('agrees with pairwise distances computed by hand', () => {
    const d = pairwiseDistances(e()).arraySync()
    expect(d[0][3]).toBeCloseTo(5, 3)
    expect(d[2][1]).toBeCloseTo(2, 3)
    expect(d[1][1]).toBeLessThan(1e-3)
  })

  it('gradient moves same-class items together and other classes apart', () => {
    const g = tf.grad((x: tf.Tensor) => distanceLoss(x as tf.Tensor2D, labels, 0.5, 0.5))(e()).arraySync() as number[][]
    // descent direction of item 1 (class A, its partner at 0, class B at 3 and 5): towards 0, i.e. -x
    expect(-g[1][0]).toBeLessThan(0)
    // item 2 (class B, partner at 5, class A at 0 and 1): towards +x
    expect(-g[2][0]).toBeGreaterThan(0)
  })

  it('with m = 0 the loss is t*ln2 when D_same = D_diff and its sign is invariant to scaling', () => {
    const eq = tf.tensor2d([[0, 0], [1, 0], [0, 1], [1, 1]]) // square: same pairs along x at distance 1
    const lab = [0, 0, 1, 1]
    // anchor 0: Ds = 1, Dd = (1 + sqrt2)/2 > 1, so below t ln2; scaling by s keeps it below
    for (const s of [0.1, 1, 10]) {
      const l = val(distanceLoss(tf.mul(eq, s) as tf.Tensor2D, lab, 0, 1))
      expect(l).toBeLessThan(Math.log(2))
    }
    const equal = tf.tensor2d([[0, 0], [0, 0], [0, 0], [0, 0]])
    expect(val(distanceLoss(equal, lab, 0, 0.3))).toBeCloseTo(0.3 * Math.log(2), 4)
  })

  it('a larger margin costs more on the same embedding', () => {
    expect(val(distanceLoss(e(), labels, 1, 0.5))).toBeGreaterThan(val(distanceLoss(e(), labels, 0, 0.5)))
  })

  it('refuses a batch without a same-class pair', () => {
    expect(() => distanceLoss(tf.tensor2d([[0], [1]]), [0, 1], 0.5, 0.5)).toThrow(/at least two items of one class/)
  })
})
