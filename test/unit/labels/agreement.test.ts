import { describe, expect, it } from 'vitest'
import { agreementReport, krippendorffAlphaNominal } from '../../../src-main/services/labels/index'

describe("Krippendorff's alpha (nominal)", () => {
  it('matches the worked example of Krippendorff (2011): 4 coders, 12 units, missing values -> 0.743', () => {
    const A = [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null]
    const B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3]
    const C = [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null]
    const D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null]
    const units = A.map((_, i) => [A[i], B[i], C[i], D[i]])
    const r = krippendorffAlphaNominal(units)
    expect(r.alpha).toBeCloseTo(0.743, 3)
    expect(r.units).toBe(11) // unit 12 has a single value
    expect(r.values).toBe(40)
  })

  it('is 1 for perfect agreement, about 0 for chance, negative for systematic disagreement, null without pairs', () => {
    expect(
      krippendorffAlphaNominal([
        ['a', 'a'],
        ['b', 'b'],
        ['c', 'c'],
      ]).alpha,
    ).toBeCloseTo(1, 10)
    expect(
      krippendorffAlphaNominal([
        ['a', 'b'],
        ['b', 'a'],
      ]).alpha!,
    ).toBeLessThan(0)
    expect(krippendorffAlphaNominal([['a'], ['b']]).alpha).toBeNull()
    expect(
      krippendorffAlphaNominal([
        ['a', 'a'],
        ['a', 'a'],
      ]).alpha,
    ).toBeNull() // no variation: undefined
    // two coders agreeing on a random half of 2000 units over 4 uniform categories: P(agree) = 0.5 + 0.5/4 = 0.625,
    // chance 0.25, so alpha ~ (0.625 - 0.25) / 0.75 = 0.5
    let seed = 7
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const units = Array.from({ length: 2000 }, () => {
      const a = Math.floor(rnd() * 4)
      return [a, rnd() < 0.5 ? a : Math.floor(rnd() * 4)]
    })
    expect(krippendorffAlphaNominal(units).alpha!).toBeGreaterThan(0.45)
    expect(krippendorffAlphaNominal(units).alpha!).toBeLessThan(0.55)
  })

  it('reports pairwise raw agreement per annotator pair', () => {
    const byClip = new Map([
      [1, new Map([['ann', 'angry'], ['bob', 'angry']])],
      [2, new Map([['ann', 'sad'], ['bob', 'happy'], ['cy', 'sad']])],
      [3, new Map([['ann', 'calm']])],
    ])
    const r = agreementReport(byClip)
    expect(r.annotators).toEqual(['ann', 'bob', 'cy'])
    expect(r.clips).toBe(2)
    expect(r.pairs).toEqual([
      { a: 'ann', b: 'bob', clips: 2, agreement: 0.5 },
      { a: 'ann', b: 'cy', clips: 1, agreement: 1 },
      { a: 'bob', b: 'cy', clips: 1, agreement: 0 },
    ])
  })
})
