/**
 * Training as a job of the JobRegistry: the work runs in the 'train' worker pool,
 * progress (epoch, losses, validation metrics) streams into ctx.progress, and cancel
 * terminates the worker (the checkpoint stays; starting the same spec resumes).
 */
import { MessageChannel } from 'node:worker_threads'
import type { Piscina } from 'piscina'
import { createPool } from '../workers'
import type { JobContext } from '../jobs/registry'
import { JobCancelledError } from '../jobs/registry'
import type { RunProgress, TrainSpec } from './run'
import type { ModelCardData } from './types'

let pool: Piscina | null = null

export function trainPool(): Piscina {
  // One training at a time per process: each run uses the whole backend.
  pool ??= createPool('train', { maxThreads: 1, idleTimeout: 30_000 })
  return pool
}

export async function closeTrainPool(): Promise<void> {
  const p = pool
  pool = null
  await p?.destroy()
}

export async function trainInWorker(spec: TrainSpec, ctx: JobContext): Promise<{ dir: string; card: ModelCardData; backend: string }> {
  const { port1, port2 } = new MessageChannel()
  port1.on('message', (p: RunProgress) => ctx.progress(p.fraction, `${p.phase}: ${p.message}`, p.epoch ?? null))
  try {
    return await trainPool().run({ spec, port: port2 }, { transferList: [port2], signal: ctx.signal })
  } catch (err) {
    if (ctx.signal.aborted) throw new JobCancelledError()
    throw err
  } finally {
    port1.close()
  }
}
