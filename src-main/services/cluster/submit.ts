/**
 * Submitting a plan to Slurm: one job array per stage, each stage waiting for the arrays
 * of earlier stages (`--dependency=afterok`). Submitting again submits only the tasks that
 * are neither done nor queued/running in Slurm, as an index list (`--array=3,7,9`).
 */
import fs from 'node:fs'
import path from 'node:path'
import { readPlan } from '../experiment/plan-io'
import { STAGES, type Plan, type StageName } from '../experiment/plan-format'
import { parseJobId, slurm } from './commands'
import { arraySpec, type SlurmOptions } from './options'
import { queryElements, type QueueSnapshot } from './queue'
import { elementCountFor, JOBS_FORMAT, readJobs, writeJobs, type JobsRecord, type Submission } from './record'
import { renderStageScript, scriptPath, shellQuote, slurmDir, type Runtime } from './scripts'
import { stageViews } from './tasks'

export interface SubmitOptions {
  dryRun?: boolean
  runtime: Runtime
  /** Environment for the Slurm commands (SLURM_CONF etc.); default process.env. */
  env?: NodeJS.ProcessEnv
}

export interface StageSubmission {
  stage: StageName
  /** Stage task indices to run. */
  tasks: number[]
  elements: number[]
  /** The job id, or `$<stage>` in a dry run. */
  jobId: string
  dependsOn: string[]
  script: string
  /** The exact command, as a shell line (`<stage>=$(sbatch --parsable ...)`). */
  command: string
}

export interface SubmitOutcome {
  dir: string
  dryRun: boolean
  submitted: StageSubmission[]
  /** Tasks per stage left alone: done, or queued/running under an earlier submission. */
  skipped: { stage: StageName; done: number; active: number }[]
  notes: string[]
}

/** The folder must be absolute and free of white space: it goes into #SBATCH lines, which cannot quote. */
function checkPlanDir(dir: string): void {
  if (!path.isAbsolute(dir)) throw new Error(`plan folder must be an absolute path, got '${dir}'`)
  if (/\s/.test(dir)) throw new Error(`plan folder '${dir}' contains white space, which #SBATCH lines cannot hold; use a path without spaces`)
}

/** `--shard` deals out the stage's tasks in plan.tasks order; element -> task mapping assumes stages[s].tasks is that order. */
function checkShardOrder(plan: Plan, stage: StageName): void {
  const inPlan = plan.tasks.filter((t) => t.stage === stage).map((t) => t.id)
  const listed = plan.stages.find((x) => x.name === stage)?.tasks ?? []
  if (inPlan.join('\n') !== listed.join('\n'))
    throw new Error(
      `plan.json lists the ${stage} tasks in another order than its task list; --tasks-per-job needs them in the same order (use --tasks-per-job 1)`,
    )
}

export async function submitPlan(dir: string, o: SlurmOptions, s: SubmitOptions): Promise<SubmitOutcome> {
  checkPlanDir(dir)
  const plan = readPlan(dir)
  const env = s.env ?? process.env
  const prior = readJobs(dir)
  const record: JobsRecord = { format: JOBS_FORMAT, runtime: s.runtime, options: o, submissions: prior?.submissions ?? [] }
  const notes: string[] = []
  let queue: QueueSnapshot = { elements: new Map(), notes: [] }
  if (record.submissions.length > 0) {
    try {
      queue = await queryElements([...new Set(record.submissions.map((x) => x.jobId))], env)
    } catch (err) {
      if (!s.dryRun) throw err
      notes.push(`cannot ask Slurm about the earlier jobs (${(err as Error).message}); the dry run assumes none is still queued or running`)
    }
    notes.push(...queue.notes)
  }
  fs.mkdirSync(path.join(slurmDir(dir), 'logs'), { recursive: true })

  const outcome: SubmitOutcome = { dir, dryRun: !!s.dryRun, submitted: [], skipped: [], notes }
  // job ids a later stage must wait for: this round's arrays and earlier arrays still active
  const waitFor: string[] = []
  const lines: string[] = ['#!/bin/bash', `# written by 'ser experiment slurm --dry-run': the sbatch commands for the plan in ${dir}`, 'set -euo pipefail']
  for (const stage of STAGES) {
    const st = plan.stages.find((x) => x.name === stage)
    if (!st || st.tasks.length === 0) continue
    const views = stageViews(dir, plan, stage, record, queue)
    const toRun = views.filter((v) => v.state === 'failed' || v.state === 'missing').map((v) => v.index)
    const active = views.filter((v) => v.state === 'running' || v.state === 'queued')
    const activeJobs = [...new Set(active.map((v) => v.element!.split('_')[0]))]
    outcome.skipped.push({ stage, done: views.filter((v) => v.state === 'done').length, active: active.length })
    if (toRun.length > 0) {
      const elementCount = elementCountFor(st.tasks.length, o.tasksPerJob, o.jobsPerStage)
      if (elementCount < st.tasks.length) checkShardOrder(plan, stage)
      const elements = [...new Set(toRun.map((i) => i % elementCount))].sort((a, b) => a - b)
      const script = scriptPath(dir, stage)
      fs.writeFileSync(script, renderStageScript(dir, { stage, taskCount: st.tasks.length, elements, elementCount }, o, s.runtime), { mode: 0o755 })
      const dependsOn = [...new Set(waitFor)]
      const argv = ['--parsable', ...(dependsOn.length ? [`--dependency=afterok:${dependsOn.join(':')}`] : []), script]
      const command = `${stage}=$(sbatch ${argv.map((a) => (a.startsWith('--dependency=') ? a : shellQuote(a))).join(' ')})`
      lines.push(command)
      const jobId = s.dryRun ? `$${stage}` : parseJobId(await slurm('sbatch', argv, { env }))
      outcome.submitted.push({ stage, tasks: toRun, elements, jobId, dependsOn, script, command })
      if (!s.dryRun) {
        const sub: Submission = {
          jobId,
          stage,
          submittedAt: new Date().toISOString(),
          elements,
          elementCount,
          tasksPerJob: o.tasksPerJob,
          taskCount: st.tasks.length,
          dependsOn,
          script,
          argv,
        }
        record.submissions.push(sub)
        writeJobs(dir, record) // after every sbatch: a failure later still leaves the submitted jobs on record
      }
      waitFor.push(jobId)
    }
    waitFor.push(...activeJobs)
  }
  lines.push(`echo "submitted: ${outcome.submitted.map((x) => `${x.stage} \${${x.stage}}`).join(', ')}"`, '')
  if (s.dryRun) fs.writeFileSync(path.join(slurmDir(dir), 'submit.sh'), lines.join('\n'), { mode: 0o755 })
  return outcome
}

export function submitText(r: SubmitOutcome): string {
  const out: string[] = []
  if (r.submitted.length === 0) out.push(`nothing to submit: every task in ${r.dir} is done or already queued/running`)
  for (const x of r.submitted) {
    const deps = x.dependsOn.length ? `, after ${x.dependsOn.join(', ')}` : ''
    out.push(`${r.dryRun ? 'would submit' : `submitted job ${x.jobId}:`} ${x.stage}, ${x.tasks.length} task(s) as --array=${arraySpec(x.elements)}${deps}`)
  }
  for (const k of r.skipped) if (k.done || k.active) out.push(`  ${k.stage}: ${k.done} done, ${k.active} queued or running: not submitted again`)
  for (const n of r.notes) out.push(`note: ${n}`)
  if (r.dryRun) out.push('', 'the exact commands (also in ' + path.join(slurmDir(r.dir), 'submit.sh') + '):', ...r.submitted.map((x) => x.command))
  return out.join('\n')
}
