/**
 * `ser train --recipe recommended` (and a Train request with recipe 'recommended'): the chooser
 * of recipe.ts on the target's clips that the run may learn from, the speakers of the
 * fine-tune and validation roles (roles.ts). Calibration and held-out speakers are never
 * shown to it, so the held-out estimate stays on speakers nothing was chosen or trained on.
 */
import { PAPER_LOSSES } from '../../../src-shared/losses'
import type { RecipeChoice } from '../../../src-shared/contract/recipe'
import { PHASE_DEFAULTS } from '../../../src-shared/contract/train-spec'
import { subset } from './data'
import { lossConfigFor } from './losses'
import { chooseRecipe, chosenCandidate, defaultCandidates } from './recipe'
import type { RunSplit } from './roles'
import type { TrainedModel } from './trained'
import type { ItemSet, LossConfig } from './types'

/** Cross-validation rotations over the target's fine-tune and validation speakers. */
export const TRAIN_RECIPE_FOLDS = 3
/** The chooser's fine-tunes: the fine-tune phase's defaults (src-shared/contract/train-spec.ts) unless the spec sets the epochs. */
const { epochs: FINETUNE_EPOCHS, stepsPerEpoch: FINETUNE_STEPS, learningRate: LEARNING_RATE } = PHASE_DEFAULTS.finetune

export interface TargetRecipe {
  choice: RecipeChoice
  /** What the final fine-tuning uses (finetune false: the base is kept). */
  train: { finetune: boolean; loss: LossConfig; frozenLayers: number; learningRate: number | undefined }
}

/** The target items the chooser may see: every clip except the calibration and held-out speakers'. */
export function chooserItems(target: ItemSet, split: Pick<RunSplit, 'calibration' | 'heldOut'>): number[] {
  const out = new Set([...split.calibration, ...split.heldOut])
  const speakersOut = new Set([...out].map((i) => target.speakers[i]))
  return target.labels.flatMap((_, i) => (speakersOut.has(target.speakers[i]) ? [] : [i]))
}

export async function chooseForTarget(
  base: TrainedModel,
  target: ItemSet,
  split: RunSplit,
  spec: { loss: LossConfig; shots: number | null; frozenLayers: number; finetuneEpochs?: number; seed: number },
  signal: AbortSignal | undefined,
  say: (message: string) => void,
): Promise<TargetRecipe> {
  const data = subset(target, chooserItems(target, split))
  const lossFor = (name: LossConfig['name']) => ({ loss: name === spec.loss.name ? spec.loss : lossConfigFor(name), learningRate: LEARNING_RATE })
  const choice = await chooseRecipe(base, data, {
    groups: data.speakers, unit: 'speaker', folds: TRAIN_RECIPE_FOLDS, shots: spec.shots,
    candidates: defaultCandidates(base.net.arch, [spec.loss.name, ...PAPER_LOSSES]),
    lossFor, epochs: spec.finetuneEpochs ?? FINETUNE_EPOCHS, stepsPerEpoch: FINETUNE_STEPS, seed: spec.seed, key: `train-${spec.seed}`, signal,
    fallback: { finetune: true, loss: spec.loss.name, frozen: spec.frozenLayers },
    onProgress: (d, t, label) => say(`choosing the recipe (${d}/${t}): ${label}`),
  })
  say(`recipe: ${choice.label} (${choice.reason})`)
  const c = chosenCandidate(choice)
  return {
    choice,
    train: c.finetune
      ? { finetune: true, loss: lossFor(c.loss).loss, frozenLayers: c.frozen, learningRate: lossFor(c.loss).learningRate }
      : { finetune: false, loss: spec.loss, frozenLayers: 0, learningRate: undefined },
  }
}
