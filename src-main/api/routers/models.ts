import fs from 'node:fs'
import path from 'node:path'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { ModelCardSchema } from '../../../src-shared/contract/models'
import { defaultModelDir } from '../../services/model/default-model'
import { trainInWorker } from '../../services/model/jobs'
import { readCard } from '../../services/model/storage'
import { procedure, router } from '../trpc'

/** A model as the Train view and the Enroll view list it; the shipped default has id 'default'. */
const ModelListItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  createdAt: z.string(),
  arch: z.enum(['mlp', 'cnn']),
  sourceCorpus: z.string(),
  targetCorpus: z.string().nullable(),
  loss: z.enum(['contrastive', 'distance']),
  frozenLayers: z.number().int(),
  backend: z.string(),
  labels: z.array(z.string()),
  metrics: z.record(z.string(), z.number()),
})

const EpochSchema = z.object({
  epoch: z.number(),
  epochs: z.number(),
  trainLoss: z.number(),
  valLoss: z.number().nullable(),
  valAccuracy: z.number().nullable(),
  pairsPerSecond: z.number(),
})

const TrainRequestSchema = z.object({
  name: z.string().trim().min(1).max(80).regex(/^[\w .-]+$/, 'letters, digits, spaces, dots, dashes and underscores only'),
  source: z.string().min(1).max(200),
  target: z.string().min(1).max(200).nullable().default(null),
  arch: z.enum(['mlp', 'cnn']).default('mlp'),
  loss: z.enum(['contrastive', 'distance']).default('distance'),
  epochs: z.number().int().min(1).max(500).default(30),
  stepsPerEpoch: z.number().int().min(1).max(1000).default(50),
  shots: z.number().int().min(1).max(1000).nullable().default(5),
  frozenLayers: z.number().int().min(0).max(8).default(1),
  seed: z.number().int().default(1),
})

type Card = z.infer<typeof ModelCardSchema>
function summary(id: string, card: Card, builtIn: boolean): z.infer<typeof ModelListItemSchema> {
  return {
    id,
    name: card.name,
    builtIn,
    createdAt: card.createdAt,
    arch: card.arch.kind,
    sourceCorpus: card.sourceCorpus,
    targetCorpus: card.targetCorpus,
    loss: card.loss.name,
    frozenLayers: card.frozenLayers,
    backend: card.backend.name,
    labels: card.labels,
    metrics: card.metrics,
  }
}

export const modelsRouter = router({
  list: procedure.output(z.array(ModelListItemSchema)).query(({ ctx }) => {
    const out: z.infer<typeof ModelListItemSchema>[] = []
    try {
      out.push(summary('default', readCard(defaultModelDir()), true))
    } catch {
      /* no shipped model in this build: nothing to list */
    }
    const rows = ctx.services.ws.db.prepare('SELECT id, dir FROM models ORDER BY id DESC').all() as { id: number; dir: string }[]
    for (const r of rows) {
      if (!fs.existsSync(path.join(r.dir, 'card.json'))) continue
      try {
        out.push(summary(String(r.id), readCard(r.dir), false))
      } catch {
        /* a damaged model folder is reported when it is opened, not in the list */
      }
    }
    return out
  }),
  /** Starts a training job (pre-train on source, optionally fine-tune on target); progress carries each epoch. */
  train: procedure
    .input(TrainRequestSchema)
    .output(z.object({ jobId: z.string(), out: z.string() }))
    .mutation(({ ctx, input }) => {
      const ws = ctx.services.ws
      const slug = input.name.replace(/[^\w.-]+/g, '-').toLowerCase()
      const out = path.join(ws.subdir('models'), `${slug}-${Date.now().toString(36)}`)
      const { id } = ctx.services.jobs.start('train', `Train ${input.name}`, (job) =>
        trainInWorker({ ...input, workspace: ws.dir, out }, job).then((r) => {
          job.progress(1, `saved ${input.name}`)
          return r.dir
        }),
      )
      return { jobId: id, out }
    }),
  runs: procedure
    .output(
      z.array(
        z.object({ id: z.number(), state: z.string(), name: z.string(), backend: z.string().nullable(), error: z.string().nullable(), startedAt: z.string(), history: z.array(EpochSchema) }),
      ),
    )
    .query(({ ctx }) => {
      const rows = ctx.services.ws.db
        .prepare('SELECT id, state, spec_json, backend, error, started_at, history_json FROM training_runs ORDER BY id DESC LIMIT 50')
        .all() as { id: number; state: string; spec_json: string; backend: string | null; error: string | null; started_at: string; history_json: string | null }[]
      return rows.map((r) => ({
        id: r.id,
        state: r.state,
        name: (JSON.parse(r.spec_json) as { name?: string }).name ?? 'model',
        backend: r.backend,
        error: r.error,
        startedAt: r.started_at,
        history: z.array(EpochSchema.passthrough()).catch([]).parse(r.history_json ? JSON.parse(r.history_json) : []),
      }))
    }),
  card: procedure
    .input(z.object({ id: z.string().max(32).regex(/^(default|\d+)$/) }))
    .output(ModelCardSchema)
    .query(({ ctx, input }) => {
      if (input.id === 'default') return readCard(defaultModelDir())
      const row = ctx.services.ws.db.prepare('SELECT dir FROM models WHERE id = ?').get(Number(input.id)) as { dir: string } | undefined
      if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `no model with id ${input.id}` })
      return readCard(row.dir)
    }),
})
