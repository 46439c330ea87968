import path from 'node:path'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import {
  ModelCardSchema,
  ModelIdSchema,
  ModelListItemSchema,
  ModelNameSchema,
  TrainingRunSchema,
  TrainRequestSchema,
} from '../../../src-shared/contract/models'
import { trainInWorker } from '../../services/model/jobs'
import {
  deleteModel,
  listRuns,
  modelListItems,
  modelNameTaken,
  ModelRegistryError,
  renameModel,
  resolveModelDir,
  runSpecForResume,
} from '../../services/model/registry'
import type { TrainSpec } from '../../services/model/run'
import { readCard } from '../../services/model/storage'
import type { AppServices } from '../context'
import { procedure, router } from '../trpc'

/** Registry errors become NOT_FOUND / CONFLICT / BAD_REQUEST with their message. */
function guard<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof ModelRegistryError) {
      throw new TRPCError({ code: err.code === 'not-found' ? 'NOT_FOUND' : err.code === 'conflict' ? 'CONFLICT' : 'BAD_REQUEST', message: err.message })
    }
    throw err
  }
}

const NumericId = z.object({ id: z.string().regex(/^\d{1,12}$/, 'a workspace model id is a number (the shipped default cannot be changed)') })

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
    .output(z.object({ jobId: z.string(), out: z.string() }))
    .mutation(({ ctx, input }) => {
      const ws = ctx.services.ws
      if (modelNameTaken(ws, input.name)) throw new TRPCError({ code: 'CONFLICT', message: `a model named '${input.name}' already exists: choose another name, or rename or delete the old one` })
      const slug = input.name.replace(/[^\w.-]+/g, '-').toLowerCase()
      const out = path.join(ws.subdir('models'), `${slug}-${Date.now().toString(36)}`)
      return startTraining(ctx.services, { ...input, workspace: ws.dir, out })
    }),
  /** Training runs, newest first; a run whose process died shows as 'interrupted'. */
  runs: procedure.output(z.array(TrainingRunSchema)).query(({ ctx }) => listRuns(ctx.services.ws)),
  /** Restarts an interrupted, failed or cancelled run with its own spec and checkpoint folder. */
  resume: procedure
    .input(z.object({ runId: z.number().int().positive() }))
    .output(z.object({ jobId: z.string(), out: z.string() }))
    .mutation(({ ctx, input }) =>
      guard(() => {
        const spec = runSpecForResume(ctx.services.ws, input.runId)
        return startTraining(ctx.services, { ...(spec as unknown as TrainSpec & { name: string }), workspace: ctx.services.ws.dir })
      }),
    ),
  card: procedure
    .input(z.object({ id: ModelIdSchema }))
    .output(ModelCardSchema)
    .query(({ ctx, input }) => guard(() => readCard(resolveModelDir(ctx.services.ws, input.id)))),
  rename: procedure
    .input(NumericId.extend({ name: ModelNameSchema }))
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) => guard(() => ({ id: input.id, name: renameModel(ctx.services.ws, Number(input.id), input.name).name }))),
  remove: procedure
    .input(NumericId)
    .output(z.object({ removed: z.literal(true) }))
    .mutation(({ ctx, input }) =>
      guard(() => {
        deleteModel(ctx.services.ws, Number(input.id))
        return { removed: true as const }
      }),
    ),
})
