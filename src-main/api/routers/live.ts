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
import { liveSessionsFor } from '../../services/live/sessions'
import { EventStream } from '../event-stream'
import { procedure, router, toTRPCError } from '../trpc'
import type { RequestContext } from '../context'

const live = (ctx: RequestContext) => liveSessionsFor(ctx.services, ctx.services.ws)

/** Most frames a slow subscriber may have queued before the oldest are dropped. */
const MAX_QUEUED_FRAMES = 40

export const liveRouter = router({
  sources: procedure.output(z.array(LiveSourceSchema)).query(({ ctx }) => live(ctx).sources()),
  start: procedure
    .input(LiveStartSchema)
    .output(LiveStartResultSchema)
    .mutation(({ ctx, input }) => live(ctx).start(input)),
  /** One chunk of 16 kHz mono audio; the arrival time is taken before anything else so latency includes decoding. */
  push: procedure
    .input(LivePushSchema)
    .output(LivePushResultSchema)
    .mutation(({ ctx, input }) => {
      const arrivedAt = epochNow()
      return live(ctx).push(input, arrivedAt)
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
      throw toTRPCError(err)
    }
    try {
      yield* stream.drain(signal, (f) => LiveFrameSchema.parse(f))
    } finally {
      off()
    }
  }),
})
