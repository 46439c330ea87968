/**
 * The verdicts on the paper's two claims follow the documented rule: records built so
 * that a claim holds (or fails, or is lost in noise) get the verdict that says so.
 */
import { describe, expect, it } from 'vitest'
import { bootstrapCI, claimDistanceLoss, claimSourceVsFrozen, evaluateClaims } from '../../../src-main/services/experiment/index'
import { recordsFor } from './records'

const two = { sources: [{ name: 'cremad', ref: '/c' }, { name: 'enterface', ref: '/e' }], target: { name: 'ravdess', ref: '/r' }, folds: 4, seeds: 2, shots: [1, 5], frozen: [0, 1, 2] }
const one = { ...two, sources: [two.sources[0]] }

describe('claims', () => {
  it('claim 1 supported when the distance loss wins in every fold and seed', () => {
    const c = claimDistanceLoss(recordsFor(one, (t) => (t.loss === 'distance' ? 8 : 6) + (t.fold % 2)))
    expect(c.verdict).toBe('supported')
    expect(c.effect).toBeCloseTo(2 / 12, 12)
    expect(c.ci![0]).toBeGreaterThan(0)
    expect(c.units).toBe(8)
    expect(c.explanation).toMatch(/\+16\.7 points/)
    expect(c.details.find((d) => d.label === 'fraction of paired runs where distance wins')!.value).toBe(1)
  })

  it('claim 1 not supported when the contrastive loss wins; inconclusive when the sign flips between units', () => {
    expect(claimDistanceLoss(recordsFor(one, (t) => (t.loss === 'distance' ? 5 : 7))).verdict).toBe('not supported')
    // +4 in half of the units, -3 in the other half: a positive mean whose interval reaches 0
    const noisy = claimDistanceLoss(recordsFor(one, (t) => 6 + (t.loss === 'distance' ? (t.seed === 1 ? 4 : -3) : 0)))
    expect(noisy.effect).toBeGreaterThan(0)
    expect(noisy.verdict).toBe('inconclusive')
    expect(noisy.ci![0]).toBeLessThanOrEqual(0)
  })

  it('a consistent win over fewer than 4 fold x seed units is only inconclusive', () => {
    const c = claimDistanceLoss(recordsFor({ ...one, folds: 3, seeds: 1 }, (t) => (t.loss === 'distance' ? 8 : 6)))
    expect(c.units).toBe(3)
    expect(c.ci![0]).toBeGreaterThan(0)
    expect(c.verdict).toBe('inconclusive')
    expect(c.rule).toMatch(/at least 4 units/)
  })

  it('claim 1 not testable with one loss', () => {
    const c = claimDistanceLoss(recordsFor({ ...one, losses: ['distance'] }, () => 6))
    expect(c.verdict).toBe('not testable')
    expect(c.explanation).toMatch(/--loss contrastive,distance/)
  })

  it('claim 2 supported when sources differ more than frozen settings; not supported otherwise', () => {
    const bySource = claimSourceVsFrozen(recordsFor(two, (t) => (t.source === 'cremad' ? 9 : 6) + (t.frozen ?? 0) * 0.4 + (t.fold === 3 ? 1 : 0)))
    expect(bySource.verdict).toBe('supported')
    expect(bySource.details.find((d) => d.label === 'range across sources')!.value).toBeCloseTo(3 / 12, 1)
    const byFrozen = claimSourceVsFrozen(recordsFor(two, (t) => 5 + 2 * (t.frozen ?? 0) + (t.source === 'cremad' ? 1 : 0)))
    expect(byFrozen.verdict).toBe('not supported')
    expect(byFrozen.effect).toBeLessThan(0)
  })

  it('claim 2 not testable with one source or one frozen setting', () => {
    expect(claimSourceVsFrozen(recordsFor(one, () => 6)).verdict).toBe('not testable')
    expect(claimSourceVsFrozen(recordsFor({ ...two, frozen: [1] }, () => 6)).explanation).toMatch(/2 source corpus\(es\) and 1 frozen setting/)
    expect(evaluateClaims(recordsFor(one, () => 6)).map((c) => c.id)).toEqual(['distance-loss', 'source-vs-frozen'])
  })

  it('the bootstrap interval is seeded and brackets the mean', () => {
    const values = new Map([['a', 1], ['b', 2], ['c', 3], ['d', 10]])
    const stat = (s: string[]) => s.reduce((acc, u) => acc + values.get(u)!, 0) / s.length
    const ci = bootstrapCI([...values.keys()], stat)
    expect(ci).toEqual(bootstrapCI([...values.keys()], stat))
    expect(ci[0]).toBeLessThan(4)
    expect(ci[1]).toBeGreaterThan(4)
    expect(ci[0]).toBeGreaterThanOrEqual(1)
    expect(ci[1]).toBeLessThanOrEqual(10)
  })
})
