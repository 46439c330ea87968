/**
 * Label files other than TextGrid: CSV, JSON and Audacity label tracks. Every
 * parser is strict (unknown columns' values are kept out, unknown emotions,
 * bad numbers and reversed intervals are errors naming the line) and maps
 * emotion spellings through the corpus synonyms (anger -> angry, ...).
 */
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { z } from 'zod'
import { mapLabel } from '../corpus/labels'
import { serviceErrorClass } from '../../../src-shared/errors'

/** One label as it travels in a file: the clip is named by its relative path (and hash when known). */
export interface LabelRecord {
  clip: string
  contentHash: string | null
  emotion: string
  startSec: number | null
  endSec: number | null
  annotator: string
  source: string
  createdAt: string | null
}

export class LabelFileError extends serviceErrorClass('LabelFileError') {}

export function canonicalEmotion(raw: string, where: string): string {
  const e = mapLabel(raw)
  if (!e) throw new LabelFileError(`${where}: unknown emotion "${raw}" (expected one of neutral, calm, happy, sad, angry, fearful, disgust, surprised)`)
  return e
}

function optNumber(raw: string | undefined, what: string, where: string): number | null {
  if (raw === undefined || raw.trim() === '') return null
  const v = Number(raw)
  if (!Number.isFinite(v) || v < 0) throw new LabelFileError(`${where}: ${what} "${raw}" is not a non-negative number`)
  return v
}

function checkInterval(start: number | null, end: number | null, where: string): void {
  if ((start === null) !== (end === null)) throw new LabelFileError(`${where}: give both start and end, or neither (a whole-clip label)`)
  if (start !== null && end !== null && !(end > start)) throw new LabelFileError(`${where}: end (${end}) must be after start (${start})`)
}

const CSV_COLUMNS = ['clip', 'content_hash', 'start_sec', 'end_sec', 'emotion', 'annotator', 'source', 'created_at'] as const

export function writeCsv(records: LabelRecord[]): string {
  return stringify(
    records.map((r) => [r.clip, r.contentHash ?? '', r.startSec ?? '', r.endSec ?? '', r.emotion, r.annotator, r.source, r.createdAt ?? '']),
    { header: true, columns: [...CSV_COLUMNS], record_delimiter: '\n' },
  )
}

export function parseCsv(text: string): LabelRecord[] {
  let rows: string[][]
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: false, skip_empty_lines: true, trim: true }) as string[][]
  } catch (err) {
    throw new LabelFileError(`CSV: ${(err as Error).message}`)
  }
  if (!rows.length) throw new LabelFileError('CSV: the file is empty (a header row with clip, emotion, annotator is required)')
  const header = rows[0].map((h) => h.toLowerCase())
  for (const need of ['clip', 'emotion', 'annotator'])
    if (!header.includes(need)) throw new LabelFileError(`CSV line 1: missing column "${need}" (header: ${header.join(', ')})`)
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h))
  if (unknown.length) throw new LabelFileError(`CSV line 1: unknown column(s) ${unknown.join(', ')} (known: ${CSV_COLUMNS.join(', ')})`)
  const col = (row: string[], name: string) => {
    const i = header.indexOf(name)
    return i < 0 ? undefined : row[i]
  }
  return rows.slice(1).map((row, i) => {
    const where = `CSV line ${i + 2}`
    const clip = col(row, 'clip') ?? ''
    if (!clip) throw new LabelFileError(`${where}: empty clip`)
    const annotator = col(row, 'annotator') ?? ''
    if (!annotator) throw new LabelFileError(`${where}: empty annotator`)
    const startSec = optNumber(col(row, 'start_sec'), 'start_sec', where)
    const endSec = optNumber(col(row, 'end_sec'), 'end_sec', where)
    checkInterval(startSec, endSec, where)
    return {
      clip,
      contentHash: col(row, 'content_hash') || null,
      emotion: canonicalEmotion(col(row, 'emotion') ?? '', where),
      startSec,
      endSec,
      annotator,
      source: col(row, 'source') || 'import',
      createdAt: col(row, 'created_at') || null,
    }
  })
}

const JsonLabel = z.object({
  clip: z.string().min(1),
  contentHash: z.string().nullable().optional(),
  emotion: z.string(),
  startSec: z.number().nonnegative().nullable().optional(),
  endSec: z.number().nonnegative().nullable().optional(),
  annotator: z.string().min(1),
  source: z.string().optional(),
  createdAt: z.string().nullable().optional(),
})
const JsonFile = z.object({ format: z.literal('siamese-ser-labels'), version: z.literal(1), dataset: z.string().optional(), labels: z.array(JsonLabel) })

export function writeJson(dataset: string, records: LabelRecord[]): string {
  return JSON.stringify({ format: 'siamese-ser-labels', version: 1, dataset, labels: records }, null, 2) + '\n'
}

export function parseJson(text: string): LabelRecord[] {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new LabelFileError(`JSON: ${(err as Error).message}`)
  }
  const r = JsonFile.safeParse(raw)
  if (!r.success) {
    const i = r.error.issues[0]
    throw new LabelFileError(`JSON: ${i.path.join('.') || '(file)'}: ${i.message} (expected {"format":"siamese-ser-labels","version":1,"labels":[...]})`)
  }
  return r.data.labels.map((l, i) => {
    const where = `JSON labels[${i}]`
    const startSec = l.startSec ?? null
    const endSec = l.endSec ?? null
    checkInterval(startSec, endSec, where)
    return {
      clip: l.clip,
      contentHash: l.contentHash ?? null,
      emotion: canonicalEmotion(l.emotion, where),
      startSec,
      endSec,
      annotator: l.annotator,
      source: l.source ?? 'import',
      createdAt: l.createdAt ?? null,
    }
  })
}

/** Audacity label track: `start<TAB>end<TAB>label` per line, seconds; `\t f0 f1` lines carry spectral selections. */
export function writeAudacity(intervals: { start: number; end: number; text: string }[]): string {
  return intervals.map((iv) => `${iv.start.toFixed(6)}\t${iv.end.toFixed(6)}\t${iv.text}\n`).join('')
}

export function parseAudacity(text: string): { start: number; end: number; emotion: string }[] {
  const out: { start: number; end: number; emotion: string }[] = []
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      const where = `Audacity label line ${i + 1}`
      if (line.trim() === '') return
      if (line.startsWith('\\')) return // spectral selection of the previous label (low/high frequency)
      const f = line.split('\t')
      if (f.length < 2 || f.length > 3) throw new LabelFileError(`${where}: expected "start<TAB>end<TAB>label", found ${f.length} tab-separated field(s)`)
      const start = optNumber(f[0], 'start', where)
      const end = optNumber(f[1], 'end', where)
      if (start === null || end === null) throw new LabelFileError(`${where}: start and end are required`)
      const label = (f[2] ?? '').trim()
      if (!label) throw new LabelFileError(`${where}: empty label`)
      if (end < start) throw new LabelFileError(`${where}: end (${end}) is before start (${start})`)
      if (end === start) throw new LabelFileError(`${where}: a point label (start = end = ${start}) is not an emotion segment`)
      out.push({ start, end, emotion: canonicalEmotion(label, where) })
    })
  return out
}
