import { z } from 'zod'
import { MAX_TEXT, Real } from './limits'
import { EpochDiagnosticsSchema } from '../losses'
import { EnrollProgressSchema } from './enroll'

export const JobKindSchema = z.enum(['import', 'features', 'train', 'enroll', 'experiment', 'other'])
export type JobKind = z.infer<typeof JobKindSchema>

/** A training epoch as it streams (services/model/types.ts EpochReport). */
export const TrainEpochSchema = z.object({
  epoch: z.number().int().min(0),
  epochs: z.number().int().min(0),
  trainLoss: Real,
  valLoss: Real.nullable(),
  valAccuracy: Real.nullable(),
  pairsPerSecond: Real,
  resumed: z.boolean(),
  diagnostics: EpochDiagnosticsSchema,
})

/** The steps of a training job (src-shared/contract/models.ts TrainPhaseSchema: the two of them that have epochs). */
export const TRAIN_JOB_PHASES = ['features', 'pretrain', 'finetune', 'calibrate', 'save'] as const
export const TrainJobPhaseSchema = z.enum(TRAIN_JOB_PHASES)
export type TrainJobPhase = z.infer<typeof TrainJobPhaseSchema>

/**
 * What a job is doing now, typed per kind (discriminated by `kind`); every variant names its
 * `phase`, so the UI reads the phase instead of parsing the message text.
 */
export const JobDetailSchema = z.discriminatedUnion('kind', [
  /** A training run; `epoch` is the epoch just finished (pretrain, finetune), else null. */
  z.object({ kind: z.literal('train'), phase: TrainJobPhaseSchema, epoch: TrainEpochSchema.nullable() }),
  /** An enrollment: its phase and step (src-shared/contract/enroll.ts). */
  EnrollProgressSchema.extend({ kind: z.literal('enroll') }),
  /** An experiment plan: running its tasks, stopping after the current one, writing the report. */
  z.object({ kind: z.literal('experiment'), phase: z.enum(['run', 'stopping', 'report']) }),
])
export type JobDetail = z.infer<typeof JobDetailSchema>

export const JobInfoSchema = z.object({
  id: z.string().max(MAX_TEXT),
  kind: JobKindSchema,
  title: z.string().max(MAX_TEXT),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  fraction: z.number().min(0).max(1).nullable(),
  message: z.string().max(MAX_TEXT),
  startedAt: z.string().max(MAX_TEXT),
  finishedAt: z.string().max(MAX_TEXT).nullable(),
  error: z.string().max(MAX_TEXT).nullable(),
  /** What the job is doing now (null before its first report and for kinds without one). */
  detail: JobDetailSchema.nullable(),
})
export type JobInfo = z.infer<typeof JobInfoSchema>

/** The one job-id format (services/jobs/registry.ts makes them: job-1, job-2, ...). */
export const JobIdSchema = z.string().max(32).regex(/^job-\d+$/, 'a job id looks like job-12')
/** `{ id }`: the jobs router's input. */
export const JobIdInputSchema = z.object({ id: JobIdSchema })
/** `{ jobId }`: what a router returns for a job it started, and takes to read the job's result. */
export const JobRefSchema = z.object({ jobId: JobIdSchema })
