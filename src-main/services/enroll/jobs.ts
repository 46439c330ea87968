/**
 * Enrollment as a job of the JobRegistry: the work runs in the 'enroll' worker
 * pool (one at a time), progress (fold, epoch, loss) streams into ctx.progress
 * with the EnrollProgress detail, and cancel terminates the worker and removes
 * whatever it had begun to write.
 */
import fs from 'node:fs'
import { MessageChannel } from 'node:worker_threads'
import type { Piscina } from 'piscina'
import type { JobContext } from '../jobs/registry'
import { JobCancelledError } from '../jobs/registry'
import { createPool } from '../workers'
import type { EnrollResult } from '../../../src-shared/contract/enroll'
import type { EnrollRunProgress, EnrollSpec } from './run'

let pool: Piscina | null = null

function enrollPool(): Piscina {
  pool ??= createPool('enroll', { maxThreads: 1, idleTimeout: 30_000 })
  return pool
}

export async function closeEnrollPool(): Promise<void> {
  const p = pool
  pool = null
  await p?.destroy()
}

export async function enrollInWorker(spec: EnrollSpec, ctx: JobContext): Promise<EnrollResult> {
  const { port1, port2 } = new MessageChannel()
  port1.on('message', (p: EnrollRunProgress) => ctx.progress(p.fraction, p.message, p.detail))
  try {
    return (await enrollPool().run({ spec, port: port2 }, { transferList: [port2], signal: ctx.signal })) as EnrollResult
  } catch (err) {
    if (ctx.signal.aborted) {
      // The thread died mid-write: nothing in `out` is referenced by the database yet.
      fs.rmSync(spec.out, { recursive: true, force: true })
      throw new JobCancelledError()
    }
    throw err
  } finally {
    port1.close()
  }
}
