/**
 * The one owner of the `feature_cache` table (migration 001-core): features: keyed by (clip content hash, extractor, extractor version);
 * rows of other versions are ignored (and pruned by `pruneStale`), so a
 * version bump recomputes everything.
 */
import type { Workspace } from './workspace'

export interface CachedFeature {
  dims: number[]
  data: Float32Array
}

export function toBlob(a: Float32Array): Buffer {
  const b = Buffer.alloc(a.length * 4)
  for (let i = 0; i < a.length; i++) b.writeFloatLE(a[i], i * 4)
  return b
}

export function fromBlob(b: Buffer): Float32Array {
  const out = new Float32Array(b.length / 4)
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4)
  return out
}

export function cacheGet(ws: Workspace, contentHash: string, extractor: string, version: string): CachedFeature | null {
  const row = ws.db
    .prepare('SELECT dims, data FROM feature_cache WHERE content_hash = ? AND extractor = ? AND version = ?')
    .get(contentHash, extractor, version) as { dims: string; data: Buffer } | undefined
  return row ? { dims: JSON.parse(row.dims) as number[], data: fromBlob(row.data) } : null
}

export function cachePut(ws: Workspace, contentHash: string, extractor: string, version: string, dims: number[], data: Float32Array): void {
  ws.db
    .prepare('INSERT OR REPLACE INTO feature_cache (content_hash, extractor, version, dims, data) VALUES (?, ?, ?, ?, ?)')
    .run(contentHash, extractor, version, JSON.stringify(dims), toBlob(data))
}

/** Deletes rows of this extractor whose version is not the current one; returns how many. */
export function pruneStale(ws: Workspace, extractor: string, version: string): number {
  return ws.db.prepare('DELETE FROM feature_cache WHERE extractor = ? AND version <> ?').run(extractor, version).changes
}
