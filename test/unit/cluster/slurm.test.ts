/**
 * The grid on a real Slurm: a single-node cluster on localhost (scripts/slurm-local.sh,
 * its own slurm.conf and munge key), `ser experiment slurm` submitting one job array per
 * stage, `ser experiment merge`, and the merged records compared with a single-process
 * `ser experiment` of the same options. Then two results are removed and a second
 * submission must run exactly those. If the cluster cannot start, this test fails with
 * the daemons' logs; it is never skipped.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readJobs } from '../../../src-main/services/cluster/index'
import { readPlan, taskResultPath } from '../../../src-main/services/experiment/plan-io'
import { runCli } from '../../helpers/cli'
import { syntheticCorpus } from '../../helpers/corpora'
import { startLocalSlurm, waitForJobs, type LocalSlurm } from '../../helpers/slurm'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-slurm-grid-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** Records without their timings, in a fixed order: what must be equal between the two runs. */
function records(dir: string): unknown[] {
  const r = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as { records: Record<string, unknown>[] }
  return r.records
    .map((x) => Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'seconds').sort(([a], [b]) => a.localeCompare(b))))
    .map((x) => JSON.stringify(x))
    .sort()
    .map((s) => JSON.parse(s))
}

const logsOf = (dir: string) =>
  fs.existsSync(path.join(dir, 'slurm/logs'))
    ? fs.readdirSync(path.join(dir, 'slurm/logs')).map((f) => `--- ${f}\n${fs.readFileSync(path.join(dir, 'slurm/logs', f), 'utf8').slice(-1500)}`).join('\n')
    : '(no Slurm logs)'

describe('the grid on a single-node Slurm cluster', () => {
  let cluster: LocalSlurm | undefined
  afterAll(async () => {
    await cluster?.stop()
  })

  it('runs the stages as job arrays, merges to the single-process records, and resubmits only missing tasks', { timeout: 900_000 }, async () => {
    const [cremad, ravdess] = await Promise.all([
      syntheticCorpus('cremad', { speakers: 5, sentences: 2 }),
      syntheticCorpus('ravdess', { speakers: 4, reps: 1 }),
    ])
    const grid = [
      '--source', `cremad=${cremad.dir}`, '--target', `ravdess=${ravdess.dir}`,
      '--loss', 'distance', '--pretrain-seeds', '1', '--frozen', '0', '--shots', '2,all', '--folds', '2', '--seeds', '1',
      '--pretrain-epochs', '2', '--steps', '8', '--finetune-epochs', '3', '--finetune-steps', '4', '--tune-budget', '1', '--tune-epochs', '1',
    ]
    cluster = await startLocalSlurm()
    const env = cluster.env
    const planDir = path.join(tmp, 'plan')

    const submitted = await runCli(['experiment', 'slurm', ...grid, '--out', planDir, '--cpus', '1', '--tasks-per-job', '2', '--time', '20'], env)
    expect(submitted.code, submitted.stderr).toBe(0)
    const jobs = readJobs(planDir)!
    const plan = readPlan(planDir)
    expect(jobs.submissions.map((s) => s.stage)).toEqual(plan.stages.filter((s) => s.tasks.length).map((s) => s.name))
    for (const [i, s] of jobs.submissions.entries()) expect(s.dependsOn).toEqual(jobs.submissions.slice(0, i).map((x) => x.jobId))
    expect(submitted.stdout).toMatch(/submitted job \d+: evaluate/)
    await waitForJobs(env, jobs.submissions.map((s) => s.jobId), 600_000)

    const status = await runCli(['experiment', 'status', planDir], env)
    expect(status.code, status.stderr).toBe(0)
    const total = plan.tasks.length
    expect(status.stdout, logsOf(planDir)).toContain(`total     ${total}/${total} done, 0 running, 0 queued, 0 failed, 0 not submitted`)
    for (const id of plan.tasks.map((t) => t.id)) {
      const r = JSON.parse(fs.readFileSync(taskResultPath(planDir, id), 'utf8')) as { backend: string; host: string }
      expect(r.backend, id).toMatch(/^(tensorflow|wasm|cpu)\b/) // e.g. 'wasm (1 threads)'
      expect(r.host).toBe(os.hostname())
    }
    expect(status.stdout).toMatch(/ran on: (tensorflow|wasm|cpu)\b[^,]* on /)

    const merged = await runCli(['experiment', 'merge', planDir], env)
    expect(merged.code, merged.stderr).toBe(0)
    const single = path.join(tmp, 'single')
    const one = await runCli(['experiment', ...grid, '--out', single, '--workspace', path.join(tmp, 'ws')])
    expect(one.code, one.stderr).toBe(0)
    const fromSlurm = records(planDir)
    expect(fromSlurm.length).toBeGreaterThan(0)
    expect(fromSlurm).toEqual(records(single))

    // Two evaluations lost: the same command submits just those, as an index list.
    const evaluate = plan.stages.find((s) => s.name === 'evaluate')!.tasks
    const lost = [1, evaluate.length - 1]
    for (const i of lost) fs.rmSync(taskResultPath(planDir, evaluate[i]))
    const again = await runCli(['experiment', 'slurm', '--out', planDir, '--cpus', '1'], env)
    expect(again.code, again.stderr).toBe(0)
    const after = readJobs(planDir)!
    const resubmitted = after.submissions.slice(jobs.submissions.length)
    expect(resubmitted.map((s) => [s.stage, s.elements, s.dependsOn])).toEqual([['evaluate', lost, []]])
    expect(fs.readFileSync(resubmitted[0].script, 'utf8')).toContain(`#SBATCH --array=${lost.join(',')}\n`)
    await waitForJobs(env, [resubmitted[0].jobId], 300_000)
    for (const i of lost) expect(fs.existsSync(taskResultPath(planDir, evaluate[i])), logsOf(planDir)).toBe(true)
    const remerged = await runCli(['experiment', 'merge', planDir], env)
    expect(remerged.code, remerged.stderr).toBe(0)
    expect(records(planDir)).toEqual(fromSlurm)

    // Nothing left to do: a third submission submits nothing.
    const third = await runCli(['experiment', 'slurm', '--out', planDir], env)
    expect(third.stdout).toMatch(/nothing to submit/)
    expect(readJobs(planDir)!.submissions).toHaveLength(after.submissions.length)

    // A task held in the queue is not submitted twice; cancelled, status calls it failed and the next submission reruns it.
    fs.rmSync(taskResultPath(planDir, evaluate[0]))
    const held = await runCli(['experiment', 'slurm', '--out', planDir, '--sbatch=--begin=now+1hour'], env)
    expect(held.code, held.stderr).toBe(0)
    const heldJob = readJobs(planDir)!.submissions.at(-1)!
    expect(fs.readFileSync(heldJob.script, 'utf8')).toContain('#SBATCH --begin=now+1hour\n')
    const queued = await runCli(['experiment', 'status', planDir, '--json'], env)
    const evaluateState = () =>
      (JSON.parse(queued.stdout) as { slurm: { stages: { name: string; queued: number; failed: number }[] } }).slurm.stages.find((s) => s.name === 'evaluate')!
    expect(evaluateState()).toMatchObject({ queued: 1, failed: 0 })
    expect((await runCli(['experiment', 'slurm', '--out', planDir], env)).stdout).toMatch(/nothing to submit/)
    const cancel = spawnSync('scancel', [heldJob.jobId], { env, encoding: 'utf8' })
    expect(cancel.status, cancel.stderr).toBe(0)
    await waitForJobs(env, [heldJob.jobId], 60_000)
    const cancelled = await runCli(['experiment', 'status', planDir], env)
    expect(cancelled.stdout).toMatch(new RegExp(`failed ${evaluate[0].replace(/[/]/g, '\\/')}: Slurm: CANCELLED`))
    const rerun = await runCli(['experiment', 'slurm', '--out', planDir], env)
    const rerunJob = readJobs(planDir)!.submissions.at(-1)!
    expect(rerun.stdout, rerun.stderr).toContain(`submitted job ${rerunJob.jobId}: evaluate, 1 task(s) as --array=0`)
    await waitForJobs(env, [rerunJob.jobId], 300_000)
    expect(fs.existsSync(taskResultPath(planDir, evaluate[0])), logsOf(planDir)).toBe(true)
  })
})
