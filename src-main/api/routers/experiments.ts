/**
 * Experiments: start the paper's grid as a job (progress + cancel through the jobs
 * router), list past runs, and read a run's summary, verdicts, plots and report.
 * The report is also served to the browser shell at /media/experiment/<id>/report.html
 * (token-checked like every media request; see experimentReportMedia).
 */
import fs from 'node:fs'
import path from 'node:path'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { ExperimentRunSchema, RunDetailSchema, StartExperimentSchema, type RunDetail } from '../../../src-shared/contract/experiments'
import { computeOutputs, getRun, listRuns, markStaleRuns, readRunReport } from '../../services/experiment/index'
import { boundPlots } from '../../services/experiment/detail'
import { activeExperimentDirs, experimentInWorker, prepareApiExperiment } from '../../services/experiment/jobs'
import type { Workspace } from '../../services/store/workspace'
import { JobRefSchema } from '../../../src-shared/contract/jobs'
import { ServiceError } from '../../../src-shared/errors'
import { procedure, router } from '../trpc'

const RunId = z.object({ id: z.number().int().positive() })

function runOrThrow(ws: Workspace, id: number) {
  const run = getRun(ws, id)
  if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `no experiment run with id ${id}` })
  return run
}

// Plots take a moment to render; a run's detail is recomputed only when its task files or status change.
const detailCache = new Map<number, { stamp: string; detail: RunDetail }>()

async function runDetail(ws: Workspace, id: number): Promise<RunDetail> {
  const run = runOrThrow(ws, id)
  if (!fs.existsSync(run.outDir)) throw new TRPCError({ code: 'NOT_FOUND', message: `the run folder is gone: ${run.outDir}` })
  const tasks = path.join(run.outDir, 'tasks')
  const stamp = `${run.status}|${fs.existsSync(tasks) ? fs.statSync(tasks).mtimeMs : 0}|${run.done}`
  const cached = detailCache.get(id)
  if (cached?.stamp === stamp) return { ...cached.detail, run }
  if (!fs.existsSync(path.join(run.outDir, 'plan.json')))
    throw new TRPCError({ code: 'NOT_FOUND', message: `${run.outDir} holds no experiment plan (an experiment of an older version?)` })
  const out = await computeOutputs(run.outDir)
  const detail: RunDetail = {
    run,
    summary: out.summary,
    claims: out.claims,
    losses: out.losses,
    headline: out.headline,
    recommended: out.recommended,
    plots: boundPlots(out.plots),
    markdown: out.markdown,
    hasReport: fs.existsSync(path.join(run.outDir, 'report.html')),
  }
  detailCache.set(id, { stamp, detail })
  return detail
}

export const experimentsRouter = router({
  /** Past and running experiments, newest first (runs left 'running' by an ended process show as cancelled). */
  list: procedure.output(z.array(ExperimentRunSchema)).query(({ ctx }) => {
    markStaleRuns(ctx.services.ws, activeExperimentDirs())
    return listRuns(ctx.services.ws)
  }),
  /**
   * Starts (or resumes) an experiment as a job. prepareExperiment checks the configuration,
   * the grid size, the corpora (inside the workspace, a picked folder or an imported
   * dataset's root) and the output folder first.
   */
  start: procedure
    .input(StartExperimentSchema)
    .output(JobRefSchema.extend({ out: z.string(), total: z.number().int(), resume: z.boolean() }))
    .mutation(({ ctx, input }) => {
      const ws = ctx.services.ws
      let prepared
      try {
        prepared = prepareApiExperiment(ws, input.config, input.out, input.force)
      } catch (err) {
        // a missing corpus (not_found) or a busy or foreign folder (conflict) carries its code; any other refusal is the request's
        throw err instanceof ServiceError ? err : new ServiceError('invalid', (err as Error).message)
      }
      const title = `Experiment ${input.config.sources.map((s) => s.name).join(' + ')} → ${input.config.target.name}`
      const { id } = ctx.services.jobs.start('experiment', title, async (job) => {
        job.progress(0, prepared.resume ? `resuming ${prepared.out}` : `starting ${prepared.out}`)
        const r = await experimentInWorker(ws, prepared, input.force, job)
        job.progress(1, `${r.records} evaluations; results in ${r.outDir}`)
        return r
      })
      return { jobId: id, out: prepared.out, total: prepared.total, resume: prepared.resume }
    }),
  /** A run's summary table, verdicts, per-loss table and plots (SVG), from its folder (partial while it runs). */
  detail: procedure
    .input(RunId)
    .output(RunDetailSchema)
    .query(({ ctx, input }) => runDetail(ctx.services.ws, input.id)),
  /** The finished run's self-contained report.html. */
  report: procedure
    .input(RunId)
    .output(z.object({ html: z.string(), path: z.string() }))
    .query(({ ctx, input }) => {
      const r = readRunReport(ctx.services.ws, input.id)
      if (r.status !== 200) throw new TRPCError({ code: 'NOT_FOUND', message: r.message! })
      return { html: r.html!, path: r.path! }
    }),
})
