/**
 * Piscina worker 'train' (services/workers.ts): runs one training run off the main
 * thread and streams progress through the MessagePort it is given. Cancelling the task
 * (piscina's AbortSignal) terminates this thread; the checkpoint left on disk lets the
 * same spec resume.
 */
import type { MessagePort } from 'node:worker_threads'
import { runTraining, type TrainSpec } from './run'

export default async function train(task: { spec: TrainSpec; port?: MessagePort }) {
  try {
    const r = await runTraining(task.spec, (p) => task.port?.postMessage(p))
    return { dir: r.dir, card: r.card, backend: r.backend }
  } finally {
    task.port?.close()
  }
}
