import fs from 'node:fs'
import path from 'node:path'
import { ADAPTERS } from './adapters'
import type { Layout, LayoutDetection } from '../../../src-shared/contract/datasets'

/** Every file under root, relative with '/' separators, sorted; hidden entries are left out. */
export function listFiles(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch (err) {
      throw new Error(`cannot read folder ${dir}: ${(err as Error).message}`)
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) walk(path.join(dir, e.name), r)
      else if (e.isFile()) out.push(r)
    }
  }
  walk(root, '')
  return out.sort()
}

/**
 * Which layout a folder holds, from the names alone. A manifest at the top level
 * wins; otherwise the adapter that explains the largest share of the audio files
 * (at least half) wins, the more specific corpus layouts before the generic folder one.
 */
export function detectLayoutFromFiles(root: string, files: string[]): LayoutDetection {
  const candidates = ADAPTERS.map((a) => ({ layout: a.layout as Layout, ...a.detect(root, files) }))
  const best = candidates.filter((c) => c.score >= 0.5).sort((a, b) => b.score - a.score)[0]
  if (!best) return { layout: null, score: 0, reason: `no known layout explains at least half of the files (${candidates.map((c) => `${c.layout}: ${c.reason}`).join('; ')})`, candidates }
  return { layout: best.layout, score: best.score, reason: best.reason, candidates }
}

export function detectLayout(dir: string): LayoutDetection {
  const root = path.resolve(dir)
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`not a folder: ${root}`)
  return detectLayoutFromFiles(root, listFiles(root))
}
