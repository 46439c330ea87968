/**
 * A run's report.html as its own page (GET /media/experiment/<id>/report.html), under a
 * strict policy of its own (no scripts). Lives here, not in the API, so api/media.ts and
 * api/routers/experiments.ts both depend on services only (no cycle between them).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Workspace } from '../store/workspace'
import { getRun } from './runs'

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"

export interface ReportFile {
  status: 200 | 404
  html: string | null
  path: string | null
  /** Why there is no report (404). */
  message: string | null
}

export function readRunReport(ws: Workspace, id: number): ReportFile {
  const run = getRun(ws, id)
  if (!run) return { status: 404, html: null, path: null, message: `no experiment run with id ${id}` }
  const file = path.join(run.outDir, 'report.html')
  if (!fs.existsSync(file))
    return { status: 404, html: null, path: null, message: `run ${id} has no report yet (${run.status}); it is written when the grid finishes` }
  return { status: 200, html: fs.readFileSync(file, 'utf8'), path: file, message: null }
}

/** The report as a media response (the shape api/media.ts serves). */
export function experimentReportMedia(ws: Workspace, id: number): { status: number; headers: Record<string, string>; body: string } {
  const r = readRunReport(ws, id)
  if (r.status === 200)
    return {
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': REPORT_CSP, 'Cache-Control': 'no-store' },
      body: r.html!,
    }
  return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: r.message! }
}
