/**
 * The on-disk format of an experiment plan: the contract between the planner
 * (`ser experiment plan`), the task runner (`ser experiment task`), the merger
 * (`ser experiment merge`), the status reader and the Slurm submitter. A grid run in one
 * process (`ser experiment`) is the same plan run task by task.
 *
 * Layout of a plan folder DIR (on a shared file system for cluster runs):
 *   DIR/plan.json                 this Plan (written once, atomically)
 *   DIR/tasks/<file>.json         the result of one task (TaskResultFile), written atomically
 *                                 (tmp file + fsync + rename); its presence means "done"
 *   DIR/tasks/<file>.failed.json  the last failure of a task (TaskFailureFile); removed on success
 *   DIR/features/                 output of the features tasks, read-only for every later task
 *   DIR/bases/                    pre-trained bases (model folders), one per pretrain task
 *   DIR/scratch/<file>/           a task's private scratch workspace (its own SQLite, if any)
 *   DIR/slurm/                    sbatch scripts and Slurm logs (written by the Slurm submitter)
 * where <file> = taskFileName(id). No SQLite database is ever written by two tasks.
 */

export const PLAN_FORMAT = 'ser-experiment-plan/1' as const

/** Stages run in this order; every task of a stage depends only on tasks of earlier stages. */
export const STAGES = ['features', 'tune', 'pretrain', 'evaluate'] as const
export type StageName = (typeof STAGES)[number]

export interface PlanTask {
  /** Stable id, the same for the same configuration on any machine, e.g. "pretrain/cremad/distance/s1". */
  id: string
  stage: StageName
  /** Ids of the tasks whose results this one reads. */
  deps: string[]
  /** Everything the task runner needs beyond the plan's config (JSON-serialisable). */
  params: Record<string, unknown>
}

export interface Plan {
  format: typeof PLAN_FORMAT
  createdAt: string
  /** The resolved, validated experiment configuration (corpora as absolute folders). */
  config: Record<string, unknown>
  /** Task ids of each stage, in STAGES order; a Slurm array index I runs stages[s].tasks[I]. */
  stages: { name: StageName; tasks: string[] }[]
  tasks: PlanTask[]
}

export interface TaskResultFile {
  id: string
  finishedAt: string
  host: string
  backend: string
  seconds: number
  result: unknown
}

export interface TaskFailureFile {
  id: string
  failedAt: string
  host: string
  error: string
}

/** A task id as a file name: '/' -> '__', anything outside [A-Za-z0-9._=-] -> '-'. */
export function taskFileName(id: string): string {
  return id.replace(/\//g, '__').replace(/[^A-Za-z0-9._=-]/g, '-')
}
