/**
 * The Label view's offline write queue as a pure module: `send` (the tRPC call) and `storage`
 * (localStorage in the app) are injected, so it is unit-tested without a browser
 * (src-renderer/test/write-queue.test.ts). Operations are sent in order, each with a request id
 * chosen once, so a retry never applies twice (services/labels/requests.ts); an operation leaves
 * the queue only when the server answered (after its SQLite commit) or refused it.
 *
 * States an operation really has: 'saving' (sent, or about to be) and 'unsaved' (not reached the
 * server, or a fault that may pass: it waits and is sent again). A refused operation is not kept
 * in a 'failed' state: it is dropped from the queue and reported once through `onDropped`.
 *
 * Retry or drop is decided from the tRPC error code alone (src-shared/errors.ts maps the
 * services' codes to it), never from the message.
 */
export type OpState = 'saving' | 'unsaved'

export interface QueuedOp {
  requestId: string
  state: OpState
  /** why it is not saved yet (null while it is being sent for the first time) */
  error: string | null
}

/** Codes worth sending again: the server was not reached (no code), had a fault, or was busy. */
const RETRY_CODES = new Set(['INTERNAL_SERVER_ERROR', 'TOO_MANY_REQUESTS', 'TIMEOUT', 'SERVICE_UNAVAILABLE'])

/** The tRPC code of an error (undefined: the call never got an answer from the server). */
export function errorCode(err: unknown): string | undefined {
  return (err as { data?: { code?: string } | null } | null)?.data?.code ?? undefined
}

/**
 * 'retry': the server did not get it or did not answer (no code), or hit a fault that may pass
 * (a busy database); 'drop': it said no (invalid, not found, conflict, too large): retrying
 * would give the same answer.
 */
export function decide(err: unknown): 'retry' | 'drop' {
  const code = errorCode(err)
  return code === undefined || RETRY_CODES.has(code) ? 'retry' : 'drop'
}

export interface QueueStorage<O> {
  /** operations left by an earlier page (a reload, a closed tab) */
  load(): O[]
  save(ops: O[]): void
}

export interface WriteQueueDeps<O extends QueuedOp, R> {
  send(op: O): Promise<R>
  storage: QueueStorage<O>
  /** the array the queue keeps (a reactive one in the store, so the page follows it) */
  ops?: O[]
  /** runs `fn` after `ms` (setTimeout in the app; the tests step it by hand) */
  schedule(fn: () => void, ms: number): void
  /** whether the connection is up; an unsaved operation waits for it */
  online(): boolean
  /** a server fault is sent again this often before the operation is dropped */
  maxServerRetries?: number
  /** checked once before a drain sends anything; false: keep everything and wait */
  ready?(): Promise<boolean>
  saved?(op: O, result: R): void
  dropped?(op: O, err: unknown): void
  /** after the queue ran empty */
  idle?(): Promise<void>
  describe?(err: unknown): string
}

export interface WriteQueue<O extends QueuedOp> {
  readonly ops: O[]
  /** adds an operation (state 'saving') and sends the queue */
  enqueue(op: Omit<O, 'state' | 'error'>): Promise<void>
  /** takes over stored operations not already queued; returns how many */
  restore(): number
  drain(): Promise<void>
}

export function createWriteQueue<O extends QueuedOp, R>(deps: WriteQueueDeps<O, R>): WriteQueue<O> {
  const ops = deps.ops ?? []
  const maxServerRetries = deps.maxServerRetries ?? 3
  const describe = deps.describe ?? ((err: unknown) => (err instanceof Error ? err.message : String(err)))
  const serverRetries = new Map<string, number>()
  let draining = false
  let timerSet = false

  const persist = () => deps.storage.save([...ops])
  function later(ms: number): void {
    if (timerSet) return
    timerSet = true
    deps.schedule(() => {
      timerSet = false
      void drain()
    }, ms)
  }

  /** Sends the head; false when it stays queued (to be sent again later). */
  async function sendHead(op: O): Promise<boolean> {
    op.state = 'saving'
    try {
      const r = await deps.send(op)
      ops.shift()
      serverRetries.delete(op.requestId)
      persist()
      deps.saved?.(op, r)
      return true
    } catch (err) {
      const reached = errorCode(err) !== undefined
      const tries = (serverRetries.get(op.requestId) ?? 0) + 1
      if (decide(err) === 'retry' && (!reached || tries <= maxServerRetries)) {
        if (reached) serverRetries.set(op.requestId, tries)
        op.state = 'unsaved'
        op.error = `not saved yet (${describe(err)}); it will be sent again`
        later(500 * Math.min(8, tries))
        return false
      }
      serverRetries.delete(op.requestId)
      ops.shift()
      persist()
      deps.dropped?.(op, err)
      return true
    }
  }

  async function drain(): Promise<void> {
    if (draining) return
    draining = true
    try {
      if (ops.length && deps.ready && !(await deps.ready())) return
      // Operations queued while `idle` ran are sent too.
      while (ops.length) {
        while (ops.length) {
          const op = ops[0]
          if (op.state === 'unsaved' && !deps.online()) return later(1000)
          if (!(await sendHead(op))) return
        }
        await deps.idle?.()
      }
    } finally {
      draining = false
    }
  }

  return {
    ops,
    async enqueue(op) {
      ops.push({ ...op, state: 'saving', error: null } as O)
      persist()
      await drain()
    },
    restore() {
      const stored = deps.storage.load()
      const left = stored.filter((o, i) => !ops.some((q) => q.requestId === o.requestId) && stored.findIndex((x) => x.requestId === o.requestId) === i)
      ops.push(...left.map((o) => ({ ...o, state: 'unsaved' as const, error: null })))
      if (left.length) persist()
      return left.length
    },
    drain,
  }
}
