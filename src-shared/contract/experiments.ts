/**
 * The paper's experiment grid: configuration, one result record per
 * (method, source, loss, frozen, shots, fold, seed), the aggregated summary and
 * the verdicts on the paper's two claims. Shared by the CLI, the API and the UI.
 * docs/experiments.md documents every field.
 */
import { z } from 'zod'
import { MAX_DOCUMENT_CHARS, MAX_ENTRIES, MAX_INLINE_SVG_CHARS, MAX_ITEMS, MAX_TEXT, Real, boundedRecord } from './limits'
import { ArchitectureKindSchema, EpochDiagnosticsSchema, LossNameSchema, PAPER_LOSSES } from '../losses'
import { RecipeChoiceSchema } from './recipe'
import { PHASE_DEFAULTS } from './train-spec'

export { LossNameSchema }
/** Labelled target examples per class for fine-tuning and enrollment, or 'all' of the training speakers' clips. */
export const ShotsSchema = z.union([z.number().int().min(1).max(10000), z.literal('all')])
export type Shots = z.infer<typeof ShotsSchema>

/**
 * A corpus of the experiment: `name` labels it in the results (e.g. 'cremad');
 * `ref` is a folder (imported when not yet in the workspace) or a dataset name/id of the workspace.
 */
export const CorpusRefSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .regex(/^[\w.-]+$/, 'letters, digits, dots, dashes and underscores only'),
  ref: z.string().trim().min(1).max(1000),
})
export type CorpusRef = z.infer<typeof CorpusRefSchema>

const LossList = z.array(LossNameSchema).min(1).max(5)

/**
 * Defaults keep the default grid (one CREMA-D-sized source, a RAVDESS-sized target) under
 * one hour on 2 cores: see docs/experiments.md, "Speed".
 */
export const ExperimentConfigSchema = z.object({
  sources: z.array(CorpusRefSchema).min(1).max(6),
  target: CorpusRefSchema,
  /** `--loss`: the default of both lists below. */
  losses: LossList.default([...PAPER_LOSSES]),
  /** Losses a base is pre-trained with (default: `losses`); crossed with `finetuneLosses`. */
  pretrainLosses: LossList.optional(),
  /** Losses the fine-tuning (and the target-only baseline) use (default: `losses`). */
  finetuneLosses: LossList.optional(),
  /**
   * Pre-training seeds 1..N: one base per source x pre-training loss x seed. 5, because no interval rests on fewer than
   * 5 bases: with 3, every comparison within one pre-training loss (the recommended arm, a variant against softmax) had none.
   */
  pretrainSeeds: z.number().int().min(1).max(20).default(5),
  frozen: z.array(z.number().int().min(0).max(8)).min(1).max(9).default([0, 1]),
  shots: z.array(ShotsSchema).min(1).max(20).default([1, 5, 'all']),
  /** Speaker-independent folds of the target (every speaker in exactly one fold). */
  folds: z.number().int().min(2).max(20).default(5),
  /** Support draws (seeds 1..seeds) per fold: 1 by default (the fold resampling carries the draw's variance too), paying for the 5 bases. */
  seeds: z.number().int().min(1).max(20).default(1),
  model: ArchitectureKindSchema.default('mlp'),
  /** 'common': classes every source and the target share (default); 'all': every target class; or an explicit list. */
  classes: z.union([z.enum(['common', 'all']), z.array(z.string().min(1).max(60)).min(2).max(50)]).default('common'),
  /** Training length (defaults: the engine's, PHASE_DEFAULTS in train-spec.ts; smaller values make quick runs for tests). */
  pretrainEpochs: z.number().int().min(1).max(500).default(PHASE_DEFAULTS.pretrain.epochs),
  finetuneEpochs: z.number().int().min(1).max(500).default(PHASE_DEFAULTS.finetune.epochs),
  stepsPerEpoch: z.number().int().min(1).max(1000).default(PHASE_DEFAULTS.pretrain.stepsPerEpoch),
  finetuneSteps: z.number().int().min(1).max(1000).default(PHASE_DEFAULTS.finetune.stepsPerEpoch),
  /** Tuning trials per loss (the same budget for every loss), on source speakers held out from pre-training. */
  tuneBudget: z.number().int().min(1).max(100).default(6),
  /** Epochs of each tuning trial. */
  tuneEpochs: z.number().int().min(1).max(200).default(6),
  /** The `recommended` arm: per base and support draw, the recipe chosen by cross-validation over the support speakers. */
  recommended: z.boolean().default(true),
  /** Rotations of that cross-validation (query speaker groups among the support speakers). */
  recommendFolds: z.number().int().min(2).max(10).default(3),
})
export type ExperimentConfig = z.infer<typeof ExperimentConfigSchema>
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>

export const MethodSchema = z.enum(['finetune', 'pretrained_only', 'target_only', 'softmax', 'recommended'])
export type Method = z.infer<typeof MethodSchema>

const Speakers = z.array(z.string().max(200)).max(100_000)
/** The speakers of every role behind one record: the source's (pre-training, its early-stopping validation, tuning) and the target's. */
export const SpeakerRolesSchema = z.object({
  pretrain: Speakers,
  validation: Speakers,
  tuning: Speakers,
  support: Speakers,
  test: Speakers,
})
export type SpeakerRoles = z.infer<typeof SpeakerRolesSchema>

/** One evaluation: one arm on one fold with one support draw (and one pre-trained base). */
export const ResultRecordSchema = z.object({
  /**
   * finetune: a base pre-trained on `source` with `pretrain_loss`, fine-tuned with `finetune_loss`;
   * pretrained_only: the same base unchanged, prototypes of the K support clips;
   * target_only: the same network trained with `finetune_loss` on the support clips alone;
   * softmax: plain classifier on the support clips;
   * recommended: the base with the recipe (unchanged, or fine-tuned with a loss and frozen layers) chosen by
   * cross-validation over the fold's support speakers; the choice is in `recipe` (finetune_loss and frozen stay null).
   */
  method: MethodSchema,
  source: z.string().max(60).nullable(),
  pretrain_loss: LossNameSchema.nullable(),
  finetune_loss: LossNameSchema.nullable(),
  pretrain_seed: z.number().int().min(1).nullable(),
  frozen: z.number().int().nullable(),
  shots: ShotsSchema,
  fold: z.number().int().min(0),
  /** The support draw (and the training seed of the fine-tuning). */
  seed: z.number().int(),
  model: ArchitectureKindSchema,
  classes: z.array(z.string().max(60)).max(50),
  n_support: z.number().int().min(0),
  n_test: z.number().int().min(1),
  accuracy: z.number().min(0).max(1),
  uar: z.number().min(0).max(1),
  macro_f1: z.number().min(0).max(1),
  /** Support speakers are disjoint from test speakers; source roles are empty for target-only arms. */
  speakers: SpeakerRolesSchema,
  /** Per-epoch diagnostics of this record's training phase (fine-tuning / target-only); [] for arms that do not train. */
  diagnostics: z.array(EpochDiagnosticsSchema).max(10_000),
  /** confusion[truth][predicted] = count, over `classes`. */
  confusion: boundedRecord(z.string().max(MAX_TEXT), boundedRecord(z.string().max(MAX_TEXT), z.number().int(), MAX_ENTRIES), MAX_ENTRIES),
  seconds: Real.min(0),
  /** The `recommended` arm's choice and every candidate's cross-validated scores (absent for the other arms). */
  recipe: RecipeChoiceSchema.optional(),
})
export type ResultRecord = z.infer<typeof ResultRecordSchema>

/** One pre-trained base (results.json `pretraining`): its speakers and per-epoch diagnostics. */
export const PretrainRecordSchema = z.object({
  source: z.string().max(60),
  pretrain_loss: LossNameSchema,
  pretrain_seed: z.number().int().min(1),
  speakers: SpeakerRolesSchema.pick({ pretrain: true, validation: true, tuning: true }),
  epochs: z.number().int().min(0),
  best_epoch: z.number().int().nullable(),
  /** The early-stopping rule and the validation set it was judged on (absent in older results). */
  early_stopping: z
    .object({ patience: z.number().int(), min_epochs: z.number().int(), validation_speakers: z.number().int(), validation_clips: z.number().int() })
    .optional(),
  /** First epoch whose active_fraction fell to <= 0.01, or null (absent in older results). */
  stopped_training_at: z.number().int().nullable().optional(),
  val_accuracy: Real.nullable(),
  hyper: z.object({ margin: Real, temperature: Real, learningRate: Real }),
  diagnostics: z.array(EpochDiagnosticsSchema).max(10_000),
  seconds: Real.min(0),
})
export type PretrainRecord = z.infer<typeof PretrainRecordSchema>

/** How one loss's hyper-parameters were chosen (results.json `meta.losses`). */
export const LossTuningSchema = z.object({
  source: z.string().max(60),
  loss: LossNameSchema,
  chosen: z.object({ margin: Real, temperature: Real, learningRate: Real }),
  trials: z.array(z.object({ params: boundedRecord(z.string().max(MAX_TEXT), Real, MAX_ENTRIES), score: Real.nullable(), se: Real.optional() })).max(1000),
  budget: z.number().int(),
  criterion: z.string().max(2000),
  /** Chance UAR of the tuning task; whether a trial beat chance and the defaults by more than the noise; the conclusion in words (absent in older results). */
  chance: Real.optional(),
  informative: z.boolean().optional(),
  note: z.string().max(1000).optional(),
  trainSpeakers: Speakers,
  heldOutSpeakers: Speakers,
})
export type LossTuning = z.infer<typeof LossTuningSchema>

/** A mean with its n and a 95% interval (crossed bootstrap: folds; bases once per replicate; draws within folds). */
export const StatSchema = z.object({
  mean: Real,
  sd: Real,
  n: z.number().int(),
  /** null when there are too few units for an interval (`note` says which; `perUnit` holds the values instead). */
  ci: z.tuple([Real, Real]).nullable(),
  note: z.string().max(MAX_TEXT).nullable().optional(),
  /** The value per fold (or per base), shown in place of an interval over fewer than 5 units. */
  perUnit: z.array(z.object({ unit: z.string().max(200), value: Real })).max(1000).optional(),
})
export type Stat = z.infer<typeof StatSchema>

export const SummaryRowSchema = z.object({
  key: z.string().max(300),
  method: MethodSchema,
  source: z.string().max(MAX_TEXT).nullable(),
  pretrain_loss: LossNameSchema.nullable(),
  finetune_loss: LossNameSchema.nullable(),
  frozen: z.number().int().nullable(),
  shots: ShotsSchema,
  accuracy: StatSchema,
  uar: StatSchema,
  macro_f1: StatSchema,
})
export type SummaryRow = z.infer<typeof SummaryRowSchema>

/**
 * supported: the 95% interval lies above 0; contradicted: it lies below 0; inconclusive:
 * otherwise, or too few units, or the grid lacks what is compared (`reason` says which).
 */
export const VerdictSchema = z.enum(['supported', 'contradicted', 'inconclusive'])
export type Verdict = z.infer<typeof VerdictSchema>

/** How many units of each level of the hierarchy an effect rests on. */
export const UnitsSchema = z.object({
  folds: z.number().int(),
  /** Distinct pre-trained bases (source x pre-training loss x seed); 0 for arms without one. */
  bases: z.number().int(),
  /** Fewest pre-training seeds behind one source x pre-training loss. */
  pretrainSeeds: z.number().int(),
  supportDraws: z.number().int(),
  pairs: z.number().int(),
})

/** One paired effect (UAR difference as a fraction), overall or for one shots value. */
export const EffectSchema = z.object({
  shots: z.union([ShotsSchema, z.literal('pooled')]),
  effect: Real.nullable(),
  ci: z.tuple([Real, Real]).nullable(),
  units: UnitsSchema,
  verdict: VerdictSchema,
  /** Why an inconclusive verdict is inconclusive (null otherwise). */
  reason: z.string().max(MAX_TEXT).nullable(),
  /** The variant this effect is of, where the rows of a claim compare different ones (claim 4: the best variant at each shots value). */
  variant: z.string().max(MAX_TEXT).nullable().optional(),
})
export type Effect = z.infer<typeof EffectSchema>

export const ClaimIdSchema = z.enum(['distance-loss', 'source-vs-frozen', 'finetune-vs-pretrained', 'siamese-vs-softmax'])
export const ClaimResultSchema = z.object({
  id: ClaimIdSchema,
  claim: z.string().max(MAX_TEXT),
  /** The pooled verdict (effect averaged over the shots values). */
  verdict: VerdictSchema,
  reason: z.string().max(MAX_TEXT).nullable(),
  /** The decision rule, in words. */
  rule: z.string().max(MAX_TEXT),
  /** The numbers behind the verdict, in words. */
  explanation: z.string().max(MAX_TEXT),
  effect: Real.nullable(),
  ci: z.tuple([Real, Real]).nullable(),
  units: UnitsSchema,
  /** The variant the pooled effect is of, where the claim picks one (claim 4). */
  variant: z.string().max(MAX_TEXT).nullable().optional(),
  /** The effect for each shots value, each with its own interval and verdict. */
  perShots: z.array(EffectSchema).max(50),
  details: z.array(z.object({ label: z.string().max(MAX_TEXT), value: Real })).max(MAX_ITEMS),
})
export type ClaimResult = z.infer<typeof ClaimResultSchema>

/** One loss side by side with the others at one shots value (the report's per-loss table). */
export const LossRowSchema = z.object({
  loss: LossNameSchema,
  shots: ShotsSchema,
  /** Pre-trained and fine-tuned with this loss (averaged over sources and frozen settings). */
  finetune: StatSchema.nullable(),
  /** Pre-trained with this loss, prototypes on the unchanged base. */
  pretrained_only: StatSchema.nullable(),
  /** Trained with this loss on the support clips alone. */
  target_only: StatSchema.nullable(),
  /** Paired UAR difference finetune - softmax. */
  vs_softmax: EffectSchema.nullable(),
  /** 1 = best fine-tuned UAR at this shots value. */
  rank: z.number().int().nullable(),
})
export type LossRow = z.infer<typeof LossRowSchema>

export const HeadlineSchema = z.object({
  text: z.string().max(MAX_TEXT),
  best: z.object({ label: z.string().max(MAX_TEXT), key: z.string().max(MAX_TEXT), uar: StatSchema }).nullable(),
  /** Whether any Siamese variant's paired difference to the softmax baseline has an interval above 0. */
  siameseBeatsSoftmax: z.boolean(),
})
export type Headline = z.infer<typeof HeadlineSchema>

/**
 * The recommended arm of one source x pre-training loss: how often it made each choice, and its
 * margin over the best fixed arm on the same bases (and over the best arm of the grid) per shots value.
 */
export const RecommendedVariantSchema = z.object({
  source: z.string().max(60),
  pretrain_loss: LossNameSchema,
  label: z.string().max(MAX_TEXT),
  choices: z
    .array(z.object({ shots: ShotsSchema, n: z.number().int(), counts: z.array(z.object({ label: z.string().max(MAX_TEXT), n: z.number().int() })).max(200) }))
    .max(50),
  /** recommended - the best fixed arm among its candidates (pre-trained only, each fine-tuning loss x frozen, same bases). */
  vsBestCandidate: z.array(z.object({ best: z.string().max(MAX_TEXT), effect: EffectSchema })).max(50),
  /** recommended - the best arm of the whole grid at that shots value (any method, source or loss). */
  vsBestOverall: z.array(z.object({ best: z.string().max(MAX_TEXT), effect: EffectSchema })).max(50),
  /** "never significantly worse": no per-shots interval of vsBestCandidate lies below 0 (null: some shots value has no interval, so it cannot be told). */
  neverWorse: z.boolean().nullable(),
})
export type RecommendedVariant = z.infer<typeof RecommendedVariantSchema>
export const RecommendedSummarySchema = z.object({ text: z.string().max(MAX_TEXT), variants: z.array(RecommendedVariantSchema).max(100) })
export type RecommendedSummary = z.infer<typeof RecommendedSummarySchema>

export const RunStatusSchema = z.enum(['running', 'done', 'failed', 'cancelled'])
export const ExperimentRunSchema = z.object({
  id: z.number().int(),
  outDir: z.string().max(MAX_TEXT),
  status: RunStatusSchema,
  createdAt: z.string().max(MAX_TEXT),
  finishedAt: z.string().max(MAX_TEXT).nullable(),
  error: z.string().max(MAX_TEXT).nullable(),
  config: ExperimentConfigSchema,
  /** Completed records / total planned (from the run folder; null when the folder is gone). */
  done: z.number().int().nullable(),
  total: z.number().int().nullable(),
})
export type ExperimentRun = z.infer<typeof ExperimentRunSchema>

export const EmbeddingPointSchema = z.object({
  x: Real,
  y: Real,
  emotion: z.string().max(MAX_TEXT),
  speaker: z.string().max(MAX_TEXT),
  role: z.enum(['support', 'test']),
})
export const EmbeddingMapSchema = z.object({
  title: z.string().max(MAX_TEXT),
  method: z.string().max(MAX_TEXT),
  points: z.array(EmbeddingPointSchema).max(MAX_ITEMS),
})
export type EmbeddingMap = z.infer<typeof EmbeddingMapSchema>

export const CurvePointSchema = z.object({
  source: z.string().max(MAX_TEXT),
  loss: LossNameSchema,
  pretrainSeed: z.number().int(),
  epoch: z.number().int(),
  trainLoss: Real,
  valAccuracy: Real.nullable(),
})
export type CurvePoint = z.infer<typeof CurvePointSchema>

export const PlotSchema = z.object({
  title: z.string().max(MAX_TEXT),
  svg: z.string().max(MAX_INLINE_SVG_CHARS).nullable(),
  note: z.string().max(MAX_TEXT).nullable(),
})
export type PlotOut = z.infer<typeof PlotSchema>

/** What the Experiments view shows of a run: the same tables and plots as report.html. */
export const RunDetailSchema = z.object({
  run: ExperimentRunSchema,
  summary: z.array(SummaryRowSchema).max(MAX_ITEMS),
  claims: z.array(ClaimResultSchema).max(MAX_ITEMS),
  losses: z.array(LossRowSchema).max(MAX_ITEMS),
  headline: HeadlineSchema,
  recommended: RecommendedSummarySchema.default({ text: '', variants: [] }),
  /**
   * Plots as self-contained SVG strings (shown as data: images). Bounded by construction
   * (services/experiment/detail.ts): a plot larger than MAX_INLINE_SVG_CHARS comes with
   * `svg` null and `note` saying to open report.html, where every plot is.
   */
  plots: z.array(PlotSchema).max(MAX_ITEMS),
  markdown: z.string().max(MAX_DOCUMENT_CHARS),
  hasReport: z.boolean(),
})
export type RunDetail = z.infer<typeof RunDetailSchema>

export const StartExperimentSchema = z.object({
  config: ExperimentConfigSchema,
  /** Output folder (default: <workspace>/experiments/<timestamp>). */
  out: z.string().trim().min(1).max(1000).optional(),
  force: z.boolean().default(false),
})
export type StartExperiment = z.input<typeof StartExperimentSchema>
