import { z } from 'zod'
import {
  AppendResultSchema,
  PersonSchema,
  PersonSummarySchema,
  RecordingChunkSchema,
  RecordingSchema,
  RecordingStartSchema,
  SessionIdSchema,
} from '../../../src-shared/contract/recordings'
import { listPersons, listRecordings, removeRecording, sessionsFor } from '../../services/recordings/index'
import { procedure, router } from '../trpc'

const Session = z.object({ sessionId: SessionIdSchema })

export const recordingsRouter = router({
  /** Opens a recording session; nothing is written until finish. */
  start: procedure
    .input(RecordingStartSchema)
    .output(z.object({ sessionId: z.string(), maxSeconds: z.number(), maxChunkSamples: z.number() }))
    .mutation(({ ctx, input }) => sessionsFor(ctx.services.ws).start(input)),
  append: procedure
    .input(RecordingChunkSchema)
    .output(AppendResultSchema)
    .mutation(({ ctx, input }) => sessionsFor(ctx.services.ws).append(input.sessionId, input.seq, input.pcm)),
  /** Writes the WAV into the workspace and imports it as a clip of the "recordings" dataset. */
  finish: procedure
    .input(Session)
    .output(RecordingSchema)
    .mutation(({ ctx, input }) => sessionsFor(ctx.services.ws).finish(input.sessionId)),
  cancel: procedure
    .input(Session)
    .output(z.object({ cancelled: z.boolean() }))
    .mutation(({ ctx, input }) => ({ cancelled: sessionsFor(ctx.services.ws).cancel(input.sessionId) })),
  list: procedure
    .input(z.object({ person: PersonSchema.optional() }).default({}))
    .output(z.array(RecordingSchema))
    .query(({ ctx, input }) => listRecordings(ctx.services.ws, input)),
  persons: procedure.output(z.array(PersonSummarySchema)).query(({ ctx }) => listPersons(ctx.services.ws)),
  remove: procedure
    .input(z.object({ clipId: z.number().int().positive() }))
    .output(z.object({ removed: z.literal(true) }))
    .mutation(({ ctx, input }) => {
      removeRecording(ctx.services.ws, input.clipId)
      return { removed: true as const }
    }),
})
