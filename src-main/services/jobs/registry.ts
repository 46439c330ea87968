import { EventEmitter } from 'node:events'
import type { JobDetail, JobInfo, JobKind } from '../../../src-shared/contract/jobs'

/** What a long-running task receives: where to report progress, and a signal that says "stop". */
export interface JobContext {
  signal: AbortSignal
  /** fraction in [0, 1] (or null when unknown), a short human message, and the typed phase (JobDetail). */
  progress(fraction: number | null, message?: string, detail?: JobDetail | null): void
}

export class JobCancelledError extends Error {
  override name = 'JobCancelledError'
  constructor(message = 'cancelled by the user') {
    super(message)
  }
}

/** Throws JobCancelledError if the signal is aborted; call it between units of work. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new JobCancelledError()
}

interface Entry {
  info: JobInfo
  controller: AbortController
  promise: Promise<unknown>
}

/**
 * Every long task (import, features, training, experiments) runs as a job: the
 * status bar lists them, each streams progress and each can be cancelled.
 * The registry itself does no heavy work; jobs hand that to worker threads.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, Entry>()
  private readonly events = new EventEmitter()
  private nextId = 1
  /** How many finished jobs to remember for the status bar. */
  private readonly keepFinished = 50

  constructor() {
    this.events.setMaxListeners(100)
  }

  start<T>(kind: JobKind, title: string, run: (ctx: JobContext) => Promise<T>): { id: string; promise: Promise<T> } {
    const id = `job-${this.nextId++}`
    const controller = new AbortController()
    const info: JobInfo = {
      id,
      kind,
      title,
      state: 'running',
      fraction: 0,
      message: '',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      detail: null,
    }
    let lastEmit = 0
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (fraction, message, detail) => {
        info.fraction = fraction === null ? null : Math.max(0, Math.min(1, fraction))
        if (message !== undefined) info.message = message
        if (detail !== undefined) info.detail = detail
        // Throttle to ~20 updates/s so a fast loop cannot flood the UI.
        const now = Date.now()
        if (now - lastEmit >= 50 || info.fraction === 1) {
          lastEmit = now
          this.emit(info)
        }
      },
    }
    const promise = (async () => {
      this.emit(info)
      try {
        const result = await run(ctx)
        info.state = controller.signal.aborted ? 'cancelled' : 'done'
        if (info.state === 'done') info.fraction = 1
        return result
      } catch (err) {
        if (err instanceof JobCancelledError || controller.signal.aborted) {
          info.state = 'cancelled'
          info.error = null
        } else {
          info.state = 'failed'
          info.error = err instanceof Error ? err.message : String(err)
        }
        throw err
      } finally {
        info.finishedAt = new Date().toISOString()
        this.emit(info)
        this.prune()
      }
    })()
    // The caller may not await; keep unhandled rejections out of the process log.
    promise.catch(() => undefined)
    this.jobs.set(id, { info, controller, promise })
    return { id, promise }
  }

  cancel(id: string): boolean {
    const entry = this.jobs.get(id)
    if (!entry || entry.info.state !== 'running') return false
    entry.controller.abort(new JobCancelledError())
    return true
  }

  get(id: string): JobInfo | undefined {
    const e = this.jobs.get(id)
    return e ? { ...e.info } : undefined
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((e) => ({ ...e.info }))
  }

  /** Resolves with the job's result (or rejects with its error). */
  wait(id: string): Promise<unknown> {
    const e = this.jobs.get(id)
    if (!e) return Promise.reject(new Error(`no such job: ${id}`))
    return e.promise
  }

  onUpdate(listener: (job: JobInfo) => void): () => void {
    this.events.on('update', listener)
    return () => this.events.off('update', listener)
  }

  cancelAll(): void {
    for (const id of this.jobs.keys()) this.cancel(id)
  }

  private emit(info: JobInfo): void {
    this.events.emit('update', { ...info })
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((e) => e.info.state !== 'running')
    for (const e of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.delete(e.info.id)
  }
}
