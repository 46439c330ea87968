import { initTRPC, TRPCError } from '@trpc/server'
import { ZodError } from 'zod'
import { ServiceError, TRPC_CODE_OF } from '../../src-shared/errors'
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

/**
 * The one place a service's refusal becomes a tRPC error: a ServiceError's code picks the tRPC
 * code (TRPC_CODE_OF in src-shared/errors.ts), its message goes through unchanged. Nothing
 * reads the message to choose a code; any other error stays an INTERNAL_SERVER_ERROR. A
 * subscription's generator throws after the middleware has returned: it throws toTRPCError(err).
 */
export function toTRPCError(err: unknown): unknown {
  return err instanceof ServiceError ? new TRPCError({ code: TRPC_CODE_OF[err.code], message: err.message, cause: err }) : err
}

export const serviceErrors = t.middleware(async ({ next }) => {
  const result = await next()
  if (!result.ok && result.error.cause instanceof ServiceError) throw toTRPCError(result.error.cause)
  return result
})

export const router = t.router
export const procedure = t.procedure.use(serviceErrors)
export const createCallerFactory = t.createCallerFactory
