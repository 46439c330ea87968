/**
 * How far a plan folder has got, from its task files alone (no scheduler asked): per
 * stage, the tasks done (result file), failed (failure file, no result) and pending.
 * The Slurm submitter adds running/queued states from squeue/sacct on top of this.
 */
import fs from 'node:fs'
import path from 'node:path'
import { taskFileName, type StageName } from './plan-format'
import { readPlan, readTaskFailure, TASKS_DIR } from './plan-io'

export interface StageStatus {
  name: StageName
  total: number
  done: number
  failed: number
  pending: number
  /** Ids of the failed tasks with their last error. */
  failures: { id: string; error: string; failedAt: string; host: string }[]
}

export interface PlanStatus {
  dir: string
  stages: StageStatus[]
  total: number
  done: number
  failed: number
  pending: number
  /** Whether results.json was written (the plan was merged). */
  merged: boolean
}

export function readPlanStatus(dir: string): PlanStatus {
  const plan = readPlan(dir)
  const files = new Set(fs.existsSync(path.join(dir, TASKS_DIR)) ? fs.readdirSync(path.join(dir, TASKS_DIR)) : [])
  const stages = plan.stages.map((s) => {
    const st: StageStatus = { name: s.name, total: s.tasks.length, done: 0, failed: 0, pending: 0, failures: [] }
    for (const id of s.tasks) {
      const f = taskFileName(id)
      if (files.has(`${f}.json`)) st.done++
      else if (files.has(`${f}.failed.json`)) {
        st.failed++
        const fail = readTaskFailure(dir, id)
        st.failures.push({ id, error: fail?.error ?? 'unknown', failedAt: fail?.failedAt ?? '', host: fail?.host ?? '' })
      } else st.pending++
    }
    return st
  })
  const sum = (k: 'total' | 'done' | 'failed' | 'pending') => stages.reduce((a, s) => a + s[k], 0)
  return {
    dir,
    stages,
    total: sum('total'),
    done: sum('done'),
    failed: sum('failed'),
    pending: sum('pending'),
    merged: fs.existsSync(path.join(dir, 'results.json')),
  }
}

export function planStatusText(s: PlanStatus): string {
  const lines = s.stages.map(
    (st) =>
      `${st.name.padEnd(9)} ${String(st.done).padStart(5)} done  ${String(st.failed).padStart(4)} failed  ${String(st.pending).padStart(5)} pending  (of ` +
      `${st.total})`,
  )
  for (const st of s.stages) for (const f of st.failures.slice(0, 5)) lines.push(`  failed ${f.id} on ${f.host} at ${f.failedAt}: ${f.error.split('\n')[0]}`)
  lines.push(`total     ${s.done}/${s.total} done, ${s.failed} failed, ${s.pending} pending${s.merged ? '; merged (results.json written)' : ''}`)
  return lines.join('\n')
}
