/**
 * `ser experiment status DIR` for a plan submitted to Slurm: per stage the tasks done,
 * running, queued, failed and not yet submitted, with the job ids, from the task files
 * (readPlanStatus) plus squeue/sacct.
 */
import { readPlan, readTaskResult } from '../experiment/plan-io'
import { planStatusText, readPlanStatus, type PlanStatus } from '../experiment/plan-status'
import type { StageName } from '../experiment/plan-format'
import { queryElements, type QueueSnapshot } from './queue'
import { readJobs } from './record'
import { stageViews, type TaskView } from './tasks'

export interface ClusterStageStatus {
  name: StageName
  total: number
  done: number
  running: number
  queued: number
  failed: number
  /** Neither done nor in Slurm: never submitted, or lost (e.g. cancelled by hand). */
  missing: number
  jobIds: string[]
  /** Failed tasks with the reason and the Slurm log to read. */
  failures: { id: string; detail: string; log?: string }[]
}

export interface ClusterStatus {
  dir: string
  plan: PlanStatus
  stages: ClusterStageStatus[]
  /** Which TensorFlow.js backend ran the finished tasks, on which host: a node that fell back to wasm shows. */
  backends: { backend: string; host: string; tasks: number }[]
  notes: string[]
}

/** null when the plan was never submitted to Slurm (no DIR/slurm/jobs.json). */
export async function readClusterStatus(dir: string, env?: NodeJS.ProcessEnv): Promise<ClusterStatus | null> {
  const jobs = readJobs(dir)
  if (!jobs) return null
  const plan = readPlan(dir)
  const planStatus = readPlanStatus(dir)
  let queue: QueueSnapshot
  try {
    queue = await queryElements([...new Set(jobs.submissions.map((s) => s.jobId))], env)
  } catch (err) {
    // e.g. the folder copied off the cluster: the task files still tell what is done
    queue = { elements: new Map(), notes: [`cannot ask Slurm (${(err as Error).message}); running and queued tasks show as missing`] }
  }
  const ran = new Map<string, { backend: string; host: string; tasks: number }>()
  const stages = plan.stages.map((st) => {
    const views: TaskView[] = stageViews(dir, plan, st.name, jobs, queue)
    for (const v of views.filter((x) => x.state === 'done')) {
      const r = readTaskResult(dir, v.id)
      const key = `${r?.backend}@${r?.host}`
      const b = ran.get(key) ?? { backend: r?.backend ?? 'unknown', host: r?.host ?? 'unknown', tasks: 0 }
      b.tasks++
      ran.set(key, b)
    }
    const count = (s: TaskView['state']) => views.filter((v) => v.state === s).length
    return {
      name: st.name,
      total: views.length,
      done: count('done'),
      running: count('running'),
      queued: count('queued'),
      failed: count('failed'),
      missing: count('missing'),
      jobIds: [...new Set(jobs.submissions.filter((s) => s.stage === st.name).map((s) => s.jobId))],
      failures: views.filter((v) => v.state === 'failed').map((v) => ({ id: v.id, detail: v.detail ?? 'failed', log: v.log })),
    }
  })
  return { dir, plan: planStatus, stages, backends: [...ran.values()].sort((a, b) => b.tasks - a.tasks), notes: queue.notes }
}

export function clusterStatusText(s: ClusterStatus): string {
  const n = (v: number, w: number) => String(v).padStart(w)
  const lines = ['stage      done  running  queued  failed  missing  of     Slurm jobs']
  for (const st of s.stages) {
    lines.push(
      `${st.name.padEnd(9)} ${n(st.done, 5)}  ${n(st.running, 7)}  ${n(st.queued, 6)}  ${n(st.failed, 6)}  ${n(st.missing, 7)}  ${n(st.total, 5)}  ` +
        `${st.jobIds.join(', ') || '-'}`,
    )
  }
  for (const st of s.stages) {
    for (const f of st.failures.slice(0, 5)) lines.push(`  failed ${f.id}: ${f.detail}${f.log ? ` (log: ${f.log})` : ''}`)
    if (st.failures.length > 5) lines.push(`  ... and ${st.failures.length - 5} more failed ${st.name} tasks`)
  }
  const t = (k: 'done' | 'running' | 'queued' | 'failed' | 'missing') => s.stages.reduce((a, x) => a + x[k], 0)
  lines.push(
    `total     ${t('done')}/${s.plan.total} done, ${t('running')} running, ${t('queued')} queued, ${t('failed')} failed, ` +
      `${t('missing')} not submitted${s.plan.merged ? '; merged (results.json written)' : ''}`,
  )
  if (t('failed') + t('missing') > 0) lines.push("submit again with the same 'ser experiment slurm ... --out DIR' to run only the failed and missing tasks")
  else if (t('done') === s.plan.total && !s.plan.merged) lines.push(`every task is done: run 'ser experiment merge ${s.dir}'`)
  if (s.backends.length) lines.push(`ran on: ${s.backends.map((b) => `${b.backend} on ${b.host} (${b.tasks})`).join(', ')}`)
  for (const note of s.notes) lines.push(`note: ${note}`)
  return lines.join('\n')
}

/** `ser experiment status DIR`: the task files, plus Slurm's view when the plan was submitted there. */
export async function statusReport(dir: string, json: boolean, env?: NodeJS.ProcessEnv): Promise<string> {
  const slurm = await readClusterStatus(dir, env)
  const plan = slurm?.plan ?? readPlanStatus(dir)
  if (json) return JSON.stringify(slurm ? { ...plan, slurm: { ...slurm, plan: undefined } } : plan, null, 2) + '\n'
  return (slurm ? clusterStatusText(slurm) : planStatusText(plan)) + '\n'
}
