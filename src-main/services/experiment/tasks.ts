/**
 * Running one task of a plan (plan.ts): its dependencies must have finished (their
 * result files exist), a task already done is skipped, and the result is written
 * atomically (plan-io.ts). The features stage imports a corpus into a scratch workspace
 * of its own (DIR/scratch/<task>/) unless the caller lends one (a single-process run uses
 * the user's workspace and its feature cache); every later stage reads DIR/features/ only,
 * so no SQLite database is ever written by two tasks.
 */
import os from 'node:os'
import path from 'node:path'
import { initBackend } from '../engine/backend'
import { throwIfCancelled } from '../jobs/registry'
import { datasetItems } from '../model/data'
import { EXTRACTOR_VERSION } from '../features/index'
import { openWorkspace } from '../store/workspace'
import type { ItemSet } from '../model/types'
import { taskFileName, type Plan, type PlanTask } from './plan-format'
import { findTask, missingDeps, readTaskResult, writeTaskFailure, writeTaskResult } from './plan-io'
import { featuresId, type FeaturesParams, type EvaluateParams, type PretrainParams, type TuneParams } from './plan'
import { extractorOf, writeFeatures, type FeaturesResult, type TaskContext } from './task-data'
export type { TaskContext }
import { makeConfig } from './grid'
import { resolveCorpus } from './corpora'
import { pretrainTask, tuneTask } from './train-tasks'
import { evaluateTask } from './evaluate'

export function taskContext(dir: string, plan: Plan, opts: Partial<Pick<TaskContext, 'ws' | 'signal' | 'progress' | 'cache'>> = {}): TaskContext {
  return {
    dir,
    plan,
    config: makeConfig(plan.config as never),
    ws: opts.ws,
    signal: opts.signal ?? new AbortController().signal,
    progress: opts.progress ?? (() => {}),
    cache: opts.cache ?? new Map(),
  }
}

async function featuresTask(ctx: TaskContext, task: PlanTask): Promise<FeaturesResult> {
  const p = task.params as unknown as FeaturesParams
  const ref = [...ctx.config.sources, ctx.config.target].find((c) => c.name === p.corpus)
  if (!ref) throw new Error(`${task.id}: the configuration has no corpus ${p.corpus}`)
  const ws = ctx.ws ?? openWorkspace(path.join(ctx.dir, 'scratch', taskFileName(task.id)))
  try {
    const extractor = extractorOf(ctx.config)
    const ds = await resolveCorpus(ws, ref, { signal: ctx.signal, progress: ctx.progress })
    const items = await datasetItems(ws, String(ds.id), {
      extractor,
      signal: ctx.signal,
      onProgress: (f, m) => ctx.progress(null, `features of ${p.corpus} (${extractor}): ${Math.round(100 * f)}%${m ? ` ${m}` : ''}`),
    })
    const set: ItemSet = { x: items.x, itemShape: items.itemShape, labels: items.labels, speakers: items.speakers }
    writeFeatures(ctx.dir, p.corpus, set)
    ctx.cache.set(`${path.resolve(ctx.dir)}|${p.corpus}`, set)
    return {
      corpus: p.corpus, role: p.role, dataset: ds.name, clips: set.labels.length, speakers: new Set(set.speakers).size,
      emotions: [...new Set(set.labels)].sort(), itemShape: set.itemShape, extractor: { name: extractor, version: EXTRACTOR_VERSION },
    }
  } finally {
    if (!ctx.ws) ws.close()
  }
}

/**
 * Fills the features stage from feature sets already in memory (the bench and the tests
 * run the grid on generated features without audio): the same files and results the
 * features tasks write.
 */
export function provideFeatures(
  ctx: TaskContext,
  corpora: { corpus: string; role: 'source' | 'target'; items: ItemSet }[],
  extractor: FeaturesResult['extractor'],
): void {
  for (const c of corpora) {
    writeFeatures(ctx.dir, c.corpus, c.items)
    const result: FeaturesResult = {
      corpus: c.corpus,
      role: c.role,
      dataset: c.corpus,
      clips: c.items.labels.length,
      speakers: new Set(c.items.speakers).size,
      emotions: [...new Set(c.items.labels)].sort(),
      itemShape: c.items.itemShape,
      extractor,
    }
    writeTaskResult(ctx.dir, { id: featuresId(c.corpus), finishedAt: new Date().toISOString(), host: os.hostname(), backend: 'none', seconds: 0, result })
  }
}

export type TaskOutcome = 'done' | 'skipped'

/** Runs one task by id; throws (after writing the failure file) when it fails. */
export async function runTask(ctx: TaskContext, id: string): Promise<TaskOutcome> {
  const task = findTask(ctx.plan, id)
  if (readTaskResult(ctx.dir, id)) return 'skipped'
  const missing = missingDeps(ctx.dir, task)
  if (missing.length) {
    throw new Error(
      `task ${id} depends on ${missing.length} unfinished task(s): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}; ` +
        `run the ${[...new Set(missing.map((m) => m.split('/')[0]))].join(' and ')} stage first`,
    )
  }
  throwIfCancelled(ctx.signal)
  const t0 = performance.now()
  try {
    const backend = await initBackend()
    const result =
      task.stage === 'features'
        ? await featuresTask(ctx, task)
        : task.stage === 'tune'
          ? await tuneTask(ctx, task.params as unknown as TuneParams)
          : task.stage === 'pretrain'
            ? await pretrainTask(ctx, task.params as unknown as PretrainParams, task.id)
            : await evaluateTask(ctx, task.params as unknown as EvaluateParams)
    writeTaskResult(ctx.dir, {
      id,
      finishedAt: new Date().toISOString(),
      host: os.hostname(),
      backend: `${backend.name}${backend.threads ? ` (${backend.threads} threads)` : ''}`,
      seconds: (performance.now() - t0) / 1000,
      result,
    })
    return 'done'
  } catch (err) {
    if (!ctx.signal.aborted)
      writeTaskFailure(ctx.dir, { id, failedAt: new Date().toISOString(), host: os.hostname(), error: (err as Error).stack ?? String(err) })
    throw err
  }
}
