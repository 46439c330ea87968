/**
 * The plan: stable task ids in four stages, dependencies only on earlier stages, the
 * selection of tasks by id, shard and Slurm array index, a clear error for a task whose
 * dependencies have not finished, atomic result files and the status read from them.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildPlan, makeConfig, readPlanStatus, runTask, shardTasks, stageTask, taskContext, writePlan } from '../../../src-main/services/experiment/index'
import { STAGES } from '../../../src-main/services/experiment/plan-format'
import { writeTaskFailure } from '../../../src-main/services/experiment/plan-io'
import { tempDir } from '../../helpers/workspace'
import { smallGrid, TWO_SOURCES } from './records'

const config = makeConfig(smallGrid({ sources: TWO_SOURCES, pretrainSeeds: 2, shots: [1, 'all'] }))
const root = tempDir('ser-exp-plan-')
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('experiment plan', () => {
  const plan = buildPlan(config, '2026-01-01T00:00:00.000Z')

  it('has stable ids in four stages, each depending only on earlier stages', () => {
    expect(plan.stages.map((s) => s.name)).toEqual([...STAGES])
    expect(buildPlan(config, '2026-01-01T00:00:00.000Z')).toEqual(plan)
    const stageOf = new Map(plan.tasks.map((t) => [t.id, STAGES.indexOf(t.stage)]))
    for (const t of plan.tasks) for (const d of t.deps) expect(stageOf.get(d)!, `${t.id} -> ${d}`).toBeLessThan(stageOf.get(t.id)!)
    expect(plan.stages.map((s) => s.tasks.length)).toEqual([3, 4, 8, 2 * 2 * (1 + 8)])
    expect(plan.stages[2].tasks).toContain('pretrain/enterface/distance/s2')
    expect(plan.stages[3].tasks).toContain('evaluate/cremad/contrastive/s1/f1/r1/kall')
    expect(plan.stages[3].tasks).toContain('evaluate/target/f0/r1/k1')
    expect(plan.tasks.find((t) => t.id === 'evaluate/cremad/contrastive/s1/f1/r1/kall')!.deps).toEqual([
      'features/cremad',
      'features/enterface',
      'features/ravdess',
      'pretrain/cremad/contrastive/s1',
      'tune/cremad/contrastive',
      'tune/cremad/distance',
    ])
  })

  it('selects tasks by shard and by a Slurm array index, with clear errors', () => {
    const shards = [1, 2, 3].map((i) => shardTasks(plan, `${i}/3`).map((t) => t.id))
    expect(shards.flat().sort()).toEqual(plan.tasks.map((t) => t.id).sort())
    expect(new Set(shards.flat()).size).toBe(plan.tasks.length)
    expect(stageTask(plan, 'pretrain', 0).id).toBe(plan.stages[2].tasks[0])
    expect(() => stageTask(plan, 'pretrain', 8)).toThrow(/stage pretrain has tasks 0\.\.7, got 8/)
    expect(() => stageTask(plan, 'train', 0)).toThrow(/unknown stage 'train'/)
    expect(() => shardTasks(plan, '4/3')).toThrow(/I must lie in 1\.\.N/)
    expect(() => shardTasks(plan, 'half')).toThrow(/expected I\/N/)
  })

  it('a task whose dependencies have not finished fails with a clear message; status counts from the task files', async () => {
    const dir = path.join(root, 'a')
    writePlan(dir, plan)
    const ctx = taskContext(dir, plan)
    await expect(runTask(ctx, 'pretrain/cremad/distance/s1')).rejects.toThrow(
      new RegExp(
        String.raw`task pretrain\/cremad\/distance\/s1 depends on 4 unfinished task\(s\): features\/cremad, features\/enterface, ` +
          String.raw`features\/ravdess, tune\/cremad\/distance; run the features and tune stage first`,
      ),
    )
    await expect(runTask(ctx, 'evaluate/nope')).rejects.toThrow(/the plan has no task 'evaluate\/nope'/)
    // A done task is skipped without looking at its inputs.
    fs.mkdirSync(path.join(dir, 'tasks'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'tasks', 'features__ravdess.json'), JSON.stringify({ id: 'features/ravdess', result: {} }))
    expect(await runTask(ctx, 'features/ravdess')).toBe('skipped')
    writeTaskFailure(dir, { id: 'features/cremad', failedAt: 'now', host: 'h', error: 'no such folder' })
    const st = readPlanStatus(dir)
    expect(st.stages[0]).toMatchObject({ name: 'features', total: 3, done: 1, failed: 1, pending: 1 })
    expect(st.stages[0].failures[0]).toMatchObject({ id: 'features/cremad', error: 'no such folder' })
    expect(st).toMatchObject({ total: plan.tasks.length, done: 1, failed: 1, merged: false })
    expect(fs.readdirSync(path.join(dir, 'tasks')).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
