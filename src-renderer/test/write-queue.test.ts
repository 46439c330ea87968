/**
 * The Label view's write queue (stores/write-queue.ts) with a fake server and a fake storage:
 * retry when the server was not reached or had a fault, drop when it refused, restart from
 * storage, and replay in order with the same request ids.
 */
import { describe, expect, it } from 'vitest'
import { createWriteQueue, decide, type QueuedOp, type QueueStorage } from '../src/stores/write-queue'

interface Op extends QueuedOp {
  text: string
}

/** A tRPC-like error: `code` undefined is a call that never reached the server. */
const trpcError = (code?: string) => Object.assign(new Error(code ?? 'fetch failed'), { data: code ? { code } : null })

function memoryStorage(): QueueStorage<Op> & { saved: Op[] } {
  const box = { saved: [] as Op[] }
  return Object.assign(box, {
    load: () => box.saved.map((o) => ({ ...o })),
    save: (ops: Op[]) => void (box.saved = ops.map((o) => ({ ...o }))),
  })
}

/** A server that answers each request id from a script of outcomes (an error code or 'ok'), and logs what it got. */
function server(script: Record<string, (string | undefined)[]> = {}) {
  const got: string[] = []
  const send = async (op: Op) => {
    got.push(op.requestId)
    const next = script[op.requestId]?.shift()
    if (next !== undefined && next !== 'ok') throw trpcError(next === 'unreached' ? undefined : next)
    return `done ${op.text}`
  }
  return { got, send }
}

function setup(opts: { script?: Record<string, (string | undefined)[]>; storage?: ReturnType<typeof memoryStorage>; online?: () => boolean } = {}) {
  const timers: (() => void)[] = []
  const srv = server(opts.script)
  const storage = opts.storage ?? memoryStorage()
  const saved: string[] = []
  const dropped: string[] = []
  const q = createWriteQueue<Op, string>({
    send: srv.send,
    storage,
    schedule: (fn) => void timers.push(fn),
    online: opts.online ?? (() => true),
    maxServerRetries: 2,
    saved: (_op, r) => void saved.push(r),
    dropped: (op, err) => void dropped.push(`${op.text}: ${(err as Error).message}`),
  })
  /** Runs the timers the queue set (a retry "later"), then lets the sends settle. */
  const tick = async () => {
    for (const fn of timers.splice(0)) fn()
    await new Promise((r) => setTimeout(r, 0))
  }
  return { q, srv, storage, saved, dropped, timers, tick }
}

describe('write queue', () => {
  it('decides from the tRPC code only: no code, a fault or busy are retried; a refusal is dropped', () => {
    expect(decide(trpcError())).toBe('retry')
    expect(decide(trpcError('INTERNAL_SERVER_ERROR'))).toBe('retry')
    expect(decide(trpcError('TOO_MANY_REQUESTS'))).toBe('retry')
    for (const code of ['BAD_REQUEST', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE']) expect(decide(trpcError(code))).toBe('drop')
    // the message never decides: a refusal worded like an outage is still dropped
    expect(decide(Object.assign(new Error('fetch failed, server unreachable'), { data: { code: 'BAD_REQUEST' } }))).toBe('drop')
  })

  it('retries an operation the server never got, with the same request id, and keeps the order', async () => {
    const t = setup({ script: { a: ['unreached', 'ok'] } })
    await t.q.enqueue({ requestId: 'a', text: 'angry' })
    expect(t.q.ops.map((o) => [o.requestId, o.state])).toEqual([['a', 'unsaved']])
    expect(t.q.ops[0].error).toMatch(/not saved yet/)
    expect(t.storage.saved.map((o) => o.requestId)).toEqual(['a'])
    expect(t.timers).toHaveLength(1)
    await t.tick()
    await t.q.enqueue({ requestId: 'b', text: 'sad' })
    expect(t.srv.got).toEqual(['a', 'a', 'b'])
    expect(t.saved).toEqual(['done angry', 'done sad'])
    expect(t.q.ops).toEqual([])
    expect(t.storage.saved).toEqual([])
  })

  it('drops a refused operation, reports it once, and sends the next', async () => {
    const t = setup({ script: { a: ['CONFLICT'] } })
    await t.q.enqueue({ requestId: 'a', text: 'angry' })
    await t.q.enqueue({ requestId: 'b', text: 'sad' })
    expect(t.dropped).toEqual(['angry: CONFLICT'])
    expect(t.saved).toEqual(['done sad'])
    expect(t.srv.got).toEqual(['a', 'b'])
    expect(t.timers).toHaveLength(0)
  })

  it('retries a server fault a bounded number of times, then drops it', async () => {
    const t = setup({ script: { a: ['INTERNAL_SERVER_ERROR', 'INTERNAL_SERVER_ERROR', 'INTERNAL_SERVER_ERROR'] } })
    await t.q.enqueue({ requestId: 'a', text: 'angry' })
    await t.tick()
    expect(t.q.ops[0]?.state).toBe('unsaved')
    await t.tick()
    expect(t.srv.got).toEqual(['a', 'a', 'a'])
    expect(t.dropped).toEqual(['angry: INTERNAL_SERVER_ERROR'])
    expect(t.q.ops).toEqual([])
  })

  it('waits while offline, and survives a restart: a new page restores the stored operations and replays them in order', async () => {
    let up = false
    const storage = memoryStorage()
    const first = setup({ script: { a: ['unreached'] }, storage, online: () => up })
    await first.q.enqueue({ requestId: 'a', text: 'angry' })
    await first.q.enqueue({ requestId: 'b', text: 'sad' })
    await first.tick()
    expect(first.srv.got).toEqual(['a'])
    expect(storage.saved.map((o) => o.requestId)).toEqual(['a', 'b'])

    // the page is reloaded: a new queue over the same storage
    up = true
    const second = setup({ storage })
    expect(second.q.restore()).toBe(2)
    expect(second.q.ops.map((o) => o.state)).toEqual(['unsaved', 'unsaved'])
    expect(second.q.restore()).toBe(0)
    await second.q.drain()
    expect(second.srv.got).toEqual(['a', 'b'])
    expect(second.saved).toEqual(['done angry', 'done sad'])
    expect(storage.saved).toEqual([])
  })

  it('sends nothing while `ready` says the server serves another workspace', async () => {
    const srv = server()
    const q = createWriteQueue<Op, string>({ send: srv.send, storage: memoryStorage(), schedule: () => {}, online: () => true, ready: async () => false })
    await q.enqueue({ requestId: 'a', text: 'angry' })
    expect(srv.got).toEqual([])
    expect(q.ops.map((o) => o.requestId)).toEqual(['a'])
  })
})
