/**
 * Outputs are never rejected for their size (issue 20, item 1): `experiments.detail` of a
 * default-size grid (945 evaluations: 795 + the recommended arm; two pre-training losses; an
 * embedding map of 480 clips)
 * answers with every table, verdict and plot. The folder is recorded through the real plan,
 * task-result and merge code (test/helpers/recorded-grid.ts), only the training is skipped.
 */
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { appRouter } from '../../../src-main/api/router'
import { createCallerFactory } from '../../../src-main/api/trpc'
import { boundPlots } from '../../../src-main/services/experiment/detail'
import { JobRegistry } from '../../../src-main/services/jobs/registry'
import { RunDetailSchema } from '../../../src-shared/contract/experiments'
import { recordGridRun } from '../../helpers/recorded-grid'
import { tempDir, tempWorkspace } from '../../helpers/workspace'

const ws = tempWorkspace()
const jobs = new JobRegistry()
const caller = createCallerFactory(appRouter)({ services: { ws, jobs }, transport: 'direct' })
afterAll(() => ws.cleanup())

describe('experiments.detail at a realistic size', () => {
  it('serves the tables, verdicts and every plot of a default grid (945 evaluations)', async () => {
    const out = path.join(tempDir('ser-recorded-'), 'run')
    expect(await recordGridRun(ws, out)).toBe(945)
    const [run] = await caller.experiments.list()
    const d = await caller.experiments.detail({ id: run.id })
    expect(RunDetailSchema.safeParse(d).success).toBe(true)
    expect(d.claims).toHaveLength(4)
    expect(d.summary.length).toBe(15 * 3)
    // the embedding map alone is larger than the 100 000 characters the contract used to allow
    expect(Math.max(...d.plots.map((p) => p.svg?.length ?? 0))).toBeGreaterThan(100_000)
    expect(d.plots.every((p) => p.svg !== null && p.note === null)).toBe(true)
    expect(d.plots.length).toBeGreaterThanOrEqual(8)
  }, 600_000) // writing and rendering a whole grid: minutes when other work shares the cores

  it('sends a plot above the inline limit as a note pointing to report.html, never an error', () => {
    const [small, big] = boundPlots([{ title: 'a', svg: '<svg/>' }, { title: 'b', svg: `<svg>${'x'.repeat(2000)}</svg>` }], 1000)
    expect(small).toEqual({ title: 'a', svg: '<svg/>', note: null })
    expect(big.svg).toBeNull()
    expect(big.note).toMatch(/open the report \(report.html/)
  })
})
