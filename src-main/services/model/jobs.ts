/**
 * Training as a job of the JobRegistry: the work runs in the 'train' worker pool,
 * progress (epoch, losses, validation metrics) streams into ctx.progress, and cancel
 * terminates the worker (the checkpoint stays; starting the same spec, or Resume on its
 * training_runs row, resumes in the same row).
 */
import { runWithPort, singleThreadPool } from '../workers'
import type { JobContext } from '../jobs/registry'
import { JobCancelledError } from '../jobs/registry'
import { openWorkspace } from '../store/workspace'
import { endRunOf } from './registry'
import type { RunProgress, TrainSpec } from './run'
import type { ModelCardData } from './types'

// One training at a time per process: each run uses the whole backend.
const pool = singleThreadPool('train')
export const closeTrainPool = pool.close

export async function trainInWorker(spec: TrainSpec, ctx: JobContext): Promise<{ dir: string; card: ModelCardData; backend: string }> {
  const report = (p: RunProgress) => ctx.progress(p.fraction, `${p.phase}: ${p.message}`, { kind: 'train', phase: p.phase, epoch: p.epoch ?? null })
  try {
    return await runWithPort(pool.get(), { spec }, report, ctx.signal)
  } catch (err) {
    // A terminated worker never reaches runTraining's own bookkeeping: close the row here.
    markEnded(
      spec,
      ctx.signal.aborted ? 'cancelled' : 'failed',
      ctx.signal.aborted ? 'cancelled; resume to continue from its last checkpoint' : (err as Error).message,
    )
    if (ctx.signal.aborted) throw new JobCancelledError()
    throw err
  }
}

function markEnded(spec: TrainSpec, state: 'failed' | 'cancelled', error: string): void {
  try {
    const ws = openWorkspace(spec.workspace)
    try {
      endRunOf(ws, spec.out, state, error)
    } finally {
      ws.close()
    }
  } catch {
    /* the workspace itself failed: the run's own error is the one to report */
  }
}
