import path from 'node:path'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { EnrollRequestSchema, EnrollResultSchema, ProfileIdSchema, ProfileListItemSchema } from '../../../src-shared/contract/enroll'
import {
  baseModelDir,
  checkExamples,
  EnrollError,
  enrollInWorker,
  listProfiles,
  profileNameTaken,
  profileResult,
  removeProfile,
} from '../../services/enroll/index'
import { JobRefSchema } from '../../../src-shared/contract/jobs'
import { procedure, router } from '../trpc'

const NumericId = z.object({ id: z.string().regex(/^\d{1,12}$/, 'a saved profile id is a number') })

export const enrollRouter = router({
  /** Saved profiles, newest first, and the shipped default ('default'). The live view offers these. */
  profiles: procedure.output(z.array(ProfileListItemSchema)).query(({ ctx }) => listProfiles(ctx.services.ws)),
  /** The stored enrollment result (held-out accuracy, embedding map) of a saved profile. */
  profile: procedure
    .input(z.object({ id: ProfileIdSchema }))
    .output(EnrollResultSchema)
    .query(({ ctx, input }) => {
      if (input.id === 'default') throw new EnrollError('the shipped default profile was not enrolled here: it has no enrollment result')
      return profileResult(ctx.services.ws, Number(input.id))
    }),
  /**
   * Starts an enrollment job after checking everything that can be checked at once
   * (name free, base model known, clips labelled, >= 2 emotions with >= 2 examples each).
   */
  start: procedure
    .input(EnrollRequestSchema)
    .output(JobRefSchema.extend({ out: z.string() }))
    .mutation(({ ctx, input }) => {
      const ws = ctx.services.ws
      if (profileNameTaken(ws, input.name)) throw new EnrollError(`a profile named '${input.name}' already exists: choose another name`, 'conflict')
      baseModelDir(ws, input.baseModel)
      checkExamples(ws, input.clipIds)
      const slug = input.name.normalize('NFKD').replace(/[^\w.-]+/g, '-').toLowerCase().slice(0, 40) || 'profile'
      const out = path.join(ws.subdir('profiles'), `${slug}-${Date.now().toString(36)}`)
      const { id } = ctx.services.jobs.start('enroll', `Enroll ${input.person}: ${input.name}`, async (job) => {
        const r = await enrollInWorker({ ...input, workspace: ws.dir, out }, job)
        job.progress(1, `saved profile ${r.name}: held-out accuracy ${(r.heldOut.accuracy * 100).toFixed(0)}%`)
        return r
      })
      return { jobId: id, out }
    }),
  /** Waits for an enrollment job and returns its result. */
  result: procedure
    .input(JobRefSchema)
    .output(EnrollResultSchema)
    .query(async ({ ctx, input }) => {
      const job = ctx.services.jobs.get(input.jobId)
      if (!job || job.kind !== 'enroll') throw new TRPCError({ code: 'NOT_FOUND', message: `no enrollment job ${input.jobId}` })
      try {
        return (await ctx.services.jobs.wait(input.jobId)) as z.infer<typeof EnrollResultSchema>
      } catch (err) {
        throw new TRPCError({ code: 'UNPROCESSABLE_CONTENT', message: (err as Error).message })
      }
    }),
  remove: procedure
    .input(NumericId)
    .output(z.object({ removed: z.literal(true) }))
    .mutation(({ ctx, input }) => {
      removeProfile(ctx.services.ws, Number(input.id))
      return { removed: true as const }
    }),
})
