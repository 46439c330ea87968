/** The labelling service (services/labels): labels with undo/redo, progress, agreement, export/import (services/labels). */
import { z } from 'zod'
import { UnfamiliarVerdictSchema } from './unfamiliar'
import { MAX_DOCUMENT_CHARS, MAX_ENTRIES, MAX_ITEMS, MAX_LABEL_FILE_CHARS, MAX_TEXT, Real, boundedRecord } from './limits'
import { EMOTIONS } from '../emotions'

export const LabelEmotionSchema = z.enum(EMOTIONS)
/** Who labels: a short name, no control characters (it becomes a TextGrid tier name). */
export const AnnotatorSchema = z
  .string()
  .trim()
  .min(1, 'an annotator name is required')
  .max(64)
  .regex(/^[^\u0000-\u001f"\t\\]+$/, 'no quotes, tabs, backslashes or control characters in an annotator name')
const Id = z.number().int().positive()
const Sec = z.number().finite().min(0).max(86_400)
/** A client-chosen id per user action, so a retried request never applies twice. */
const RequestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional()

export const LabelSchema = z.object({
  id: z.number().int(),
  clipId: z.number().int(),
  emotion: z.string().max(MAX_TEXT),
  startSec: Real.nullable(),
  endSec: Real.nullable(),
  annotator: z.string().max(MAX_TEXT),
  source: z.enum(['corpus', 'annotator', 'import']),
  createdAt: z.string().max(MAX_TEXT),
})
export type Label = z.infer<typeof LabelSchema>

export const SetLabelSchema = z
  .object({
    clipId: Id,
    emotion: LabelEmotionSchema,
    annotator: AnnotatorSchema,
    /** both absent: a whole-clip label (replaces this annotator's previous one); both present: a new region */
    startSec: Sec.optional(),
    endSec: Sec.optional(),
    requestId: RequestId,
  })
  .refine((v) => (v.startSec === undefined) === (v.endSec === undefined), 'a region needs both startSec and endSec')
  .refine((v) => v.startSec === undefined || v.endSec! > v.startSec, 'a region must end after it starts')
export type SetLabel = z.infer<typeof SetLabelSchema>

export const UpdateRegionSchema = z
  .object({
    labelId: Id,
    annotator: AnnotatorSchema,
    emotion: LabelEmotionSchema.optional(),
    startSec: Sec.optional(),
    endSec: Sec.optional(),
    requestId: RequestId,
  })
  .refine((v) => v.startSec === undefined || v.endSec === undefined || v.endSec > v.startSec, 'a region must end after it starts')
export type UpdateRegion = z.infer<typeof UpdateRegionSchema>

export const RemoveLabelSchema = z.object({ labelId: Id, annotator: AnnotatorSchema, requestId: RequestId })

/** What a mutation did: the clip it touched and that clip's live labels afterwards. */
export const ActionResultSchema = z.object({
  actionId: z.number().int(),
  clipId: z.number().int().nullable(),
  /** the dataset of the change (null only for actions recorded before datasets were kept with them) */
  datasetId: z.number().int().nullable(),
  description: z.string().max(MAX_TEXT),
  labels: z.array(LabelSchema).max(MAX_ITEMS),
})
export type ActionResult = z.infer<typeof ActionResultSchema>

/** datasetId: undo/redo only within that dataset (the one the Label view shows); absent: the annotator's latest anywhere. */
export const UndoRequestSchema = z.object({ annotator: AnnotatorSchema, requestId: RequestId, datasetId: Id.optional() })
export const UndoStateRequestSchema = z.object({ annotator: AnnotatorSchema, datasetId: Id.optional() })
export const UndoStateSchema = z.object({ canUndo: z.string().max(MAX_TEXT).nullable(), canRedo: z.string().max(MAX_TEXT).nullable() })
export type UndoState = z.infer<typeof UndoStateSchema>

export const LabelClipQuerySchema = z.object({
  datasetId: Id,
  annotator: AnnotatorSchema,
  status: z.enum(['all', 'todo', 'done']).default('all'),
  search: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(5000).default(500),
  offset: z.number().int().min(0).default(0),
})
export type LabelClipQuery = z.input<typeof LabelClipQuerySchema>

export const LabelClipSchema = z.object({
  id: z.number().int(),
  relPath: z.string().max(MAX_TEXT),
  durationSec: Real,
  speaker: z.string().max(MAX_TEXT).nullable(),
  /** this annotator's current whole-clip label */
  mine: z.string().max(MAX_TEXT).nullable(),
  /** this annotator's live regions on the clip */
  regions: z.number().int(),
  /** other human annotators with a live label on the clip */
  others: z.number().int(),
})
export type LabelClip = z.infer<typeof LabelClipSchema>

export const ProgressSchema = z.object({
  total: z.number().int(),
  /** clips with a live label (whole-clip or region) by this annotator */
  labelled: z.number().int(),
  todo: z.number().int(),
  byEmotion: boundedRecord(z.string().max(MAX_TEXT), z.number().int(), MAX_ENTRIES),
})
export type Progress = z.infer<typeof ProgressSchema>

export const LabelClipPageSchema = z.object({ total: z.number().int(), clips: z.array(LabelClipSchema).max(MAX_ITEMS), progress: ProgressSchema })
export type LabelClipPage = z.infer<typeof LabelClipPageSchema>

export const AgreementSchema = z.object({
  /** Krippendorff's alpha (nominal); null when fewer than two annotators overlap on any clip */
  alpha: Real.nullable(),
  annotators: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  /** clips with whole-clip labels from at least two annotators */
  clips: z.number().int(),
  /** pairable values (labels on those clips) */
  values: z.number().int(),
  observedDisagreement: Real.nullable(),
  expectedDisagreement: Real.nullable(),
  pairs: z.array(z.object({ a: z.string().max(MAX_TEXT), b: z.string().max(MAX_TEXT), clips: z.number().int(), agreement: Real })).max(MAX_ITEMS),
})
export type Agreement = z.infer<typeof AgreementSchema>

export const ExportFormatSchema = z.enum(['csv', 'json', 'textgrid', 'audacity'])
export type ExportFormat = z.infer<typeof ExportFormatSchema>

export const ExportRequestSchema = z
  .object({
    format: ExportFormatSchema,
    /** csv/json: a whole dataset; textgrid/audacity: one clip */
    datasetId: Id.optional(),
    clipId: Id.optional(),
    /** audacity: whose labels (a label track has no annotator column); others: restrict to one */
    annotator: AnnotatorSchema.optional(),
    includeCorpus: z.boolean().default(false),
  })
  .refine((v) => (v.datasetId === undefined) !== (v.clipId === undefined), 'give either datasetId or clipId')
export type ExportRequest = z.input<typeof ExportRequestSchema>
export const ExportResultSchema = z.object({
  filename: z.string().max(MAX_TEXT),
  mimeType: z.string().max(MAX_TEXT),
  text: z.string().max(MAX_DOCUMENT_CHARS),
  labels: z.number().int(),
})
export type ExportResult = z.infer<typeof ExportResultSchema>

/** Every clip's labels of a dataset, one TextGrid and one Audacity label track per clip, as a zip. */
export const DatasetArchiveRequestSchema = z.object({
  datasetId: Id,
  /** whose labels go into the Audacity tracks (one annotator per track); the TextGrids hold every annotator's tier */
  annotator: AnnotatorSchema,
  includeCorpus: z.boolean().default(false),
})
export type DatasetArchiveRequest = z.input<typeof DatasetArchiveRequestSchema>
/** The largest archive sent back: base64 of a zip of at most about 48 MB. */
export const MAX_ARCHIVE_BASE64_CHARS = MAX_DOCUMENT_CHARS
export const DatasetArchiveSchema = z.object({
  filename: z.string().max(MAX_TEXT),
  mimeType: z.literal('application/zip'),
  /** the zip file, base64-encoded (JSON carries no bytes) */
  base64: z.string().max(MAX_ARCHIVE_BASE64_CHARS),
  /** clips with at least one label in the archive, of `total` in the dataset (every clip has its files) */
  clips: z.number().int().min(0).max(MAX_ITEMS),
  total: z.number().int().min(0).max(MAX_ITEMS),
  /** one per clip */
  textGrids: z.number().int().min(0).max(MAX_ITEMS),
  /** Audacity tracks holding labels of the requesting annotator (every clip has a track, empty where there are none) */
  audacity: z.number().int().min(0).max(MAX_ITEMS),
  labels: z.number().int().min(0).max(MAX_ITEMS),
})
export type DatasetArchive = z.infer<typeof DatasetArchiveSchema>

export const ImportRequestSchema = z
  .object({
    format: ExportFormatSchema,
    text: z.string().max(MAX_LABEL_FILE_CHARS, `a label file is at most ${MAX_LABEL_FILE_CHARS} characters`),
    datasetId: Id.optional(),
    clipId: Id.optional(),
    /** whose labels these are when the file does not say (audacity; textgrid tiers name their annotator) */
    annotator: AnnotatorSchema,
    requestId: RequestId,
  })
  .refine((v) => (v.datasetId === undefined) !== (v.clipId === undefined), 'give either datasetId or clipId')
export type LabelImportRequest = z.input<typeof ImportRequestSchema>
export const ImportResultSchema = z.object({
  added: z.number().int(),
  /** identical to a live label already there */
  unchanged: z.number().int(),
  actionId: z.number().int().nullable(),
})
export type LabelImportResult = z.infer<typeof ImportResultSchema>

export const SuggestRequestSchema = z.object({
  datasetId: Id,
  annotator: AnnotatorSchema,
  count: z.number().int().min(1).max(50).default(10),
  /** 'default' (the shipped model) or a workspace model id, as models.list gives them */
  modelId: z.string().regex(/^(default|\d{1,12})$/).default('default'),
})
export const SuggestionSchema = z.object({
  clipId: z.number().int(),
  relPath: z.string().max(MAX_TEXT),
  top: z.string().max(MAX_TEXT),
  /** 1 - (p_top - p_second): higher is less sure (1 for an unfamiliar clip) */
  uncertainty: Real,
  probabilities: boundedRecord(z.string().max(MAX_TEXT), Real, MAX_ENTRIES),
  /**
   * The model's unfamiliarity verdict (docs/live.md, Unfamiliar; descriptor score only: the audio is not decoded here).
   * An unfamiliar clip is ranked first (the model knows least there) and its `top` is no suggestion: the view says so.
   */
  unfamiliar: UnfamiliarVerdictSchema.nullable().default(null),
})
export const SuggestResultSchema = z.object({
  model: z.string().max(MAX_TEXT),
  scored: z.number().int(),
  /** of `scored`, how many came from the score cache (the same model scored the same audio before) */
  cached: z.number().int(),
  suggestions: z.array(SuggestionSchema).max(MAX_ITEMS),
})
export type SuggestResult = z.infer<typeof SuggestResultSchema>
