/**
 * Each plan task's state from its files (the truth: a result file means done) and, for
 * tasks without one, from the Slurm state of the latest array element covering it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { taskFailurePath, taskResultPath } from '../experiment/plan-io'
import type { Plan, StageName } from '../experiment/plan-format'
import type { QueueSnapshot } from './queue'
import { latestCover, type JobsRecord } from './record'
import { slurmDir } from './scripts'

export type TaskState = 'done' | 'running' | 'queued' | 'failed' | 'missing'

export interface TaskView {
  index: number
  id: string
  state: TaskState
  /** The array element that ran or will run it ("JOBID_ELEMENT"), if any. */
  element?: string
  /** Slurm's state or reason, or the task's own error. */
  detail?: string
  /** The Slurm log of that element. */
  log?: string
}

export function logPath(planDir: string, stage: StageName, jobId: string, element: number): string {
  return path.join(slurmDir(planDir), 'logs', `${stage}-${jobId}_${element}.out`)
}

function firstLine(file: string): string {
  try {
    const f = JSON.parse(fs.readFileSync(file, 'utf8')) as { error?: string }
    return (f.error ?? 'failed').split('\n')[0]
  } catch {
    return 'failed'
  }
}

/** Task states of one stage, in stage order (the array index is the position). */
export function stageViews(planDir: string, plan: Plan, stage: StageName, jobs: JobsRecord | null, queue: QueueSnapshot): TaskView[] {
  const s = plan.stages.find((x) => x.name === stage)
  if (!s) return []
  const cover = latestCover(jobs?.submissions ?? [], stage)
  return s.tasks.map((id, index) => {
    const v: TaskView = { index, id, state: 'missing' }
    const c = cover.get(index)
    if (c) {
      v.element = `${c.sub.jobId}_${c.element}`
      const log = logPath(planDir, stage, c.sub.jobId, c.element)
      if (fs.existsSync(log)) v.log = log // a cancelled element that never ran has none
    }
    if (fs.existsSync(taskResultPath(planDir, id))) return { ...v, state: 'done' }
    const q = v.element ? queue.elements.get(v.element) : undefined
    // waiting for a failed job (where Slurm keeps such jobs instead of cancelling them): never runs
    if (q?.state === 'queued' && /DependencyNeverSatisfied/i.test(q.reason))
      return { ...v, state: 'failed', detail: `Slurm: ${q.slurmState} (${q.reason}): an earlier stage failed` }
    if (q?.state === 'running' || q?.state === 'queued')
      return { ...v, state: q.state, detail: q.state === 'queued' ? `${q.slurmState} (${q.reason})` : q.slurmState }
    const failure = taskFailurePath(planDir, id)
    if (fs.existsSync(failure)) return { ...v, state: 'failed', detail: firstLine(failure) }
    if (q?.state === 'failed') return { ...v, state: 'failed', detail: `Slurm: ${q.slurmState}${q.reason ? ` ${q.reason}` : ''}` }
    if (q?.state === 'completed') return { ...v, state: 'failed', detail: 'its array element completed without writing a result' }
    return v
  })
}
