/**
 * Speaker-independent k-fold splits: every speaker lies in exactly one fold,
 * folds are balanced in emotion counts (greedy stratification), and the result
 * depends only on the dataset's clips and the seed.
 *
 * Algorithm: speakers in a seeded random order, then stably sorted by clip
 * count (largest first); each goes to the fold whose emotion-count vector,
 * after adding it, is closest (sum of squared differences) to the ideal
 * per-fold share total/k; ties go to the fold with fewer clips, then the lower index.
 */
import seedrandom from 'seedrandom'
import type { Workspace } from '../store/workspace'
import { noSpeakerClips, speakerLabelCounts } from '../store/clips'
import { clipFoldRows, latestSplitId, saveSplit, splitFolds, splitRow } from '../store/splits'
import type { Splits } from '../../../src-shared/contract/datasets'

interface SpeakerCounts {
  id: number
  code: string
  counts: Map<string, number>
  total: number
}

function speakerCounts(ws: Workspace, datasetId: number): { speakers: SpeakerCounts[]; unassigned: number } {
  const rows = speakerLabelCounts(ws.db, datasetId)
  const map = new Map<number, SpeakerCounts>()
  for (const r of rows) {
    const s = map.get(r.id) ?? { id: r.id, code: r.code, counts: new Map(), total: 0 }
    const e = r.e ?? 'unlabelled'
    s.counts.set(e, (s.counts.get(e) ?? 0) + r.n)
    s.total += r.n
    map.set(r.id, s)
  }
  const unassigned = noSpeakerClips(ws.db, datasetId)
  return { speakers: [...map.values()], unassigned }
}

/** Pure assignment (exported for tests): speaker index -> fold. */
export function assignFolds(speakers: { code: string; counts: Map<string, number>; total: number }[], k: number, seed: string): number[] {
  const rnd = seedrandom(`splits:${seed}`)
  const order = speakers.map((_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  order.sort((a, b) => speakers[b].total - speakers[a].total)
  const emotions = [...new Set(speakers.flatMap((s) => [...s.counts.keys()]))].sort()
  const ideal = emotions.map((e) => speakers.reduce((acc, s) => acc + (s.counts.get(e) ?? 0), 0) / k)
  const folds = Array.from({ length: k }, () => ({ counts: emotions.map(() => 0), total: 0, speakers: 0 }))
  const out = new Array<number>(speakers.length)
  for (const i of order) {
    const s = speakers[i]
    let best = -1
    let bestCost = Infinity
    for (let f = 0; f < k; f++) {
      // An empty fold is filled first, so every fold gets at least one speaker.
      const emptyPenalty = folds[f].speakers === 0 ? -1e12 : 0
      let cost = emptyPenalty
      for (let e = 0; e < emotions.length; e++) {
        const after = folds[f].counts[e] + (s.counts.get(emotions[e]) ?? 0)
        cost += (after - ideal[e]) ** 2 - (folds[f].counts[e] - ideal[e]) ** 2
      }
      if (cost < bestCost - 1e-9 || (Math.abs(cost - bestCost) <= 1e-9 && folds[f].total < folds[best].total)) {
        best = f
        bestCost = cost
      }
    }
    out[i] = best
    folds[best].speakers++
    folds[best].total += s.total
    emotions.forEach((e, j) => (folds[best].counts[j] += s.counts.get(e) ?? 0))
  }
  return out
}

export function makeSplits(ws: Workspace, datasetId: number, opts: { k: number; seed?: string }): Splits {
  const k = opts.k
  const seed = opts.seed ?? '0'
  if (!Number.isInteger(k) || k < 2) throw new Error(`k must be an integer >= 2, got ${k}`)
  const { speakers } = speakerCounts(ws, datasetId)
  if (speakers.length < k) throw new Error(`dataset ${datasetId} has ${speakers.length} speaker(s); ${k} speaker-independent folds need at least ${k}`)
  const folds = assignFolds(speakers, k, seed)
  const splitId = saveSplit(ws.db, { datasetId, k, seed }, speakers.map((s, i) => ({ speakerId: s.id, fold: folds[i] })))
  return getSplitById(ws, splitId)!
}

function getSplitById(ws: Workspace, splitId: number): Splits | null {
  const s = splitRow(ws.db, splitId)
  if (!s) return null
  const { speakers, unassigned } = speakerCounts(ws, s.dataset_id)
  const foldOf = splitFolds(ws.db, splitId)
  const folds = Array.from({ length: s.k }, (_, fold) => ({ fold, speakers: [] as string[], clips: 0, byEmotion: {} as Record<string, number> }))
  let late = 0
  for (const sp of speakers) {
    const f = foldOf.get(sp.id)
    if (f === undefined) {
      late += sp.total // speakers added after the split was made
      continue
    }
    folds[f].speakers.push(sp.code)
    folds[f].clips += sp.total
    for (const [e, n] of sp.counts) folds[f].byEmotion[e] = (folds[f].byEmotion[e] ?? 0) + n
  }
  return { splitId: s.id, datasetId: s.dataset_id, k: s.k, seed: s.seed, createdAt: s.created_at, folds, unassignedClips: unassigned + late }
}

/** The stored split for (k, seed), or the most recent one when neither is given. */
export function getSplits(ws: Workspace, datasetId: number, opts: { k?: number; seed?: string } = {}): Splits | null {
  const id = latestSplitId(ws.db, datasetId, opts)
  return id === undefined ? null : getSplitById(ws, id)
}

/** Fold of every clip of a split (clips whose speaker is not in the split are left out). */
export function clipFolds(ws: Workspace, splitId: number): { clipId: number; fold: number }[] {
  return clipFoldRows(ws.db, splitId)
}
