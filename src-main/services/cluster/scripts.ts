/**
 * The sbatch script of one stage: a job array whose element g runs, with `ser experiment
 * task`, the stage's task g (one task per job: `--index g`) or, with K tasks per job, every
 * E-th task from g in one Node process (`--shard g+1/E`, E = ceil(n/K)), using the Node
 * binary and project folder recorded when it was written (absolute paths: a compute node
 * has neither this shell's PATH nor its working directory).
 */
import fs from 'node:fs'
import path from 'node:path'
import { arraySpec, type SlurmOptions } from './options'

/** Where the Node binary and the project live; the same paths must exist on the compute nodes. */
export interface Runtime {
  node: string
  repo: string
}

/** The folder holding this project's package.json, found from this file (sources or a build). */
export function projectRoot(from = import.meta.dirname): string {
  for (let d = from; ; d = path.dirname(d)) {
    const pkg = path.join(d, 'package.json')
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'siamese-ser') return d
    if (path.dirname(d) === d) throw new Error(`cannot find the project folder (package.json of siamese-ser) above ${from}`)
  }
}

export function currentRuntime(): Runtime {
  return { node: process.execPath, repo: projectRoot() }
}

export interface StageScript {
  stage: string
  /** Number of tasks in the stage (stages[s].tasks.length). */
  taskCount: number
  /** Array element numbers to run. */
  elements: number[]
  /** E, the number of elements the stage's tasks are dealt over (taskCount for one task per job). */
  elementCount: number
}

/** Single-quoted for bash, safe for any path. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

export function slurmDir(planDir: string): string {
  return path.join(planDir, 'slurm')
}

export function scriptPath(planDir: string, stage: string): string {
  return path.join(slurmDir(planDir), `${stage}.sbatch`)
}

/** `#SBATCH` lines: one array per stage, its logs under DIR/slurm/logs/<stage>-<job>_<element>.out. */
export function sbatchDirectives(planDir: string, s: StageScript, o: SlurmOptions): string[] {
  const d = [
    `--job-name=ser-${s.stage}`,
    `--array=${arraySpec(s.elements, o.arrayLimit)}`,
    '--ntasks=1',
    `--cpus-per-task=${o.cpus}`,
    `--output=${path.join(slurmDir(planDir), 'logs', `${s.stage}-%A_%a.out`)}`,
    // a later stage whose inputs failed is cancelled rather than left pending for ever
    '--kill-on-invalid-dep=yes',
  ]
  if (o.partition) d.push(`--partition=${o.partition}`)
  if (o.time) d.push(`--time=${o.time}`)
  if (o.mem) d.push(`--mem=${o.mem}`)
  if (o.gpus) d.push(`--gpus=${o.gpus}`)
  for (const e of o.extra ?? []) d.push(e)
  return d
}

export function renderStageScript(planDir: string, s: StageScript, o: SlurmOptions, rt: Runtime, writtenAt = new Date()): string {
  const q = shellQuote
  return [
    '#!/bin/bash',
    ...sbatchDirectives(planDir, s, o).map((d) => `#SBATCH ${d}`),
    `# written by 'ser experiment slurm' on ${writtenAt.toISOString()}: stage ${s.stage} of the plan in ${planDir}`,
    s.elementCount === s.taskCount
      ? `# element g runs task g of the ${s.taskCount}; a task whose result exists is skipped`
      : `# element g runs tasks g, g+${s.elementCount}, g+${2 * s.elementCount}, ... of the ${s.taskCount} in one process; ` +
        `a task whose result exists is skipped`,
    'set -u',
    `NODE=${q(rt.node)}`,
    `REPO=${q(rt.repo)}`,
    `PLAN=${q(planDir)}`,
    `STAGE=${q(s.stage)}`,
    `ELEMENTS=${s.elementCount}`,
    // training and feature threads match the CPUs Slurm gave this element
    `export SER_TRAIN_THREADS=\${SLURM_CPUS_PER_TASK:-${o.cpus}}`,
    `export SER_THREADS=\${SLURM_CPUS_PER_TASK:-${o.cpus}}`,
    'cd "$REPO" || exit 1',
    `exec "$NODE" --import tsx "$REPO/src-main/cli/index.ts" experiment task "$PLAN" --stage "$STAGE" ${
      s.elementCount === s.taskCount ? '--index "$SLURM_ARRAY_TASK_ID"' : '--shard "$(( SLURM_ARRAY_TASK_ID + 1 ))/$ELEMENTS"'
    }`,
    '',
  ].join('\n')
}
