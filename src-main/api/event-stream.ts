/**
 * The queue behind a subscription: producers push, the generator yields until
 * the client unsubscribes (its AbortSignal) or the source ends. One abort
 * listener per subscription, not one per wait: a live session waits four times
 * a second for hours, and a listener per wait would grow without bound.
 */
export class EventStream<T> {
  private readonly queue: T[] = []
  private wake: (() => void) | null = null
  private ended = false

  /** maxQueued: the oldest items are dropped beyond it (a slow client must not hold memory). */
  constructor(private readonly maxQueued = Number.POSITIVE_INFINITY) {}

  push(item: T): void {
    this.queue.push(item)
    if (this.queue.length > this.maxQueued) this.queue.shift()
    this.wake?.()
  }

  end(): void {
    this.ended = true
    this.wake?.()
  }

  get queued(): number {
    return this.queue.length
  }

  /** Yields every item (each through `parse`, the contract's output check) until aborted or ended. */
  async *drain(signal: AbortSignal | undefined, parse: (item: T) => T): AsyncGenerator<T> {
    const onAbort = () => this.wake?.()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      while (!signal?.aborted) {
        while (this.queue.length) yield parse(this.queue.shift()!)
        if (this.ended) return
        await new Promise<void>((resolve) => (this.wake = resolve))
        this.wake = null
      }
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }
}
