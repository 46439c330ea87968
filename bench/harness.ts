/**
 * `npm run bench`: every bench/*.bench.ts exports `bench(ctx)` returning rows.
 * Targets are ratios against references measured in the same run (Praat,
 * PyTorch, real time), so a busy machine slows both sides alike.
 */
export interface BenchRow {
  /** What was measured, e.g. "import throughput (files/s)". */
  name: string
  value: number
  unit: string
  /** A reference measured in the same run, if any. */
  reference?: { name: string; value: number }
  /** value / reference.value, or a ratio the bench defines (e.g. times real time). */
  ratio?: number
  /** The target the ratio (or value) must reach, with its direction. */
  target?: { op: '>=' | '<='; value: number; of: 'ratio' | 'value' }
  note?: string
}

/** A row whose value must stay within `reference`'s (target: value / reference <= 1). */
export function withinReference(name: string, value: number, unit: string, reference: { name: string; value: number }, note?: string): BenchRow {
  const row: BenchRow = { name, value, unit, reference, ratio: value / reference.value, target: { op: '<=', value: 1, of: 'ratio' } }
  return note === undefined ? row : { ...row, note }
}

export interface BenchContext {
  /** A scratch folder, removed after the run. */
  tmpDir: string
  /** Short mode for smoke runs (`npm run bench -- --quick`). */
  quick: boolean
  log(message: string): void
}

export type BenchModule = { bench(ctx: BenchContext): Promise<BenchRow[]> }

export function meets(row: BenchRow): boolean | null {
  if (!row.target) return null
  const v = row.target.of === 'ratio' ? row.ratio : row.value
  if (v === undefined || !Number.isFinite(v)) return false
  return row.target.op === '>=' ? v >= row.target.value : v <= row.target.value
}
