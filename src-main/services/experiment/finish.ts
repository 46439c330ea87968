/**
 * From a run folder's records to its outputs: results.json, results.csv, report.html,
 * and the same tables and plots for the Experiments view (loadRunDetail).
 */
import fs from 'node:fs'
import path from 'node:path'
import { EmbeddingMapSchema, type ClaimResult, type CurvePoint, type EmbeddingMap, type ExperimentConfig, type ResultRecord, type SummaryRow } from '../../../src-shared/contract/experiments'
import { evaluateClaims } from './claims'
import { expandGrid } from './grid'
import type { Plot } from './plots'
import { renderReport, type RunMeta } from './report'
import { aggregate, markdownTable, writeAtomic, writeResults, RESULTS_FORMAT } from './results'
import { readManifest, readRecords } from './state'

export const META_FILE = 'meta.json'

export interface RunOutputs {
  records: ResultRecord[]
  summary: SummaryRow[]
  claims: ClaimResult[]
  plots: Plot[]
  markdown: string
}

export function readCurves(outDir: string, config: ExperimentConfig): CurvePoint[] {
  const curves: CurvePoint[] = []
  for (const s of config.sources) {
    for (const loss of config.losses) {
      const f = path.join(outDir, 'pretrained', `${s.name}-${loss}`, 'history.json')
      if (!fs.existsSync(f)) continue
      const h = JSON.parse(fs.readFileSync(f, 'utf8')) as { epoch: number; trainLoss: number; valAccuracy: number | null }[]
      curves.push(...h.map((e) => ({ source: s.name, loss, epoch: e.epoch, trainLoss: e.trainLoss, valAccuracy: e.valAccuracy })))
    }
  }
  return curves
}

export function readEmbedding(outDir: string): EmbeddingMap | null {
  const f = path.join(outDir, 'embeddings.json')
  if (!fs.existsSync(f)) return null
  const p = EmbeddingMapSchema.safeParse(JSON.parse(fs.readFileSync(f, 'utf8')))
  return p.success ? p.data : null
}

export function readMeta(outDir: string): RunMeta | null {
  const f = path.join(outDir, META_FILE)
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as RunMeta) : null
}

/** Records in grid order (the completed ones), summary, claims and plots. */
export async function computeOutputs(outDir: string, config: ExperimentConfig, withPlots = true): Promise<RunOutputs> {
  const done = readRecords(outDir)
  const records = expandGrid(config).flatMap((t) => (done.has(t.key) ? [done.get(t.key)!] : []))
  const summary = aggregate(records)
  const claims = evaluateClaims(records)
  // Vega is loaded only where plots are drawn: importing it breaks tsx's loader in worker threads.
  const plots = withPlots ? await (await import('./plots')).buildPlots({ records, summary, claims, curves: readCurves(outDir, config), embedding: readEmbedding(outDir), shots: config.shots }) : []
  return { records, summary, claims, plots, markdown: markdownTable(summary) }
}

/** Writes results.json, results.csv and report.html from the folder's records. */
export async function writeOutputs(outDir: string, config: ExperimentConfig): Promise<RunOutputs> {
  const out = await computeOutputs(outDir, config)
  const manifest = readManifest(outDir)
  const meta = readMeta(outDir) ?? { classes: out.records[0]?.classes ?? [], datasets: [], folds: [], backend: 'unknown', createdAt: manifest?.createdAt ?? '', finishedAt: null, notes: [] }
  const finishedAt = new Date().toISOString()
  writeResults(outDir, out.records, { config, meta: { ...meta, finishedAt }, summary: out.summary, claims: out.claims })
  writeAtomic(
    path.join(outDir, 'report.html'),
    renderReport({ config, records: out.records, summary: out.summary, claims: out.claims, plots: out.plots, meta: { ...meta, createdAt: manifest?.createdAt ?? meta.createdAt, finishedAt } }),
  )
  return out
}

export { RESULTS_FORMAT }
