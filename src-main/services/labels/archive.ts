/**
 * Whole-dataset export: every clip of a dataset as a Praat TextGrid (every
 * annotator's tier) and an Audacity label track (one annotator's labels), named
 * after the clip and laid out like the corpus (`spk1/clip.TextGrid` next to
 * `spk1/clip.txt`), in one zip (fflate). The single-clip writers of io.ts make
 * each labelled clip's files, so such a file in the zip is the file the one-clip
 * export gives; a clip nobody labelled gets a TextGrid with empty tiers (one per
 * annotator in the export, the requesting annotator at least) and an empty track,
 * ready to be labelled in Praat or Audacity.
 */
import { zipSync, strToU8 } from 'fflate'
import type { Workspace } from '../store/workspace'
import { MAX_ARCHIVE_BASE64_CHARS, type DatasetArchive, type DatasetArchiveRequest } from '../../../src-shared/contract/labels'
import { clipAudacity, clipTextGrid, safe, type Row } from './io'
import { liveRows } from '../store/label-queries'
import { datasetClips } from '../store/clips'
import { requireDatasetRow } from '../store/datasets'
import { LabelError } from './store'
import { writeTextGrid } from './textgrid'

/** The clip's path without its extension, each folder made file-system safe. */
function baseName(relPath: string): string {
  const parts = relPath.replace(/\\/g, '/').split('/').filter((p) => p && p !== '.' && p !== '..')
  const last = (parts.pop() ?? 'clip').replace(/\.[^.]+$/, '')
  return [...parts, last].map(safe).join('/')
}

/** The files of the archive, path -> text: what the zip holds (also what a folder export would write). */
export function datasetLabelFiles(
  ws: Workspace,
  req: DatasetArchiveRequest,
): { name: string; files: Map<string, string>; total: number; clips: number; textGrids: number; audacity: number; labels: number } {
  const { name } = requireDatasetRow(ws.db, req.datasetId)
  const clips = datasetClips(ws.db, req.datasetId)
  const byClip = new Map<number, Row[]>()
  for (const r of liveRows(ws, { datasetId: req.datasetId }, undefined, req.includeCorpus ?? false)) {
    const list = byClip.get(r.clip_id) ?? []
    list.push(r)
    byClip.set(r.clip_id, list)
  }
  // the tiers of an unlabelled clip's TextGrid: everyone in the export, the requesting annotator first
  const tierNames = [...new Set([req.annotator, ...[...byClip.values()].flat().map((r) => r.annotator)])]
  const files = new Map<string, string>()
  const used = new Set<string>()
  let labelled = 0
  let audacity = 0
  let labels = 0
  for (const c of clips) {
    const rows = byClip.get(c.id) ?? []
    let base = baseName(c.rel_path)
    // two clips whose names only differ in characters made safe: the second keeps its id
    if (used.has(base.toLowerCase())) base = `${base}-${c.id}`
    used.add(base.toLowerCase())
    const empty = () => writeTextGrid({ xmin: 0, xmax: c.duration_sec, tiers: tierNames.map((n) => ({ name: n, intervals: [] })) })
    files.set(`${base}.TextGrid`, rows.length ? clipTextGrid(c.duration_sec, rows) : empty())
    if (rows.length) labelled++
    labels += rows.length
    const mine = rows.filter((r) => r.annotator === req.annotator && r.source !== 'corpus')
    files.set(`${base}.txt`, clipAudacity(c.duration_sec, mine))
    if (mine.length) audacity++
  }
  return { name, files, total: clips.length, clips: labelled, textGrids: clips.length, audacity, labels }
}

export function exportDatasetArchive(ws: Workspace, req: DatasetArchiveRequest): DatasetArchive {
  const got = datasetLabelFiles(ws, req)
  if (!got.files.size) throw new LabelError(`dataset "${got.name}" has no clips to export`)
  const entries: Record<string, Uint8Array> = {}
  for (const [p, text] of got.files) entries[p] = strToU8(text)
  const zip = zipSync(entries, { level: 6 })
  const base64 = Buffer.from(zip).toString('base64')
  if (base64.length > MAX_ARCHIVE_BASE64_CHARS)
    throw new LabelError(`the label archive of "${got.name}" is ${(zip.length / 1e6).toFixed(1)} MB, more than one download carries: export per annotator`)
  return {
    filename: `${safe(got.name)}-labels.zip`,
    mimeType: 'application/zip',
    base64,
    clips: got.clips,
    total: got.total,
    textGrids: got.textGrids,
    audacity: got.audacity,
    labels: got.labels,
  }
}
