import { z } from 'zod'
import { JobIdInputSchema, JobInfoSchema, type JobInfo } from '../../../src-shared/contract/jobs'
import { EventStream } from '../event-stream'
import { procedure, router } from '../trpc'

export const jobsRouter = router({
  list: procedure.output(z.array(JobInfoSchema)).query(({ ctx }) => ctx.services.jobs.list()),
  cancel: procedure
    .input(JobIdInputSchema)
    .output(z.object({ cancelled: z.boolean() }))
    .mutation(({ ctx, input }) => ({ cancelled: ctx.services.jobs.cancel(input.id) })),
  /** Every job change, starting with a snapshot of the current ones. */
  updates: procedure.subscription(async function* ({ ctx, signal }): AsyncGenerator<JobInfo> {
    const stream = new EventStream<JobInfo>()
    for (const job of ctx.services.jobs.list()) stream.push(job)
    const off = ctx.services.jobs.onUpdate((job) => stream.push(job))
    try {
      yield* stream.drain(signal, (job) => JobInfoSchema.parse(job))
    } finally {
      off()
    }
  }),
})
