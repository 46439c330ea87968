/**
 * tuneLoss (model/tuning.ts): every loss gets the same budget over the same seeded points,
 * trials never train on the speakers held out for scoring, and the result is a function of the seed.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { LOSS_DEFAULTS, LOSS_NAMES } from '../../../src-shared/losses'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import { trialParams, tuneLoss, tuningSplit } from '../../../src-main/services/model/tuning'
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
    expect(trialParams('supcon', 6, 1).map((p) => p.learningRate)).toEqual(trialParams('distance', 6, 1).map((p) => p.learningRate).map((v, k) => (k === 0 ? LOSS_DEFAULTS.supcon.learningRate : v)))
    // losses without a margin or temperature keep theirs fixed (triplet: soft margin, no temperature)
    expect(new Set(trialParams('triplet', 6, 1).map((p) => `${p.margin}/${p.temperature}`)).size).toBe(1)
    expect(() => trialParams('distance', 0, 1)).toThrow(/budget/)
  })

  it('splits the source by speaker: held-out speakers (support and query) never train', () => {
    const s = tuningSplit(source, 5)
    expect(s.heldOutSpeakers.length).toBeGreaterThanOrEqual(2)
    expect(s.trainSpeakers.filter((x) => s.heldOutSpeakers.includes(x))).toEqual([])
    expect(new Set(s.train.map((i) => source.speakers[i]))).toEqual(new Set(s.trainSpeakers))
    const supportSp = new Set(s.support.map((i) => source.speakers[i]))
    const querySp = new Set(s.query.map((i) => source.speakers[i]))
    expect([...supportSp].filter((x) => querySp.has(x))).toEqual([])
    expect(new Set([...supportSp, ...querySp])).toEqual(new Set(s.heldOutSpeakers))
    expect(() => tuningSplit({ ...source, speakers: source.speakers.map((x) => (x < 'src2' ? 'a' : 'b')) }, 1)).toThrow(/at least 3 speakers/)
  })

  it('runs the budget for each loss, trains only on the tuning-training speakers, and reports the criterion', async () => {
    for (const loss of ['contrastive', 'supcon'] as const) {
      const seen: string[][] = []
      const r = await tuneLoss(source, { ...quick, loss, onTrial: (t) => seen.push([...new Set(t.trainIndices.map((i) => source.speakers[i]))]) })
      expect(r.trials).toHaveLength(quick.budget)
      expect(r.budget).toBe(quick.budget)
      expect(seen).toHaveLength(quick.budget)
      for (const spk of seen) expect(spk.filter((x) => r.heldOutSpeakers.includes(x))).toEqual([])
      expect(r.trainSpeakers.length + r.heldOutSpeakers.length).toBe(9)
      for (const t of r.trials) expect(t.score).toBeGreaterThanOrEqual(0)
      expect(Math.max(...r.trials.map((t) => t.score))).toBe(r.trials.find((t) => t.params === r.chosen)!.score)
      expect(r.criterion).toMatch(/UAR.*held-out source speakers/)
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
