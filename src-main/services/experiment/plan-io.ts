/**
 * Reading and writing a plan folder (layout in plan-format.ts): plan.json, and one
 * result file per task, each written atomically (tmp file + fsync + rename, then the
 * folder fsynced) so a reader on a shared file system never sees half of one.
 */
import fs from 'node:fs'
import path from 'node:path'
import { writeAtomic } from '../store/atomic-file'
import { PLAN_FORMAT, taskFileName, type Plan, type PlanTask, type TaskFailureFile, type TaskResultFile } from './plan-format'

export const PLAN_FILE = 'plan.json'
export const TASKS_DIR = 'tasks'

/** tmp + fsync + rename + fsync of the folder (store/atomic-file.ts), creating the folder first. */
export function writeDurable(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  writeAtomic(file, data)
}

export function writePlan(dir: string, plan: Plan): void {
  writeDurable(path.join(dir, PLAN_FILE), JSON.stringify(plan, null, 1) + '\n')
}

export function readPlan(dir: string): Plan {
  const f = path.join(dir, PLAN_FILE)
  if (!fs.existsSync(f)) throw new Error(`${dir} holds no experiment plan (no ${PLAN_FILE}); write one with 'ser experiment plan ... --out ${dir}'`)
  let plan: Plan
  try {
    plan = JSON.parse(fs.readFileSync(f, 'utf8')) as Plan
  } catch (err) {
    throw new Error(`cannot read ${f}: ${(err as Error).message}`)
  }
  if (plan.format !== PLAN_FORMAT) throw new Error(`${f} has format ${JSON.stringify(plan.format)}; this version reads ${PLAN_FORMAT}`)
  return plan
}

export const taskResultPath = (dir: string, id: string) => path.join(dir, TASKS_DIR, `${taskFileName(id)}.json`)
export const taskFailurePath = (dir: string, id: string) => path.join(dir, TASKS_DIR, `${taskFileName(id)}.failed.json`)

export function readTaskResult<T = unknown>(dir: string, id: string): (TaskResultFile & { result: T }) | null {
  const f = taskResultPath(dir, id)
  if (!fs.existsSync(f)) return null
  const r = JSON.parse(fs.readFileSync(f, 'utf8')) as TaskResultFile & { result: T }
  if (r.id !== id) throw new Error(`${f} holds the result of task ${r.id}, not ${id}`)
  return r
}

export function writeTaskResult(dir: string, r: TaskResultFile): void {
  writeDurable(taskResultPath(dir, r.id), JSON.stringify(r) + '\n')
  fs.rmSync(taskFailurePath(dir, r.id), { force: true })
}

export function writeTaskFailure(dir: string, f: TaskFailureFile): void {
  writeDurable(taskFailurePath(dir, f.id), JSON.stringify(f) + '\n')
}

export function readTaskFailure(dir: string, id: string): TaskFailureFile | null {
  const f = taskFailurePath(dir, id)
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as TaskFailureFile) : null
}

export function findTask(plan: Plan, id: string): PlanTask {
  const t = plan.tasks.find((x) => x.id === id)
  if (!t) throw new Error(`the plan has no task '${id}' (stages: ${plan.stages.map((s) => `${s.name} ${s.tasks.length}`).join(', ')})`)
  return t
}

/** Tasks for `--shard I/N` (1-based I): every N-th task in plan order starting at I, within each stage's order. */
export function shardTasks(plan: Plan, spec: string): PlanTask[] {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim())
  if (!m) throw new Error(`--shard: expected I/N (e.g. 1/4), got '${spec}'`)
  const i = Number(m[1])
  const n = Number(m[2])
  if (n < 1 || i < 1 || i > n) throw new Error(`--shard: I must lie in 1..N, got ${i}/${n}`)
  return plan.tasks.filter((_, k) => k % n === i - 1)
}

/** `--stage S --index I`: a Slurm array index (0-based) into stages[S].tasks. */
export function stageTask(plan: Plan, stage: string, index: number): PlanTask {
  const s = plan.stages.find((x) => x.name === stage)
  if (!s) throw new Error(`--stage: unknown stage '${stage}' (${plan.stages.map((x) => x.name).join(', ')})`)
  if (!Number.isInteger(index) || index < 0 || index >= s.tasks.length)
    throw new Error(`--index: stage ${stage} has tasks 0..${s.tasks.length - 1}, got ${index}`)
  return findTask(plan, s.tasks[index])
}

/** The dependencies of a task that have no result file yet. */
export function missingDeps(dir: string, task: PlanTask): string[] {
  return task.deps.filter((d) => !fs.existsSync(taskResultPath(dir, d)))
}
