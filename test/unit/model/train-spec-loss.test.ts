/**
 * A training spec that names no temperature (or margin) trains each loss with its own default
 * (LOSS_DEFAULTS), not with one temperature typed into the spec for every loss; one it names wins.
 * And the batching each loss declares is the one the trainer uses (pairs only for contrastive).
 */
import { describe, expect, it } from 'vitest'
import { specLoss, TrainSpecSchema } from '../../../src-main/services/model/run'
import { LOSS_DEFAULTS, LOSS_NAMES } from '../../../src-shared/losses'

const base = { workspace: '/w', source: 's', out: '/o' }

describe('the loss of a training spec', () => {
  it.each(LOSS_NAMES.map((l) => [l]))('%s keeps its own temperature and margin when the spec gives none', (loss) => {
    const cfg = specLoss(TrainSpecSchema.parse({ ...base, loss }))
    expect(cfg.temperature).toBe(LOSS_DEFAULTS[loss].temperature)
    expect(cfg.margin).toBe(LOSS_DEFAULTS[loss].margin)
  })

  it('a temperature or margin the spec gives wins', () => {
    const cfg = specLoss(TrainSpecSchema.parse({ ...base, loss: 'supcon', temperature: 0.3, margin: 0.2 }))
    expect([cfg.temperature, cfg.margin]).toEqual([0.3, 0.2])
  })

  it('declares pair batches for contrastive only (what train-steps.ts reads)', () => {
    expect(LOSS_NAMES.filter((l) => LOSS_DEFAULTS[l].batching === 'pairs')).toEqual(['contrastive'])
  })
})
