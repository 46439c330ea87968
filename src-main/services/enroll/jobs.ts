/**
 * Enrollment as a job of the JobRegistry: the work runs in the 'enroll' worker
 * pool (one at a time), progress (fold, epoch, loss) streams into ctx.progress
 * with the EnrollProgress detail, and cancel terminates the worker and removes
 * whatever it had begun to write.
 */
import fs from 'node:fs'
import type { JobContext } from '../jobs/registry'
import { JobCancelledError } from '../jobs/registry'
import { runWithPort, singleThreadPool } from '../workers'
import type { EnrollResult } from '../../../src-shared/contract/enroll'
import type { EnrollRunProgress, EnrollSpec } from './run'

const pool = singleThreadPool('enroll')
export const closeEnrollPool = pool.close

export async function enrollInWorker(spec: EnrollSpec, ctx: JobContext): Promise<EnrollResult> {
  try {
    return await runWithPort(pool.get(), { spec }, (p: EnrollRunProgress) => ctx.progress(p.fraction, p.message, { kind: 'enroll', ...p.detail }), ctx.signal)
  } catch (err) {
    if (ctx.signal.aborted) {
      // The thread died mid-write: nothing in `out` is referenced by the database yet.
      fs.rmSync(spec.out, { recursive: true, force: true })
      throw new JobCancelledError()
    }
    throw err
  }
}
