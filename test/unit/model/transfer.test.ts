/**
 * The acceptance check: on generated corpora with held-out speakers, fine-tuning
 * a pre-trained model with 5 examples per class beats the same network trained on those
 * 5 examples alone, averaged over seeds, by a margin; both far above chance (1/8).
 * Also: the softmax baseline runs, and classes unknown to the source (calm, surprised) work.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import {
  buildProfile,
  defaultArchitecture,
  defaultTrainConfig,
  evaluateProfile,
  finetune,
  makeRng,
  pretrain,
  selectShots,
  softmaxBaseline,
  trainOnTargetOnly,
  type TrainedModel,
} from '../../../src-main/services/model/index'
import { source, subset, target } from './synthetic'

const MARGIN = 0.08
const SEEDS = [1, 2, 3]
let base: TrainedModel

beforeAll(async () => {
  await initBackend()
  base = await pretrain(source(), defaultTrainConfig(defaultArchitecture('mlp', [88]), { epochs: 8, stepsPerEpoch: 40, seed: 1 }))
})

describe('transfer learning on synthetic corpora', () => {
  it('pre-training learns the source task (validation speakers unseen)', () => {
    expect(base.metrics.valAccuracy).toBeGreaterThan(0.6)
  })

  for (const lossName of ['contrastive', 'distance'] as const) {
    it(`${lossName}: fine-tuned (5 shots) beats target-only by >= ${MARGIN} averaged over ${SEEDS.length} seeds`, async () => {
      const { data, pool, test } = target()
      const loss = lossName === 'contrastive' ? { name: lossName, margin: 1, temperature: 0.1 } : { name: lossName, margin: 0.5, temperature: 0.1 }
      const ft: number[] = []
      const sc: number[] = []
      for (const seed of SEEDS) {
        const a = await finetune(base, data, { frozenLayers: 1, shots: 5, loss, seed, indices: pool })
        const b = await trainOnTargetOnly(base.net.arch, data, { shots: 5, loss, seed, indices: pool })
        const support = subset(data, selectShots(makeRng(seed), data.labels, pool, 5))
        ft.push(evaluateProfile(a, buildProfile(a, support), test).accuracy)
        sc.push(evaluateProfile(b, buildProfile(b, support), test).accuracy)
        a.net.dispose()
        b.net.dispose()
      }
      const mean = (v: number[]) => v.reduce((x, y) => x + y) / v.length
      console.log(`${lossName}: fine-tuned ${ft.map((v) => v.toFixed(3))} target-only ${sc.map((v) => v.toFixed(3))}`)
      expect(mean(ft) - mean(sc)).toBeGreaterThanOrEqual(MARGIN)
      expect(mean(ft)).toBeGreaterThan(3 / 8)
      expect(mean(sc)).toBeGreaterThan(2 / 8)
    })
  }

  it('the softmax baseline trains on the same shots and is above chance', async () => {
    const { data, pool, test } = target()
    const m = await softmaxBaseline(data, { seed: 1, indices: selectShots(makeRng(1), data.labels, pool, 5), epochs: 60 })
    expect(m.classes).toHaveLength(8)
    expect(m.evaluate(test).accuracy).toBeGreaterThan(2 / 8)
    m.dispose()
  })
})
