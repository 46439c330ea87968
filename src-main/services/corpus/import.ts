/**
 * importCorpus: scan a folder, recognise its layout, read labels from the names,
 * then hash + fully decode every file in worker threads (one per core) and
 * write datasets, speakers, clips and labels in SQLite transactions.
 * Idempotent: a clip whose content hash is already in the dataset is not added
 * again (its path is updated if the file moved). Progress and cancel follow the
 * JobContext contract (services/jobs/registry.ts).
 */
import { readCorpusMark } from './mark'
import { setDatasetSpeech } from '../store/dataset-speech'
import path from 'node:path'
import fs from 'node:fs'
import type { Piscina } from 'piscina'
import { createPool } from '../workers'
import type { Workspace } from '../store/workspace'
import { clipByHash, countClips, insertClip, moveClip, upsertSpeaker } from '../store/clips'
import { datasetByName, insertDataset, insertImportReport, setDatasetRoot } from '../store/datasets'
import { writeLabels } from '../store/labels'
import type { PlanEntry } from './adapters'
import { closeScanPool, planInWorker } from './offthread'
import type { ProbeResult, ProbeTask } from './import-worker'
import type { FileIssue, ImportReport, Layout } from '../../../src-shared/contract/datasets'

export interface ImportOptions {
  /** dataset name (default: the folder's name); importing again under the same name updates that dataset */
  name?: string
  /** skip detection */
  layout?: Layout
  /** RAVDESS: import song files too */
  includeSong?: boolean
  signal?: AbortSignal
  onProgress?(fraction: number | null, message?: string): void
  /** worker threads (default: SER_THREADS or one per core) */
  threads?: number
}

let pool: Piscina | null = null
let poolThreads = 0

function getPool(threads?: number): Piscina {
  const want = threads ?? 0
  if (pool && want && want !== poolThreads) {
    void pool.destroy()
    pool = null
  }
  if (!pool) {
    pool = createPool('corpus-import', { ...(want ? { maxThreads: want } : {}), idleTimeout: 5_000 })
    poolThreads = want
  }
  return pool
}

/** Stops the import worker threads (the CLI calls it before exiting). */
export async function closeImportPool(): Promise<void> {
  const p = pool
  pool = null
  if (p) await p.destroy()
  await closeScanPool()
}

export class ImportError extends Error {
  override name = 'ImportError'
}

export async function importCorpus(ws: Workspace, dir: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const t0 = performance.now()
  const root = path.resolve(dir)
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new ImportError(`cannot import ${root}: not a folder`)
  opts.onProgress?.(null, 'scanning')
  // walk, detection and plan on the scan worker: a big tree never blocks this thread
  const planned = await planInWorker(root, opts.layout, { includeSong: opts.includeSong }, opts.signal)
  if (!planned.ok) throw new ImportError(`cannot import ${root}: ${planned.reason}`)
  const { layout, detection, plan } = planned
  const name = opts.name ?? path.basename(root)
  let mark: ReturnType<typeof readCorpusMark>
  try {
    mark = readCorpusMark(root)
  } catch (err) {
    throw new ImportError(`cannot import ${root}: ${(err as Error).message}`)
  }

  const db = ws.db
  const existing = datasetByName(db, name)
  if (existing && existing.layout !== layout) {
    throw new ImportError(`dataset ${JSON.stringify(name)} already exists with layout ${existing.layout}; import ${root} (${layout}) under another name`)
  }
  const datasetId = existing ? existing.id : insertDataset(db, { name, layout, root })
  if (existing) setDatasetRoot(db, datasetId, root)
  // generated or recorded, from the folder's mark (never from the name); what a person set stays
  setDatasetSpeech(ws, datasetId, mark ? mark.speech : 'recorded', mark ? 'mark' : 'unmarked')

  const rejected: FileIssue[] = []
  const skipped: FileIssue[] = []
  const clips: Extract<PlanEntry, { status: 'clip' }>[] = []
  for (const e of plan) {
    if (e.status === 'clip') clips.push(e)
    else (e.status === 'skipped' ? skipped : rejected).push({ path: e.rel, reason: e.reason })
  }

  const speakerIds = new Map<string, number>()
  const seenHashes = new Map<string, string>()
  let added = 0
  let unchanged = 0
  let relinked = 0
  let audioSec = 0
  const byEmotion: Record<string, number> = {}
  const bySpeaker: Record<string, number> = {}

  type Done = { e: (typeof clips)[number]; r: ProbeResult }
  const pending: Done[] = []
  // Each batch is one write of the corpus labels (store/labels.ts `writeLabels`, which keeps the undo log).
  const action = { annotator: 'corpus', clipId: null, datasetId, kind: 'import' as const, description: `import corpus labels of ${name}` }
  const flush = (batch: Done[]) => writeLabels(db, action, (w) => {
    for (const { e, r } of batch) {
      if (!r.ok) {
        rejected.push({ path: e.rel, reason: r.reason })
        continue
      }
      const dup = seenHashes.get(r.hash)
      if (dup !== undefined) {
        rejected.push({ path: e.rel, reason: `duplicate: same content (sha256 ${r.hash.slice(0, 12)}...) as ${dup}` })
        continue
      }
      seenHashes.set(r.hash, e.rel)
      const prior = clipByHash(db, datasetId, r.hash)
      if (prior) {
        if (prior.path !== e.abs) {
          moveClip(db, prior.id, e.abs, e.rel)
          relinked++
        } else unchanged++
      } else {
        let speakerId: number | null = null
        const info = e.info
        if (info.speaker) {
          speakerId = speakerIds.get(info.speaker) ?? null
          if (speakerId === null) {
            speakerId = upsertSpeaker(db, datasetId, info.speaker, info.gender)
            speakerIds.set(info.speaker, speakerId)
          }
        }
        const meta = { ...(info.meta ?? {}), bytes: r.bytes }
        const clipId = insertClip(db, {
          datasetId, speakerId, path: e.abs, relPath: e.rel, contentHash: r.hash, durationSec: r.durationSec,
          sampleRate: r.sampleRate, channels: r.channels, format: r.format, intensity: info.intensity, sentence: info.sentence, meta,
        })
        w.add({ clipId, emotion: info.emotion, startSec: null, endSec: null, annotator: 'corpus', source: 'corpus' })
        added++
      }
      audioSec += r.durationSec
      byEmotion[e.info.emotion] = (byEmotion[e.info.emotion] ?? 0) + 1
      const sp = e.info.speaker ?? '(none)'
      bySpeaker[sp] = (bySpeaker[sp] ?? 0) + 1
    }
  }, { discardEmpty: true })

  const signal = opts.signal
  // Cancel reaches the workers through shared memory instead of terminating their threads:
  // a decode in flight stops itself and kills its ffmpeg (a terminated thread could not).
  const cancel = new Int32Array(new SharedArrayBuffer(4))
  const onAbort = () => Atomics.store(cancel, 0, 1)
  signal?.addEventListener('abort', onAbort, { once: true })
  let cancelled = false
  let done = 0
  const p = clips.length ? getPool(opts.threads) : null
  let lastFlush = Date.now()
  const tasks = clips.map(async (e) => {
    if (signal?.aborted) return
    let r: ProbeResult
    try {
      r = (await p!.run({ path: e.abs, name: e.rel, cancel } satisfies ProbeTask)) as ProbeResult
      if (!r.ok && r.cancelled) return
    } catch (err) {
      if (signal?.aborted) return
      r = { ok: false, reason: `cannot decode ${e.rel}: worker failed: ${(err as Error).message}` }
    }
    pending.push({ e, r })
    done++
    if (pending.length >= 200 || Date.now() - lastFlush > 500) {
      flush(pending.splice(0))
      lastFlush = Date.now()
    }
    opts.onProgress?.(done / clips.length, `${done}/${clips.length} files`)
  })
  await Promise.all(tasks).finally(() => signal?.removeEventListener('abort', onAbort))
  flush(pending.splice(0))
  if (signal?.aborted) cancelled = true

  const totalClips = countClips(db, datasetId)
  const report: ImportReport = {
    datasetId, name, layout, root, detection,
    considered: plan.length, added, unchanged, relinked, totalClips,
    audioSec: +audioSec.toFixed(3),
    elapsedSec: +((performance.now() - t0) / 1000).toFixed(3),
    byEmotion, bySpeaker, rejected, skipped, cancelled,
  }
  insertImportReport(db, datasetId, report)
  opts.onProgress?.(1, cancelled ? `cancelled after ${done} files` : `${added} added, ${rejected.length} rejected`)
  return report
}
