/**
 * Piscina worker 'experiment' (services/workers.ts): one experiment off the server's
 * main thread, on its own workspace connection. Progress goes out through the
 * MessagePort; a {type:'cancel'} message coming in stops it between evaluations, so
 * the run folder and the experiment_runs row are left consistent (resumable). The
 * results and the report (Vega plots) are written by the caller: finishExperiment.
 */
import type { MessagePort } from 'node:worker_threads'
import { closeImportPool } from '../corpus/index'
import { closeFeaturePool } from '../features/index'
import { JobCancelledError } from '../jobs/registry'
import { openWorkspace } from '../store/workspace'
import type { PreparedExperiment } from './prepare'
import { runPrepared } from './runner'

export interface ExperimentTask {
  workspace: string
  prepared: PreparedExperiment
  force: boolean
  port: MessagePort
}

export type WorkerMessage = { type: 'progress'; fraction: number | null; message: string }

export default async function experiment(task: ExperimentTask): Promise<{ outDir: string; runId: number; records: number; cancelled: boolean }> {
  const controller = new AbortController()
  task.port.on('message', (m: { type?: string }) => {
    if (m?.type === 'cancel') controller.abort()
  })
  const ws = openWorkspace(task.workspace)
  try {
    const r = await runPrepared(ws, task.prepared, {
      force: task.force,
      finish: false,
      signal: controller.signal,
      progress: (fraction, message) => task.port.postMessage({ type: 'progress', fraction, message } satisfies WorkerMessage),
    })
    return { outDir: r.outDir, runId: r.runId, records: r.records.length, cancelled: false }
  } catch (err) {
    if (err instanceof JobCancelledError) return { outDir: task.prepared.out, runId: -1, records: -1, cancelled: true }
    throw err
  } finally {
    ws.close()
    task.port.close()
    await closeImportPool()
    await closeFeaturePool()
  }
}
