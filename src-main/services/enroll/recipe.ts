/**
 * Enrollment's side of the recommended recipe (services/model/recipe.ts, the same chooser as
 * the experiment's `recommended` arm and `ser train --recipe recommended`). A person's
 * examples are one speaker, so the chooser rotates stratified clip folds of the examples it
 * is given (the training part of an outer fold, or every example for the final profile):
 * never an example that is being held out.
 */
import { PAPER_LOSSES, type LossName } from '../../../src-shared/losses'
import type { RecipeChoice } from '../../../src-shared/contract/recipe'
import { PHASE_DEFAULTS } from '../../../src-shared/contract/train-spec'
import { subset } from '../model/data'
import { lossConfigFor } from '../model/losses'
import { chooseRecipe, chosenCandidate, defaultCandidates, type Candidate } from '../model/recipe'
import type { TrainedModel } from '../model/trained'
import { finetune } from '../model/train'
import type { EpochReport, ItemSet, LossConfig } from '../model/types'
import { stratifiedFolds } from './stratified'

/** Rotations of the inner cross-validation (fewer when a class has fewer examples). */
export const RECIPE_FOLDS = 3
/** Steps per fine-tuning epoch and learning rate: the fine-tune phase's defaults (src-shared/contract/train-spec.ts). */
const { stepsPerEpoch: STEPS, learningRate: LEARNING_RATE } = PHASE_DEFAULTS.finetune

export interface RecipeTrainOptions {
  epochs: number
  seed: number
  signal?: AbortSignal
  onEpoch?: (r: EpochReport) => void
  onChoosing?: (message: string) => void
  /** Used when the examples are too few to cross-validate (the request's own fixed recipe). */
  fallback?: Candidate
}

const lossFor =
  (base: TrainedModel) =>
  (name: LossName): { loss: LossConfig; learningRate: number } => ({
    loss: name === base.loss.name ? base.loss : lossConfigFor(name),
    learningRate: LEARNING_RATE,
  })

/** Chooses the recipe on `indices` of `data` (clip folds of those examples only). */
export async function chooseForExamples(base: TrainedModel, data: ItemSet, indices: number[], o: RecipeTrainOptions): Promise<RecipeChoice> {
  const part = subset(data, indices)
  const counts = new Map<string, number>()
  for (const l of part.labels) counts.set(l, (counts.get(l) ?? 0) + 1)
  const k = Math.min(RECIPE_FOLDS, ...counts.values())
  const folds = k >= 2 ? stratifiedFolds(part.labels, k, o.seed) : part.labels.map(() => 0)
  return chooseRecipe(base, part, {
    groups: folds.map((f) => `fold ${f + 1}`),
    unit: 'clip fold',
    folds: RECIPE_FOLDS,
    shots: null,
    candidates: defaultCandidates(base.net.arch, [base.loss.name, ...PAPER_LOSSES]),
    lossFor: lossFor(base),
    epochs: o.epochs,
    stepsPerEpoch: STEPS,
    seed: o.seed,
    key: `enroll-${o.seed}-${indices.length}`,
    signal: o.signal,
    fallback: o.fallback,
    onProgress: (d, t, label) => o.onChoosing?.(`choosing the recipe (${d}/${t}): ${label}`),
  })
}

/** The base fine-tuned on `indices` with the chosen recipe (the base itself when the choice is to keep it). */
export async function trainChosen(base: TrainedModel, data: ItemSet, indices: number[], choice: RecipeChoice, o: RecipeTrainOptions): Promise<TrainedModel> {
  const c = chosenCandidate(choice)
  if (!c.finetune) return base
  const t = lossFor(base)(c.loss)
  return finetune(
    base,
    data,
    {
      frozenLayers: c.frozen,
      shots: null,
      loss: t.loss,
      seed: o.seed,
      indices,
      overrides: { epochs: o.epochs, stepsPerEpoch: STEPS, learningRate: t.learningRate, validationSpeakers: 0, patience: 0 },
    },
    { signal: o.signal, onEpoch: o.onEpoch },
  )
}
