/**
 * Which clips' audio files are gone (moved or deleted since the import). Checked with
 * fs.promises.stat, a bounded number at a time: the stats run on libuv's thread pool,
 * so a dataset of 100 000 clips never blocks the server's event loop (or the UI).
 */
import fs from 'node:fs'
import type { Workspace } from '../store/workspace'
import { datasetClips, requireClipRow } from '../store/clips'
import { requireDatasetRow } from '../store/datasets'
import type { ClipAudioStatus, MissingAudio } from '../../../src-shared/contract/datasets'

/** Stats in flight at once (libuv runs 4 threads by default; more only queues). */
const IN_FLIGHT = 16
/** Missing files named in the report; the count covers all of them. */
export const MISSING_EXAMPLES = 20

/** True when `file` is not a regular file any more (gone, or replaced by a folder). */
async function gone(file: string): Promise<boolean> {
  try {
    return !(await fs.promises.stat(file)).isFile()
  } catch {
    return true
  }
}

/** For each path whether it is missing, in the same order; at most IN_FLIGHT stats at a time. */
export async function pathsMissing(paths: string[], signal?: AbortSignal): Promise<boolean[]> {
  const out = new Array<boolean>(paths.length).fill(false)
  let next = 0
  const lane = async () => {
    while (next < paths.length && !signal?.aborted) {
      const i = next++
      out[i] = await gone(paths[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, paths.length) }, lane))
  return out
}

function datasetRow(ws: Workspace, datasetId: number): { name: string; root_path: string | null } {
  return requireDatasetRow(ws.db, datasetId)
}

/** The message a person reads: how many files are gone, from where, a few names, and what to do. */
export function missingMessage(name: string, root: string | null, missing: string[], checked: number): string | null {
  if (!missing.length) return null
  const where = root ? ` from ${root}` : ''
  const shown = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ', ...' : '')
  return (
    `${missing.length} of ${checked} audio files of dataset "${name}" are missing${where} (${shown}): they were moved or deleted. ` +
    `Relink the dataset to the folder they are in now.`
  )
}

/** Counts the dataset's clips whose audio file is gone and names the first MISSING_EXAMPLES (relative paths). */
export async function missingAudio(ws: Workspace, datasetId: number, signal?: AbortSignal): Promise<MissingAudio> {
  const d = datasetRow(ws, datasetId)
  const clips = datasetClips(ws.db, datasetId)
  const flags = await pathsMissing(clips.map((c) => c.path), signal)
  const missing = clips.filter((_, i) => flags[i]).map((c) => c.rel_path)
  return {
    datasetId,
    checked: clips.length,
    missing: missing.length,
    examples: missing.slice(0, MISSING_EXAMPLES),
    message: missingMessage(d.name, d.root_path, missing, clips.length),
  }
}

/** Whether one clip's audio file is there, and the dataset to relink when it is not (the label desk's waveform). */
export async function clipAudioStatus(ws: Workspace, clipId: number): Promise<ClipAudioStatus> {
  const c = requireClipRow(ws.db, clipId)
  const d = datasetRow(ws, c.dataset_id)
  const isMissing = (await pathsMissing([c.path]))[0]
  return {
    clipId,
    datasetId: c.dataset_id,
    datasetName: d.name,
    rootPath: d.root_path,
    missing: isMissing,
    message: isMissing
      ? `the audio file ${c.rel_path} of dataset "${d.name}" is missing${d.root_path ? ` from ${d.root_path}` : ''}: it was moved or deleted. ` +
        `Relink the dataset to the folder it is in now.`
      : null,
  }
}
