/**
 * tuneLoss (model/tuning.ts): every loss gets the same budget over the same seeded points,
 * trials never train on the speakers held out for scoring, and the result is a function of the seed.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { LOSS_DEFAULTS, LOSS_NAMES } from '../../../src-shared/losses'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import { decide, standardError, trialParams, tuneLoss, tuningFolds } from '../../../src-main/services/model/tuning'
import type { Architecture } from '../../../src-main/services/model/types'

const source = makeSyntheticCorpus({ classes: ['neutral', 'happy', 'sad', 'angry'], speakers: 9, perSpeakerPerClass: 4, seed: 7, speakerPrefix: 'src' })
const arch: Architecture = { kind: 'mlp', inputDim: source.itemShape[0], hidden: [32], embedding: 16 }
const quick = { arch, budget: 3, seed: 5, epochs: 2, stepsPerEpoch: 4 }

beforeAll(async () => {
  await initBackend()
})

describe('tuneLoss', () => {
  it('gives every loss the same number of trials, the first at its defaults, the rest inside its search space', () => {
    for (const loss of LOSS_NAMES) {
      const t = trialParams(loss, 6, 1)
      expect(t).toHaveLength(6)
      expect(t[0]).toEqual({ margin: LOSS_DEFAULTS[loss].margin, temperature: LOSS_DEFAULTS[loss].temperature, learningRate: LOSS_DEFAULTS[loss].learningRate })
      for (const p of t.slice(1)) {
        expect(p.learningRate).toBeGreaterThanOrEqual(3e-4)
        expect(p.learningRate).toBeLessThanOrEqual(3e-3)
      }
    }
    // the same seeded points for every loss: the learning rates of trial k agree across losses
    expect(trialParams('supcon', 6, 1).map((p) => p.learningRate)).toEqual(
      trialParams('distance', 6, 1)
        .map((p) => p.learningRate)
        .map((v, k) => (k === 0 ? LOSS_DEFAULTS.supcon.learningRate : v)),
    )
    // losses without a margin or temperature keep theirs fixed (triplet: soft margin, no temperature)
    expect(new Set(trialParams('triplet', 6, 1).map((p) => `${p.margin}/${p.temperature}`)).size).toBe(1)
    expect(() => trialParams('distance', 0, 1)).toThrow(/budget/)
  })

  it('cross-validates over the tuning speakers: folds of at least 2 speakers, every speaker held out once', () => {
    const folds = tuningFolds(source, 5)
    expect(folds.length).toBe(3)
    for (const f of folds) expect(f.length).toBeGreaterThanOrEqual(2)
    expect(folds.flat().sort()).toEqual([...new Set(source.speakers)].sort())
    const three = { ...source, speakers: source.speakers.map((x) => ['a', 'b', 'c'][Number(x.slice(-1)) % 3]) }
    expect(tuningFolds(three, 1)).toHaveLength(1)
    expect(() => tuningFolds({ ...source, speakers: source.speakers.map((x) => (x < 'src7-4' ? 'a' : 'b')) }, 1)).toThrow(/at least 3 speakers/)
  })

  it('uses the defaults and says "tuning uninformative" when no trial beats chance, or the defaults, by more than the noise', () => {
    const units = (v: number[]) => ({ score: v.reduce((a, b) => a + b, 0) / v.length, se: standardError(v), units: v })
    // the best trial is within noise of chance (today's 1+1+1-speaker tuning: 13.5%..18.7% around 16.7%)
    const noisy = decide([units([0.15, 0.17, 0.16, 0.18, 0.14, 0.16]), units([0.19, 0.14, 0.2, 0.15, 0.18, 0.17])], 1 / 6)
    expect(noisy.chosen).toBe(0)
    expect(noisy.informative).toBe(false)
    expect(noisy.note).toMatch(/^tuning uninformative: best trial 17\.2% .* vs chance 16\.7%.*defaults used$/)
    // clearly above chance, but not clearly above the defaults
    const close = decide([units([0.5, 0.52, 0.49, 0.51, 0.5, 0.5]), units([0.52, 0.5, 0.5, 0.53, 0.49, 0.51])], 0.25)
    expect(close).toMatchObject({ chosen: 0, informative: false })
    expect(close.note).toMatch(/tuning uninformative.*defaults 50\.3%/)
    // clearly above both: the trial is used
    expect(decide([units([0.5, 0.52, 0.49, 0.51, 0.5, 0.5]), units([0.6, 0.61, 0.6, 0.62, 0.59, 0.6])], 0.25)).toMatchObject({ chosen: 1, informative: true })
    // fewer than 5 units: no standard error worth the name
    expect(decide([units([0.9, 0.9]), units([0.1, 0.1])], 0.25)).toMatchObject({ chosen: 0, informative: false })
  })

  it('runs the budget for each loss, trains only on the tuning-training speakers, and reports the criterion', async () => {
    for (const loss of ['contrastive', 'supcon'] as const) {
      const seen: string[][] = []
      const folds = tuningFolds(source, quick.seed)
      const r = await tuneLoss(source, {
        ...quick,
        loss,
        onTrial: (t) => seen.push([String(t.fold), ...new Set(t.trainIndices.map((i) => source.speakers[i]))]),
      })
      expect(r.trials).toHaveLength(quick.budget)
      expect(r.budget).toBe(quick.budget)
      expect(seen).toHaveLength(quick.budget * folds.length)
      // a fold's network never trains on the fold's held-out speakers
      for (const [f, ...spk] of seen) expect(spk.filter((x) => folds[Number(f)].includes(x))).toEqual([])
      expect(r.trainSpeakers.length + r.heldOutSpeakers.length).toBe(9)
      for (const t of r.trials) {
        expect(t.score).toBeGreaterThanOrEqual(0)
        expect(t.units).toHaveLength(9) // every held-out speaker is a query once
        expect(t.se).toBeGreaterThan(0)
      }
      expect(r.chance).toBeCloseTo(1 / 4)
      expect(r.note).toMatch(/^tuning (un)?informative: /)
      if (!r.informative) expect(r.chosen).toEqual(r.trials[0].params)
      expect(r.criterion).toMatch(/UAR.*held-out tuning speakers/)
    }
  }, 120_000)

  it('is deterministic from the seed', async () => {
    const a = await tuneLoss(source, { ...quick, loss: 'distance' })
    const b = await tuneLoss(source, { ...quick, loss: 'distance' })
    expect(b).toEqual(a)
    const c = await tuneLoss(source, { ...quick, loss: 'distance', seed: 6 })
    expect(c.trials.map((t) => t.params)).not.toEqual(a.trials.map((t) => t.params))
  }, 120_000)
})
