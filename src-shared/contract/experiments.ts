/**
 * The paper's experiment grid: configuration, one result record per
 * (method, source, loss, frozen, shots, fold, seed), the aggregated summary and
 * the verdicts on the paper's two claims. Shared by the CLI, the API and the UI.
 * docs/experiments.md documents every field.
 */
import { z } from 'zod'
import { MAX_DOCUMENT_CHARS, MAX_ENTRIES, MAX_ITEMS, MAX_TEXT, Real, boundedRecord } from './limits'

export const LossNameSchema = z.enum(['contrastive', 'distance'])
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

export const ExperimentConfigSchema = z.object({
  sources: z.array(CorpusRefSchema).min(1).max(6),
  target: CorpusRefSchema,
  losses: z.array(LossNameSchema).max(16).min(1).default(['contrastive', 'distance']),
  frozen: z.array(z.number().int().min(0).max(8)).max(9).min(1).default([0, 1, 2]),
  shots: z.array(ShotsSchema).max(32).min(1).default([1, 5, 10, 'all']),
  /** Speaker-independent folds of the target (every speaker in exactly one fold). */
  folds: z.number().int().min(2).max(20).default(4),
  /** Number of seeds (1..seeds) per fold. */
  seeds: z.number().int().min(1).max(20).default(3),
  model: z.enum(['mlp', 'cnn']).default('mlp'),
  /** 'common': classes every source and the target share (default); 'all': every target class; or an explicit list. */
  classes: z.union([z.enum(['common', 'all']), z.array(z.string().max(60).min(1)).max(64).min(2)]).default('common'),
  /** Training length (defaults: the engine's; smaller values make quick runs for tests). */
  pretrainEpochs: z.number().int().min(1).max(500).default(20),
  finetuneEpochs: z.number().int().min(1).max(500).default(30),
  stepsPerEpoch: z.number().int().min(1).max(1000).default(50),
  finetuneSteps: z.number().int().min(1).max(1000).default(10),
})
export type ExperimentConfig = z.infer<typeof ExperimentConfigSchema>
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>

export const MethodSchema = z.enum(['finetune', 'target_only', 'softmax'])
export type Method = z.infer<typeof MethodSchema>

/** One evaluation: one configuration on one fold with one seed. */
export const ResultRecordSchema = z.object({
  /** finetune: pre-trained on `source` then fine-tuned; target_only: same network, no pre-training; softmax: plain classifier. */
  method: MethodSchema,
  source: z.string().max(MAX_TEXT).nullable(),
  loss: LossNameSchema.nullable(),
  frozen: z.number().int().nullable(),
  shots: ShotsSchema,
  fold: z.number().int().min(0),
  seed: z.number().int(),
  model: z.enum(['mlp', 'cnn']),
  classes: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  n_support: z.number().int().min(0),
  n_test: z.number().int().min(1),
  accuracy: z.number().min(0).max(1),
  uar: z.number().min(0).max(1),
  macro_f1: z.number().min(0).max(1),
  /** Speakers whose clips were used for fine-tuning / support; disjoint from test_speakers. */
  train_speakers: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  test_speakers: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  /** confusion[truth][predicted] = count, over `classes`. */
  confusion: boundedRecord(z.string().max(MAX_TEXT), boundedRecord(z.string().max(MAX_TEXT), z.number().int(), MAX_ENTRIES), MAX_ENTRIES),
  seconds: Real.min(0),
})
export type ResultRecord = z.infer<typeof ResultRecordSchema>

export const StatSchema = z.object({ mean: Real, sd: Real, n: z.number().int() })
export type Stat = z.infer<typeof StatSchema>

export const SummaryRowSchema = z.object({
  key: z.string().max(MAX_TEXT),
  method: MethodSchema,
  source: z.string().max(MAX_TEXT).nullable(),
  loss: LossNameSchema.nullable(),
  frozen: z.number().int().nullable(),
  shots: ShotsSchema,
  accuracy: StatSchema,
  uar: StatSchema,
  macro_f1: StatSchema,
})
export type SummaryRow = z.infer<typeof SummaryRowSchema>

export const VerdictSchema = z.enum(['supported', 'not supported', 'inconclusive', 'not testable'])
export const ClaimResultSchema = z.object({
  id: z.enum(['distance-loss', 'source-vs-frozen']),
  claim: z.string().max(MAX_TEXT),
  verdict: VerdictSchema,
  /** The decision rule, in words. */
  rule: z.string().max(MAX_TEXT),
  /** The numbers behind the verdict, in words. */
  explanation: z.string().max(MAX_TEXT),
  /** Mean paired effect (UAR points as a fraction), its spread and its 95% bootstrap interval over (fold, seed) units. */
  effect: Real.nullable(),
  sd: Real.nullable(),
  ci: z.tuple([Real, Real]).nullable(),
  units: z.number().int(),
  details: z.array(z.object({ label: z.string().max(MAX_TEXT), value: Real })).max(MAX_ITEMS),
})
export type ClaimResult = z.infer<typeof ClaimResultSchema>

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

export const EmbeddingPointSchema = z.object({ x: Real, y: Real, emotion: z.string().max(MAX_TEXT), speaker: z.string().max(MAX_TEXT), role: z.enum(['support', 'test']) })
export const EmbeddingMapSchema = z.object({
  title: z.string().max(MAX_TEXT),
  method: z.string().max(MAX_TEXT),
  points: z.array(EmbeddingPointSchema).max(MAX_ITEMS),
})
export type EmbeddingMap = z.infer<typeof EmbeddingMapSchema>

export const CurvePointSchema = z.object({ source: z.string().max(MAX_TEXT), loss: LossNameSchema, epoch: z.number().int(), trainLoss: Real, valAccuracy: Real.nullable() })
export type CurvePoint = z.infer<typeof CurvePointSchema>

/** What the Experiments view shows of a run: the same tables and plots as report.html. */
export const RunDetailSchema = z.object({
  run: ExperimentRunSchema,
  summary: z.array(SummaryRowSchema).max(MAX_ITEMS),
  claims: z.array(ClaimResultSchema).max(MAX_ITEMS),
  /** Plots as self-contained SVG strings (shown as data: images). */
  plots: z.array(z.object({ title: z.string().max(MAX_TEXT), svg: z.string().max(MAX_TEXT) })).max(MAX_ITEMS),
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
