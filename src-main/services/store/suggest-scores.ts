/**
 * The owner of table suggest_scores (migration 506): what a model predicted for a clip's
 * audio, so "label next" scores a dataset it has scored before without features or network.
 * The key of a model is a hash of its folder's files (names, sizes, modification times):
 * retraining into the same folder, or a new shipped model, gives a new key.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Workspace } from './workspace'
import type { UnfamiliarVerdict } from '../../../src-shared/contract/unfamiliar'

export interface CachedScore {
  top: string
  probabilities: Record<string, number>
  unfamiliar: UnfamiliarVerdict | null
}

/** A key that changes whenever a file of the model folder changes. */
export function modelKey(dir: string): string {
  const h = crypto.createHash('sha256').update(path.resolve(dir))
  for (const name of fs.readdirSync(dir).sort()) {
    const st = fs.statSync(path.join(dir, name))
    if (st.isFile()) h.update(`\n${name}\t${st.size}\t${st.mtimeMs}`)
  }
  return h.digest('hex')
}

/** The cached scores of these clips' audio (content hashes) under this model and extractor. */
export function cachedScores(ws: Workspace, key: string, extractor: string, hashes: string[]): Map<string, CachedScore> {
  const get = ws.db.prepare('SELECT top, probabilities_json, unfamiliar_json FROM suggest_scores WHERE model_key = ? AND content_hash = ? AND extractor = ?')
  const out = new Map<string, CachedScore>()
  for (const h of new Set(hashes)) {
    const r = get.get(key, h, extractor) as { top: string; probabilities_json: string; unfamiliar_json: string | null } | undefined
    if (!r) continue
    const unfamiliar = r.unfamiliar_json === null ? null : (JSON.parse(r.unfamiliar_json) as UnfamiliarVerdict)
    out.set(h, { top: r.top, probabilities: JSON.parse(r.probabilities_json) as Record<string, number>, unfamiliar })
  }
  return out
}

export function storeScores(ws: Workspace, key: string, extractor: string, scores: ({ contentHash: string } & CachedScore)[]): void {
  const sql = 'INSERT OR REPLACE INTO suggest_scores (model_key, content_hash, extractor, top, probabilities_json, unfamiliar_json) VALUES (?, ?, ?, ?, ?, ?)'
  const put = ws.db.prepare(sql)
  ws.db.transaction(() => {
    for (const s of scores)
      put.run(key, s.contentHash, extractor, s.top, JSON.stringify(s.probabilities), s.unfamiliar === null ? null : JSON.stringify(s.unfamiliar))
  })()
}
