import { z } from 'zod'
import { JobIdSchema, JobInfoSchema, type JobInfo } from '../../../src-shared/contract/jobs'
import { procedure, router } from '../trpc'

export const jobsRouter = router({
  list: procedure.output(z.array(JobInfoSchema)).query(({ ctx }) => ctx.services.jobs.list()),
  cancel: procedure
    .input(JobIdSchema)
    .output(z.object({ cancelled: z.boolean() }))
    .mutation(({ ctx, input }) => ({ cancelled: ctx.services.jobs.cancel(input.id) })),
  /** Every job change, starting with a snapshot of the current ones. */
  updates: procedure.subscription(async function* ({ ctx, signal }): AsyncGenerator<JobInfo> {
    const queue: JobInfo[] = ctx.services.jobs.list()
    let wake: (() => void) | null = null
    const off = ctx.services.jobs.onUpdate((job) => {
      queue.push(job)
      wake?.()
    })
    try {
      while (!signal?.aborted) {
        while (queue.length) yield JobInfoSchema.parse(queue.shift())
        await new Promise<void>((resolve) => {
          wake = resolve
          signal?.addEventListener('abort', () => resolve(), { once: true })
        })
        wake = null
      }
    } finally {
      off()
    }
  }),
})
