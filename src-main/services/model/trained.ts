/**
 * A trained model and what inference does with it: the TrainedModel type and the embedding of
 * items through its normaliser. Inference (live worker, `ser predict`, label suggestions,
 * prototypes) imports this module, never train.ts: loading a model does not load the trainer
 * (docs/CONVENTIONS.md, "The model folder"; test/unit/tooling/model-imports.test.ts).
 */
import type { EpochDiagnostics } from '../../../src-shared/losses'
import type { EmbeddingModel } from './networks'
import { normaliseSet } from './normalise'
import type { EpochReport, ItemSet, LossConfig, Normaliser, TrainConfig } from './types'

export interface TrainedModel {
  net: EmbeddingModel
  normaliser: Normaliser | null
  labels: string[]
  loss: LossConfig
  frozenLayers: number
  shots: number | null
  history: EpochReport[]
  /** One entry per epoch of this model's last training phase (pre-training or fine-tuning). */
  diagnostics: EpochDiagnostics[]
  metrics: Record<string, number>
  config: TrainConfig
}

/** Embeddings of all items of `data` after the model's normaliser. */
export function embedAll(model: TrainedModel, data: ItemSet, indices?: ArrayLike<number>): Float32Array {
  return model.net.embedItems(normaliseSet(data, model.normaliser), indices)
}

/** Embeddings plus each item's raw output norm (see EmbeddingModel.embedWithNorms). */
export function embedAllWithNorms(model: TrainedModel, data: ItemSet, indices?: ArrayLike<number>): { emb: Float32Array; norms: Float32Array } {
  return model.net.embedWithNorms(normaliseSet(data, model.normaliser), indices)
}
