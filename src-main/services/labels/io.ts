/**
 * Export and import of labels. CSV/JSON cover a whole dataset (clips named by
 * relative path, matched back by content hash first); TextGrid and Audacity label
 * tracks cover one clip. Exports are returned as text (the renderer saves them);
 * an import is validated completely before anything is written, then written as
 * one undoable action. Re-importing the same file changes nothing.
 */
import crypto from 'node:crypto'
import path from 'node:path'
import type { Workspace } from '../store/workspace'
import { AnnotatorSchema, type ExportRequest, type ExportResult, type LabelImportRequest, type LabelImportResult } from '../../../src-shared/contract/labels'
import { LabelFileError, canonicalEmotion, parseAudacity, parseCsv, parseJson, writeAudacity, writeCsv, writeJson, type LabelRecord } from './formats'
import { requireDataset } from './queries'
import { once } from './requests'
import { LabelError, labelFields } from './store'
import { clipRow, datasetClips, type StoredClip } from '../store/clips'
import { requireDatasetRow } from '../store/datasets'
import { liveRows, type ExportRow } from '../store/label-queries'
import { actionRow, writeLabels } from '../store/labels'
import { layerIntervals, parseTextGrid, writeTextGrid, type TgTier } from './textgrid'

type ClipInfo = StoredClip
export type Row = ExportRow

/** Tolerance (s) for "this interval covers the whole clip" and for matching existing regions. */
const WHOLE_TOL = 0.011
const SAME_TOL = 0.001

function clipInfo(ws: Workspace, clipId: number): ClipInfo {
  const c = clipRow(ws.db, clipId)
  if (!c) throw new LabelError(`no clip with id ${clipId}`)
  return c
}

const stem = (rel: string) => path.posix.basename(rel.replace(/\\/g, '/')).replace(/\.[^.]+$/, '')
export const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_')

/** One clip's labels as a Praat TextGrid: one tier per annotator (overlapping regions on extra tiers). */
export function clipTextGrid(durationSec: number, rows: Row[]): string {
  const toInterval = intervalOf(durationSec)
  const annotators = [...new Set(rows.map((r) => r.annotator))]
  const tiers: TgTier[] = annotators.flatMap((a) => layerIntervals(a, rows.filter((r) => r.annotator === a).map(toInterval)))
  return writeTextGrid({ xmin: 0, xmax: durationSec, tiers })
}

/** One annotator's labels on a clip as an Audacity label track (a whole-clip label spans the clip). */
export function clipAudacity(durationSec: number, rows: Row[]): string {
  return writeAudacity(rows.map(intervalOf(durationSec)))
}

const intervalOf = (durationSec: number) => (r: Row) => ({ start: r.start_sec ?? 0, end: r.end_sec ?? durationSec, text: r.emotion })

export function exportLabels(ws: Workspace, req: ExportRequest): ExportResult {
  const includeCorpus = req.includeCorpus ?? false
  if (req.format === 'csv' || req.format === 'json') {
    if (req.datasetId === undefined) throw new LabelError(`${req.format} export covers a dataset: give datasetId`)
    const { name } = requireDatasetRow(ws.db, req.datasetId)
    const rows = liveRows(ws, { datasetId: req.datasetId }, req.annotator, includeCorpus)
    const records: LabelRecord[] = rows.map((r) => ({ clip: r.rel_path, contentHash: r.content_hash, ...labelFields(r) }))
    return req.format === 'csv'
      ? { filename: `${safe(name)}-labels.csv`, mimeType: 'text/csv', text: writeCsv(records), labels: records.length }
      : { filename: `${safe(name)}-labels.json`, mimeType: 'application/json', text: writeJson(name, records), labels: records.length }
  }
  if (req.clipId === undefined) throw new LabelError(`${req.format} export covers one clip: give clipId`)
  const clip = clipInfo(ws, req.clipId)
  const rows = liveRows(ws, { clipId: clip.id }, req.annotator, includeCorpus)
  if (req.format === 'audacity') {
    if (!req.annotator) throw new LabelError('an Audacity label track holds one annotator\'s labels: give annotator')
    return {
      filename: `${safe(stem(clip.rel_path))}-${safe(req.annotator)}.txt`,
      mimeType: 'text/plain',
      text: clipAudacity(clip.duration_sec, rows),
      labels: rows.length,
    }
  }
  return { filename: `${safe(stem(clip.rel_path))}.TextGrid`, mimeType: 'text/plain', text: clipTextGrid(clip.duration_sec, rows), labels: rows.length }
}

interface Incoming {
  clipId: number
  emotion: string
  startSec: number | null
  endSec: number | null
  annotator: string
}

function checkAnnotator(name: string, where: string): string {
  const r = AnnotatorSchema.safeParse(name)
  if (!r.success) throw new LabelFileError(`${where}: annotator "${name}": ${r.error.issues[0].message}`)
  return r.data
}

function fromRecords(ws: Workspace, datasetId: number, records: LabelRecord[]): Incoming[] {
  const byHash = new Map<string, ClipInfo>()
  const byPath = new Map<string, ClipInfo>()
  for (const c of datasetClips(ws.db, datasetId)) {
    byHash.set(c.content_hash, c)
    byPath.set(c.rel_path, c)
  }
  const missing: string[] = []
  const out: Incoming[] = []
  records.forEach((r, i) => {
    const c = (r.contentHash && byHash.get(r.contentHash)) || byPath.get(r.clip)
    if (!c) return void missing.push(r.clip)
    if (r.endSec !== null && r.endSec > c.duration_sec + 0.05)
      throw new LabelFileError(`label ${i + 1}: region ends at ${r.endSec} s, after the end of ${r.clip} (${c.duration_sec.toFixed(3)} s)`)
    out.push({ clipId: c.id, emotion: r.emotion, startSec: r.startSec, endSec: r.endSec, annotator: checkAnnotator(r.annotator, `label ${i + 1}`) })
  })
  if (missing.length) {
    const uniq = [...new Set(missing)]
    throw new LabelFileError(`${uniq.length} clip(s) in the file are not in this dataset: ${uniq.slice(0, 5).join(', ')}${uniq.length > 5 ? ', …' : ''}`)
  }
  return out
}

function fromTextGrid(text: string, clip: ClipInfo): Incoming[] {
  const tg = parseTextGrid(text)
  if (Math.abs(tg.xmax - clip.duration_sec) > 0.5) {
    throw new LabelFileError(`the TextGrid spans ${tg.xmin}-${tg.xmax} s but ${clip.rel_path} lasts ${clip.duration_sec.toFixed(3)} s: is it for another clip?`)
  }
  const out: Incoming[] = []
  for (const tier of tg.tiers) {
    const annotator = checkAnnotator(tier.name.replace(/#\d+$/, ''), `tier "${tier.name}"`)
    for (const iv of tier.intervals) {
      if (!iv.text.trim()) continue
      const emotion = canonicalEmotion(iv.text.trim(), `tier "${tier.name}" interval ${iv.start}-${iv.end}`)
      const whole = iv.start <= WHOLE_TOL && iv.end >= Math.min(tg.xmax, clip.duration_sec) - WHOLE_TOL
      out.push({ clipId: clip.id, emotion, startSec: whole ? null : iv.start, endSec: whole ? null : Math.min(iv.end, clip.duration_sec), annotator })
    }
  }
  return out
}

function fromAudacity(text: string, clip: ClipInfo, annotator: string): Incoming[] {
  return parseAudacity(text).map((l) => {
    if (l.end > clip.duration_sec + 0.05)
      throw new LabelFileError(`label ${l.start}-${l.end} s ends after ${clip.rel_path} (${clip.duration_sec.toFixed(3)} s)`)
    const whole = l.start <= WHOLE_TOL && l.end >= clip.duration_sec - WHOLE_TOL
    return { clipId: clip.id, emotion: l.emotion, startSec: whole ? null : l.start, endSec: whole ? null : l.end, annotator }
  })
}

export function importLabels(ws: Workspace, req: LabelImportRequest): LabelImportResult {
  const payload = { format: req.format, datasetId: req.datasetId, clipId: req.clipId, text: crypto.createHash('sha256').update(req.text).digest('hex') }
  // Ids recorded before migration 504 kept no counts: the action's rows tell how many were added.
  const legacy = (actionId: number | null): LabelImportResult => {
    const after = actionId === null ? undefined : actionRow(ws.db, actionId)?.after_ids
    return { added: after ? (JSON.parse(after) as number[]).length : 0, unchanged: 0, actionId }
  }
  const replay = (p: { actionId: number | null; result: unknown }): LabelImportResult => (p.result as LabelImportResult | undefined) ?? legacy(p.actionId)
  return once(ws, { requestId: req.requestId, annotator: req.annotator, kind: 'import', payload }, replay, () => {
    const r = applyImport(ws, req)
    return { value: r, actionId: r.actionId, result: r }
  })
}

function applyImport(ws: Workspace, req: LabelImportRequest): LabelImportResult {
  let incoming: Incoming[]
  let clipId: number | null = null
  if (req.format === 'csv' || req.format === 'json') {
    if (req.datasetId === undefined) throw new LabelError(`${req.format} import goes into a dataset: give datasetId`)
    requireDataset(ws, req.datasetId)
    incoming = fromRecords(ws, req.datasetId, req.format === 'csv' ? parseCsv(req.text) : parseJson(req.text))
  } else {
    if (req.clipId === undefined) throw new LabelError(`${req.format} import goes onto one clip: give clipId`)
    const clip = clipInfo(ws, req.clipId)
    clipId = clip.id
    incoming = req.format === 'textgrid' ? fromTextGrid(req.text, clip) : fromAudacity(req.text, clip, req.annotator)
  }
  let added = 0
  let unchanged = 0
  const action = { annotator: req.annotator, clipId, datasetId: req.datasetId ?? null, kind: 'import' as const, description: `import ${req.format}` }
  // Nothing written: the action is kept as discarded (not worth undoing).
  const result = writeLabels(ws.db, action, (w) => {
    const gone = new Set<number>()
    for (const l of incoming) {
      const rows = w.liveOf(l.clipId, l.annotator).filter((r) => !gone.has(r.id))
      if (l.startSec === null) {
        const cur = rows.filter((r) => r.start_sec === null)
        if (cur.length && cur[cur.length - 1].emotion === l.emotion) {
          unchanged++
          continue
        }
        // Removed now (not after the loop) so a later duplicate in the same file sees the new one as live.
        w.remove(cur.map((r) => r.id))
        for (const r of cur) gone.add(r.id)
      } else if (
        rows.some(
          (r) =>
            r.start_sec !== null && r.emotion === l.emotion && Math.abs(r.start_sec - l.startSec!) < SAME_TOL && Math.abs(r.end_sec! - l.endSec!) < SAME_TOL,
        )
      ) {
        unchanged++
        continue
      }
      w.add({ clipId: l.clipId, emotion: l.emotion, startSec: l.startSec, endSec: l.endSec, annotator: l.annotator, source: 'import' })
      added++
    }
  }, { discardEmpty: true })
  return { added, unchanged, actionId: added ? result.actionId : null }
}
