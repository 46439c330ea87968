import path from 'node:path'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import {
  ModelCardSchema,
  ModelDetailSchema,
  ModelIdSchema,
  ModelListItemSchema,
  ModelRemoveSchema,
  ModelRenameSchema,
  ShotBudgetSchema,
  ShotsQuerySchema,
  TrainingRunSchema,
} from '../../../src-shared/contract/models'
import { TrainRequestSchema } from '../../../src-shared/contract/train-spec'
import { JobRefSchema } from '../../../src-shared/contract/jobs'
import { provenanceOf } from '../../services/live/provenance'
import { datasetSpeechByName } from '../../services/store/dataset-speech'
import { checkTrainRequest, shotBudgetOf } from '../../services/model/request-check'
import { trainInWorker } from '../../services/model/jobs'
import {
  deleteModel,
  getModel,
  listRuns,
  modelHistory,
  modelListItems,
  modelNameTaken,
  ModelRegistryError,
  modelUsers,
  nameTakenMessage,
  ownsFolder,
  undeletableReason,
  renameModel,
  resolveModelDir,
  runSpecForResume,
} from '../../services/model/registry'
import type { TrainSpec } from '../../services/model/run'
import { readCard } from '../../services/model/storage'
import type { AppServices } from '../context'
import { procedure, router } from '../trpc'

function startTraining(s: AppServices, spec: TrainSpec & { name: string }): { jobId: string; out: string } {
  const { id } = s.jobs.start('train', `Train ${spec.name}`, (job) =>
    trainInWorker(spec, job).then((r) => {
      job.progress(1, `saved ${r.card.name}`)
      return r.dir
    }),
  )
  return { jobId: id, out: spec.out }
}

export const modelsRouter = router({
  list: procedure.output(z.array(ModelListItemSchema)).query(({ ctx }) => modelListItems(ctx.services.ws)),
  /** Starts a training job (pre-train on source, optionally fine-tune on target); progress carries each epoch. */
  train: procedure
    .input(TrainRequestSchema)
    .output(JobRefSchema.extend({ out: z.string().max(4096) }))
    .mutation(({ ctx, input }) => {
      const ws = ctx.services.ws
      if (modelNameTaken(ws, input.name)) throw new TRPCError({ code: 'CONFLICT', message: nameTakenMessage(input.name) })
      checkTrainRequest(ws, input)
      const slug = input.name.replace(/[^\w.-]+/g, '-').toLowerCase()
      const out = path.join(ws.subdir('models'), `${slug}-${Date.now().toString(36)}`)
      return startTraining(ctx.services, { ...input, workspace: ws.dir, out })
    }),
  /** Training runs, newest first; a run whose process died shows as 'interrupted'. */
  runs: procedure.output(z.array(TrainingRunSchema)).query(({ ctx }) => listRuns(ctx.services.ws)),
  /** Restarts an interrupted, failed or cancelled run with its own spec and checkpoint folder. */
  resume: procedure
    .input(z.object({ runId: z.number().int().positive() }))
    .output(JobRefSchema.extend({ out: z.string().max(4096) }))
    .mutation(({ ctx, input }) => {
      const spec = runSpecForResume(ctx.services.ws, input.runId)
      return startTraining(ctx.services, { ...(spec as unknown as TrainSpec & { name: string }), workspace: ctx.services.ws.dir })
    }),
  card: procedure
    .input(z.object({ id: ModelIdSchema }))
    .output(ModelCardSchema)
    .query(({ ctx, input }) => readCard(resolveModelDir(ctx.services.ws, input.id))),
  /** What the model page shows: card, both phases' curves, the data, who uses it, whether it may go. */
  detail: procedure
    .input(z.object({ id: ModelIdSchema }))
    .output(ModelDetailSchema)
    .query(({ ctx, input }) => {
        const ws = ctx.services.ws
        const card = readCard(resolveModelDir(ws, input.id))
        const item = modelListItems(ws).find((m) => m.id === input.id)
        if (!item) throw new ModelRegistryError(`model ${input.id} cannot be read (its folder or card is missing)`, 'not_found')
        const speech = provenanceOf(card, item.builtIn, (name) => datasetSpeechByName(ws, name)).speech
        if (item.builtIn)
          return {
            item,
            card,
            history: [],
            runId: null,
            speech,
            usedBy: [],
            folder: null,
            undeletable: 'the shipped default model is part of the app: it cannot be renamed or deleted',
          }
        const row = getModel(ws, Number(input.id))!
        const folder = { path: row.dir, removedOnDelete: ownsFolder(ws, row) }
        return { item, card, ...modelHistory(ws, row.id), speech, usedBy: modelUsers(ws, row.id), folder, undeletable: undeletableReason(ws, row) }
    }),
  /** How many shots per class the chosen datasets allow (the Train form checks against it; train refuses more). */
  shotBudget: procedure
    .input(ShotsQuerySchema)
    .output(ShotBudgetSchema)
    .query(({ ctx, input }) => shotBudgetOf(ctx.services.ws, input)),
  rename: procedure
    .input(ModelRenameSchema)
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) => ({ id: input.id, name: renameModel(ctx.services.ws, Number(input.id), input.name).name })),
  remove: procedure
    .input(ModelRemoveSchema)
    .output(z.object({ removed: z.literal(true) }))
    .mutation(({ ctx, input }) => {
      deleteModel(ctx.services.ws, Number(input.id))
      return { removed: true as const }
    }),
})
