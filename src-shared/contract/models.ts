/**
 * Model cards: what the app knows about a trained Siamese model (persisted as
 * card.json next to the TensorFlow.js model.json / weights.bin). Loading validates
 * the card with this schema and refuses a mismatched extractor version.
 */
import { z } from 'zod'
import { ArchitectureKindSchema, LossNameSchema } from '../losses'
import { ModelNameSchema } from './train-spec'
import { RecipeChoiceSchema } from './recipe'
import { CardLabelRuleSchema } from '../label-rule'
import { UnfamiliarityCardSchema } from './unfamiliar'
import { MAX_ENTRIES, MAX_ITEMS, MAX_JSON_CHARS, MAX_TEXT, Real, boundedRecord, boundedUnknown } from './limits'
import { ExtractorNameSchema } from '../extractors'

export const ArchitectureSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('mlp'),
    inputDim: z.number().int().positive(),
    hidden: z.array(z.number().int().positive()).max(MAX_ITEMS),
    embedding: z.number().int().positive(),
    // 'none' for cards written before embeddings were L2-normalised (their profiles hold raw embeddings)
    normalize: z.enum(['l2', 'none']).default('none'),
  }),
  z.object({
    kind: z.literal('cnn'),
    frames: z.number().int().positive(),
    mels: z.number().int().positive(),
    channels: z.array(z.number().int().positive()).max(MAX_ITEMS).min(1),
    embedding: z.number().int().positive(),
    normalize: z.enum(['l2', 'none']).default('none'),
  }),
])

export const LossConfigSchema = z.object({
  name: LossNameSchema,
  margin: Real.min(0),
  temperature: Real.min(0), // 0 where the loss has none (contrastive, triplet)
})

/**
 * The speakers of each role of a model's one split (services/model/roles.ts), as
 * '<dataset>:<speaker>'. Held-out speakers appear in no other role; `finetune` lists the
 * speakers whose clips gave the K shots (fine-tuning and the profile's support).
 */
export const SpeakerRolesSchema = z.object({
  pretrain: z.array(z.string().max(300)).max(100_000),
  validation: z.array(z.string().max(300)).max(100_000),
  finetune: z.array(z.string().max(300)).max(100_000),
  calibration: z.array(z.string().max(300)).max(100_000),
  heldOut: z.array(z.string().max(300)).max(100_000),
})
export type SpeakerRoles = z.infer<typeof SpeakerRolesSchema>
export const SPEAKER_ROLES = ['pretrain', 'validation', 'finetune', 'calibration', 'heldOut'] as const

/** A figure with its 95% interval and how the interval was made (e.g. 'Wilson', 'bootstrap over 5 speakers'). */
export const IntervalSchema = z.object({ value: Real, low: Real, high: Real, method: z.string().max(200) })
export type Interval = z.infer<typeof IntervalSchema>

/**
 * A UAR with a bootstrap interval over speakers, or, over fewer than MIN_INTERVAL_UNITS (5)
 * speakers, no interval (`low`/`high` null, `method` says "too few speakers for an interval")
 * and the value of each speaker instead.
 */
export const UarEstimateSchema = z.object({
  value: Real,
  low: Real.nullable(),
  high: Real.nullable(),
  method: z.string().max(300),
  perSpeaker: z.array(z.object({ speaker: z.string().max(300), value: Real, n: z.number().int() })).max(100_000).optional(),
})
export type UarEstimate = z.infer<typeof UarEstimateSchema>

/** A held-out figure as every surface shows it: n, 95% intervals, chance level, and what it was measured on. */
export const HeldOutEstimateSchema = z.object({
  /** Clips scored. */
  n: z.number().int().min(0),
  /** Distinct speakers among them. */
  speakers: z.number().int().min(0),
  classes: z.array(z.string().max(100)).max(1000),
  /** Wilson over clips: ignores speaker variation (the method says so). */
  accuracy: IntervalSchema,
  uar: UarEstimateSchema,
  macroF1: Real,
  /** Expected calibration error on these clips, with a temperature fitted on other data (null: uncalibrated). */
  ece: Real.nullable(),
  /** Chance: UAR 1/classes; accuracy = share of the most frequent class (always answering it). */
  chance: z.object({ accuracy: Real, uar: Real }),
  /** What the clips were, in words (e.g. 'held-out speakers of cremad, never used for training, early stopping or calibration'). */
  data: z.string().max(500),
})
export type HeldOutEstimate = z.infer<typeof HeldOutEstimateSchema>

const ClipCount = z.number().int().min(0).max(100_000_000)

/** The corpora of a run and the labelled clips each role took from them (services/model/roles.ts). */
export const TrainingDataSchema = z.object({
  corpora: z.array(z.object({ name: z.string().max(MAX_TEXT), role: z.enum(['source', 'target']), clips: ClipCount, speakers: ClipCount })).max(2),
  roleClips: z.object({ pretrain: ClipCount, validation: ClipCount, finetune: ClipCount, calibration: ClipCount, heldOut: ClipCount }),
})
export type TrainingData = z.infer<typeof TrainingDataSchema>

export const ModelCardSchema = z.object({
  format: z.literal('ser-siamese/1'),
  name: z.string().max(MAX_TEXT).min(1),
  createdAt: z.string().max(MAX_TEXT),
  arch: ArchitectureSchema,
  extractor: z.object({
    name: ExtractorNameSchema,
    version: z.string().max(MAX_TEXT).min(1),
    params: boundedRecord(z.string().max(MAX_TEXT), boundedUnknown(MAX_JSON_CHARS), MAX_ENTRIES).optional(),
  }),
  normaliser: z.object({ mean: z.array(Real).max(MAX_ITEMS), std: z.array(Real).max(MAX_ITEMS) }).nullable(),
  labels: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  sourceCorpus: z.string().max(MAX_TEXT),
  targetCorpus: z.string().max(MAX_TEXT).nullable(),
  loss: LossConfigSchema,
  frozenLayers: z.number().int().min(0),
  shots: z.number().int().positive().nullable(),
  backend: z.object({
    name: z.enum(['tensorflow', 'wasm', 'cpu']),
    threads: z.number().int().nullable(),
    simd: z.boolean().nullable(),
    tfjs: z.string().max(MAX_TEXT),
  }),
  metrics: boundedRecord(z.string().max(MAX_TEXT), Real, MAX_ENTRIES),
  training: z.object({ seed: Real, epochs: Real, pairsPerBatch: Real, learningRate: Real }),
  calibration: z.object({ temperature: Real.positive(), uncertainDistance: Real, ece: Real.nullable() }).nullable(),
  /** The model's one speaker split (absent on cards written before it was recorded). */
  speakers: SpeakerRolesSchema.optional(),
  /** The held-out estimate on `speakers.heldOut` (null: no speaker was left to hold out). */
  heldOut: HeldOutEstimateSchema.nullable().optional(),
  /** Which label counted as each clip's label in training (src-shared/label-rule.ts); absent on cards written before it was recorded. */
  labelRule: CardLabelRuleSchema.optional(),
  /** What the run trained on, counted when it ran (absent on cards written before it was recorded). */
  data: TrainingDataSchema.optional(),
  /** The unfamiliarity score's reference and calibrated threshold (absent on cards written before it existed; null: too few speakers). */
  unfamiliarity: UnfamiliarityCardSchema.nullable().optional(),
  /** The recommended recipe's choice, when the model was trained with `--recipe recommended` (or enrolled with it). */
  recipe: RecipeChoiceSchema.optional(),
  /** sha256 of the two TensorFlow.js files, so a corrupted or swapped file is refused. */
  files: z.object({ 'model.json': z.string().regex(/^[0-9a-f]{64}$/), 'weights.bin': z.string().regex(/^[0-9a-f]{64}$/) }),
})
export type ModelCard = z.infer<typeof ModelCardSchema>

/** A model as the Train, Enroll and Label views list it; the shipped default has id 'default'. */
export const ModelListItemSchema = z.object({
  id: z.string().max(MAX_TEXT),
  name: z.string().max(MAX_TEXT),
  builtIn: z.boolean(),
  createdAt: z.string().max(MAX_TEXT),
  arch: ArchitectureKindSchema,
  sourceCorpus: z.string().max(MAX_TEXT),
  targetCorpus: z.string().max(MAX_TEXT).nullable(),
  loss: LossNameSchema,
  frozenLayers: z.number().int(),
  shots: z.number().int().nullable(),
  backend: z.string().max(MAX_TEXT),
  labels: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  metrics: boundedRecord(z.string().max(MAX_TEXT), Real, MAX_ENTRIES),
  /** Speakers per role (null for cards that predate the record). */
  speakers: SpeakerRolesSchema.nullable(),
  heldOut: HeldOutEstimateSchema.nullable(),
})
export type ModelListItem = z.infer<typeof ModelListItemSchema>

export const ModelIdSchema = z.string().regex(/^(default|\d{1,12})$/, "a model id is 'default' or a number")

/** A workspace model's id: the shipped default is never renamed or deleted. */
export const WorkspaceModelIdSchema = z.string().regex(/^\d{1,12}$/, 'a workspace model id is a number (the shipped default cannot be renamed or deleted)')
export const ModelRenameSchema = z.object({ id: WorkspaceModelIdSchema, name: ModelNameSchema })
export const ModelRemoveSchema = z.object({ id: WorkspaceModelIdSchema })

export const TrainingRunStateSchema = z.enum(['running', 'done', 'failed', 'cancelled', 'interrupted'])

export const TrainPhaseSchema = z.enum(['pretrain', 'finetune'])
export type TrainPhase = z.infer<typeof TrainPhaseSchema>

/** One epoch of a run as it is kept in its training_runs row (phase absent on rows written before it was recorded). */
export const EpochPointSchema = z.object({
  phase: TrainPhaseSchema.optional(),
  epoch: Real,
  epochs: Real,
  trainLoss: Real,
  valLoss: Real.nullable(),
  valAccuracy: Real.nullable(),
  pairsPerSecond: Real,
})

export const TrainingRunSchema = z.object({
  id: z.number().int(),
  state: TrainingRunStateSchema,
  name: z.string().max(MAX_TEXT),
  out: z.string().max(MAX_TEXT),
  backend: z.string().max(MAX_TEXT).nullable(),
  error: z.string().max(MAX_TEXT).nullable(),
  startedAt: z.string().max(MAX_TEXT),
  modelId: z.number().int().nullable(),
  /** Whether Resume may restart it (interrupted, failed or cancelled, with its spec intact). */
  resumable: z.boolean(),
  history: z.array(EpochPointSchema).max(MAX_ITEMS),
})
export type TrainingRun = z.infer<typeof TrainingRunSchema>
export type EpochPoint = z.infer<typeof EpochPointSchema>

/** How many shots per class the dataset the shots come from allows (its fine-tune speakers' clips). */
export const ShotsQuerySchema = z.object({
  source: z.string().min(1).max(200),
  target: z.string().min(1).max(200).nullable().default(null),
  seed: z.number().int().min(-2147483648).max(2147483647).default(1),
})
export const ShotBudgetSchema = z.object({
  dataset: z.string().max(MAX_TEXT),
  /** Speakers whose clips give the shots. */
  speakers: z.number().int().min(0),
  perClass: boundedRecord(z.string().max(MAX_TEXT), z.number().int().min(0), MAX_ENTRIES),
  /** The largest K every class can give (0: some class has no clip there). */
  max: z.number().int().min(0),
})
export type ShotBudget = z.infer<typeof ShotBudgetSchema>

/** Everything the model page shows about one model. */
export const ModelDetailSchema = z.object({
  item: ModelListItemSchema,
  card: ModelCardSchema,
  /** Per-epoch history of the run that made it, both phases (empty: not recorded, e.g. the shipped default). */
  history: z.array(EpochPointSchema).max(1000),
  runId: z.number().int().nullable(),
  speech: z.enum(['generated', 'recorded', 'unknown']),
  /** Enrolled profiles built on it (a model in use is not deleted). */
  usedBy: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  /** The folder that holds it, and whether Delete removes it (false: registered from outside the workspace, left on disk). */
  folder: z.object({ path: z.string().max(MAX_TEXT), removedOnDelete: z.boolean() }).nullable(),
  /** Null when it may be deleted; else why not. */
  undeletable: z.string().max(MAX_TEXT).nullable(),
})
export type ModelDetail = z.infer<typeof ModelDetailSchema>
