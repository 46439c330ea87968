import { z } from 'zod'
import { MAX_JSON_CHARS, MAX_TEXT, boundedUnknown } from './limits'

export const JobKindSchema = z.enum(['import', 'features', 'train', 'enroll', 'experiment', 'other'])
export type JobKind = z.infer<typeof JobKindSchema>

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
  /** Job-specific payload, e.g. the current epoch's losses for a training job. */
  detail: boundedUnknown(MAX_JSON_CHARS),
})
export type JobInfo = z.infer<typeof JobInfoSchema>

export const JobIdSchema = z.object({ id: z.string().max(32).regex(/^job-\d+$/, 'a job id looks like job-12') })
