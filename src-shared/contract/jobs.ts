import { z } from 'zod'

export const JobKindSchema = z.enum(['import', 'features', 'train', 'enroll', 'experiment', 'other'])
export type JobKind = z.infer<typeof JobKindSchema>

export const JobInfoSchema = z.object({
  id: z.string(),
  kind: JobKindSchema,
  title: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  fraction: z.number().min(0).max(1).nullable(),
  message: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** Job-specific payload, e.g. the current epoch's losses for a training job. */
  detail: z.unknown(),
})
export type JobInfo = z.infer<typeof JobInfoSchema>

export const JobIdSchema = z.object({ id: z.string().regex(/^job-\d+$/, 'a job id looks like job-12') })
