/** A corpus of the configuration as a workspace dataset: a folder is imported unless a dataset already has it as its root. */
import fs from 'node:fs'
import path from 'node:path'
import { importCorpus, listDatasets } from '../corpus/index'
import { JobCancelledError } from '../jobs/registry'
import { resolveDataset } from '../model/data'
import type { Workspace } from '../store/workspace'
import type { CorpusRef } from '../../../src-shared/contract/experiments'
import type { Layout } from '../../../src-shared/contract/datasets'
import { notFound } from '../../../src-shared/errors'

const LAYOUTS: Layout[] = ['ravdess', 'cremad', 'enterface']

const isDir = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory()

/** Fails before anything is written when a corpus is neither a folder nor a dataset of the workspace. */
export function checkCorpusRef(ws: Workspace | null, c: CorpusRef): void {
  const asDir = path.resolve(c.ref)
  if (isDir(asDir)) return
  if (/[\\/]/.test(c.ref) || !ws) throw notFound(`${c.name}: folder not found: ${asDir}`)
  try {
    resolveDataset(ws, c.ref)
  } catch (err) {
    throw notFound(`${c.name}: '${c.ref}' is neither a folder nor a dataset of the workspace (${(err as Error).message})`)
  }
}

export async function resolveCorpus(
  ws: Workspace,
  c: CorpusRef,
  opts: { signal?: AbortSignal; progress?(fraction: number | null, message: string): void; threads?: number },
): Promise<{ id: number; name: string; imported: boolean }> {
  const asDir = path.resolve(c.ref)
  if (!isDir(asDir)) return { ...resolveDataset(ws, c.ref), imported: false }
  const all = listDatasets(ws)
  const have = all.find((d) => d.rootPath && path.resolve(d.rootPath) === asDir)
  if (have && have.clips > 0) return { id: have.id, name: have.name, imported: false }
  const taken = new Set(all.filter((d) => d !== have).map((d) => d.name))
  let name = have?.name ?? c.name
  for (let i = 2; taken.has(name); i++) name = `${c.name}-${i}`
  const layout = LAYOUTS.includes(c.name as Layout) ? (c.name as Layout) : undefined
  const r = await importCorpus(ws, asDir, {
    name,
    layout,
    signal: opts.signal,
    threads: opts.threads,
    onProgress: (f, m) => opts.progress?.(null, `importing ${c.name}: ${f === null ? '' : `${Math.round(100 * f)}% `}${m ?? ''}`),
  })
  if (r.cancelled) throw new JobCancelledError()
  return { id: r.datasetId, name: r.name, imported: true }
}

/** A dataset reference as its folder (cluster tasks import into scratch workspaces, so they need folders). */
export function corpusFolder(ws: Workspace | null, c: CorpusRef): string | null {
  const asDir = path.resolve(c.ref)
  if (isDir(asDir)) return asDir
  if (!ws) return null
  const d = listDatasets(ws).find((x) => String(x.id) === c.ref || x.name === c.ref)
  return d?.rootPath && isDir(d.rootPath) ? path.resolve(d.rootPath) : null
}
