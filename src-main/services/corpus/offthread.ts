/**
 * The corpus walk, detection and import planning on the 'corpus-scan' worker thread
 * (scan-worker.ts), so detecting a layout in a big tree never blocks the server.
 */
import { singleThreadPool } from '../workers'
import type { PlanOptions } from './adapters'
import type { PlanResult, ScanTask } from './scan-worker'
import type { Layout, LayoutDetection } from '../../../src-shared/contract/datasets'

const pool = singleThreadPool('corpus-scan')

function run<T>(task: ScanTask, signal?: AbortSignal): Promise<T> {
  return pool.get().run(task, signal ? { signal } : {}) as Promise<T>
}

/** Which layout a folder holds (see detectLayoutFromFiles), computed on a worker thread. */
export function detectLayout(dir: string, signal?: AbortSignal): Promise<LayoutDetection> {
  return run<LayoutDetection>({ op: 'detect', dir }, signal)
}

export function planInWorker(dir: string, layout: Layout | undefined, opts: PlanOptions, signal?: AbortSignal): Promise<PlanResult> {
  return run<PlanResult>({ op: 'plan', dir, layout, opts }, signal)
}

export function closeScanPool(): Promise<void> {
  return pool.close()
}
