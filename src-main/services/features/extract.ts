/**
 * Batch extraction for training and experiments: cache first (workspace
 * feature_cache keyed by content hash + extractor + EXTRACTOR_VERSION), the
 * rest in the 'features' worker pool, in parallel, with progress and cancel.
 * Each result is written to the cache as soon as it arrives, so a cancelled
 * run keeps what it finished.
 */
import { setMaxListeners } from 'node:events'
import type { Piscina } from 'piscina'
import { createPool } from '../workers'
import type { Workspace } from '../store/workspace'
import { JobCancelledError } from '../jobs/registry'
import { cacheGet, cachePut } from './cache'
import type { FeatureResult, FeatureTask } from './extract-worker'
import type { ExtractorName } from '../../../src-shared/extractors'

export type { ExtractorName }

/**
 * Bump when any extractor's output changes (algorithms, defaults, names):
 * cached rows of other versions are then recomputed.
 */
// v02.4: every input is decoded by services/audio and mixed to mono (stereo and 24-bit WAVs were read as channel 1 or refused)
// logmel-3: every clip is resampled to 16 kHz by the one shared resampler (src-shared/resample.ts)
// before extraction; log-mel ran at the file's own rate before. eGeMAPS already resampled with
// the same filter, so its values are unchanged (bit for bit at 16 kHz) and it keeps v02.4.
export const EXTRACTOR_VERSION = 'egemaps-v02.4+logmel-3'

export interface ClipRef {
  id: number | string
  path: string
  content_hash: string
}

export interface ExtractOptions {
  extractor: ExtractorName
  signal?: AbortSignal
  onProgress?: (fraction: number, message?: string) => void
  /** Worker threads (default: services/workers defaultThreads()). */
  threads?: number
}

let shared: { pool: Piscina; threads: number | undefined } | null = null

function pool(threads?: number): Piscina {
  if (!shared || shared.threads !== threads) {
    void shared?.pool.destroy()
    shared = { pool: createPool('features', threads ? { maxThreads: threads } : {}), threads }
  }
  return shared.pool
}

/** Ends the worker threads (tests, CLI exit). */
export async function closeFeaturePool(): Promise<void> {
  const s = shared
  shared = null
  if (s) await s.pool.destroy()
}

export async function extractForClips(ws: Workspace, clips: ClipRef[], opts: ExtractOptions): Promise<Map<ClipRef['id'], Float32Array>> {
  const { extractor, signal, onProgress } = opts
  const out = new Map<ClipRef['id'], Float32Array>()
  const todo: ClipRef[] = []
  for (const c of clips) {
    const hit = cacheGet(ws, c.content_hash, extractor, EXTRACTOR_VERSION)
    if (hit) out.set(c.id, hit.data)
    else todo.push(c)
  }
  const total = clips.length
  let done = out.size
  onProgress?.(total ? done / total : 1, `${done}/${total} clips (${out.size} cached)`)
  if (signal?.aborted) throw new JobCancelledError()
  if (!todo.length) return out
  const p = pool(opts.threads)
  // One task per distinct content hash.
  const byHash = new Map<string, ClipRef[]>()
  for (const c of todo) {
    if (!byHash.has(c.content_hash)) byHash.set(c.content_hash, [])
    byHash.get(c.content_hash)!.push(c)
  }
  const controller = new AbortController()
  // piscina adds one abort listener per queued task: thousands are expected here, not a leak
  setMaxListeners(0, controller.signal)
  const onAbort = () => controller.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await Promise.all(
      [...byHash.entries()].map(async ([hash, refs]) => {
        const task: FeatureTask = { path: refs[0].path, extractor }
        let r: FeatureResult
        try {
          r = (await p.run(task, { signal: controller.signal })) as FeatureResult
        } catch (err) {
          if (signal?.aborted || controller.signal.aborted) throw new JobCancelledError()
          controller.abort()
          throw new Error(`features (${extractor}) failed for ${refs[0].path}: ${(err as Error).message}`)
        }
        const data = r.data instanceof Float32Array ? r.data : new Float32Array(r.data as ArrayLike<number>)
        cachePut(ws, hash, extractor, EXTRACTOR_VERSION, r.dims, data)
        for (const c of refs) out.set(c.id, data)
        done += refs.length
        onProgress?.(done / total, `${done}/${total} clips`)
      }),
    )
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  if (signal?.aborted) throw new JobCancelledError()
  return out
}
