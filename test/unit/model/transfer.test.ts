/**
 * The acceptance check: on generated corpora with held-out speakers, fine-tuning
 * a pre-trained model with 5 examples per class beats the same network trained on those
 * 5 examples alone, averaged over seeds, by a margin; both far above chance (1/8).
 * Each of the five losses pre-trains its own base (the paper's design: the loss of both phases), at its
 * LOSS_DEFAULTS on L2-normalised embeddings.
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
import { lossConfigFor } from '../../../src-main/services/model/losses'
import { DEFAULT_LOSS, LOSS_NAMES, type LossName } from '../../../src-shared/losses'
import { source, subset, target } from './synthetic'

const MARGIN = 0.08
const SEEDS = [1, 2, 3]
let base: TrainedModel

beforeAll(async () => {
  await initBackend()
  base = await pretrain(source(), preConfig(DEFAULT_LOSS))
})

function preConfig(loss: LossName) {
  return defaultTrainConfig(defaultArchitecture('mlp', [88]), { epochs: 8, stepsPerEpoch: 40, seed: 1, loss: lossConfigFor(loss) })
}

describe('transfer learning on synthetic corpora', () => {
  it('pre-training learns the source task (validation speakers unseen)', () => {
    expect(base.metrics.valAccuracy).toBeGreaterThan(0.6)
  })

  for (const lossName of LOSS_NAMES) {
    it(`${lossName}: fine-tuned (5 shots) beats target-only by >= ${MARGIN} averaged over ${SEEDS.length} seeds`, async () => {
      const { data, pool, test } = target()
      const loss = lossConfigFor(lossName)
      const own = lossName === DEFAULT_LOSS ? base : await pretrain(source(), preConfig(lossName))
      const ft: number[] = []
      const sc: number[] = []
      for (const seed of SEEDS) {
        const a = await finetune(own, data, { frozenLayers: 1, shots: 5, loss, seed, indices: pool })
        const b = await trainOnTargetOnly(own.net.arch, data, { shots: 5, loss, seed, indices: pool })
        const support = subset(data, selectShots(makeRng(seed), data.labels, pool, 5))
        ft.push(evaluateProfile(a, buildProfile(a, support), test).accuracy)
        sc.push(evaluateProfile(b, buildProfile(b, support), test).accuracy)
        a.net.dispose()
        b.net.dispose()
      }
      const mean = (v: number[]) => v.reduce((x, y) => x + y) / v.length
      if (own !== base) own.net.dispose()
      console.log(`${lossName}: fine-tuned ${ft.map((v) => v.toFixed(3))} target-only ${sc.map((v) => v.toFixed(3))}`)
      expect(mean(ft) - mean(sc)).toBeGreaterThanOrEqual(MARGIN)
      expect(mean(ft)).toBeGreaterThan(3 / 8)
      expect(mean(sc)).toBeGreaterThan(2 / 8)
    }, 300_000) // a pre-training and six trainings: minutes on a loaded 2-core machine
  }

  it('the softmax baseline trains on the same shots and is above chance', async () => {
    const { data, pool, test } = target()
    const m = await softmaxBaseline(data, { seed: 1, indices: selectShots(makeRng(1), data.labels, pool, 5), epochs: 60 })
    expect(m.classes).toHaveLength(8)
    expect(m.evaluate(test).accuracy).toBeGreaterThan(2 / 8)
    m.dispose()
  })
})
