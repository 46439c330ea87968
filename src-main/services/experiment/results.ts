/**
 * Result records: validation (zod), results.json / results.csv writers, aggregation
 * to mean ± sd per configuration (over folds and seeds), and the Markdown table.
 */
import fs from 'node:fs'
import path from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { ResultRecordSchema, type ResultRecord, type SummaryRow } from '../../../src-shared/contract/experiments'
import { configKey } from './grid'
import { mean, sd } from './metrics'

export const RESULTS_FORMAT = 'ser-experiment-results/1'

export function validateRecord(r: unknown): ResultRecord {
  const p = ResultRecordSchema.safeParse(r)
  if (!p.success) throw new Error(`invalid result record: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return p.data
}

/** Writes a file through a temporary name and a rename, so a reader never sees half of it. */
export function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, data)
  fs.renameSync(tmp, file)
}

/** The columns of results.csv, in order (lists joined with ';', confusion as JSON). */
export const CSV_COLUMNS = [
  'method', 'source', 'loss', 'frozen', 'shots', 'fold', 'seed', 'model', 'classes', 'n_support', 'n_test',
  'accuracy', 'uar', 'macro_f1', 'train_speakers', 'test_speakers', 'confusion', 'seconds',
] as const

export function recordsToCsv(records: ResultRecord[]): string {
  return stringify(
    records.map((r) =>
      CSV_COLUMNS.map((c) => {
        const v = r[c]
        if (v === null) return ''
        if (Array.isArray(v)) return v.join(';')
        if (typeof v === 'object') return JSON.stringify(v)
        return v
      }),
    ),
    { header: true, columns: [...CSV_COLUMNS] },
  )
}

export function writeResults(outDir: string, records: ResultRecord[], meta: Record<string, unknown>): void {
  const sorted = sortRecords(records)
  writeAtomic(path.join(outDir, 'results.json'), JSON.stringify({ format: RESULTS_FORMAT, ...meta, records: sorted }, null, 1) + '\n')
  writeAtomic(path.join(outDir, 'results.csv'), recordsToCsv(sorted))
}

export function readResults(outDir: string): ResultRecord[] {
  const raw = JSON.parse(fs.readFileSync(path.join(outDir, 'results.json'), 'utf8')) as { records: unknown[] }
  return raw.records.map(validateRecord)
}

const METHOD_ORDER = { softmax: 0, target_only: 1, finetune: 2 } as const
const shotsNum = (s: ResultRecord['shots']) => (s === 'all' ? Infinity : s)

function compareConfig(a: Omit<SummaryRow, 'key' | 'accuracy' | 'uar' | 'macro_f1'>, b: typeof a): number {
  return (
    METHOD_ORDER[a.method] - METHOD_ORDER[b.method] ||
    (a.source ?? '').localeCompare(b.source ?? '') ||
    (a.loss ?? '').localeCompare(b.loss ?? '') ||
    (a.frozen ?? -1) - (b.frozen ?? -1) ||
    shotsNum(a.shots) - shotsNum(b.shots)
  )
}

export function sortRecords(records: ResultRecord[]): ResultRecord[] {
  return [...records].sort((a, b) => compareConfig(a, b) || a.fold - b.fold || a.seed - b.seed)
}

/** Mean and sample sd over folds x seeds, one row per configuration. */
export function aggregate(records: ResultRecord[]): SummaryRow[] {
  const groups = new Map<string, ResultRecord[]>()
  for (const r of records) {
    const k = configKey(r)
    const g = groups.get(k)
    if (g) g.push(r)
    else groups.set(k, [r])
  }
  const stat = (g: ResultRecord[], f: (r: ResultRecord) => number) => {
    const v = g.map(f)
    return { mean: mean(v), sd: sd(v), n: v.length }
  }
  return [...groups.entries()]
    .map(([key, g]) => ({
      key,
      method: g[0].method,
      source: g[0].source,
      loss: g[0].loss,
      frozen: g[0].frozen,
      shots: g[0].shots,
      accuracy: stat(g, (r) => r.accuracy),
      uar: stat(g, (r) => r.uar),
      macro_f1: stat(g, (r) => r.macro_f1),
    }))
    .sort(compareConfig)
}

export function methodLabel(r: { method: string; source: string | null }): string {
  return r.method === 'finetune' ? `fine-tuned from ${r.source}` : r.method === 'target_only' ? 'target only (no pre-training)' : 'softmax classifier'
}

const pct = (s: { mean: number; sd: number }) => `${(100 * s.mean).toFixed(1)} ± ${(100 * s.sd).toFixed(1)}`

/** The summary as a Markdown table (percentages, mean ± sd over folds x seeds). */
export function markdownTable(rows: SummaryRow[]): string {
  const lines = [
    '| method | source | loss | frozen | shots | accuracy % | UAR % | macro-F1 % | n |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  ]
  for (const r of rows) {
    lines.push(
      `| ${r.method} | ${r.source ?? '-'} | ${r.loss ?? '-'} | ${r.frozen ?? '-'} | ${r.shots} | ${pct(r.accuracy)} | ${pct(r.uar)} | ${pct(r.macro_f1)} | ${r.uar.n} |`,
    )
  }
  return lines.join('\n')
}
