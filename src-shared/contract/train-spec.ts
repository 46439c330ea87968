/**
 * What one training run is asked to do, declared once with its defaults and help text: the
 * one place a training default is typed. Derived from it (test/unit/model/defaults-once*.test.ts
 * fails when one of them declares a default of its own):
 * - `ser train`'s options, their defaults and their help (src-main/cli/commands/train-options.ts);
 * - the Train form's initial values (src-renderer/src/components/train/train-form.ts);
 * - the server's request (TrainRequestSchema below, the `models.train` procedure);
 * - the engine's run spec (TrainSpecSchema in services/model/run.ts) and, through PHASE_DEFAULTS,
 *   the configuration of each training phase (services/model/train.ts) and the grid's lengths
 *   (ExperimentConfigSchema). A loss's margin, temperature and learning rate are the loss's own
 *   (LOSS_DEFAULTS in src-shared/losses.ts) unless a spec names them.
 */
import { z } from 'zod'
import { ArchitectureKindSchema, DEFAULT_LOSS, LossNameSchema, RecipeSchema } from '../losses'

/** Model names as the registry stores them (unique per workspace, ignoring case). */
export const ModelNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[\w .()#:-]+$/, 'letters, digits, spaces, dots, dashes, underscores, brackets, # and : only')

/**
 * The engine's settings of each training phase (services/model/train.ts: defaultTrainConfig,
 * finetune and the target-only baseline). A run's spec sets the pre-training length; the grid's
 * lengths (ExperimentConfigSchema) default to these.
 */
export const PHASE_DEFAULTS = {
  pretrain: { epochs: 20, stepsPerEpoch: 50, patience: 5, pairsPerBatch: 64, learningRate: 1e-3, validationSpeakers: 0.2 },
  finetune: { epochs: 30, stepsPerEpoch: 10, patience: 8, pairsPerBatch: 64, learningRate: 1e-3, validationSpeakers: 0.25 },
} as const

const DatasetRef = z.string().min(1).max(200)
const Epochs = z.number().int().min(1).max(500)

/** The settings of a run a person chooses (CLI flag, form field, request field); `describe` is the CLI's help. */
export const TrainSettingsSchema = z.object({
  name: ModelNameSchema.default('model').describe('model name (a taken name gets the date appended)'),
  source: DatasetRef.describe('source dataset (name or id) in the workspace'),
  target: DatasetRef.nullable().default(null).describe('target dataset to fine-tune on (K shots per class)'),
  arch: ArchitectureKindSchema.default('mlp').describe('mlp (eGeMAPS) or cnn (log-mel)'),
  loss: LossNameSchema.default(DEFAULT_LOSS).describe('metric-learning loss (docs/engine.md)'),
  /** absent: the loss's own margin (LOSS_DEFAULTS) */
  margin: z.number().positive().max(100).optional().describe("loss margin (default: the loss's own, docs/method.md)"),
  /** absent: the loss's own temperature (LOSS_DEFAULTS) */
  temperature: z.number().positive().max(100).optional().describe("loss temperature (default: the loss's own, docs/method.md)"),
  epochs: Epochs.default(30).describe('pre-training epochs (and fine-tuning epochs unless --finetune-epochs is given)'),
  /** absent: `epochs` (finetuneEpochsOf) */
  finetuneEpochs: Epochs.optional().describe('fine-tuning epochs (1-500; default: --epochs)'),
  stepsPerEpoch: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(PHASE_DEFAULTS.pretrain.stepsPerEpoch)
    .describe(`pre-training steps per epoch (fine-tuning takes ${PHASE_DEFAULTS.finetune.stepsPerEpoch})`),
  shots: z.number().int().min(1).max(1000).nullable().default(5).describe('labelled examples per class for fine-tuning / enrollment'),
  frozenLayers: z.number().int().min(0).max(8).default(1).describe('layers frozen while fine-tuning'),
  recipe: RecipeSchema.default('fixed').describe(
    'fixed: fine-tune with --loss and --frozen; recommended: keep the base or fine-tune, the frozen layers and the loss chosen by cross-validation over the ' +
      "target's fine-tune and validation speakers (needs --target)",
  ),
  seed: z.number().int().min(-2147483648).max(2147483647).default(1).describe('random seed'),
})
export type TrainSettings = z.infer<typeof TrainSettingsSchema>
export type TrainSettingsInput = z.input<typeof TrainSettingsSchema>

/** The settings a run gets when it names nothing but its source. */
export const trainDefaults = (): TrainSettings => TrainSettingsSchema.parse({ source: 'source' })

/** Fine-tuning runs for `finetuneEpochs`, or for `epochs` when it is not given (what `ser train --help` promises). */
export const finetuneEpochsOf = (spec: { epochs: number; finetuneEpochs?: number }): number => spec.finetuneEpochs ?? spec.epochs

/** The Train view's request (the `models.train` procedure): the settings themselves. */
export const TrainRequestSchema = TrainSettingsSchema
export type TrainRequest = z.input<typeof TrainRequestSchema>
