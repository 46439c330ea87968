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
import { ExperimentRunSchema, RunDetailSchema, StartExperimentSchema, type CorpusRef, type RunDetail } from '../../../src-shared/contract/experiments'
import { computeOutputs, getRun, listRuns, markStaleRuns } from '../../services/experiment/index'
import { activeExperimentDirs, experimentInWorker, prepareExperiment } from '../../services/experiment/jobs'
import { resolveDataset } from '../../services/model/data'
import type { Workspace } from '../../services/store/workspace'
import type { AppServices } from '../context'
import type { MediaResponse } from '../media'
import { procedure, router } from '../trpc'

const RunId = z.object({ id: z.number().int().positive() })
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"

const bad = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message })

/** A corpus is an absolute folder (imported by the run when needed) or a dataset of the workspace. */
function checkCorpus(ws: Workspace, c: CorpusRef): void {
  if (path.isAbsolute(c.ref)) {
    if (!fs.existsSync(c.ref)) throw new TRPCError({ code: 'NOT_FOUND', message: `${c.name}: folder not found: ${c.ref}` })
    if (!fs.statSync(c.ref).isDirectory()) throw bad(`${c.name}: not a folder: ${c.ref}`)
    return
  }
  if (/[\\/]/.test(c.ref)) throw bad(`${c.name}: a folder must be an absolute path, got ${c.ref}`)
  try {
    resolveDataset(ws, c.ref)
  } catch (err) {
    throw new TRPCError({ code: 'NOT_FOUND', message: `${c.name}: ${(err as Error).message}` })
  }
}

function runOrThrow(ws: Workspace, id: number) {
  const run = getRun(ws, id)
  if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `no experiment run with id ${id}` })
  return run
}

// Plots take a moment to render; a run's detail is recomputed only when its records or status change.
const detailCache = new Map<number, { stamp: string; detail: RunDetail }>()

async function runDetail(ws: Workspace, id: number): Promise<RunDetail> {
  const run = runOrThrow(ws, id)
  if (!fs.existsSync(run.outDir)) throw new TRPCError({ code: 'NOT_FOUND', message: `the run folder is gone: ${run.outDir}` })
  const recordsFile = path.join(run.outDir, 'records.jsonl')
  const stamp = `${run.status}|${fs.existsSync(recordsFile) ? fs.statSync(recordsFile).mtimeMs : 0}|${run.done}`
  const cached = detailCache.get(id)
  if (cached?.stamp === stamp) return { ...cached.detail, run }
  const out = await computeOutputs(run.outDir, run.config)
  const detail: RunDetail = {
    run,
    summary: out.summary,
    claims: out.claims,
    plots: out.plots,
    markdown: out.markdown,
    hasReport: fs.existsSync(path.join(run.outDir, 'report.html')),
  }
  detailCache.set(id, { stamp, detail })
  return detail
}

function readReport(ws: Workspace, id: number): { html: string; path: string } {
  const run = runOrThrow(ws, id)
  const file = path.join(run.outDir, 'report.html')
  if (!fs.existsSync(file)) throw new TRPCError({ code: 'NOT_FOUND', message: `run ${id} has no report yet (${run.status}); it is written when the grid finishes` })
  return { html: fs.readFileSync(file, 'utf8'), path: file }
}

/** GET /media/experiment/<id>/report.html: the report as its own page, under its own strict policy (no scripts). */
export function experimentReportMedia(services: AppServices, id: number): MediaResponse {
  try {
    const { html } = readReport(services.ws, id)
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': REPORT_CSP, 'Cache-Control': 'no-store' }, body: html }
  } catch (err) {
    return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: (err as Error).message }
  }
}

export const experimentsRouter = router({
  /** Past and running experiments, newest first (runs left 'running' by an ended process show as cancelled). */
  list: procedure.output(z.array(ExperimentRunSchema)).query(({ ctx }) => {
    markStaleRuns(ctx.services.ws, activeExperimentDirs())
    return listRuns(ctx.services.ws)
  }),
  /** Starts (or resumes) an experiment as a job; the configuration and the output folder are checked first. */
  start: procedure
    .input(StartExperimentSchema)
    .output(z.object({ jobId: z.string(), out: z.string(), total: z.number().int(), resume: z.boolean() }))
    .mutation(({ ctx, input }) => {
      const ws = ctx.services.ws
      for (const c of [...input.config.sources, input.config.target]) checkCorpus(ws, c)
      if (input.out && !path.isAbsolute(input.out)) throw bad(`the output folder must be an absolute path, got ${input.out}`)
      let prepared
      try {
        prepared = prepareExperiment(ws, input.config, input.out, input.force)
      } catch (err) {
        throw new TRPCError({ code: 'CONFLICT', message: (err as Error).message })
      }
      const title = `Experiment ${input.config.sources.map((s) => s.name).join(' + ')} → ${input.config.target.name}`
      const { id } = ctx.services.jobs.start('experiment', title, async (job) => {
        job.progress(0, prepared.resume ? `resuming ${prepared.out}` : `starting ${prepared.out}`)
        const r = await experimentInWorker(ws, input.config, prepared, input.force, job)
        job.progress(1, `${r.records} evaluations; results in ${r.outDir}`)
        return r
      })
      return { jobId: id, out: prepared.out, total: prepared.total, resume: prepared.resume }
    }),
  /** A run's summary table, verdicts and plots (SVG), from its folder (partial while it runs). */
  detail: procedure
    .input(RunId)
    .output(RunDetailSchema)
    .query(({ ctx, input }) => runDetail(ctx.services.ws, input.id)),
  /** The finished run's self-contained report.html. */
  report: procedure
    .input(RunId)
    .output(z.object({ html: z.string(), path: z.string() }))
    .query(({ ctx, input }) => readReport(ctx.services.ws, input.id)),
})
