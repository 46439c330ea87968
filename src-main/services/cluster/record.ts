/**
 * DIR/slurm/jobs.json: every array job submitted for a plan, with the plan tasks each
 * array element covers, so status and resubmission can map Slurm's job states back to tasks.
 */
import fs from 'node:fs'
import path from 'node:path'
import { writeDurable } from '../experiment/plan-io'
import type { StageName } from '../experiment/plan-format'
import type { SlurmOptions } from './options'
import { slurmDir, type Runtime } from './scripts'

export const JOBS_FORMAT = 'ser-slurm-jobs/1' as const

export interface Submission {
  jobId: string
  stage: StageName
  submittedAt: string
  /** Array elements submitted; element g of E covers the stage's task indices i with i % E == g. */
  elements: number[]
  /** E: min(ceil(taskCount / tasksPerJob), jobsPerStage); E == taskCount (element g = task g) for one task per job. */
  elementCount: number
  tasksPerJob: number
  /** Tasks in the stage when submitted (the plan never changes under a submission). */
  taskCount: number
  /** Job ids this one waits for (afterok). */
  dependsOn: string[]
  script: string
  /** The exact sbatch argument list. */
  argv: string[]
}

export interface JobsRecord {
  format: typeof JOBS_FORMAT
  runtime: Runtime
  options: SlurmOptions
  submissions: Submission[]
}

export const jobsFile = (planDir: string) => path.join(slurmDir(planDir), 'jobs.json')

export function readJobs(planDir: string): JobsRecord | null {
  const f = jobsFile(planDir)
  if (!fs.existsSync(f)) return null
  let r: JobsRecord
  try {
    r = JSON.parse(fs.readFileSync(f, 'utf8')) as JobsRecord
  } catch (err) {
    throw new Error(`cannot read ${f}: ${(err as Error).message}`)
  }
  if (r.format !== JOBS_FORMAT) throw new Error(`${f} has format ${JSON.stringify(r.format)}; this version reads ${JOBS_FORMAT}`)
  return r
}

export function writeJobs(planDir: string, r: JobsRecord): void {
  writeDurable(jobsFile(planDir), JSON.stringify(r, null, 1) + '\n')
}

/** Elements of a stage of n tasks: K tasks per element, at most N elements. */
export const elementCountFor = (taskCount: number, tasksPerJob: number, jobsPerStage = Infinity) => Math.min(Math.ceil(taskCount / tasksPerJob), jobsPerStage)

/**
 * The stage task indices an array element covers: every E-th from g, the same tasks
 * `ser experiment task --stage S --shard g+1/E` runs (in one Node process).
 */
export function elementTasks(s: Pick<Submission, 'elementCount' | 'taskCount'>, element: number): number[] {
  const out: number[] = []
  for (let i = element; i < s.taskCount; i += s.elementCount) out.push(i)
  return out
}

/** The latest submission covering each task index of a stage: index -> (submission, element). */
export function latestCover(subs: Submission[], stage: StageName): Map<number, { sub: Submission; element: number }> {
  const out = new Map<number, { sub: Submission; element: number }>()
  for (const sub of subs) {
    if (sub.stage !== stage) continue
    for (const g of sub.elements) for (const i of elementTasks(sub, g)) out.set(i, { sub, element: g })
  }
  return out
}
