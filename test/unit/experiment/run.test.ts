/**
 * The plan run on generated feature sets (no audio): every record names its arm, losses,
 * base seed and the speakers of every role, and no speaker plays two roles; the same
 * plan run task by task in fresh contexts, in reverse order within each stage, cancelled
 * part-way and resumed, gives exactly the records of one uninterrupted run (a task's
 * result does not depend on which process ran it, or when).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  collectResults,
  gridSize,
  runPlan,
  runTask,
  taskContext,
} from '../../../src-main/services/experiment/index'
import { JobCancelledError } from '../../../src-main/services/jobs/registry'
import type { Plan } from '../../../src-main/services/experiment/plan-format'
import { tempDir } from '../../helpers/workspace'
import { generatedConfig, openGenerated } from './generated'

const config = generatedConfig({ pretrainSeeds: 2, shots: [2], tuneBudget: 2, tuneEpochs: 2 })
const root = tempDir('ser-exp-run-')
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
const strip = <T extends { seconds: number }>(r: T) => ({ ...r, seconds: 0 })

function open(name: string): { dir: string; plan: Plan } {
  const { plan, outDir } = openGenerated(path.join(root, name), config, 12)
  return { dir: outDir, plan }
}

describe('experiment plan run', () => {
  it('records every arm with the speakers of each role, none in two roles, and is the same however its tasks are run', async () => {
    const a = open('whole')
    await runPlan(a.dir, a.plan)
    const whole = collectResults(a.dir)
    expect(whole.records).toHaveLength(gridSize(config).evaluations)
    expect(new Set(whole.records.map((r) => r.method))).toEqual(new Set(['softmax', 'target_only', 'pretrained_only', 'finetune', 'recommended']))
    for (const r of whole.records) {
      const s = r.speakers
      expect(s.support.filter((x) => s.test.includes(x)), `${r.method} fold ${r.fold}`).toEqual([])
      const source = [...s.pretrain, ...s.validation, ...s.tuning]
      expect(new Set(source).size).toBe(source.length)
      if (r.source) expect(s.pretrain.length * s.validation.length * s.tuning.length).toBeGreaterThan(0)
      else expect(source).toEqual([])
      expect(r.n_test).toBe(2 * 3 * 4)
    }
    expect(whole.pretraining).toHaveLength(4)
    expect(whole.tuning.map((t) => t.loss).sort()).toEqual(['contrastive', 'distance'])
    // Every base of a loss reads the same tuned values; tuning speakers never pre-train.
    for (const p of whole.pretraining) expect(p.speakers.tuning).toEqual(whole.tuning[0].trainSpeakers.concat(whole.tuning[0].heldOutSpeakers).sort())
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length
    expect(mean(whole.records.filter((r) => r.method === 'finetune').map((r) => r.uar))).toBeGreaterThan(1 / 3 + 0.15)

    // Task by task, fresh context each (as separate processes would), reversed within each stage, interrupted once.
    const b = open('tasks')
    const ids = b.plan.stages.flatMap((s) => [...s.tasks].reverse())
    let n = 0
    const ctl = new AbortController()
    await expect(
      (async () => {
        for (const id of ids) {
          if (++n === 12) ctl.abort()
          await runTask(taskContext(b.dir, b.plan, { signal: ctl.signal }), id)
        }
      })(),
    ).rejects.toThrow(JobCancelledError)
    expect(collectResults(b.dir).tasksDone).toBe(11)
    for (const id of ids) await runTask(taskContext(b.dir, b.plan), id)
    const split = collectResults(b.dir)
    expect(split.records.map(strip)).toEqual(whole.records.map(strip))
    expect(split.pretraining.map(strip)).toEqual(whole.pretraining.map(strip))
  }, 300_000)
})
