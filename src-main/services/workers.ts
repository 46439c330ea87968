/**
 * Worker threads for CPU-heavy work (decoding, features, training), via piscina.
 *
 * Runs from TypeScript sources (CLI, tests, browser shell via tsx) and from the
 * electron-vite bundle alike: from sources a worker is `services/<name>.ts`
 * loaded with tsx's loader; in the bundle each worker is its own entry
 * `out/main/workers/<flat-name>.js` (see electron.vite.config.ts, WORKER_ENTRIES).
 */
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { MessageChannel } from 'node:worker_threads'
import { Piscina } from 'piscina'

/** Worker modules, relative to src-main/services, without extension. Add new workers here. */
export const WORKER_ENTRIES = {
  'corpus-import': 'corpus/import-worker',
  'corpus-scan': 'corpus/scan-worker',
  'audio-playback': 'audio/playback-worker',
  suggest: 'labels/suggest-worker',
  features: 'features/extract-worker',
  train: 'model/train-worker',
  'train-grad': 'model/grad-worker',
  enroll: 'enroll/enroll-worker',
  live: 'live/session-worker',
  experiment: 'experiment/plan-worker',
} as const
export type WorkerName = keyof typeof WORKER_ENTRIES

const here = fileURLToPath(import.meta.url)
const fromSources = here.endsWith('.ts')

export function workerFile(name: WorkerName): string {
  if (fromSources) return path.join(path.dirname(here), `${WORKER_ENTRIES[name]}.ts`)
  // in the bundle this module may sit in out/main/ or in a shared chunk, out/main/chunks/
  const dir = path.dirname(here)
  return path.join(path.basename(dir) === 'chunks' ? path.dirname(dir) : dir, 'workers', `${name}.js`)
}

/** Threads for a pool: SER_THREADS, else one per core. */
export function defaultThreads(): number {
  const env = Number(process.env.SER_THREADS)
  if (Number.isFinite(env) && env > 0) return Math.floor(env)
  // The server thread mostly waits on workers, so every core can work.
  return Math.max(1, os.availableParallelism())
}

export function createPool(name: WorkerName, options: { maxThreads?: number; idleTimeout?: number } = {}): Piscina {
  const maxThreads = options.maxThreads ?? defaultThreads()
  return new Piscina({
    filename: pathToFileURL(workerFile(name)).href,
    minThreads: 0,
    maxThreads,
    idleTimeout: options.idleTimeout ?? 10_000,
    execArgv: fromSources ? ['--import', 'tsx'] : [],
  })
}

/**
 * A pool of one thread, created on first use: for work that uses the whole training
 * backend (training, enrollment, experiments), so tasks queue one after another.
 */
export function singleThreadPool(name: WorkerName): { get(): Piscina; close(): Promise<void> } {
  let pool: Piscina | null = null
  return {
    get: () => (pool ??= createPool(name, { maxThreads: 1, idleTimeout: 30_000 })),
    async close() {
      const p = pool
      pool = null
      await p?.destroy()
    },
  }
}

/**
 * Runs a task whose worker reports on a MessagePort (passed as `port` in the task);
 * every message goes to onMessage. An abort of `signal` terminates the thread.
 */
export async function runWithPort<T, M>(pool: Piscina, task: Record<string, unknown>, onMessage: (m: M) => void, signal: AbortSignal): Promise<T> {
  const { port1, port2 } = new MessageChannel()
  port1.on('message', onMessage)
  try {
    return (await pool.run({ ...task, port: port2 }, { transferList: [port2], signal })) as T
  } finally {
    port1.close()
  }
}
