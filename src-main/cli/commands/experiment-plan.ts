/**
 * `ser experiment plan|task|merge|status`: the grid as separate tasks (plan-format.ts),
 * for a cluster or any set of processes sharing the plan folder.
 *   plan <grid options> --out DIR     writes DIR/plan.json (corpora resolved to folders)
 *   task DIR --id K | --shard I/N [--stage S] | --stage S --index I   runs tasks; done ones are skipped
 *   merge DIR                         results.json, results.csv, report.html
 *   status DIR [--json]               done / failed / pending per stage
 * `--index` defaults to $SLURM_ARRAY_TASK_ID.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { closeImportPool } from '../../services/corpus/index'
import { closeFeaturePool } from '../../services/features/index'
import { JobCancelledError } from '../../services/jobs/registry'
import { openWorkspace, defaultWorkspaceDir } from '../../services/store/workspace'
import {
  findTask,
  openPlanFolder,
  prepareExperiment,
  readPlan,
  readPlanStatus,
  runTask,
  shardTasks,
  stageTask,
  taskContext,
  writeOutputs,
} from '../../services/experiment/index'
import type { PlanTask } from '../../services/experiment/plan-format'
import { statusReport } from '../../services/cluster/index'
import { configFromOptions, printOutputs, stderrProgress, type GridOptions } from './experiment-options'

interface TaskOptions {
  id?: string
  shard?: string
  stage?: string
  index?: string
  json?: boolean
}

function selectTasks(dir: string, o: TaskOptions): PlanTask[] {
  const plan = readPlan(dir)
  const modes = [o.id !== undefined, o.shard !== undefined, o.index !== undefined || (o.stage !== undefined && o.shard === undefined)].filter(Boolean).length
  if (modes !== 1) throw new Error('choose the tasks with exactly one of --id K, --shard I/N [--stage S], or --stage S --index I')
  if (o.id !== undefined) return [findTask(plan, o.id)]
  if (o.shard !== undefined) {
    const sub = o.stage ? { ...plan, tasks: plan.tasks.filter((t) => t.stage === o.stage) } : plan
    if (o.stage && !plan.stages.some((s) => s.name === o.stage))
      throw new Error(`--stage: unknown stage '${o.stage}' (${plan.stages.map((s) => s.name).join(', ')})`)
    return shardTasks(sub, o.shard)
  }
  const raw = o.index ?? process.env.SLURM_ARRAY_TASK_ID
  if (raw === undefined || !/^\d+$/.test(raw)) throw new Error(`--index: expected a task index (0-based) or $SLURM_ARRAY_TASK_ID, got '${raw ?? ''}'`)
  return [stageTask(plan, o.stage!, Number(raw))]
}

/** `ser experiment plan` (also the first step of `ser experiment slurm`): writes the plan into --out, or keeps the same one. */
export function writePlanFromOptions(o: GridOptions) {
  if (!o.out) throw new Error("required option '--out <dir>' not specified")
  const config = configFromOptions(o)
  const needsWs = [...config.sources, config.target].some((s) => !fs.existsSync(path.resolve(s.ref)))
  const ws = needsWs ? openWorkspace(path.resolve(o.workspace ?? defaultWorkspaceDir())) : null
  try {
    const prepared = prepareExperiment(ws, config, { out: o.out, force: o.force, caller: 'cli', foldersOnly: true })
    const { plan, resumed, outDir } = openPlanFolder(prepared.out, prepared.config, prepared.total, o.force)
    const summary = {
      out: outDir,
      resumed,
      tasks: plan.tasks.length,
      evaluations: prepared.total,
      stages: plan.stages.map((s) => ({ name: s.name, tasks: s.tasks.length })),
    }
    const message =
      `${resumed ? 'kept the existing plan' : 'wrote the plan'} in ${outDir}: ` +
      `${plan.tasks.length} tasks (${summary.stages.map((s) => `${s.name} ${s.tasks}`).join(', ')}), ${prepared.total} evaluations`
    return { outDir, plan, summary, message }
  } finally {
    ws?.close()
  }
}

export function registerPlanCommands(experiment: Command): void {
  experiment
    .command('plan')
    .description('write the plan of the grid (the same options as `ser experiment`) into --out DIR; run it with `ser experiment task`')
    .action(async (_o, c: Command) => {
      const o = c.optsWithGlobals<GridOptions>()
      const p = writePlanFromOptions(o)
      process.stdout.write(o.json ? JSON.stringify(p.summary, null, 2) + '\n' : p.message + '\n')
    })

  experiment
    .command('task <dir>')
    .description(
      'run tasks of a plan folder: --id K, --shard I/N [--stage S], or --stage S --index I (a Slurm array index; default $SLURM_ARRAY_TASK_ID). ' +
        'Finished tasks are skipped; a task whose dependencies have not finished fails',
    )
    .option('--id <id>', 'one task by its id')
    .option('--shard <i/n>', 'every n-th task starting at i (1-based), in plan order')
    .option('--stage <name>', 'features, tune, pretrain or evaluate')
    .option('--index <i>', "index into the stage's tasks (0-based)")
    .action(async (dir: string, _o, c: Command) => {
      const o = c.opts<TaskOptions>()
      const abs = path.resolve(dir)
      const tasks = selectTasks(abs, o)
      const controller = new AbortController()
      const onSig = () => controller.abort()
      process.once('SIGINT', onSig)
      process.once('SIGTERM', onSig)
      const ctx = taskContext(abs, readPlan(abs), { signal: controller.signal, progress: stderrProgress() })
      const failed: string[] = []
      try {
        for (const t of tasks) {
          try {
            const outcome = await runTask(ctx, t.id)
            process.stderr.write(`${outcome === 'skipped' ? 'already done' : 'done'}: ${t.id}\n`)
          } catch (err) {
            if (err instanceof JobCancelledError || controller.signal.aborted) {
              process.stderr.write(`interrupted in ${t.id}; run it again to redo it\n`)
              process.exitCode = 130
              return
            }
            failed.push(t.id)
            process.stderr.write(`failed: ${t.id}: ${(err as Error).message}\n`)
          }
        }
      } finally {
        process.off('SIGINT', onSig)
        process.off('SIGTERM', onSig)
        await closeImportPool()
        await closeFeaturePool()
      }
      if (failed.length)
        throw new Error(
          `${failed.length} of ${tasks.length} task(s) failed (${failed.slice(0, 3).join(', ')}${failed.length > 3 ? ', …' : ''}); ` +
            `see ${path.join(abs, 'tasks')}/*.failed.json`,
        )
    })

  experiment
    .command('merge <dir>')
    .description('merge the finished tasks of a plan folder into results.json, results.csv and report.html')
    .action(async (dir: string, _o, c: Command) => {
      const o = c.optsWithGlobals<{ json?: boolean }>()
      const abs = path.resolve(dir)
      const r = await writeOutputs(abs)
      const st = readPlanStatus(abs)
      if (!r.complete)
        process.stderr.write(`warning: ${st.pending + st.failed} of ${st.total} tasks have not finished (${st.failed} failed); the results are partial\n`)
      printOutputs(abs, r, o.json, { complete: r.complete })
    })

  experiment
    .command('status <dir>')
    .description(
      'tasks done, failed and pending per stage, from the task files; with running/queued and job ids from squeue/sacct when the plan was submitted to Slurm',
    )
    .action(async (dir: string, _o, c: Command) => {
      const o = c.optsWithGlobals<{ json?: boolean }>()
      process.stdout.write(await statusReport(path.resolve(dir), !!o.json))
    })
}
