import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import {
  LiveFrameSchema,
  LivePushResultSchema,
  LivePushSchema,
  LiveSessionIdSchema,
  LiveSourceSchema,
  LiveStartResultSchema,
  LiveStartSchema,
  type LiveFrame,
} from '../../../src-shared/contract/live'
import { epochNow } from '../../services/live/pipeline'
import { LiveSessionError, liveSessionsFor } from '../../services/live/sessions'
import { LiveSourceError } from '../../services/live/sources'
import { ModelLoadError } from '../../services/model/storage'
import { EventStream } from '../event-stream'
import { procedure, router } from '../trpc'
import type { RequestContext } from '../context'

const live = (ctx: RequestContext) => liveSessionsFor(ctx.services, ctx.services.ws)

function asTrpc(err: unknown): never {
  if (err instanceof LiveSessionError || err instanceof LiveSourceError || err instanceof ModelLoadError) {
    throw new TRPCError({ code: /^no /.test(err.message) ? 'NOT_FOUND' : 'BAD_REQUEST', message: err.message })
  }
  throw err
}

/** Most frames a slow subscriber may have queued before the oldest are dropped. */
const MAX_QUEUED_FRAMES = 40

export const liveRouter = router({
  sources: procedure.output(z.array(LiveSourceSchema)).query(({ ctx }) => live(ctx).sources()),
  start: procedure
    .input(LiveStartSchema)
    .output(LiveStartResultSchema)
    .mutation(({ ctx, input }) => live(ctx).start(input).catch(asTrpc)),
  /** One chunk of 16 kHz mono audio; the arrival time is taken before anything else so latency includes decoding. */
  push: procedure
    .input(LivePushSchema)
    .output(LivePushResultSchema)
    .mutation(({ ctx, input }) => {
      const arrivedAt = epochNow()
      try {
        return live(ctx).push(input, arrivedAt)
      } catch (err) {
        return asTrpc(err)
      }
    }),
  stop: procedure
    .input(z.object({ sessionId: LiveSessionIdSchema }))
    .output(z.object({ stopped: z.boolean() }))
    .mutation(({ ctx, input }) => ({ stopped: live(ctx).stop(input.sessionId) })),
  /** The session's frames (one per hop) until it stops; ends quietly when it does. */
  frames: procedure.input(z.object({ sessionId: LiveSessionIdSchema })).subscription(async function* ({ ctx, input, signal }): AsyncGenerator<LiveFrame> {
    const stream = new EventStream<LiveFrame>(MAX_QUEUED_FRAMES)
    let off: () => void
    try {
      off = live(ctx).subscribe(input.sessionId, (f) => stream.push(f), () => stream.end())
    } catch (err) {
      return asTrpc(err)
    }
    try {
      yield* stream.drain(signal, (f) => LiveFrameSchema.parse(f))
    } finally {
      off()
    }
  }),
})
