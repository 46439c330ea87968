/**
 * K = 1 (model/augment.ts): a single-shot class gets one jittered copy, the same for every loss,
 * so fine-tuning on one clip per class trains every loss without pairing a clip with itself.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { LOSS_NAMES } from '../../../src-shared/losses'
import { withSingleShotCopies } from '../../../src-main/services/model/augment'
import { lossConfigFor } from '../../../src-main/services/model/losses'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import { defaultTrainConfig, finetune, pretrain } from '../../../src-main/services/model/train'
import type { Architecture } from '../../../src-main/services/model/types'

const data = makeSyntheticCorpus({ classes: ['neutral', 'happy', 'sad'], speakers: 6, perSpeakerPerClass: 4, seed: 9, speakerPrefix: 's' })
const arch: Architecture = { kind: 'mlp', inputDim: data.itemShape[0], hidden: [16], embedding: 8 }

beforeAll(async () => {
  await initBackend()
})

describe('single-shot augmentation', () => {
  it('adds one jittered copy per class with a single training clip, deterministically', () => {
    const byClass = (l: string) => data.labels.findIndex((x) => x === l)
    const train = [byClass('neutral'), byClass('happy'), ...data.labels.flatMap((l, i) => (l === 'sad' ? [i] : [])).slice(0, 2)]
    const pool = data.labels.map((_, i) => i)
    const a = withSingleShotCopies(data, train, pool, 'x')
    const n = data.labels.length
    expect(a.train).toEqual([...train, n, n + 1])
    expect(a.data.labels.slice(n)).toEqual(['neutral', 'happy'])
    expect(a.data.speakers.slice(n)).toEqual([data.speakers[train[0]], data.speakers[train[1]]])
    const per = data.itemShape[0]
    const copy = a.data.x.subarray(n * per, (n + 1) * per)
    const orig = data.x.subarray(train[0] * per, (train[0] + 1) * per)
    const diff = copy.map((v, k) => v - orig[k])
    expect(diff.some((v) => v !== 0)).toBe(true)
    expect(Math.max(...diff.map(Math.abs))).toBeLessThan(1)
    expect(withSingleShotCopies(data, train, pool, 'x').data.x).toEqual(a.data.x)
    expect(withSingleShotCopies(data, train.slice(2), pool, 'x').data).toBe(data)
  })

  it('fine-tuning on one clip per class trains with every loss', async () => {
    const base = await pretrain(data, defaultTrainConfig(arch, { epochs: 1, stepsPerEpoch: 3, pairsPerBatch: 16, patience: 0 }))
    for (const name of LOSS_NAMES) {
      const m = await finetune(base, data, {
        frozenLayers: 0,
        shots: 1,
        loss: lossConfigFor(name),
        seed: 3,
        overrides: { epochs: 2, stepsPerEpoch: 2, patience: 0 },
      })
      expect(m.diagnostics).toHaveLength(2)
      expect(m.diagnostics[1].weight_change).toBeGreaterThan(0)
      m.net.dispose()
    }
    base.net.dispose()
  })
})
