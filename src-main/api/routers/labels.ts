/** The labelling service (services/labels): every write is one SQLite transaction, acknowledged only after commit. */
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import {
  ActionResultSchema,
  AgreementSchema,
  AnnotatorSchema,
  DatasetArchiveRequestSchema,
  DatasetArchiveSchema,
  LabelClipPageSchema,
  LabelClipQuerySchema,
  ExportRequestSchema,
  ExportResultSchema,
  ImportRequestSchema,
  ImportResultSchema,
  LabelSchema,
  ProgressSchema,
  RemoveLabelSchema,
  SetLabelSchema,
  SuggestRequestSchema,
  SuggestResultSchema,
  UndoRequestSchema,
  UndoStateRequestSchema,
  UndoStateSchema,
  UpdateRegionSchema,
} from '../../../src-shared/contract/labels'
import {
  agreementReport,
  clipLabels,
  labelClips,
  exportDatasetArchive,
  exportLabels,
  importLabels,
  progress,
  redo,
  removeLabel,
  setLabel,
  suggestNext,
  undo,
  undoState,
  updateRegion,
  wholeClipLabelsByAnnotator,
} from '../../services/labels/index'
import { resolveModelDir } from '../../services/model/registry'
import type { AppServices } from '../context'
import { JobRefSchema } from '../../../src-shared/contract/jobs'
import { procedure, router } from '../trpc'

/** The folder of a chosen model (undefined: the shipped default); an unknown id is a not_found ServiceError. */
function modelDir(s: AppServices, id: string): string | undefined {
  return id === 'default' ? undefined : resolveModelDir(s.ws, id)
}


export const labelsRouter = router({
  clips: procedure
    .input(LabelClipQuerySchema)
    .output(LabelClipPageSchema)
    .query(({ ctx, input }) => labelClips(ctx.services.ws, input)),
  progress: procedure
    .input(z.object({ datasetId: z.number().int().positive(), annotator: AnnotatorSchema }))
    .output(ProgressSchema)
    .query(({ ctx, input }) => progress(ctx.services.ws, input.datasetId, input.annotator)),
  forClip: procedure
    .input(z.object({ clipId: z.number().int().positive() }))
    .output(z.array(LabelSchema))
    .query(({ ctx, input }) => clipLabels(ctx.services.ws, input.clipId)),
  set: procedure
    .input(SetLabelSchema)
    .output(ActionResultSchema)
    .mutation(({ ctx, input }) => setLabel(ctx.services.ws, input)),
  update: procedure
    .input(UpdateRegionSchema)
    .output(ActionResultSchema)
    .mutation(({ ctx, input }) => updateRegion(ctx.services.ws, input)),
  remove: procedure
    .input(RemoveLabelSchema)
    .output(ActionResultSchema)
    .mutation(({ ctx, input }) => removeLabel(ctx.services.ws, input)),
  undo: procedure
    .input(UndoRequestSchema)
    .output(ActionResultSchema.nullable())
    .mutation(({ ctx, input }) => undo(ctx.services.ws, input.annotator, input.requestId, { datasetId: input.datasetId })),
  redo: procedure
    .input(UndoRequestSchema)
    .output(ActionResultSchema.nullable())
    .mutation(({ ctx, input }) => redo(ctx.services.ws, input.annotator, input.requestId, { datasetId: input.datasetId })),
  undoState: procedure
    .input(UndoStateRequestSchema)
    .output(UndoStateSchema)
    .query(({ ctx, input }) => undoState(ctx.services.ws, input.annotator, { datasetId: input.datasetId })),
  agreement: procedure
    .input(z.object({ datasetId: z.number().int().positive(), includeCorpus: z.boolean().default(false) }))
    .output(AgreementSchema)
    .query(({ ctx, input }) => agreementReport(wholeClipLabelsByAnnotator(ctx.services.ws, input.datasetId, input.includeCorpus))),
  export: procedure
    .input(ExportRequestSchema)
    .output(ExportResultSchema)
    .query(({ ctx, input }) => exportLabels(ctx.services.ws, input)),
  /** Every labelled clip of a dataset: a TextGrid and an Audacity track each, in one zip (base64). */
  exportArchive: procedure
    .input(DatasetArchiveRequestSchema)
    .output(DatasetArchiveSchema)
    .query(({ ctx, input }) => exportDatasetArchive(ctx.services.ws, input)),
  import: procedure
    .input(ImportRequestSchema)
    .output(ImportResultSchema)
    .mutation(({ ctx, input }) => importLabels(ctx.services.ws, input)),
  /** Scores the annotator's unlabelled clips with a model as a job (progress, cancel); the result via `suggestions`. */
  suggest: procedure
    .input(SuggestRequestSchema)
    .output(JobRefSchema)
    .mutation(({ ctx, input }) => {
      const dir = modelDir(ctx.services, input.modelId)
      const { id } = ctx.services.jobs.start('features', 'Find the clips the model is least sure of', (job) =>
        suggestNext(ctx.services.ws, { ...input, modelDir: dir, signal: job.signal, onProgress: job.progress }),
      )
      return { jobId: id }
    }),
  suggestions: procedure
    .input(JobRefSchema)
    .output(SuggestResultSchema)
    .query(async ({ ctx, input }) => {
      const job = ctx.services.jobs.get(input.jobId)
      if (!job) throw new TRPCError({ code: 'NOT_FOUND', message: `no job ${input.jobId}` })
      try {
        return (await ctx.services.jobs.wait(input.jobId)) as z.infer<typeof SuggestResultSchema>
      } catch (err) {
        throw new TRPCError({ code: 'UNPROCESSABLE_CONTENT', message: (err as Error).message })
      }
    }),
})
