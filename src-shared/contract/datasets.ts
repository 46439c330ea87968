/** Datasets, clips, import reports and splits: what the corpus service returns (services/corpus). */
import { SpeechOriginSchema, SpeechSourceSchema } from '../corpus-mark'
import { z } from 'zod'
import { MAX_ENTRIES, MAX_ITEMS, MAX_TEXT, Real, boundedRecord } from './limits'
import { EMOTIONS } from '../emotions'
import { LabelRuleSchema } from '../label-rule'

export const LayoutSchema = z.enum(['ravdess', 'cremad', 'enterface', 'folder', 'manifest', 'recordings'])
export type Layout = z.infer<typeof LayoutSchema>
export const EmotionSchema = z.enum(EMOTIONS)
const Counts = boundedRecord(z.string().max(MAX_TEXT), z.number().int().nonnegative(), MAX_ENTRIES)

export const LayoutDetectionSchema = z.object({
  layout: LayoutSchema.nullable(),
  score: Real,
  reason: z.string().max(MAX_TEXT),
  candidates: z.array(z.object({ layout: LayoutSchema, score: Real, reason: z.string().max(MAX_TEXT) })).max(MAX_ITEMS),
})
export type LayoutDetection = z.infer<typeof LayoutDetectionSchema>

export const FileIssueSchema = z.object({ path: z.string().max(MAX_TEXT), reason: z.string().max(MAX_TEXT) })
export type FileIssue = z.infer<typeof FileIssueSchema>

export const ImportReportSchema = z.object({
  datasetId: z.number().int(),
  name: z.string().max(MAX_TEXT),
  layout: LayoutSchema,
  root: z.string().max(MAX_TEXT),
  detection: z.string().max(MAX_TEXT),
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
  audioSec: Real,
  elapsedSec: Real,
  /** accepted clips of this import by canonical emotion and by speaker code */
  byEmotion: Counts,
  bySpeaker: Counts,
  rejected: z.array(FileIssueSchema).max(MAX_ITEMS),
  skipped: z.array(FileIssueSchema).max(MAX_ITEMS),
  cancelled: z.boolean(),
})
export type ImportReport = z.infer<typeof ImportReportSchema>

export const ImportRequestSchema = z.object({
  dir: z.string().max(4096).min(1),
  name: z.string().max(200).min(1).optional(),
  layout: LayoutSchema.optional(),
  includeSong: z.boolean().optional(),
})
export type ImportRequest = z.infer<typeof ImportRequestSchema>

export const SetSpeechSchema = z.object({ datasetId: z.number().int().positive(), speech: SpeechOriginSchema })

export const DatasetRowSchema = z.object({
  id: z.number().int(),
  name: z.string().max(MAX_TEXT),
  layout: LayoutSchema,
  rootPath: z.string().max(MAX_TEXT).nullable(),
  createdAt: z.string().max(MAX_TEXT),
  clips: z.number().int(),
  speakers: z.number().int(),
  durationSec: Real,
  /** Generated or recorded speech, from the corpus folder's mark at import or set by a person (src-shared/corpus-mark.ts). */
  speech: SpeechOriginSchema,
  speechSource: SpeechSourceSchema.nullable(),
})
export type DatasetRow = z.infer<typeof DatasetRowSchema>

export const DatasetStatsSchema = z.object({
  datasetId: z.number().int(),
  clips: z.number().int(),
  durationSec: Real,
  /** clips by their label under `labelRule` (src-shared/label-rule.ts); 'unlabelled' for none */
  byEmotion: Counts,
  bySpeaker: Counts,
  speakers: z.array(z.object({ code: z.string().max(MAX_TEXT), gender: z.enum(['female', 'male']).nullable(), clips: z.number().int() })).max(MAX_ITEMS),
  /** the dataset's rule for which label counts (the counts above follow it) */
  labelRule: LabelRuleSchema,
  /** human annotators who have labelled clips of this dataset: the names an annotator rule may choose */
  annotators: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
})
export type DatasetStats = z.infer<typeof DatasetStatsSchema>

export const ClipQuerySchema = z.object({
  datasetId: z.number().int(),
  emotion: z.string().max(64).optional(),
  speaker: z.string().max(200).optional(),
  /** substring of the relative path */
  search: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(10000).default(100),
  offset: z.number().int().min(0).default(0),
})
export type ClipQuery = z.input<typeof ClipQuerySchema>

export const ClipRowSchema = z.object({
  id: z.number().int(),
  datasetId: z.number().int(),
  path: z.string().max(MAX_TEXT),
  relPath: z.string().max(MAX_TEXT),
  contentHash: z.string().max(MAX_TEXT),
  durationSec: Real,
  sampleRate: z.number().int(),
  channels: z.number().int(),
  format: z.string().max(MAX_TEXT),
  speaker: z.string().max(MAX_TEXT).nullable(),
  gender: z.enum(['female', 'male']).nullable(),
  emotion: z.string().max(MAX_TEXT).nullable(),
  intensity: z.string().max(MAX_TEXT).nullable(),
  sentence: z.string().max(MAX_TEXT).nullable(),
  /** set by the clips query: the audio file is gone (moved or deleted) */
  audioMissing: z.boolean().optional(),
})
export type ClipRow = z.infer<typeof ClipRowSchema>

export const ClipPageSchema = z.object({ total: z.number().int(), clips: z.array(ClipRowSchema).max(MAX_ITEMS) })
export type ClipPage = z.infer<typeof ClipPageSchema>

export const RelinkReportSchema = z.object({
  datasetId: z.number().int(),
  newRoot: z.string().max(4096),
  relinked: z.number().int(),
  missing: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  /** present at the new place but with other content */
  mismatched: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
})
export type RelinkReport = z.infer<typeof RelinkReportSchema>

/** A dataset's clips whose audio files are gone (stat-ed on the server), with the message a person reads. */
export const MissingAudioSchema = z.object({
  datasetId: z.number().int(),
  checked: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  /** the first missing files, relative to the dataset's folder */
  examples: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  message: z.string().max(MAX_TEXT).nullable(),
})
export type MissingAudio = z.infer<typeof MissingAudioSchema>

/** One clip's audio file: there or not, and the dataset to relink when not. */
export const ClipAudioStatusSchema = z.object({
  clipId: z.number().int(),
  datasetId: z.number().int(),
  datasetName: z.string().max(MAX_TEXT),
  rootPath: z.string().max(MAX_TEXT).nullable(),
  missing: z.boolean(),
  message: z.string().max(MAX_TEXT).nullable(),
})
export type ClipAudioStatus = z.infer<typeof ClipAudioStatusSchema>
export const SetLabelRuleSchema = z.object({ datasetId: z.number().int().positive(), rule: LabelRuleSchema })

export const SplitRequestSchema = z.object({ datasetId: z.number().int(), k: z.number().int().min(2).max(100), seed: z.string().max(100).default('0') })

export const SplitsSchema = z.object({
  splitId: z.number().int(),
  datasetId: z.number().int(),
  k: z.number().int(),
  seed: z.string().max(MAX_TEXT),
  createdAt: z.string().max(MAX_TEXT),
  folds: z.array(
    z.object({ fold: z.number().int(), speakers: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS), clips: z.number().int(), byEmotion: Counts }),
  ).max(MAX_ITEMS),
  /** clips without a speaker cannot be placed speaker-independently */
  unassignedClips: z.number().int(),
})
export type Splits = z.infer<typeof SplitsSchema>
