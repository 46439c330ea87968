/**
 * `runExperiment`: the whole experiment against the workspace, as the CLI and the
 * API run it: open (or resume) the run folder, import the corpora not imported yet,
 * extract features of the chosen classes (cached), make speaker-independent folds
 * of the target, run the grid (core.ts), write results and report.
 */
import fs from 'node:fs'
import path from 'node:path'
import { importCorpus, makeSplits, datasetStats, listDatasets } from '../corpus/index'
import { EXTRACTOR_VERSION } from '../features/index'
import { initBackend } from '../engine/backend'
import { throwIfCancelled, JobCancelledError } from '../jobs/registry'
import { datasetItems, resolveDataset } from '../model/data'
import type { Workspace } from '../store/workspace'
import type { CorpusRef, ExperimentConfig, ExperimentConfigInput } from '../../../src-shared/contract/experiments'
import type { Layout } from '../../../src-shared/contract/datasets'
import { runGrid, type GridData } from './core'
import { META_FILE, writeOutputs, type RunOutputs } from './finish'
import { chooseClasses, expandGrid, makeConfig } from './grid'
import type { RunMeta } from './report'
import { writeAtomic } from './results'
import { finishRun, upsertRun } from './runs'
import { markDone, openRunFolder, readManifest } from './state'

export interface ExperimentOptions {
  out: string
  force?: boolean
  signal?: AbortSignal
  progress?(fraction: number | null, message: string): void
  /** Import worker threads (default: the import service's). */
  threads?: number
  /**
   * false: stop after the grid, leaving results, report and the 'done' mark to
   * finishExperiment in the caller (the worker thread cannot load Vega for the plots).
   */
  finish?: boolean
}

export interface ExperimentOutcome extends RunOutputs {
  outDir: string
  runId: number
  resumed: boolean
  config: ExperimentConfig
}

const LAYOUTS: Layout[] = ['ravdess', 'cremad', 'enterface']

/** Fails before anything is written when a corpus is neither a folder nor a dataset of the workspace. */
export function checkCorpusRef(ws: Workspace, c: CorpusRef): void {
  const asDir = path.resolve(c.ref)
  if (fs.existsSync(asDir) && fs.statSync(asDir).isDirectory()) return
  if (/[\\/]/.test(c.ref)) throw new Error(`${c.name}: folder not found: ${asDir}`)
  try {
    resolveDataset(ws, c.ref)
  } catch (err) {
    throw new Error(`${c.name}: '${c.ref}' is neither a folder nor a dataset of the workspace (${(err as Error).message})`)
  }
}

/** A folder is imported unless a dataset already has it as its root; anything else names a dataset. */
export async function resolveCorpus(ws: Workspace, c: CorpusRef, opts: Pick<ExperimentOptions, 'signal' | 'progress' | 'threads'>): Promise<{ id: number; name: string; imported: boolean }> {
  const asDir = path.resolve(c.ref)
  if (!fs.existsSync(asDir) || !fs.statSync(asDir).isDirectory()) return { ...resolveDataset(ws, c.ref), imported: false }
  const all = listDatasets(ws)
  const have = all.find((d) => d.rootPath && path.resolve(d.rootPath) === asDir)
  if (have && have.clips > 0) return { id: have.id, name: have.name, imported: false }
  const taken = new Set(all.filter((d) => d !== have).map((d) => d.name))
  let name = have?.name ?? c.name
  for (let i = 2; taken.has(name); i++) name = `${c.name}-${i}`
  const layout = LAYOUTS.includes(c.name as Layout) ? (c.name as Layout) : undefined
  const r = await importCorpus(ws, asDir, { name, layout, signal: opts.signal, threads: opts.threads, onProgress: (f, m) => opts.progress?.(null, `importing ${c.name}: ${f === null ? '' : `${Math.round(100 * f)}% `}${m ?? ''}`) })
  if (r.cancelled) throw new JobCancelledError()
  return { id: r.datasetId, name: r.name, imported: true }
}

/** Writes results.json, results.csv and report.html, and marks the folder and its row done. */
export async function finishExperiment(ws: Workspace, runId: number, outDir: string, config: ExperimentConfig): Promise<RunOutputs> {
  try {
    const out = await writeOutputs(outDir, config)
    const manifest = readManifest(outDir)
    if (!manifest) throw new Error(`${outDir} has no manifest.json`)
    markDone(outDir, { ...manifest, total: expandGrid(config).length })
    finishRun(ws, runId, 'done')
    return out
  } catch (err) {
    finishRun(ws, runId, 'failed', `writing the results: ${(err as Error).message}`)
    throw err
  }
}

export async function runExperiment(ws: Workspace, input: ExperimentConfigInput, opts: ExperimentOptions): Promise<ExperimentOutcome> {
  const config = makeConfig(input)
  const signal = opts.signal ?? new AbortController().signal
  const say = opts.progress ?? (() => {})
  const total = expandGrid(config).length
  for (const c of [...config.sources, config.target]) checkCorpusRef(ws, c)
  const run = openRunFolder(opts.out, config, total, { force: opts.force })
  const runId = upsertRun(ws, run.outDir, config)
  try {
    const backend = await initBackend()
    say(0, run.resumed ? `resuming ${run.outDir}: ${run.done.size}/${total} evaluations done` : `starting ${run.outDir}`)
    const target = await resolveCorpus(ws, config.target, opts)
    const sources: { ref: CorpusRef; ds: { id: number; name: string } }[] = []
    for (const s of config.sources) sources.push({ ref: s, ds: await resolveCorpus(ws, s, opts) })
    throwIfCancelled(signal)
    const emotionsOf = (id: number) => Object.keys(datasetStats(ws, id).byEmotion).filter((e) => e !== 'unlabelled')
    const classes = chooseClasses(config.classes, emotionsOf(target.id), sources.map((s) => emotionsOf(s.ds.id)))
    const extractor = config.model === 'mlp' ? 'egemaps' : 'logmel'
    const items = async (ds: { id: number; name: string }, what: string) =>
      datasetItems(ws, String(ds.id), { extractor, classes, signal, onProgress: (f, m) => say(null, `features of ${what} (${extractor}): ${Math.round(100 * f)}%${m ? ` ${m}` : ''}`) })
    const targetItems = await items(target, config.target.name)
    const sourceItems: GridData['sources'] = []
    for (const s of sources) sourceItems.push({ name: s.ref.name, items: await items(s.ds, s.ref.name) })
    throwIfCancelled(signal)
    const splits = makeSplits(ws, target.id, { k: config.folds, seed: 'experiment' })
    const foldOf = new Map(splits.folds.flatMap((f) => f.speakers.map((sp) => [sp, f.fold] as const)))
    const speakersInItems = new Set(targetItems.speakers)
    const meta: RunMeta = {
      classes,
      datasets: [
        { name: config.target.name, role: 'target', dataset: target.name, clips: targetItems.labels.length, speakers: speakersInItems.size },
        ...sourceItems.map((s, i) => ({ name: s.name, role: 'source' as const, dataset: sources[i].ds.name, clips: s.items.labels.length, speakers: new Set(s.items.speakers).size })),
      ],
      folds: splits.folds.map((f) => ({ fold: f.fold, speakers: f.speakers.filter((sp) => speakersInItems.has(sp)) })),
      backend: `${backend.name}${backend.threads ? ` (${backend.threads} threads)` : ''}`,
      createdAt: run.manifest.createdAt,
      finishedAt: null,
      notes: [
        `Features: ${extractor} (${EXTRACTOR_VERSION}); the ${config.model.toUpperCase()} normalises with the source's statistics (fine-tuned) or the support set's (baselines).`,
        `Pre-training: ${config.pretrainEpochs} epochs x ${config.stepsPerEpoch} steps on each source (seed 1; 20% of its speakers held out for early stopping). Fine-tuning and target-only training: ${config.finetuneEpochs} epochs x ${config.finetuneSteps} steps on the support clips, no early stopping (no target speaker is spared for validation).`,
        ...(config.model === 'cnn' ? ['The softmax baseline takes vectors: for the CNN\'s log-mel input it gets each mel band\'s mean and sd over the frames.'] : []),
        'With 1 shot per class, each support clip gets one jittered copy (feature noise of 0.05 sd) so the contrastive loss has a same-class pair; all methods train on the same data.',
        'The modified distance loss is our reconstruction from the paper\'s abstract (docs/METHOD.md); the paper\'s exact formula was not available.',
      ],
    }
    writeAtomic(path.join(run.outDir, META_FILE), JSON.stringify(meta, null, 2))
    const data: GridData = { sources: sourceItems, target: targetItems, foldOf, classes, extractor: { name: extractor, version: EXTRACTOR_VERSION } }
    await runGrid(config, data, run, { signal, progress: (f, m) => say(f, m) })
    if (opts.finish === false) return { records: [], summary: [], claims: [], plots: [], markdown: '', outDir: run.outDir, runId, resumed: run.resumed, config }
    say(1, 'writing results and report')
    const out = await finishExperiment(ws, runId, run.outDir, config)
    return { ...out, outDir: run.outDir, runId, resumed: run.resumed, config }
  } catch (err) {
    const cancelled = err instanceof JobCancelledError || signal.aborted
    finishRun(ws, runId, cancelled ? 'cancelled' : 'failed', cancelled ? null : (err as Error).message)
    throw cancelled && !(err instanceof JobCancelledError) ? new JobCancelledError() : err
  }
}
