import { describe, expect, it } from 'vitest'
import { embeddingMap } from '../../../src-main/services/enroll/map'
import { principalAxes } from '../../../src-main/services/model/pca'

describe('embedding map', () => {
  it('finds the axes of a known spread and reports the variance each shows', () => {
    // Points on a 3:1 ellipse in the plane spanned by (1,1,0,0)/√2 and (0,0,1,0), in 4-D.
    const n = 40
    const x = new Float32Array(n * 4)
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / n
      const a = 3 * Math.cos(t)
      const b = Math.sin(t)
      x.set([a / Math.SQRT2 + 5, a / Math.SQRT2 - 2, b, 7], i * 4)
    }
    const { axes } = principalAxes(x, n, 4)
    expect(Math.abs(axes[0][0])).toBeCloseTo(1 / Math.SQRT2, 4)
    expect(Math.abs(axes[0][1])).toBeCloseTo(1 / Math.SQRT2, 4)
    expect(Math.abs(axes[1][2])).toBeCloseTo(1, 4)
    const m = embeddingMap(x, 4, Array.from({ length: n }, (_, i) => (i < n / 2 ? 'a' : 'b')), Array.from({ length: n }, (_, i) => i + 1))
    expect(m.explained[0]).toBeCloseTo(0.9, 4)
    expect(m.explained[1]).toBeCloseTo(0.1, 4)
  })

  it('gives the second axis no variance when every example of an emotion collapsed to one point', () => {
    // Two emotions, each at a single point: all variance lies on one axis.
    const p = [0.3, -1.2, 2, 0.5, 0.1]
    const q = [1.3, 0.8, -1, 0.5, 0.4]
    const x = new Float32Array([...p, ...p, ...p, ...q, ...q, ...q])
    const m = embeddingMap(x, 5, ['angry', 'angry', 'angry', 'sad', 'sad', 'sad'], [1, 2, 3, 4, 5, 6])
    expect(m.explained[0]).toBeCloseTo(1, 6)
    expect(m.explained[1]).toBeCloseTo(0, 6)
    for (const pt of m.points) expect(Math.abs(pt.y)).toBeLessThan(1e-6)
    const [a, s] = m.prototypes
    expect(a.label).toBe('angry')
    expect(Math.abs(a.x - s.x)).toBeCloseTo(Math.hypot(...p.map((v, k) => v - q[k])), 4)
  })
})
