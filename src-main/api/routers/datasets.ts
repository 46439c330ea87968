import fs from 'node:fs'
import { setDatasetSpeech } from '../../services/store/dataset-speech'
import { SetSpeechSchema } from '../../../src-shared/contract/datasets'
import path from 'node:path'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import {
  ClipAudioStatusSchema,
  ClipPageSchema,
  ClipQuerySchema,
  DatasetRowSchema,
  DatasetStatsSchema,
  ImportReportSchema,
  ImportRequestSchema,
  LayoutDetectionSchema,
  MissingAudioSchema,
  RelinkReportSchema,
  SetLabelRuleSchema,
  SplitRequestSchema,
  SplitsSchema,
} from '../../../src-shared/contract/datasets'
import {
  clipAudioStatus,
  datasetStats,
  detectLayout,
  getSplits,
  importCorpus,
  listClips,
  listDatasets,
  makeSplits,
  missingAudio,
  pathsMissing,
  relinkDataset,
} from '../../services/corpus/index'
import { setLabelRule } from '../../services/store/label-rule'
import { clipRow } from '../../services/store/clips'
import { datasetRow } from '../../services/store/datasets'
import { LabelRuleSchema } from '../../../src-shared/label-rule'
import { JobRefSchema } from '../../../src-shared/contract/jobs'
import { procedure, router } from '../trpc'

const DatasetId = z.object({ datasetId: z.number().int().positive() })

/** A folder the user typed or picked: absolute, existing, a directory; anything else is a clear error. */
function existingFolder(dir: string): string {
  if (!path.isAbsolute(dir)) throw new TRPCError({ code: 'BAD_REQUEST', message: `not an absolute path: ${dir}` })
  const resolved = path.resolve(dir)
  let st: fs.Stats
  try {
    st = fs.statSync(resolved)
  } catch {
    throw new TRPCError({ code: 'NOT_FOUND', message: `folder not found: ${resolved}` })
  }
  if (!st.isDirectory()) throw new TRPCError({ code: 'BAD_REQUEST', message: `not a folder: ${resolved}` })
  return resolved
}

function knownDataset(ctx: { services: { ws: { db: import('better-sqlite3').Database } } }, id: number): void {
  if (!datasetRow(ctx.services.ws.db, id)) throw new TRPCError({ code: 'NOT_FOUND', message: `no dataset with id ${id}` })
}

export const datasetsRouter = router({
  list: procedure.output(z.array(DatasetRowSchema)).query(({ ctx }) => listDatasets(ctx.services.ws)),
  stats: procedure.input(DatasetId).output(DatasetStatsSchema).query(({ ctx, input }) => {
    knownDataset(ctx, input.datasetId)
    return datasetStats(ctx.services.ws, input.datasetId)
  }),
  /** Chooses which label counts as a clip's label for this dataset's counts and for training. */
  setLabelRule: procedure
    .input(SetLabelRuleSchema)
    .output(LabelRuleSchema)
    .mutation(({ ctx, input }) => {
      knownDataset(ctx, input.datasetId)
      return setLabelRule(ctx.services.ws, input.datasetId, input.rule)
    }),
  /** Says whether a dataset's audio is generated or recorded speech (what the model page and Live state). */
  setSpeech: procedure
    .input(SetSpeechSchema)
    .output(DatasetRowSchema)
    .mutation(({ ctx, input }) => {
      knownDataset(ctx, input.datasetId)
      setDatasetSpeech(ctx.services.ws, input.datasetId, input.speech, 'user')
      return listDatasets(ctx.services.ws).find((d) => d.id === input.datasetId)!
    }),
  /** A page of clips, each flagged when its audio file is gone (a page is at most a few hundred stats). */
  clips: procedure.input(ClipQuerySchema).output(ClipPageSchema).query(async ({ ctx, input }) => {
    const page = listClips(ctx.services.ws, input)
    const gone = await pathsMissing(page.clips.map((c) => c.path))
    return { ...page, clips: page.clips.map((c, i) => ({ ...c, audioMissing: gone[i] })) }
  }),
  /** How many of the dataset's audio files are gone; stat-ed off the event loop, a few at a time. */
  missing: procedure.input(DatasetId).output(MissingAudioSchema).query(({ ctx, input, signal }) => {
    knownDataset(ctx, input.datasetId)
    return missingAudio(ctx.services.ws, input.datasetId, signal)
  }),
  /** One clip's audio file: there or not, and its dataset (the label desk's Relink). */
  clipAudio: procedure
    .input(z.object({ clipId: z.number().int().positive() }))
    .output(ClipAudioStatusSchema)
    .query(({ ctx, input }) => {
      if (!clipRow(ctx.services.ws.db, input.clipId)) throw new TRPCError({ code: 'NOT_FOUND', message: `no clip with id ${input.clipId}` })
      return clipAudioStatus(ctx.services.ws, input.clipId)
    }),
  detect: procedure
    .input(z.object({ dir: z.string().min(1).max(4096) }))
    .output(LayoutDetectionSchema)
    .query(({ input }) => detectLayout(existingFolder(input.dir))),
  /** Starts an import job and returns its id; progress arrives through jobs.updates. */
  import: procedure
    .input(ImportRequestSchema)
    .output(JobRefSchema)
    .mutation(({ ctx, input }) => {
      const dir = existingFolder(input.dir)
      const { id } = ctx.services.jobs.start('import', `Import ${input.name ?? path.basename(dir)}`, async (job) => {
        const report = await importCorpus(ctx.services.ws, dir, { ...input, signal: job.signal, onProgress: job.progress })
        job.progress(1, `${report.added} added, ${report.unchanged} unchanged, ${report.rejected.length} rejected`)
        return report
      })
      return { jobId: id }
    }),
  /** Waits for an import job and returns its report (rejected files with reasons included). */
  importReport: procedure
    .input(JobRefSchema)
    .output(ImportReportSchema)
    .query(async ({ ctx, input }) => {
      const job = ctx.services.jobs.get(input.jobId)
      if (!job || job.kind !== 'import') throw new TRPCError({ code: 'NOT_FOUND', message: `no import job ${input.jobId}` })
      try {
        return (await ctx.services.jobs.wait(input.jobId)) as z.infer<typeof ImportReportSchema>
      } catch (err) {
        throw new TRPCError({ code: 'UNPROCESSABLE_CONTENT', message: (err as Error).message })
      }
    }),
  relink: procedure
    .input(DatasetId.extend({ newRoot: z.string().min(1).max(4096) }))
    .output(RelinkReportSchema)
    .mutation(({ ctx, input }) => {
      knownDataset(ctx, input.datasetId)
      return relinkDataset(ctx.services.ws, input.datasetId, existingFolder(input.newRoot))
    }),
  splits: router({
    make: procedure.input(SplitRequestSchema).output(SplitsSchema).mutation(({ ctx, input }) => {
      knownDataset(ctx, input.datasetId)
      return makeSplits(ctx.services.ws, input.datasetId, { k: input.k, seed: input.seed })
    }),
    get: procedure
      .input(DatasetId.extend({ k: z.number().int().min(2).max(100).optional(), seed: z.string().max(100).optional() }))
      .output(SplitsSchema.nullable())
      .query(({ ctx, input }) => getSplits(ctx.services.ws, input.datasetId, { k: input.k, seed: input.seed })),
  }),
})
