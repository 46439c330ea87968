import { initTRPC } from '@trpc/server'
import { ZodError } from 'zod'
import type { RequestContext } from './context'

/**
 * tRPC gives us one typed contract over two transports (Electron IPC through
 * trpc-electron, WebSocket through @trpc/server's ws adapter), with zod checking
 * every input and output, subscriptions for progress and live predictions, and
 * cancellation (an unsubscribed call aborts its AbortSignal) without hand-written
 * plumbing. See docs/ipc.md.
 */
const t = initTRPC.context<RequestContext>().create({
  errorFormatter({ shape, error }) {
    const zodIssues =
      error.cause instanceof ZodError
        ? error.cause.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`)
        : null
    return { ...shape, data: { ...shape.data, validation: zodIssues } }
  },
  // Full stacks stay in the main process log, not in the renderer.
  isDev: false,
})

export const router = t.router
export const procedure = t.procedure
export const createCallerFactory = t.createCallerFactory
