/**
 * The tune stage's call into the engine's tuner. Until the engine ships one, each loss
 * keeps its documented starting values (src-shared/losses.ts LOSS_DEFAULTS) and the
 * criterion says so.
 */
import { LOSS_DEFAULTS, type LossName } from '../../../src-shared/losses'
import type { LossTuning } from '../../../src-shared/contract/experiments'
import type { Architecture, ItemSet } from '../model/types'

export async function tuneLossFor(items: ItemSet, opts: { loss: LossName; arch: Architecture; budget: number; epochs: number; seed: number; signal?: AbortSignal }): Promise<Omit<LossTuning, 'source' | 'loss'>> {
  const d = LOSS_DEFAULTS[opts.loss]
  const speakers = [...new Set(items.speakers)].sort()
  return {
    chosen: { margin: d.margin, temperature: d.temperature, learningRate: d.learningRate },
    trials: [],
    budget: opts.budget,
    criterion: 'not tuned: the documented starting values (no tuner in this build)',
    trainSpeakers: speakers,
    heldOutSpeakers: [],
  }
}
