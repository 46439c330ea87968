/**
 * Experiments as jobs of the JobRegistry (the API's way to run them): the work runs in
 * the 'experiment' worker on the configuration prepareExperiment resolved; cancel asks
 * it to stop between evaluations and, if it has not stopped after a grace period,
 * terminates the thread (the run folder resumes either way). One experiment per output
 * folder at a time.
 */
import { MessageChannel } from 'node:worker_threads'
import { singleThreadPool } from '../workers'
import { JobCancelledError, type JobContext } from '../jobs/registry'
import type { Workspace } from '../store/workspace'
import type { ExperimentConfigInput } from '../../../src-shared/contract/experiments'
import { conflict } from '../../../src-shared/errors'
import { finishRun } from './runs'
import { runningRunRows } from '../store/experiment-runs'
import { finishExperiment } from './runner'
import { prepareExperiment, type PreparedExperiment } from './prepare'
import type { WorkerMessage } from './plan-worker'

// Experiments queue one after another: each uses the whole training backend.
const pool = singleThreadPool('experiment')
export const closeExperimentPool = pool.close
const active = new Set<string>()
const GRACE_MS = 20_000

/** Output folders of experiments running in this process (the others' 'running' rows are stale). */
export function activeExperimentDirs(): Set<string> {
  return new Set(active)
}

/** prepareExperiment for the API: folders must lie inside the workspace or a folder the user picked; one run per folder. */
export function prepareApiExperiment(ws: Workspace, config: ExperimentConfigInput, out: string | undefined, force: boolean): PreparedExperiment {
  const p = prepareExperiment(ws, config, { out, force, caller: 'api' })
  if (active.has(p.out)) throw conflict(`an experiment is already running in ${p.out}`)
  return p
}

export async function experimentInWorker(
  ws: Workspace,
  prepared: PreparedExperiment,
  force: boolean,
  ctx: JobContext,
): Promise<{ outDir: string; records: number }> {
  const { port1, port2 } = new MessageChannel()
  const hardStop = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const onAbort = () => {
    port1.postMessage({ type: 'cancel' })
    ctx.progress(null, 'stopping after the current evaluation…', { kind: 'experiment', phase: 'stopping' })
    timer = setTimeout(() => hardStop.abort(), GRACE_MS)
  }
  port1.on('message', (m: WorkerMessage) => ctx.progress(m.fraction, m.message, { kind: 'experiment', phase: ctx.signal.aborted ? 'stopping' : 'run' }))
  ctx.signal.addEventListener('abort', onAbort, { once: true })
  active.add(prepared.out)
  try {
    const r = await pool.get().run({ workspace: ws.dir, prepared, force, port: port2 }, { transferList: [port2], signal: hardStop.signal })
    if (r.cancelled || ctx.signal.aborted) throw new JobCancelledError()
    ctx.progress(1, 'writing results and report', { kind: 'experiment', phase: 'report' })
    const out = await finishExperiment(ws, r.runId, r.outDir)
    return { outDir: r.outDir, records: out.records.length }
  } catch (err) {
    if (ctx.signal.aborted) {
      // A terminated worker could not mark its row; the folder resumes when started again.
      for (const row of runningRunRows(ws.db, prepared.out)) finishRun(ws, row.id, 'cancelled', null)
      throw new JobCancelledError()
    }
    throw err
  } finally {
    clearTimeout(timer)
    ctx.signal.removeEventListener('abort', onAbort)
    active.delete(prepared.out)
    port1.close()
  }
}
