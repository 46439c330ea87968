/**
 * Which recording session (sitting) each enrollment example comes from. Takes made in
 * one sitting share the room, the microphone and the person's state that day, so a
 * held-out figure over them says little about another day. A recording starts a new
 * session when more than SESSION_GAP_MIN minutes passed since the previous take of that
 * person; a dataset's clips of one speaker count as one session (the corpus does not say more).
 */
import { parseStamp } from '../../../src-shared/stamp'
import { SESSION_GAP_MIN } from '../../../src-shared/sittings'

export { parseStamp, SESSION_GAP_MIN }

export interface Sitting {
  key: string
  /** e.g. '1 Dec, 10:02–10:09' or 'dataset 3, speaker 1001'. */
  label: string
}

const hm = (t: number) => new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
const day = (t: number) => new Date(t).toLocaleDateString(undefined, { day: 'numeric', month: 'short' })

/** Session of each recording (by clip id), from their creation times. */
export function recordingSittings(recs: readonly { clipId: number; createdAt: string }[]): Map<number, Sitting> {
  const sorted = [...recs].map((r) => ({ id: r.clipId, t: parseStamp(r.createdAt) })).sort((a, b) => a.t - b.t)
  const groups: { id: number; t: number }[][] = []
  for (const r of sorted) {
    const g = groups.at(-1)
    if (g && r.t - g[g.length - 1].t <= SESSION_GAP_MIN * 60_000) g.push(r)
    else groups.push([r])
  }
  const out = new Map<number, Sitting>()
  groups.forEach((g, i) => {
    const label = `${day(g[0].t)}, ${hm(g[0].t)}–${hm(g[g.length - 1].t)}`
    for (const r of g) out.set(r.id, { key: `rec-${i}`, label })
  })
  return out
}

/** The distinct sessions among `keys`, in first-seen order. */
export function distinctSittings(sittings: readonly Sitting[]): Sitting[] {
  const seen = new Map<string, Sitting>()
  for (const s of sittings) if (!seen.has(s.key)) seen.set(s.key, s)
  return [...seen.values()]
}
