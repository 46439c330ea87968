/**
 * Submission without a cluster: `--dry-run` writes the stage scripts and prints the exact
 * sbatch commands, and what it would submit follows the task files (only missing or failed
 * tasks, as an index list). The real submission runs in slurm.test.ts.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writePlan, writeTaskFailure, writeTaskResult } from '../../../src-main/services/experiment/plan-io'
import { PLAN_FORMAT, STAGES, type Plan, type PlanTask } from '../../../src-main/services/experiment/plan-format'
import { parseSlurmOptions, stageViews, submitPlan, submitText, type ElementInfo, type JobsRecord } from '../../../src-main/services/cluster/index'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-slurm-submit-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const runtime = { node: process.execPath, repo: path.resolve(import.meta.dirname, '..', '..', '..') }

function fakePlan(dir: string): Plan {
  const tasks: PlanTask[] = [
    { id: 'features/cremad', stage: 'features', deps: [], params: {} },
    { id: 'features/ravdess', stage: 'features', deps: [], params: {} },
    { id: 'pretrain/cremad/distance/s1', stage: 'pretrain', deps: ['features/cremad'], params: {} },
    ...Array.from({ length: 10 }, (_, i): PlanTask => ({
      id: `evaluate/cremad/distance/s1/f${i % 2}/r1/k${i}`,
      stage: 'evaluate',
      deps: ['pretrain/cremad/distance/s1', 'features/ravdess'],
      params: {},
    })),
  ]
  const plan: Plan = {
    format: PLAN_FORMAT,
    createdAt: '2026-12-01T00:00:00Z',
    config: {},
    stages: STAGES.map((name) => ({ name, tasks: tasks.filter((t) => t.stage === name).map((t) => t.id) })),
    tasks,
  }
  writePlan(dir, plan)
  return plan
}

const done = (dir: string, id: string) => writeTaskResult(dir, { id, finishedAt: '', host: 'h', backend: 'wasm', seconds: 1, result: {} })

describe('ser experiment slurm --dry-run', () => {
  it('writes one array script per non-empty stage and prints the chained sbatch commands', async () => {
    const dir = path.join(tmp, 'fresh')
    fakePlan(dir)
    const r = await submitPlan(dir, parseSlurmOptions({ cpus: 2, time: '10:00', arrayLimit: 4 }), { dryRun: true, runtime, env: { PATH: '/nonexistent' } })
    expect(r.submitted.map((s) => s.stage)).toEqual(['features', 'pretrain', 'evaluate']) // tune has no task
    expect(r.submitted.map((s) => s.command)).toEqual([
      `features=$(sbatch --parsable ${dir}/slurm/features.sbatch)`,
      `pretrain=$(sbatch --parsable --dependency=afterok:$features ${dir}/slurm/pretrain.sbatch)`,
      `evaluate=$(sbatch --parsable --dependency=afterok:$features:$pretrain ${dir}/slurm/evaluate.sbatch)`,
    ])
    const evaluate = fs.readFileSync(path.join(dir, 'slurm/evaluate.sbatch'), 'utf8')
    expect(evaluate).toContain('#SBATCH --array=0-9%4')
    expect(evaluate).toContain('#SBATCH --time=10:00')
    expect(evaluate).toContain('#SBATCH --cpus-per-task=2')
    expect(fs.existsSync(path.join(dir, 'slurm/tune.sbatch'))).toBe(false)
    expect(fs.existsSync(path.join(dir, 'slurm/jobs.json'))).toBe(false) // nothing submitted
    expect(submitText(r)).toContain(r.submitted[2].command)
    // the written submit.sh is valid bash
    execFileSync('bash', ['-n', path.join(dir, 'slurm/submit.sh')])
    for (const s of STAGES.filter((x) => x !== 'tune')) execFileSync('bash', ['-n', path.join(dir, `slurm/${s}.sbatch`)])
  })

  it('submits again only what is missing or failed, as an index list, grouped by --tasks-per-job', async () => {
    const dir = path.join(tmp, 'partial')
    const plan = fakePlan(dir)
    for (const id of plan.stages[0].tasks) done(dir, id)
    done(dir, plan.stages[2].tasks[0])
    const ev = plan.stages[3].tasks
    for (const i of [0, 1, 2, 4, 5, 6, 8]) done(dir, ev[i])
    writeTaskFailure(dir, { id: ev[9], failedAt: '', host: 'h', error: 'boom' })
    const one = await submitPlan(dir, parseSlurmOptions({}), { dryRun: true, runtime })
    expect(one.submitted.map((s) => [s.stage, s.tasks, s.dependsOn])).toEqual([['evaluate', [3, 7, 9], []]])
    expect(fs.readFileSync(path.join(dir, 'slurm/evaluate.sbatch'), 'utf8')).toContain('#SBATCH --array=3,7,9\n')
    const grouped = await submitPlan(dir, parseSlurmOptions({ tasksPerJob: 4 }), { dryRun: true, runtime })
    expect(grouped.submitted[0].elements).toEqual([0, 1]) // E = 3 elements: {0,3,6,9} {1,4,7} {2,5,8}
    const script = fs.readFileSync(path.join(dir, 'slurm/evaluate.sbatch'), 'utf8')
    expect(script).toContain('#SBATCH --array=0-1\n')
    expect(script).toContain('ELEMENTS=3')
    expect(script).toMatch(/--shard "\$\(\( SLURM_ARRAY_TASK_ID \+ 1 \)\)\/\$ELEMENTS"/)
    const capped = await submitPlan(dir, parseSlurmOptions({ jobsPerStage: 2 }), { dryRun: true, runtime })
    expect(capped.submitted[0].elements).toEqual([1]) // E = 2: {0,2,4,6,8} {1,3,5,7,9}; missing 3,7,9
    expect(fs.readFileSync(path.join(dir, 'slurm/evaluate.sbatch'), 'utf8')).toContain('ELEMENTS=2')
    for (const id of ev) done(dir, id)
    const none = await submitPlan(dir, parseSlurmOptions({}), { dryRun: true, runtime })
    expect(none.submitted).toEqual([])
    expect(submitText(none)).toMatch(/nothing to submit/)
  })

  it("reads each task's state from its files first, then from Slurm's state of its element", () => {
    const dir = path.join(tmp, 'states')
    const plan = fakePlan(dir)
    const ev = plan.stages[3].tasks
    done(dir, ev[0])
    writeTaskFailure(dir, { id: ev[2], failedAt: '', host: 'h', error: 'out of data\nstack' })
    writeTaskFailure(dir, { id: ev[1], failedAt: '', host: 'h', error: 'an older failure' })
    const jobs: JobsRecord = {
      format: 'ser-slurm-jobs/1',
      runtime,
      options: parseSlurmOptions({}),
      submissions: [
        {
          jobId: '7',
          stage: 'evaluate',
          submittedAt: '',
          elements: [0, 1, 2, 3, 4, 5, 6, 7, 8],
          elementCount: 10,
          tasksPerJob: 1,
          taskCount: 10,
          dependsOn: [],
          script: '',
          argv: [],
        },
      ],
    }
    const el = (state: ElementInfo['state'], slurmState: string, reason = ''): ElementInfo => ({ state, slurmState, reason })
    const elements = new Map<string, ElementInfo>([
      ['7_0', el('failed', 'TIMEOUT')], // but its result exists
      ['7_1', el('running', 'RUNNING')], // rerun of a failed task
      ['7_3', el('queued', 'PENDING', 'Dependency')],
      ['7_4', el('queued', 'PENDING', 'DependencyNeverSatisfied')],
      ['7_5', el('failed', 'OUT_OF_MEMORY', '0:125')],
      ['7_6', el('completed', 'COMPLETED', '0:0')],
    ])
    fs.mkdirSync(path.join(dir, 'slurm/logs'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'slurm/logs/evaluate-7_5.out'), 'oom-kill event\n')
    const v = stageViews(dir, plan, 'evaluate', jobs, { elements, notes: [] })
    expect(v.map((x) => x.state)).toEqual(['done', 'running', 'failed', 'queued', 'failed', 'failed', 'failed', 'missing', 'missing', 'missing'])
    expect(v[2].detail).toBe('out of data')
    expect(v[4].detail).toMatch(/DependencyNeverSatisfied/)
    expect(v[5].detail).toBe('Slurm: OUT_OF_MEMORY 0:125')
    expect(v[5].log).toBe(path.join(dir, 'slurm/logs/evaluate-7_5.out'))
    expect(v[4].log).toBeUndefined() // cancelled before it ran: no log to point at
    expect(v[6].detail).toMatch(/completed without writing a result/)
    expect(v[9].element).toBeUndefined() // never submitted
  })

  it('refuses a relative folder or one with spaces', async () => {
    await expect(submitPlan('rel/dir', parseSlurmOptions({}), { dryRun: true, runtime })).rejects.toThrow(/absolute path/)
    await expect(submitPlan(path.join(tmp, 'a b'), parseSlurmOptions({}), { dryRun: true, runtime })).rejects.toThrow(/white space/)
  })
})
