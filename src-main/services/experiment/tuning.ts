/**
 * The tune stage's call into the engine's tuner (services/model/tuning.ts): the same
 * budget for every loss, on the tuning speakers only (held out of every pre-training);
 * the tuner cross-validates over them (model/tuning.ts) and says when tuning was uninformative.
 */
import type { LossName } from '../../../src-shared/losses'
import type { LossTuning } from '../../../src-shared/contract/experiments'
import { tuneLoss } from '../model/tuning'
import type { Architecture, ItemSet } from '../model/types'

export async function tuneLossFor(
  items: ItemSet,
  opts: { loss: LossName; arch: Architecture; budget: number; epochs: number; seed: number; signal?: AbortSignal },
): Promise<Omit<LossTuning, 'source' | 'loss'>> {
  const r = await tuneLoss(items, { loss: opts.loss, arch: opts.arch, budget: opts.budget, epochs: opts.epochs, seed: opts.seed, signal: opts.signal })
  return {
    chosen: r.chosen,
    trials: r.trials.map((t) => ({ params: { ...t.params }, score: t.score, se: t.se })),
    budget: r.budget,
    criterion: r.criterion,
    chance: r.chance,
    informative: r.informative,
    note: r.note,
    trainSpeakers: r.trainSpeakers,
    heldOutSpeakers: r.heldOutSpeakers,
  }
}
