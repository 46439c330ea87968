/**
 * What a profile rests on (src-shared/contract/basis.ts): its examples by origin, their recording sessions, how
 * the figure was checked, and the base model's provenance. Sessions follow the Enroll view's rule
 * (stores/enroll-sessions.ts): a take more than SESSION_GAP_MIN minutes after the previous one starts a new
 * session; a dataset speaker's clips are one session; when whole sessions were held out, their keys count.
 */
import type { EnrollBasis } from '../../../src-shared/contract/basis'
import { SESSION_GAP_MIN } from '../../../src-shared/sittings'
import { parseStamp } from '../../../src-shared/stamp'
import { clipOrigins } from '../store/clips'
import { datasetSpeechByName } from '../store/dataset-speech'
import type { Workspace } from '../store/workspace'
import type { ModelCardData } from '../model/types'

export function enrollBasis(
  ws: Workspace,
  clipIds: readonly number[],
  sessions: Record<string, string> | null,
  base: { card: ModelCardData; demo: boolean },
): EnrollBasis {
  const origins = clipOrigins(ws.db, clipIds)
  const takes = origins.filter((o) => o.layout === 'recordings')
  const fromData = origins.filter((o) => o.layout !== 'recordings')
  const sources = [...new Set(fromData.map((o) => `${o.dataset}${o.speaker ? `, speaker ${o.speaker}` : ''}`))]
  let count: number
  if (sessions) count = new Set(clipIds.map((id) => sessions[String(id)])).size
  else {
    const times = takes.map((t) => parseStamp(t.createdAt)).sort((a, b) => a - b)
    const sittings = times.filter((t, i) => i === 0 || t - times[i - 1] > SESSION_GAP_MIN * 60_000).length
    count = sittings + sources.length
  }
  const speech = base.demo ? 'generated' : (datasetSpeechByName(ws, base.card.sourceCorpus)?.speech ?? 'unknown')
  return {
    clips: origins.length,
    takes: takes.length,
    datasetClips: fromData.length,
    sources,
    sessions: count,
    check: sessions ? 'leave-one-session-out' : 'cross-validated',
    base: { name: base.card.name, demo: base.demo, speech, corpus: base.card.sourceCorpus },
  }
}
