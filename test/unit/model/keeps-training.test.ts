/**
 * Losses that keep training: fine-tuning a pre-trained base on a few support clips per class, the
 * way the experiment's default grid does (the paper's two losses at their defaults, frozen 0 and 1,
 * 1 and 5 shots, 30 epochs x 10 steps, no early stopping), stops training (an epoch with
 * active_fraction <= 0.01) in at most 10% of the runs of each loss. With the old defaults (distance
 * temperature 0.1 and below) the distance loss stopped in most 1-shot runs.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { defaultArchitecture, defaultTrainConfig, finetune, makeRng, pretrain, selectShots, type TrainedModel } from '../../../src-main/services/model/index'
import { lossConfigFor } from '../../../src-main/services/model/losses'
import { PAPER_LOSSES } from '../../../src-shared/losses'
import { source, target } from './synthetic'

let base: TrainedModel

beforeAll(async () => {
  await initBackend()
  base = await pretrain(
    source(),
    defaultTrainConfig(defaultArchitecture('mlp', [88]), { epochs: 6, stepsPerEpoch: 30, seed: 1, loss: lossConfigFor('distance') }),
  )
})

describe('fine-tuning keeps training', () => {
  for (const loss of PAPER_LOSSES) {
    it(`${loss} at its defaults: stopped training in at most 10% of the default grid's fine-tunes`, async () => {
      const t = target()
      const runs: string[] = []
      let stopped = 0
      for (const frozen of [0, 1]) {
        for (const shots of [1, 5]) {
          for (const seed of [1, 2, 3]) {
            const split = { train: selectShots(makeRng(`s-${seed}-${shots}`), t.data.labels, t.pool, shots), val: [] }
            const m = await finetune(base, t.data, {
              frozenLayers: frozen,
              shots,
              loss: lossConfigFor(loss),
              seed,
              split,
              overrides: { epochs: 30, stepsPerEpoch: 10, patience: 0, validationSpeakers: 0 },
            })
            if (m.metrics.stoppedTrainingAt !== undefined) {
              stopped++
              runs.push(`frozen ${frozen}, ${shots} shots, seed ${seed}: epoch ${m.metrics.stoppedTrainingAt}`)
            }
            m.net.dispose()
          }
        }
      }
      expect(stopped, `stopped training: ${stopped} of 12 (${runs.join('; ')})`).toBeLessThanOrEqual(1)
    }, 300_000)
  }
})
