/**
 * Piscina worker ('corpus-scan'): the folder walk, layout detection and the adapter's
 * import plan, off the server's main thread (a tree of 100 000 files takes seconds).
 */
import { ADAPTERS, ManifestError, type PlanEntry, type PlanOptions } from './adapters'
import { detectLayoutFromFiles, detectLayoutHere, listTree, requireFolder } from './scan'
import type { Layout, LayoutDetection } from '../../../src-shared/contract/datasets'

export type ScanTask = { op: 'detect'; dir: string } | { op: 'plan'; dir: string; layout?: Layout; opts: PlanOptions }

export type PlanResult = { ok: true; layout: Layout; detection: string; plan: PlanEntry[] } | { ok: false; reason: string }

export function planCorpus(dir: string, layout: Layout | undefined, opts: PlanOptions): PlanResult {
  const root = requireFolder(dir)
  const { files, refused } = listTree(root)
  let detection = 'layout given by the caller'
  if (!layout) {
    const d = detectLayoutFromFiles(root, files)
    if (!d.layout) return { ok: false, reason: d.reason }
    layout = d.layout
    detection = d.reason
  }
  const adapter = ADAPTERS.find((a) => a.layout === layout)
  if (!adapter) return { ok: false, reason: `no adapter for layout ${layout}` }
  let plan: PlanEntry[]
  try {
    plan = adapter.plan(root, files, opts)
  } catch (err) {
    // a manifest that cannot be parsed: its message names the file and the line
    if (err instanceof ManifestError) return { ok: false, reason: err.message }
    throw err
  }
  for (const r of refused) plan.push({ rel: r.rel, abs: r.abs, status: 'rejected', reason: r.reason })
  return { ok: true, layout, detection, plan }
}

export default function scan(task: ScanTask): LayoutDetection | PlanResult {
  return task.op === 'detect' ? detectLayoutHere(task.dir) : planCorpus(task.dir, task.layout, task.opts)
}
