/**
 * What the recommended-recipe chooser decided and why (services/model/recipe.ts): carried by
 * the experiment's `recommended` records, by a model card trained with `--recipe recommended`
 * and by an enrollment asked for the recommended recipe. docs/method.md, "The recommended recipe".
 */
import { z } from 'zod'
import { MAX_ITEMS, MAX_TEXT, Real } from './limits'
import { LossNameSchema } from '../losses'

export const RecipeCandidateSchema = z.object({
  /** e.g. "unchanged base (prototypes only)" or "fine-tune with distance, 1 frozen layer". */
  label: z.string().max(MAX_TEXT),
  finetune: z.boolean(),
  loss: LossNameSchema.nullable(),
  frozen: z.number().int().min(0).max(64).nullable(),
  /** Cross-validated UAR of each rotation (null: the rotation could not be scored). */
  scores: z.array(Real.nullable()).max(100),
  /** Mean over the scored rotations (null when none was). */
  mean: Real.nullable(),
})
export type RecipeCandidate = z.infer<typeof RecipeCandidateSchema>

export const RecipeChoiceSchema = z.object({
  /** The chosen candidate. */
  label: z.string().max(MAX_TEXT),
  finetune: z.boolean(),
  loss: LossNameSchema.nullable(),
  frozen: z.number().int().min(0).max(64).nullable(),
  /** Why (the rule, or why cross-validation was impossible and the fallback was used). */
  reason: z.string().max(MAX_TEXT),
  /** Rotations that could be scored (0: the fallback was used). */
  rotations: z.number().int().min(0),
  /** Shots per class drawn for each rotation's inner support (null: every clip of the inner support groups). */
  shots: z.number().int().min(1).nullable(),
  /** What was rotated between inner support and query: 'speaker', or 'clip fold' (one person). */
  unit: z.enum(['speaker', 'clip fold']),
  /** Every speaker whose clips the chooser saw (never a test or held-out speaker). */
  speakers: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  candidates: z.array(RecipeCandidateSchema).max(200),
})
export type RecipeChoice = z.infer<typeof RecipeChoiceSchema>
