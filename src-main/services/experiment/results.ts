/**
 * Result records: validation (zod), results.json / results.csv writers, aggregation
 * to mean ± sd per configuration (over folds and seeds), and the Markdown table.
 */
import fs from 'node:fs'
import path from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { ResultRecordSchema, type ResultRecord, type SummaryRow } from '../../../src-shared/contract/experiments'
import { sortRecords } from './summary'

export { aggregate, sortRecords } from './summary'

export const RESULTS_FORMAT = 'ser-experiment-results/2'

export function validateRecord(r: unknown): ResultRecord {
  const p = ResultRecordSchema.safeParse(r)
  if (!p.success) throw new Error(`invalid result record: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return p.data
}

/** Files are written through a temporary name, fsync and a rename, so a reader never sees half of one. */
export { writeDurable as writeAtomic } from './plan-io'
import { writeDurable as writeAtomic } from './plan-io'

/** The columns of results.csv, in order (lists joined with ';', confusion as JSON). */
export const CSV_COLUMNS = [
  'method',
  'source',
  'pretrain_loss',
  'finetune_loss',
  'pretrain_seed',
  'frozen',
  'shots',
  'fold',
  'seed',
  'model',
  'classes',
  'n_support',
  'n_test',
  'accuracy',
  'uar',
  'macro_f1',
  'pretrain_speakers',
  'validation_speakers',
  'tuning_speakers',
  'support_speakers',
  'test_speakers',
  'epochs',
  'confusion',
  'seconds',
  'recipe',
] as const

type Column = (typeof CSV_COLUMNS)[number]
function cell(r: ResultRecord, c: Column): unknown {
  if (c.endsWith('_speakers')) return r.speakers[c.slice(0, -'_speakers'.length) as keyof ResultRecord['speakers']].join(';')
  if (c === 'epochs') return r.diagnostics.length
  if (c === 'recipe') return r.recipe?.label ?? null
  return r[c as keyof ResultRecord]
}

export function recordsToCsv(records: ResultRecord[]): string {
  return stringify(
    records.map((r) =>
      CSV_COLUMNS.map((c) => {
        const v = cell(r, c)
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

export function methodLabel(r: { method: string; source: string | null }): string {
  return r.method === 'finetune'
    ? `fine-tuned from ${r.source}`
    : r.method === 'recommended'
      ? `recommended recipe (${r.source})`
      : r.method === 'pretrained_only'
        ? `pre-trained only (${r.source})`
        : r.method === 'target_only'
          ? 'target only (no pre-training)'
          : 'softmax classifier'
}

const p1 = (v: number) => (100 * v).toFixed(1)
/** mean [95% interval] in percent. */
export const statText = (s: { mean: number; ci: [number, number] | null; note?: string | null; perUnit?: { unit: string; value: number }[] }) =>
  s.ci
    ? `${p1(s.mean)} [${p1(s.ci[0])}, ${p1(s.ci[1])}]`
    : s.note
      ? `${p1(s.mean)} (${s.note}; ${(s.perUnit ?? []).map((u) => `${u.unit}: ${p1(u.value)}`).join(', ')})`
      : `${p1(s.mean)} [-]`

/** The summary as a Markdown table (percentages, mean and 95% interval over pre-training seeds x folds x support draws). */
export function markdownTable(rows: SummaryRow[]): string {
  const lines = [
    '| method | source | pre-train loss | fine-tune loss | frozen | shots | accuracy % | UAR % [95% CI] | macro-F1 % | n |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|',
  ]
  for (const r of rows) {
    lines.push(
      `| ${r.method} | ${r.source ?? '-'} | ${r.pretrain_loss ?? '-'} | ${r.finetune_loss ?? '-'} | ${r.frozen ?? '-'} | ${r.shots} | ${p1(r.accuracy.mean)} ` +
        `| ${statText(r.uar)} | ${p1(r.macro_f1.mean)} | ${r.uar.n} |`,
    )
  }
  return lines.join('\n')
}
