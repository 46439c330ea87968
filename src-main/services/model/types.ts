/**
 * Plain data types of the Siamese engine. Everything trains on flat Float32Arrays
 * of per-clip feature vectors (eGeMAPS, 88 floats) or spectrograms (frames x mels),
 * with a label and a speaker id per item, so the engine is testable without audio.
 */
import type { BackendName } from '../engine/backend'
import type { EpochDiagnostics, LossName } from '../../../src-shared/losses'

/** n items, each of shape `itemShape` (e.g. [88] or [frames, mels]), stored row-major in `x`. */
export interface ItemSet {
  x: Float32Array
  itemShape: number[]
  labels: string[]
  speakers: string[]
}

export type Architecture =
  | { kind: 'mlp'; inputDim: number; hidden: number[]; embedding: number; normalize?: EmbeddingNorm }
  | { kind: 'cnn'; frames: number; mels: number; channels: number[]; embedding: number; normalize?: EmbeddingNorm }

/**
 * The network's last step: 'l2' (unit-length embeddings, every model trained since the
 * losses were compared fairly; the default when absent) or 'none' (raw outputs: cards
 * written before the field existed, read as 'none' so their profiles stay valid).
 */
export type EmbeddingNorm = 'l2' | 'none'
/** An architecture whose `normalize` is explicit (what a network and a card carry). */
export type ResolvedArchitecture = Architecture & { normalize: EmbeddingNorm }

export type { LossName }

/** A loss and its hyper-parameters (formulas in losses.ts; defaults in LOSS_DEFAULTS). */
export interface LossConfig {
  name: LossName
  /** Margin m (contrastive, distance, triplet); 0 where the loss has none. */
  margin: number
  /** Temperature t (distance's softplus, protonet, supcon); ignored by contrastive and triplet. */
  temperature: number
}

export interface TrainConfig {
  arch: Architecture
  loss: LossConfig
  /** Pairs per step (contrastive) or items per class-balanced batch (distance) = classesPerBatch * perClass. */
  pairsPerBatch: number
  classesPerBatch?: number
  perClass?: number
  /** Fraction of different-class pairs that are hard negatives (closest in embedding space), 0..1. */
  hardNegatives: number
  epochs: number
  stepsPerEpoch: number
  learningRate: number
  /** Early stopping patience in epochs on the validation metric (0 = off). */
  patience: number
  /** Early stopping never stops before this many epochs (absent = 0). */
  minEpochs?: number
  /** Fraction of speakers held out for validation (speaker-independent), 0 = no validation. */
  validationSpeakers: number
  seed: number
  /** First N layers frozen (fine-tuning). */
  frozenLayers: number
}

export interface EpochReport {
  epoch: number
  epochs: number
  trainLoss: number
  valLoss: number | null
  valAccuracy: number | null
  pairsPerSecond: number
  resumed: boolean
  /** The epoch's training diagnostics (loss, active fraction, gradient and weight movement). */
  diagnostics: EpochDiagnostics
}

export interface Normaliser {
  mean: number[]
  std: number[]
}

/** Everything the app needs about a trained model; persisted as card.json next to model.json. */
export interface ModelCardData {
  format: 'ser-siamese/1'
  name: string
  createdAt: string
  arch: ResolvedArchitecture
  extractor: { name: 'egemaps' | 'logmel'; version: string; params?: Record<string, unknown> }
  normaliser: Normaliser | null
  /** Classes seen in (pre-)training; profiles may add others at enrollment. */
  labels: string[]
  sourceCorpus: string
  targetCorpus: string | null
  loss: LossConfig
  frozenLayers: number
  shots: number | null
  backend: { name: BackendName; threads: number | null; simd: boolean | null; tfjs: string }
  metrics: Record<string, number>
  training: { seed: number; epochs: number; pairsPerBatch: number; learningRate: number }
  calibration: { temperature: number; uncertainDistance: number; ece: number | null } | null
  speakers?: import('../../../src-shared/contract/models').SpeakerRoles
  heldOut?: import('../../../src-shared/contract/models').HeldOutEstimate | null
  labelRule?: import('../../../src-shared/label-rule').CardLabelRule
  data?: import('../../../src-shared/contract/models').TrainingData
  unfamiliarity?: import('../../../src-shared/contract/unfamiliar').UnfamiliarityCard | null
  recipe?: import('../../../src-shared/contract/recipe').RecipeChoice
  files: { 'model.json': string; 'weights.bin': string }
}

/** Progress sink for training (maps onto JobContext.progress). */
export interface TrainContext {
  signal?: AbortSignal
  onEpoch?(report: EpochReport): void
  /** Folder for checkpoints; a run restarted with the same folder resumes. */
  checkpointDir?: string
}
