/**
 * The one vocabulary of Siamese / metric-learning losses, shared by the engine, the
 * experiment runner, the CLI, the API contract and the UI. Every place that names a
 * loss imports it from here (never re-declares the enum).
 *
 * Embedding geometry: every loss works on L2-normalised embeddings (unit sphere), so a
 * margin is a fraction of the sphere's diameter (distances lie in [0, 2]) and does not
 * depend on how large the network's outputs happen to grow. docs/method.md says why.
 *
 * Defaults below are starting points, inside the tuner's search ranges and chosen like their bounds
 * (services/model/tuning.ts SEARCH_SPACE): every one keeps the loss's gradient alive on a fresh
 * network and on a batch whose classes are already apart (docs/method.md, "Losses that keep training"); the experiment runner tunes margin / temperature /
 * learning rate per loss with the same budget on held-out *source* speakers and records
 * the chosen values in results.json `meta.losses`.
 */
import { z } from 'zod'

export const LOSS_NAMES = ['contrastive', 'distance', 'triplet', 'protonet', 'supcon'] as const
export const LossNameSchema = z.enum(LOSS_NAMES)
export type LossName = z.infer<typeof LossNameSchema>

/** The paper's two losses: the default of every grid and of `ser train`. */
export const PAPER_LOSSES: readonly LossName[] = ['contrastive', 'distance']
/** The default single loss where one is needed (train form, CLI, TrainSpec). */
export const DEFAULT_LOSS: LossName = 'distance'

export interface LossDefaults {
  /** Margin m (contrastive, distance); unused (0) where the loss has none. */
  margin: number
  /** Temperature t (distance softplus, supcon, protonet logits scale); unused (0) where none. */
  temperature: number
  /** Adam learning rate for pre-training with this loss. */
  learningRate: number
  /** Whether the loss trains on explicit pairs (contrastive) or on class-balanced batches (all others). */
  batching: 'pairs' | 'balanced'
  /** The source the formula is taken from (cited in code and docs/method.md). */
  citation: string
}

export const LOSS_DEFAULTS: Record<LossName, LossDefaults> = {
  contrastive: { margin: 1, temperature: 0, learningRate: 1e-3, batching: 'pairs', citation: 'Hadsell, Chopra & LeCun 2006, CVPR' },
  distance: {
    margin: 0.5,
    temperature: 0.3,
    learningRate: 1e-3,
    batching: 'balanced',
    citation: "reconstruction of the seed paper's modified distance loss (docs/method.md)",
  },
  triplet: {
    margin: 0,
    temperature: 0,
    learningRate: 1e-3,
    batching: 'balanced',
    citation: 'Hermans, Beyer & Leibe 2017, "In Defense of the Triplet Loss" (batch-hard, soft margin)',
  },
  protonet: {
    margin: 0,
    temperature: 1,
    learningRate: 1e-3,
    batching: 'balanced',
    citation: 'Snell, Swersky & Zemel 2017, "Prototypical Networks for Few-shot Learning"',
  },
  supcon: { margin: 0, temperature: 0.3, learningRate: 1e-3, batching: 'balanced', citation: 'Khosla et al. 2020, "Supervised Contrastive Learning"' },
}

export const ArchitectureKindSchema = z.enum(['mlp', 'cnn'])
export type ArchitectureKind = z.infer<typeof ArchitectureKindSchema>

/**
 * One epoch of a training phase, recorded for every pre-training and fine-tuning run.
 * active_fraction: share of anchors (balanced losses) or pairs (contrastive) with a non-zero gradient.
 * weight_change: ||w - w0|| / ||w0|| over the trainable weights since the start of the phase.
 */
export const EpochDiagnosticsSchema = z.object({
  epoch: z.number().int().min(0).max(100_000),
  // finite bounds far above any real value (the contract's bounds test walks every schema)
  loss: z.number().min(-1e15).max(1e15),
  active_fraction: z.number().min(0).max(1),
  grad_norm: z.number().min(0).max(1e15),
  embedding_norm: z.number().min(0).max(1e15),
  weight_change: z.number().min(0).max(1e15),
})
export type EpochDiagnostics = z.infer<typeof EpochDiagnosticsSchema>

/**
 * How a fine-tuning recipe is set: 'fixed' (the loss, frozen layers and fine-tune-or-not the
 * person gave) or 'recommended' (chosen for the data at hand by cross-validation over its
 * labelled speakers, or examples, only: services/model/recipe.ts, docs/method.md).
 */
export const RECIPES = ['fixed', 'recommended'] as const
export const RecipeSchema = z.enum(RECIPES)
export type Recipe = z.infer<typeof RecipeSchema>
