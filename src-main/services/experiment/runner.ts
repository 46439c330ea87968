/**
 * `runExperiment`: the whole experiment in one process, as the CLI and the API run it:
 * the same plan a cluster runs (plan.ts), task by task in stage order, with the user's
 * workspace lent to the features stage (its import and feature cache), then merged.
 * An interrupted run resumes: tasks whose result file exists are skipped.
 */
import { JobCancelledError } from '../jobs/registry'
import type { Workspace } from '../store/workspace'
import type { ExperimentConfig, ExperimentConfigInput } from '../../../src-shared/contract/experiments'
import { writeOutputs, type RunOutputs } from './finish'
import { buildPlan } from './plan'
import type { Plan } from './plan-format'
import { readPlan, writePlan } from './plan-io'
import { prepareExperiment, type PreparedExperiment } from './prepare'
import { finishRun, upsertRun } from './runs'
import { openRunFolder } from './state'
import { runTask, taskContext } from './tasks'

export interface ExperimentOptions {
  out?: string
  force?: boolean
  signal?: AbortSignal
  progress?(fraction: number | null, message: string): void
  caller?: 'cli' | 'api'
  /**
   * false: stop after the tasks, leaving results, report and the 'done' mark to
   * finishExperiment in the caller (the worker thread cannot load Vega for the plots).
   */
  finish?: boolean
  /** Runs only the tasks this accepts (the bench times a sample); the others stay undone. */
  only?(id: string): boolean
}

export interface ExperimentOutcome extends RunOutputs {
  outDir: string
  runId: number
  resumed: boolean
  config: ExperimentConfig
}

/** Opens (or resumes) the folder and writes the plan; returns it. */
export function openPlanFolder(out: string, config: ExperimentConfig, total: number, force?: boolean): { plan: Plan; resumed: boolean; outDir: string } {
  const run = openRunFolder(out, config, total, { force })
  if (run.resumed) return { plan: readPlan(run.outDir), resumed: true, outDir: run.outDir }
  const plan = buildPlan(config)
  writePlan(run.outDir, plan)
  return { plan, resumed: false, outDir: run.outDir }
}

/** Runs every unfinished task of a plan folder in this process, in stage order. */
export async function runPlan(
  dir: string,
  plan: Plan,
  opts: { ws?: Workspace; signal?: AbortSignal; progress?(fraction: number | null, message: string): void; only?(id: string): boolean } = {},
): Promise<void> {
  const ctx = taskContext(dir, plan, { ws: opts.ws, signal: opts.signal, progress: () => {} })
  const todo = plan.tasks.filter((t) => opts.only?.(t.id) ?? true)
  let i = 0
  for (const t of todo) {
    i++
    const fraction = (i - 1) / todo.length
    ctx.progress = (f, m) => opts.progress?.(f ?? fraction, `${i}/${todo.length} ${t.id}: ${m}`)
    opts.progress?.(fraction, `${i}/${todo.length} ${t.id}`)
    await runTask(ctx, t.id)
  }
}

export async function finishExperiment(ws: Workspace, runId: number, outDir: string): Promise<RunOutputs> {
  try {
    const out = await writeOutputs(outDir)
    finishRun(ws, runId, 'done')
    return out
  } catch (err) {
    finishRun(ws, runId, 'failed', `writing the results: ${(err as Error).message}`)
    throw err
  }
}

export async function runExperiment(ws: Workspace, input: ExperimentConfigInput, opts: ExperimentOptions): Promise<ExperimentOutcome> {
  return runPrepared(ws, prepareExperiment(ws, input, { out: opts.out, force: opts.force, caller: opts.caller ?? 'cli' }), opts)
}

/** Runs an experiment prepareExperiment has validated and resolved (the worker thread's entry). */
export async function runPrepared(ws: Workspace, prepared: PreparedExperiment, opts: Omit<ExperimentOptions, 'out' | 'caller'>): Promise<ExperimentOutcome> {
  const { config } = prepared
  const signal = opts.signal ?? new AbortController().signal
  const say = opts.progress ?? (() => {})
  const { plan, resumed, outDir } = openPlanFolder(prepared.out, config, prepared.total, opts.force)
  const runId = upsertRun(ws, outDir, config)
  try {
    say(0, resumed ? `resuming ${outDir}` : `starting ${outDir}: ${plan.tasks.length} tasks, ${prepared.total} evaluations`)
    await runPlan(outDir, plan, { ws, signal, progress: say, only: opts.only })
    const empty = {
      records: [],
      summary: [],
      claims: [],
      losses: [],
      headline: { text: '', best: null, siameseBeatsSoftmax: false },
      recommended: { text: '', variants: [] },
      plots: [],
      markdown: '',
    }
    if (opts.finish === false) return { ...empty, outDir, runId, resumed, config }
    say(1, 'writing results and report')
    const out = await finishExperiment(ws, runId, outDir)
    return { ...out, outDir, runId, resumed, config }
  } catch (err) {
    const cancelled = err instanceof JobCancelledError || signal.aborted
    finishRun(ws, runId, cancelled ? 'cancelled' : 'failed', cancelled ? null : (err as Error).message)
    throw cancelled && !(err instanceof JobCancelledError) ? new JobCancelledError() : err
  }
}
