/**
 * Verdicts and intervals follow docs/method.md: three verdicts (supported / contradicted /
 * inconclusive, with the reason), effects per shots value, and a hierarchical bootstrap
 * (folds, then pre-training seeds, then support draws) whose interval carries the
 * pre-training variance. Records are built so that a claim holds, fails, or is lost in noise.
 */
import { describe, expect, it } from 'vitest'
import {
  claimDistanceLoss,
  claimFinetuneVsPretrained,
  claimSourceVsFrozen,
  evaluateClaims,
  headline,
  crossedBootstrap,
  siameseVsSoftmax,
  verdictOf,
} from '../../../src-main/services/experiment/index'
import { recordsFor, smallGrid, TWO_SOURCES } from './records'

const two = smallGrid({ sources: TWO_SOURCES, folds: 5, seeds: 2, pretrainSeeds: 3, shots: [1, 5], frozen: [0, 1] })
const one = { ...two, sources: [two.sources[0]] }
const shots = [1, 5]

describe('verdicts', () => {
  it('supported when the distance loss wins at every fold, base and draw', () => {
    const c = claimDistanceLoss(recordsFor(one, (e) => (e.finetune_loss === 'distance' ? 8 : 6) + (e.fold % 2)), shots)
    expect(c.verdict).toBe('supported')
    expect(c.reason).toBeNull()
    expect(c.effect).toBeCloseTo(2 / 12, 12)
    expect(c.ci![0]).toBeGreaterThan(0)
    expect(c.units).toMatchObject({ folds: 5, bases: 6, pretrainSeeds: 3, supportDraws: 2 })
    expect(c.perShots.map((e) => [e.shots, e.verdict])).toEqual([[1, 'supported'], [5, 'supported']])
  })

  it('contradicted when the contrastive loss wins consistently (not merely "not supported")', () => {
    const c = claimDistanceLoss(recordsFor(one, (e) => (e.finetune_loss === 'distance' ? 5 : 7) + (e.seed === 1 ? 1 : 0)), shots)
    expect(c.verdict).toBe('contradicted')
    expect(c.ci![1]).toBeLessThan(0)
  })

  it('inconclusive, saying why, when the interval includes 0, even for a negative effect', () => {
    // -4 in half of the support draws, +3 in the other half: a negative mean whose interval reaches above 0
    const c = claimDistanceLoss(recordsFor(one, (e) => 6 + (e.finetune_loss === 'distance' ? (e.seed === 1 ? -4 : 3) : 0)), shots)
    expect(c.effect).toBeLessThan(0)
    expect(c.ci![0]).toBeLessThan(0)
    expect(c.ci![1]).toBeGreaterThan(0)
    expect(c.verdict).toBe('inconclusive')
    expect(c.reason).toMatch(/interval includes 0/)
  })

  it('inconclusive with fewer than 5 folds or bases, naming which, with no interval', () => {
    const win = (e: { finetune_loss: string | null }) => (e.finetune_loss === 'distance' ? 8 : 6)
    const folds = claimDistanceLoss(recordsFor({ ...one, folds: 4 }, win), shots)
    expect(folds.verdict).toBe('inconclusive')
    expect(folds.reason).toMatch(/too few folds for an interval: 4 fold/)
    const seeds = claimDistanceLoss(recordsFor({ ...one, pretrainSeeds: 2 }, win), shots)
    expect(seeds.verdict).toBe('inconclusive')
    expect(seeds.reason).toMatch(/too few bases for an interval: 4 pre-trained base/)
  })

  it('a bound that rounds to 0.0 UAR points is not outside 0: inconclusive, the interval touches 0', () => {
    const edge = { estimate: -0.03, ci: [-0.057, -1.76e-17] as [number, number], units: { folds: 5, bases: 6, pretrainSeeds: 3, supportDraws: 2, pairs: 60 } }
    expect(verdictOf(edge, { needsBases: true })).toEqual({ verdict: 'inconclusive', reason: expect.stringMatching(/interval touches 0/) })
    expect(verdictOf({ ...edge, ci: [0.0004, 0.05] }, { needsBases: true }).verdict).toBe('inconclusive')
    expect(verdictOf({ ...edge, ci: [0.0005, 0.05] }, { needsBases: true }).verdict).toBe('supported')
    expect(verdictOf({ ...edge, ci: [-0.05, -0.0005] }, { needsBases: true }).verdict).toBe('contradicted')
  })

  it('inconclusive when the grid lacks the comparison, saying what to add', () => {
    const c = claimDistanceLoss(recordsFor({ ...one, losses: ['distance'] }, () => 6), shots)
    expect(c.verdict).toBe('inconclusive')
    expect(c.effect).toBeNull()
    expect(c.reason).toMatch(/choose both the contrastive and the distance fine-tuning loss in the Experiments form/)
    const src = claimSourceVsFrozen(recordsFor(one, () => 6), shots, 'ravdess')
    expect(src.verdict).toBe('inconclusive')
    // names the source to add (not the source nor the target) and both ways to add it
    expect(src.reason).toMatch(/only source cremad; comparing sources needs a second source corpus: add one such as eNTERFACE'05/)
    expect(src.reason).toMatch(/"\+ another source"/)
    expect(src.reason).toMatch(/on the command line, name a second source for enterface/)
  })

  it('reports the effect per shots value: it can help at 1 shot and hurt at 5', () => {
    const c = claimDistanceLoss(recordsFor(one, (e) => 6 + (e.finetune_loss === 'distance' ? (e.shots === 1 ? 2 : -2) : 0) + (e.fold % 2)), shots)
    expect(c.perShots.map((e) => e.verdict)).toEqual(['supported', 'contradicted'])
    expect(c.perShots[0].effect).toBeCloseTo(2 / 12, 12)
    expect(c.perShots[1].effect).toBeCloseTo(-2 / 12, 12)
    expect(c.verdict).toBe('inconclusive')
  })

  it('source vs frozen: supported when sources differ more than frozen settings, contradicted otherwise', () => {
    expect(
      claimSourceVsFrozen(
        recordsFor(two, (e) => (e.source === 'cremad' ? 9 : 6) + (e.frozen ?? 0) * 0.4 + (e.fold === 3 ? 1 : 0)),
        shots,
      ).verdict,
    ).toBe('supported')
    const byFrozen = claimSourceVsFrozen(recordsFor(two, (e) => 5 + 3 * (e.frozen ?? 0) + (e.source === 'cremad' ? 1 : 0)), shots)
    expect(byFrozen.verdict).toBe('contradicted')
  })

  it('what fine-tuning adds: fine-tuned minus the same base used as it is', () => {
    const c = claimFinetuneVsPretrained(recordsFor(one, (e) => (e.method === 'finetune' ? 9 : 6) + (e.seed % 2)), shots)
    expect(c.verdict).toBe('supported')
    expect(c.effect).toBeCloseTo(3 / 12, 12)
    expect(
      evaluateClaims(
        recordsFor(one, () => 6),
        shots,
      ).map((x) => x.id),
    ).toEqual(['distance-loss', 'source-vs-frozen', 'finetune-vs-pretrained', 'siamese-vs-softmax'])
  })

  it('says so when the softmax baseline beats every Siamese variant', () => {
    const recs = recordsFor({ ...one, pretrainSeeds: 5 }, (e) => (e.method === 'softmax' ? 10 : 6) + (e.fold % 2))
    const vs = siameseVsSoftmax(recs, shots)
    expect(vs.claim.verdict).toBe('contradicted')
    expect(vs.variants.every((v) => v.pooled.verdict === 'contradicted')).toBe(true)
    const h = headline(recs, shots, 1 / 3)
    expect(h.siameseBeatsSoftmax).toBe(false)
    expect(h.best!.label).toBe('softmax classifier')
    expect(h.text).toMatch(/^Best overall: softmax classifier, UAR 86\.7% \[/)
    expect(h.text).toMatch(/No Siamese variant is shown to beat the softmax baseline.*\(contradicted\)/)
  })
})

describe('crossed bootstrap', () => {
  const levels = (x: { fold: number; ps: number; seed: number }) => ({ fold: x.fold, base: `s|l|${x.ps}`, seed: x.seed })
  const mean = (s: { item: { v: number }; w: number }[]) => s.reduce((a, x) => a + x.w * x.item.v, 0) / s.reduce((a, x) => a + x.w, 0)

  it('carries the pre-training variance: one lucky base does not make a sure effect', () => {
    // The effect depends only on the pre-training seed (+10, +10, -8), never on fold or draw:
    // resampling fold x draw units alone would give a zero-width interval at +4.
    const items = [0, 1, 2, 3, 4].flatMap((fold) => [1, 2, 3, 4, 5].flatMap((ps) => [1, 2].map((seed) => ({ fold, ps, seed, v: ps >= 4 ? -8 : 10 }))))
    const b = crossedBootstrap(items, levels, mean)
    expect(b.estimate).toBeCloseTo(2.8, 12)
    expect(b.ci![0]).toBeLessThan(0)
    expect(b.ci![1]).toBeGreaterThan(2.8)
    expect(verdictOf(b, { needsBases: true }).verdict).toBe('inconclusive')
    expect(b.units).toEqual({ folds: 5, bases: 5, pretrainSeeds: 5, supportDraws: 2, pairs: 50 })
  })

  it('is seeded, brackets the estimate, and stays within the data', () => {
    const items = [0, 1, 2, 3, 4].flatMap((fold) => [1, 2].map((seed) => ({ fold, ps: 1, seed, v: fold * 2 + seed })))
    const a = crossedBootstrap(items, levels, mean)
    expect(a).toEqual(crossedBootstrap(items, levels, mean))
    expect(a.ci![0]).toBeLessThan(a.estimate)
    expect(a.ci![1]).toBeGreaterThan(a.estimate)
    expect(a.ci![0]).toBeGreaterThanOrEqual(1)
    expect(a.ci![1]).toBeLessThanOrEqual(10)
  })

  it('weighs folds equally whatever their number of items (nested means)', () => {
    const items = [{ fold: 0, ps: 1, seed: 1, v: 0 }, ...Array.from({ length: 9 }, (_, i) => ({ fold: 1, ps: 1, seed: i + 1, v: 1 }))]
    expect(crossedBootstrap(items, levels, mean).estimate).toBeCloseTo(0.5, 12)
  })
})
