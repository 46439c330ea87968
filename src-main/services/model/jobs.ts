/**
 * Training as a job of the JobRegistry: the work runs in the 'train' worker pool,
 * progress (epoch, losses, validation metrics) streams into ctx.progress, and cancel
 * terminates the worker (the checkpoint stays; starting the same spec resumes).
 */
import { runWithPort, singleThreadPool } from '../workers'
import type { JobContext } from '../jobs/registry'
import { JobCancelledError } from '../jobs/registry'
import type { RunProgress, TrainSpec } from './run'
import type { ModelCardData } from './types'

// One training at a time per process: each run uses the whole backend.
const pool = singleThreadPool('train')
export const closeTrainPool = pool.close

export async function trainInWorker(spec: TrainSpec, ctx: JobContext): Promise<{ dir: string; card: ModelCardData; backend: string }> {
  const report = (p: RunProgress) => ctx.progress(p.fraction, `${p.phase}: ${p.message}`, p.epoch ?? null)
  try {
    return await runWithPort(pool.get(), { spec }, report, ctx.signal)
  } catch (err) {
    if (ctx.signal.aborted) throw new JobCancelledError()
    throw err
  }
}
