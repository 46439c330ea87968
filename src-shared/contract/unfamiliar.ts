/**
 * "Unfamiliar": the input lies outside what the model (or an enrolled person's takes) learned
 * from, so no estimate is given (services/model/unfamiliar.ts, docs/live.md). Not the same as
 * "uncertain" (between emotions): an unfamiliar input can look certain and still be wrong.
 */
import { z } from 'zod'
import { MAX_ITEMS, MAX_TEXT, Real } from './limits'

/** Per-descriptor reference range of the model's training clips (normalised input space). */
export const DescriptorReferenceSchema = z.object({
  /** 'egemaps' (the 88 normalised functionals) or 'logmel-bands' (per mel band: mean and sd over frames). */
  descriptors: z.enum(['egemaps', 'logmel-bands']),
  /** The quantiles lo/hi stand for (e.g. [0.01, 0.99]). */
  quantiles: z.tuple([Real, Real]),
  lo: z.array(Real).max(MAX_ITEMS),
  hi: z.array(Real).max(MAX_ITEMS),
  /** Interquartile range of each descriptor: the unit an excess is counted in. */
  scale: z.array(Real).max(MAX_ITEMS),
  /** Each descriptor's excess counts at most this much (one odd descriptor cannot decide alone). */
  cap: Real.positive(),
  clips: z.number().int().min(0),
  speakers: z.number().int().min(0),
})
export type DescriptorReference = z.infer<typeof DescriptorReferenceSchema>

/** A share of clips flagged, with its Wilson 95% interval. */
export const FlaggedShareSchema = z.object({
  flagged: z.number().int().min(0),
  n: z.number().int().min(0),
  speakers: z.number().int().min(0),
  low: Real,
  high: Real,
})

/**
 * One part of the score (descriptor-range/2): the range score over a group of descriptors, with its
 * own conformal threshold at its share of the stated false-alarm rate (the shares add up to it).
 */
export const DescriptorPartSchema = z.object({
  /** 'all' or 'voice quality'. */
  name: z.string().max(MAX_TEXT),
  /** Indices into the reference's descriptors. */
  descriptors: z.array(z.number().int().min(0)).max(MAX_ITEMS),
  threshold: Real,
  falseAlarmRate: Real.min(0).max(1),
})
export type DescriptorPart = z.infer<typeof DescriptorPartSchema>

/** What a model card says about its unfamiliarity score. */
export const UnfamiliarityCardSchema = z.object({
  /**
   * descriptor-range/1: one range score over all descriptors, `threshold` its own.
   * descriptor-range/2: the largest of the parts' scores, each over its own threshold; `threshold` is 1.
   */
  method: z.enum(['descriptor-range/1', 'descriptor-range/2']),
  reference: DescriptorReferenceSchema,
  /** Scores above it are unfamiliar. */
  threshold: Real,
  /** The stated false-alarm rate the threshold was set to (share of familiar clips flagged). */
  falseAlarmRate: Real.min(0).max(1),
  /** Calibration clips (speakers not in the reference: calibration + validation roles) and their speakers. */
  n: z.number().int().min(0),
  speakers: z.number().int().min(0),
  /** Measured on the held-out speakers (never used to set anything): share flagged. */
  heldOut: FlaggedShareSchema.nullable(),
  /** descriptor-range/2 only: the parts (absent on /1 cards). */
  parts: z.array(DescriptorPartSchema).max(8).optional(),
})
export type UnfamiliarityCard = z.infer<typeof UnfamiliarityCardSchema>

/** The verdict on one input, as every surface shows it. */
export const UnfamiliarVerdictSchema = z.object({
  unfamiliar: z.boolean(),
  /** The model's descriptor score (null when the model's card has no reference). */
  score: Real.nullable(),
  threshold: Real.nullable(),
  falseAlarmRate: Real.nullable(),
  /** Why, in words (empty when familiar). */
  reasons: z.array(z.string().max(MAX_TEXT)).max(20),
})
export type UnfamiliarVerdict = z.infer<typeof UnfamiliarVerdictSchema>
