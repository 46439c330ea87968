/**
 * `ser experiment slurm <grid options> --out DIR [--partition P] [--time T] [--cpus C] [--mem M]
 * [--gpus G] [--array-limit L] [--tasks-per-job K] [--jobs-per-stage N] [--sbatch OPT]... [--dry-run]`: writes (or keeps)
 * the plan, then one sbatch job array per stage, chained with afterok; submitting again runs only
 * missing or failed tasks. `ser experiment status DIR` adds the Slurm state (services/cluster statusReport).
 * See docs/cluster.md.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { currentRuntime, parseSlurmOptions, submitPlan, submitText } from '../../services/cluster/index'
import { PLAN_FILE } from '../../services/experiment/plan-io'
import type { GridOptions } from './experiment-options'
import { writePlanFromOptions } from './experiment-plan'

interface SlurmCliOptions extends GridOptions {
  partition?: string
  time?: string
  cpus?: string
  mem?: string
  gpus?: string
  arrayLimit?: string
  tasksPerJob?: string
  jobsPerStage?: string
  sbatch?: string[]
  dryRun?: boolean
}

export function registerSlurmCommand(experiment: Command): void {
  experiment
    .command('slurm')
    .description(
      'run the grid on a Slurm cluster: writes the plan into --out DIR (the same grid options as `ser experiment`; omit them to resubmit an existing plan) ' +
        'and submits one job array per stage, each waiting for the previous (afterok); submitting again runs only the missing or failed tasks',
    )
    .option('--partition <name>', 'Slurm partition')
    .option('--time <limit>', 'time limit of one array element (MM, HH:MM:SS, D-HH:MM:SS)')
    .option('--cpus <n>', 'CPUs per array element (also its training and feature threads)', '1')
    .option('--mem <size>', 'memory per array element, e.g. 4G')
    .option('--gpus <n>', 'GPUs per array element: a count or TYPE:COUNT')
    .option('--array-limit <n>', 'at most n elements of one stage running at once (--array=...%n)')
    .option('--tasks-per-job <k>', 'plan tasks per array element, run in one Node process (fewer, longer jobs)', '1')
    .option('--jobs-per-stage <n>', "at most n array elements per stage, each running its share of the stage's tasks in one Node process")
    .option('--sbatch <option>', 'another sbatch option for every script, e.g. --sbatch=--account=lab (repeatable)', (v: string, prev: string[] = []) => [
      ...prev,
      v,
    ])
    .option('--dry-run', 'write the scripts and print the exact sbatch commands; submit nothing')
    .action(async (_o, c: Command) => {
      const o = c.optsWithGlobals<SlurmCliOptions>()
      if (!o.out) throw new Error("required option '--out <dir>' not specified (the plan folder, on a file system the compute nodes see)")
      // checked before anything is planned or written
      const slurmOptions = parseSlurmOptions({
        partition: o.partition,
        time: o.time,
        cpus: o.cpus,
        mem: o.mem,
        gpus: o.gpus,
        arrayLimit: o.arrayLimit,
        tasksPerJob: o.tasksPerJob,
        jobsPerStage: o.jobsPerStage,
        extra: o.sbatch,
      })
      let dir = path.resolve(o.out)
      const hasPlan = fs.existsSync(path.join(dir, PLAN_FILE))
      if (o.source?.length || o.target || !hasPlan) {
        const p = writePlanFromOptions(o)
        dir = p.outDir
        process.stderr.write(`${p.message}\n`)
      }
      const r = await submitPlan(dir, slurmOptions, { dryRun: o.dryRun, runtime: currentRuntime() })
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n')
      else process.stdout.write(submitText(r) + '\n')
    })
}
