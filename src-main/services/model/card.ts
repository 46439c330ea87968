/** Builds the model card of a trained model (see src-shared/contract/models.ts). */
import { initBackend } from '../engine/backend'
import type { TrainedModel } from './trained'
import type { ModelCardData } from './types'
import type { Profile } from './inference'
import type { HeldOutEstimate, SpeakerRoles, TrainingData } from '../../../src-shared/contract/models'
import type { CardLabelRule } from '../../../src-shared/label-rule'
import type { UnfamiliarityCard } from '../../../src-shared/contract/unfamiliar'

export interface CardInput {
  name: string
  extractor: ModelCardData['extractor']
  sourceCorpus: string
  targetCorpus?: string | null
  calibration?: Pick<Profile, 'temperature' | 'uncertainDistance' | 'ece'> | null
  metrics?: Record<string, number>
  /** The model's one speaker split (roles.ts). */
  speakers?: SpeakerRoles
  heldOut?: HeldOutEstimate | null
  /** Which label counted as each clip's label (the rules datasetItems read under). */
  labelRule?: CardLabelRule
  /** The corpora and each role's clips (run.ts). */
  data?: TrainingData
  /** The unfamiliarity reference and threshold (unfamiliar.ts). */
  unfamiliarity?: UnfamiliarityCard | null
  /** The recommended recipe's choice (recipe.ts), when one was made. */
  recipe?: ModelCardData['recipe']
  /** Fixed date for reproducible builds; now otherwise. */
  createdAt?: string
}

/** Measurements of the machine, not of the model: kept out of the card so a rebuild is byte-identical. */
const NOT_MODEL_METRICS = new Set(['pairsPerSecond'])

/** Everything but the file hashes, which saveModel fills in. */
export async function makeCard(model: TrainedModel, input: CardInput): Promise<Omit<ModelCardData, 'files'>> {
  const b = await initBackend()
  const metrics = { ...model.metrics, ...(input.metrics ?? {}) }
  return {
    format: 'ser-siamese/1',
    name: input.name,
    createdAt: input.createdAt ?? new Date().toISOString(),
    arch: model.net.arch,
    extractor: input.extractor,
    normaliser: model.normaliser,
    labels: model.labels,
    sourceCorpus: input.sourceCorpus,
    targetCorpus: input.targetCorpus ?? null,
    loss: model.loss,
    frozenLayers: model.frozenLayers,
    shots: model.shots,
    backend: { name: b.name, threads: b.threads, simd: b.simd ?? null, tfjs: b.tfjsVersion },
    metrics: Object.fromEntries(Object.entries(metrics).filter(([k, v]) => Number.isFinite(v) && !NOT_MODEL_METRICS.has(k))),
    training: {
      seed: model.config.seed,
      epochs: model.history.length,
      pairsPerBatch: model.config.pairsPerBatch,
      learningRate: model.config.learningRate,
    },
    calibration: input.calibration
      ? {
          temperature: input.calibration.temperature,
          uncertainDistance: Number.isFinite(input.calibration.uncertainDistance) ? input.calibration.uncertainDistance : 1e9,
          ece: input.calibration.ece,
        }
      : null,
    ...(input.speakers ? { speakers: input.speakers } : {}),
    ...(input.heldOut !== undefined ? { heldOut: input.heldOut } : {}),
    ...(input.labelRule ? { labelRule: input.labelRule } : {}),
    ...(input.data ? { data: input.data } : {}),
    ...(input.unfamiliarity !== undefined ? { unfamiliarity: input.unfamiliarity } : {}),
    ...(input.recipe ? { recipe: input.recipe } : {}),
  }
}
