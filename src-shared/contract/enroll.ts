/**
 * Enrollment: a person's labelled examples -> (optionally) a fine-tuned copy of a
 * base model -> a named profile (support embeddings per emotion, calibrated
 * temperature, 'uncertain' distance). See docs/enrollment.md.
 *
 * For the live view (and anyone choosing a profile):
 *   const profiles = await api.enroll.profiles.query()     // ProfileListItem[], newest first, the shipped default last
 *   profiles[i] = {
 *     id: 'default' | '12',          // string; 'default' is the shipped model's own profile (builtIn: true)
 *     name: 'Ada calm-vs-angry',      // unique among saved profiles
 *     person: 'Ada' | null,           // null for the shipped default
 *     builtIn: boolean,
 *     classes: ['angry', 'calm'],     // the emotions the profile can answer, sorted
 *     modelId: 'default' | '7',       // the models table row (models.list id) the profile's embeddings come from
 *     modelName: string,
 *     createdAt: ISO string,
 *     examples: number | null,        // support examples enrolled
 *     heldOutAccuracy: number | null, // leave-some-out accuracy on the person's own examples (null for the default)
 *   }
 * In main, `loadEnrolledProfile(ws, id)` (src-main/services/enroll) returns { model, card, profile } ready for
 * services/model predict(model, profile, items).
 */
import { EnrollBasisSchema } from './basis'
import { z } from 'zod'
import { MAX_ENTRIES, MAX_ITEMS, MAX_TEXT, Real, boundedRecord } from './limits'
import { PersonSchema } from './recordings'
import { RecipeChoiceSchema } from './recipe'
import { RecipeSchema } from '../losses'

export const ProfileIdSchema = z.string().regex(/^(default|\d{1,12})$/, "a profile id is 'default' or a number")

export const ProfileListItemSchema = z.object({
  id: ProfileIdSchema,
  name: z.string().max(MAX_TEXT),
  person: z.string().max(MAX_TEXT).nullable(),
  builtIn: z.boolean(),
  classes: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  modelId: z.string().max(MAX_TEXT),
  modelName: z.string().max(MAX_TEXT),
  createdAt: z.string().max(MAX_TEXT),
  examples: z.number().int().nullable(),
  heldOutAccuracy: Real.nullable(),
  /** Recording sessions among the examples (null: not recorded, or the shipped default). */
  sessions: z.number().int().nullable().default(null),
})
export type ProfileListItem = z.infer<typeof ProfileListItemSchema>

export const ProfileNameSchema = z
  .string()
  .trim()
  .min(1, 'a profile needs a name')
  .max(80)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'a profile name may hold letters, digits, spaces, dots, dashes and underscores')

export const EnrollRequestSchema = z.object({
  name: ProfileNameSchema,
  person: PersonSchema,
  /** Labelled clips (recordings or any dataset's clips); each needs a current whole-clip label. */
  clipIds: z.array(z.number().int().positive()).min(4, 'choose at least 4 examples (2 emotions x 2)').max(2000),
  /** 'default' (the shipped model) or a models.list id. */
  baseModel: z.string().regex(/^(default|\d{1,12})$/).default('default'),
  /** false: keep the base network and only enrol prototypes (fast; often enough). */
  finetune: z.boolean().default(true),
  /**
   * 'fixed': `finetune` and `frozenLayers` as given (fine-tuning with the base's loss). 'recommended': the
   * recipe (keep the base, or fine-tune with a loss and frozen layers) is chosen by cross-validation on
   * the examples, the same chooser as `ser train --recipe recommended` and the experiment's recommended arm.
   */
  recipe: RecipeSchema.default('fixed'),
  frozenLayers: z.number().int().min(0).max(8).default(1),
  epochs: z.number().int().min(1).max(200).default(20),
  /** Most folds of the held-out estimate (fewer when an emotion has fewer examples). */
  folds: z.number().int().min(2).max(10).default(5),
  /**
   * Hold out whole recording sessions instead of single examples: the session of every
   * chosen clip (clip id -> session key). null: stratified k-fold over the examples.
   */
  sessions: boundedRecord(z.string().regex(/^\d{1,12}$/), z.string().min(1).max(100), 10_000).nullable().default(null),
  seed: z.number().int().default(1),
})
export type EnrollRequest = z.input<typeof EnrollRequestSchema>

export const MapPointSchema = z.object({ clipId: z.number().int(), label: z.string().max(MAX_TEXT), x: Real, y: Real })
export const EmbeddingMapSchema = z.object({
  points: z.array(MapPointSchema).max(MAX_ITEMS),
  /** Class means in the same 2-D coordinates (PCA is linear, so the projected mean is the mean of the projections). */
  prototypes: z.array(z.object({ label: z.string().max(MAX_TEXT), x: Real, y: Real })).max(MAX_ITEMS),
  /** Share of the embeddings' variance the two axes show. */
  explained: z.tuple([Real, Real]),
})
export type EmbeddingMap = z.infer<typeof EmbeddingMapSchema>

export const HeldOutSchema = z.object({
  /** How the estimate was made, in words (shown under the number). */
  method: z.string().max(MAX_TEXT),
  folds: z.number().int(),
  accuracy: Real,
  uar: Real,
  macroF1: Real,
  /** Same folds, the base network without fine-tuning (prototypes only): what fine-tuning added. */
  baseAccuracy: Real,
  confusion: boundedRecord(z.string().max(MAX_TEXT), boundedRecord(z.string().max(MAX_TEXT), Real, MAX_ENTRIES), MAX_ENTRIES),
  predictions: z
    .array(z.object({ clipId: z.number().int(), label: z.string().max(MAX_TEXT), predicted: z.string().max(MAX_TEXT), fold: z.number().int() }))
    .max(MAX_ITEMS),
})
export type HeldOut = z.infer<typeof HeldOutSchema>

export const EnrollResultSchema = z.object({
  profileId: z.number().int(),
  name: z.string().max(MAX_TEXT),
  person: z.string().max(MAX_TEXT),
  modelId: z.number().int(),
  baseModel: z.string().max(MAX_TEXT),
  finetuned: z.boolean(),
  classes: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  counts: boundedRecord(z.string().max(MAX_TEXT), z.number().int(), MAX_ENTRIES),
  heldOut: HeldOutSchema,
  map: EmbeddingMapSchema,
  /** The recommended recipe: the final choice (on every example) and each held-out fold's own choice; null with a fixed recipe. */
  recipe: z.object({ choice: RecipeChoiceSchema, folds: z.array(z.string().max(MAX_TEXT)).max(100) }).nullable().default(null),
  /** The same examples under the base network before fine-tuning (absent when not fine-tuned). */
  baseMap: EmbeddingMapSchema.nullable().default(null),
  calibration: z.object({ temperature: Real, uncertainDistance: Real }),
  /**
   * Unfamiliar voices (docs/enrollment.md): `takes` is the profile's own check (distance to the person's takes, threshold from
   * leave-one-take-out distances at the stated false-alarm rate, n takes); `model` the base model's check and how many of the
   * person's takes it already finds unlike its training voices. Null in results saved before it existed.
   */
  unfamiliarity: z
    .object({
      takes: z.object({ threshold: Real, falseAlarmRate: Real, n: z.number().int() }).nullable(),
      model: z.object({ threshold: Real, falseAlarmRate: Real, flaggedTakes: z.number().int(), n: z.number().int() }).nullable(),
    })
    .nullable()
    .default(null),
  backend: z.string().max(MAX_TEXT),
  elapsedSec: Real,
  /** What the profile rests on (null for profiles enrolled before it was recorded). */
  basis: EnrollBasisSchema.nullable().default(null),
})
export type EnrollResult = z.infer<typeof EnrollResultSchema>

/** What an enrollment job's progress `detail` carries (the view draws it). */
export const EnrollProgressSchema = z.object({
  phase: z.enum(['features', 'folds', 'final', 'save']),
  step: z.number().int(),
  steps: z.number().int(),
  epoch: z.number().int().nullable(),
  epochs: z.number().int().nullable(),
  trainLoss: Real.nullable(),
})
export type EnrollProgress = z.infer<typeof EnrollProgressSchema>
