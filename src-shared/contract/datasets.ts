/** Datasets, clips, import reports and splits: what the corpus service returns (services/corpus). */
import { z } from 'zod'
import { EMOTIONS } from '../emotions'

export const LayoutSchema = z.enum(['ravdess', 'cremad', 'enterface', 'folder', 'manifest', 'recordings'])
export type Layout = z.infer<typeof LayoutSchema>
export const EmotionSchema = z.enum(EMOTIONS)
const Counts = z.record(z.string(), z.number().int().nonnegative())

export const LayoutDetectionSchema = z.object({
  layout: LayoutSchema.nullable(),
  score: z.number(),
  reason: z.string(),
  candidates: z.array(z.object({ layout: LayoutSchema, score: z.number(), reason: z.string() })),
})
export type LayoutDetection = z.infer<typeof LayoutDetectionSchema>

export const FileIssueSchema = z.object({ path: z.string(), reason: z.string() })
export type FileIssue = z.infer<typeof FileIssueSchema>

export const ImportReportSchema = z.object({
  datasetId: z.number().int(),
  name: z.string(),
  layout: LayoutSchema,
  root: z.string(),
  detection: z.string(),
  /** files the adapter considered (clips + skipped + rejected) */
  considered: z.number().int(),
  added: z.number().int(),
  /** already in the dataset with the same content hash */
  unchanged: z.number().int(),
  /** already in the dataset, found at a new path (path updated) */
  relinked: z.number().int(),
  /** clips in the dataset after the import */
  totalClips: z.number().int(),
  /** seconds of audio accepted in this import (added + unchanged + relinked) */
  audioSec: z.number(),
  elapsedSec: z.number(),
  /** accepted clips of this import by canonical emotion and by speaker code */
  byEmotion: Counts,
  bySpeaker: Counts,
  rejected: z.array(FileIssueSchema),
  skipped: z.array(FileIssueSchema),
  cancelled: z.boolean(),
})
export type ImportReport = z.infer<typeof ImportReportSchema>

export const ImportRequestSchema = z.object({
  dir: z.string().min(1),
  name: z.string().min(1).optional(),
  layout: LayoutSchema.optional(),
  includeSong: z.boolean().optional(),
})
export type ImportRequest = z.infer<typeof ImportRequestSchema>

export const DatasetRowSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  layout: LayoutSchema,
  rootPath: z.string().nullable(),
  createdAt: z.string(),
  clips: z.number().int(),
  speakers: z.number().int(),
  durationSec: z.number(),
})
export type DatasetRow = z.infer<typeof DatasetRowSchema>

export const DatasetStatsSchema = z.object({
  datasetId: z.number().int(),
  clips: z.number().int(),
  durationSec: z.number(),
  /** clips by current label (latest non-deleted whole-clip label); 'unlabelled' for none */
  byEmotion: Counts,
  bySpeaker: Counts,
  speakers: z.array(z.object({ code: z.string(), gender: z.enum(['female', 'male']).nullable(), clips: z.number().int() })),
})
export type DatasetStats = z.infer<typeof DatasetStatsSchema>

export const ClipQuerySchema = z.object({
  datasetId: z.number().int(),
  emotion: z.string().optional(),
  speaker: z.string().optional(),
  /** substring of the relative path */
  search: z.string().optional(),
  limit: z.number().int().min(1).max(10000).default(100),
  offset: z.number().int().min(0).default(0),
})
export type ClipQuery = z.input<typeof ClipQuerySchema>

export const ClipRowSchema = z.object({
  id: z.number().int(),
  datasetId: z.number().int(),
  path: z.string(),
  relPath: z.string(),
  contentHash: z.string(),
  durationSec: z.number(),
  sampleRate: z.number().int(),
  channels: z.number().int(),
  format: z.string(),
  speaker: z.string().nullable(),
  gender: z.enum(['female', 'male']).nullable(),
  emotion: z.string().nullable(),
  intensity: z.string().nullable(),
  sentence: z.string().nullable(),
})
export type ClipRow = z.infer<typeof ClipRowSchema>

export const ClipPageSchema = z.object({ total: z.number().int(), clips: z.array(ClipRowSchema) })
export type ClipPage = z.infer<typeof ClipPageSchema>

export const RelinkReportSchema = z.object({
  datasetId: z.number().int(),
  newRoot: z.string(),
  relinked: z.number().int(),
  missing: z.array(z.string()),
  /** present at the new place but with other content */
  mismatched: z.array(z.string()),
})
export type RelinkReport = z.infer<typeof RelinkReportSchema>

export const SplitRequestSchema = z.object({ datasetId: z.number().int(), k: z.number().int().min(2).max(100), seed: z.string().default('0') })

export const SplitsSchema = z.object({
  splitId: z.number().int(),
  datasetId: z.number().int(),
  k: z.number().int(),
  seed: z.string(),
  createdAt: z.string(),
  folds: z.array(
    z.object({ fold: z.number().int(), speakers: z.array(z.string()), clips: z.number().int(), byEmotion: Counts }),
  ),
  /** clips without a speaker cannot be placed speaker-independently */
  unassignedClips: z.number().int(),
})
export type Splits = z.infer<typeof SplitsSchema>
