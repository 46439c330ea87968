/**
 * Piscina worker 'enroll' (services/workers.ts): one enrollment off the server's
 * thread, progress through the MessagePort it is given. Cancelling the task
 * terminates the thread; the job then removes the half-written output folder.
 */
import type { MessagePort } from 'node:worker_threads'
import { runEnrollment, type EnrollSpec } from './run'

export default async function enroll(task: { spec: EnrollSpec; port?: MessagePort }) {
  try {
    return await runEnrollment(task.spec, (p) => task.port?.postMessage(p))
  } finally {
    task.port?.close()
  }
}
