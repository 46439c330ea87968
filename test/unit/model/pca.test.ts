/** pca2: the 2-D coordinates of experiment reports' embedding maps. */
import { describe, expect, it } from 'vitest'
import { pca2 } from '../../../src-main/services/model/pca'

describe('pca2', () => {
  it('puts a 2-D spread on its two axes (variance 9:1), centred', () => {
    const n = 64
    const x = new Float64Array(n * 3)
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / n
      x.set([3 * Math.cos(t) + 1, Math.sin(t) - 4, 2], i * 3)
    }
    const xy = pca2(x, n, 3)
    let sx = 0, sy = 0, vx = 0, vy = 0
    for (let i = 0; i < n; i++) (sx += xy[2 * i]), (sy += xy[2 * i + 1]), (vx += xy[2 * i] ** 2), (vy += xy[2 * i + 1] ** 2)
    expect(Math.abs(sx / n)).toBeLessThan(1e-9)
    expect(Math.abs(sy / n)).toBeLessThan(1e-9)
    expect(vx / vy).toBeCloseTo(9, 4)
  })

  it('gives the second axis zero variance when the points lie on a line (two collapsed classes)', () => {
    // Two emotions, each collapsed to one point in 8-D: rank 1. The old deflation returned a
    // second axis that was not orthogonal to the first and showed the same spread again.
    const a = [1, 2, 0, -1, 3, 0, 1, 1]
    const b = [-2, 0, 1, 1, -1, 2, 0, 1]
    const n = 10
    const x = new Float64Array(n * 8)
    for (let i = 0; i < n; i++) x.set(i < 5 ? a : b, i * 8)
    const xy = pca2(x, n, 8)
    const spread = (c: number) => Array.from({ length: n }, (_, i) => xy[2 * i + c] ** 2).reduce((s, v) => s + v, 0)
    expect(spread(0)).toBeGreaterThan(1)
    expect(spread(1)).toBeLessThan(1e-9 * spread(0))
  })
})
