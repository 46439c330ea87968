/**
 * The one error a service throws for a request it refuses, with a code that decides what
 * happens next; the message is for a person and never decides anything. The tRPC middleware
 * (src-main/api/trpc.ts) maps the code to a tRPC code, and the renderer's label queue
 * decides retry or drop from the tRPC code (src-renderer/src/stores/write-queue.ts).
 */
export const SERVICE_ERROR_CODES = ['invalid', 'not_found', 'conflict', 'too_large', 'busy', 'unavailable'] as const
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number]

/** The tRPC code each service code becomes (one table: the middleware reads it, docs/CONVENTIONS.md shows it). */
export const TRPC_CODE_OF = {
  invalid: 'BAD_REQUEST',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  too_large: 'PAYLOAD_TOO_LARGE',
  busy: 'TOO_MANY_REQUESTS',
  unavailable: 'PRECONDITION_FAILED',
} as const satisfies Record<ServiceErrorCode, string>

export class ServiceError extends Error {
  override name = 'ServiceError'
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/**
 * The ServiceError of one service: its own name (in logs and for `instanceof`) and the code of its refusals unless
 * a call names another (`new LabelError(message, 'not_found')`). Declared as `class LabelError extends serviceErrorClass('LabelError') {}`.
 */
export function serviceErrorClass(name: string, defaultCode: ServiceErrorCode = 'invalid') {
  return class extends ServiceError {
    override name = name
    constructor(message: string, code: ServiceErrorCode = defaultCode) {
      super(code, message)
    }
  }
}

export const notFound = (message: string) => new ServiceError('not_found', message)
export const invalid = (message: string) => new ServiceError('invalid', message)
export const conflict = (message: string) => new ServiceError('conflict', message)
