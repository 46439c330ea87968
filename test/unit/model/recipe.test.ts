/**
 * The recommended-recipe chooser (services/model/recipe.ts): each rotation scores query
 * groups that are not in its inner support, the choice is the candidate with the best mean
 * cross-validated UAR, a fine-tuning that wrecks the network loses to the unchanged base,
 * and with a single group it says that cross-validation was impossible and uses the fallback.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { defaultArchitecture, defaultTrainConfig, pretrain, type TrainedModel } from '../../../src-main/services/model/index'
import { lossConfigFor } from '../../../src-main/services/model/losses'
import { chooseRecipe, defaultCandidates, type ChooseOptions } from '../../../src-main/services/model/recipe'
import type { LossName } from '../../../src-shared/losses'
import { source, subset, target } from './synthetic'

let base: TrainedModel
beforeAll(async () => {
  await initBackend()
  base = await pretrain(
    source(),
    defaultTrainConfig(defaultArchitecture('mlp', [88]), { epochs: 4, stepsPerEpoch: 20, seed: 1, loss: lossConfigFor('distance') }),
  )
}, 120_000)

const { data, pool } = target()
const usable = subset(data, pool)
const options = (over: Partial<ChooseOptions> = {}): ChooseOptions => ({
  groups: usable.speakers, unit: 'speaker', folds: 3, shots: 2,
  candidates: defaultCandidates(base.net.arch, ['distance', 'contrastive']),
  lossFor: (loss: LossName) => ({ loss: lossConfigFor(loss), learningRate: 1e-3 }),
  epochs: 3, stepsPerEpoch: 5, seed: 1, key: 'test', ...over,
})

describe('chooseRecipe', () => {
  it('rotates disjoint query and support groups over every group, and picks the best mean', async () => {
    const seen: { support: string[]; query: string[] }[] = []
    const c = await chooseRecipe(base, usable, options({ onRotation: (r) => seen.push(r) }))
    expect(seen).toHaveLength(3)
    for (const r of seen) expect(r.support.filter((g) => r.query.includes(g))).toEqual([])
    expect(new Set(seen.flatMap((r) => r.query))).toEqual(new Set(usable.speakers))
    expect(c.speakers).toEqual([...new Set(usable.speakers)].sort())
    expect(c.rotations).toBe(3)
    expect(c.candidates).toHaveLength(5)
    for (const k of c.candidates) expect(k.scores).toHaveLength(3)
    const best = Math.max(...c.candidates.map((k) => k.mean!))
    expect(c.candidates.find((k) => k.label === c.label)!.mean).toBe(best)
    expect(c.reason).toMatch(/highest mean cross-validated UAR/)
  }, 120_000)

  it('keeps the unchanged base when fine-tuning wrecks the network', async () => {
    const c = await chooseRecipe(
      base,
      usable,
      options({ candidates: defaultCandidates(base.net.arch, ['distance']), lossFor: (loss) => ({ loss: lossConfigFor(loss), learningRate: 50 }) }),
    )
    expect(c.finetune).toBe(false)
    expect(c.label).toMatch(/unchanged base/)
    const unchanged = c.candidates[0].mean!
    for (const k of c.candidates.slice(1)) expect(k.mean!).toBeLessThan(unchanged)
  }, 120_000)

  it('uses the fallback, and says so, when there is one group only', async () => {
    const one = usable.speakers[0]
    const idx = usable.speakers.flatMap((s, i) => (s === one ? [i] : []))
    const c = await chooseRecipe(base, subset(usable, idx), options({ groups: idx.map(() => one), fallback: { finetune: true, loss: 'distance', frozen: 1 } }))
    expect(c.rotations).toBe(0)
    expect(c).toMatchObject({ finetune: true, loss: 'distance', frozen: 1 })
    expect(c.reason).toMatch(/cross-validation impossible \(1 speaker only\)/)
  }, 60_000)
})
