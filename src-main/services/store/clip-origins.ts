/**
 * Where clips come from (clips, datasets, speakers: read only): the dataset, its layout, the speaker and when the
 * clip was added. Enrollment states from these what a profile was built from (services/enroll/basis.ts).
 */
import type { Workspace } from './workspace'

export interface ClipOrigin {
  clipId: number
  dataset: string
  layout: string
  speaker: string | null
  createdAt: string
}

export function clipOrigins(ws: Workspace, clipIds: readonly number[]): ClipOrigin[] {
  const q = ws.db.prepare(
    `SELECT c.id AS clipId, d.name AS dataset, d.layout, s.code AS speaker, c.created_at AS createdAt
     FROM clips c JOIN datasets d ON d.id = c.dataset_id LEFT JOIN speakers s ON s.id = c.speaker_id WHERE c.id = ?`,
  )
  return clipIds.map((id) => q.get(id) as ClipOrigin | undefined).filter((r): r is ClipOrigin => !!r)
}
